package dev.arbor.period;

import java.util.Locale;

/** Length of a reporting period. */
public enum Grain {
  DAY,
  WEEK,
  MONTH,
  QUARTER;

  /** Returns the lower-case name used in config and in the output tables. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a config value such as {@code week}; returns null for an unknown name. */
  public static Grain fromKey(String key) {
    for (Grain grain : values()) {
      if (grain.key().equals(key.toLowerCase(Locale.ROOT))) {
        return grain;
      }
    }
    return null;
  }
}

package dev.arbor.planning;

import java.util.Locale;

/** Where a bet stands in the ledger. */
public enum BetStatus {
  /** Written down, not funded yet; not part of the forecast. */
  PROPOSED,
  /** Funded for its cycle, work not started. */
  FUNDED,
  /** Work in progress. */
  RUNNING,
  /** The change reached customers. */
  SHIPPED,
  /** Stopped before shipping. */
  KILLED;

  /** Returns whether the bet is part of the plan: funded, running or shipped. */
  public boolean isCommitted() {
    return this == FUNDED || this == RUNNING || this == SHIPPED;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Returns the status of a ledger value, or null when it names none. */
  public static BetStatus fromCode(String text) {
    for (BetStatus status : values()) {
      if (status.code().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return status;
      }
    }
    return null;
  }
}

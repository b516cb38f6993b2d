package dev.arbor.stats;

import java.util.Locale;

/** Lifecycle status of a hypothesis link, as kept from run to run by {@link LinkLifecycle}. */
public enum LinkStatus {
  /** Never evaluated. */
  UNTESTED,
  /** The latest evaluation had too little data. */
  INSUFFICIENT_DATA,
  /** The latest evaluation was not significant. */
  INCONCLUSIVE,
  /** The latest evaluation was significant with the expected sign, not yet often enough. */
  SUPPORTED,
  /** The latest evaluation was significant with the opposite sign. */
  CONTRADICTED,
  /** Supported in enough consecutive evaluations; kept through isolated failures. */
  VALIDATED,
  /** Validated once, then not supported in enough consecutive evaluations. */
  WEAKENED,
  /** The link became a formula; terminal for evaluations. */
  HARDENED,
  /** The link was removed from the tree; terminal. */
  PRUNED;

  /** Returns whether evaluations no longer apply to a link in this status. */
  public boolean isTerminal() {
    return this == HARDENED || this == PRUNED;
  }

  /** Returns the lower-case name used in stored tables, such as {@code insufficient_data}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the status of a lower-case code.
   *
   * @throws IllegalArgumentException if the code is null or names no status
   */
  public static LinkStatus fromCode(String code) {
    if (code != null) {
      for (LinkStatus status : values()) {
        if (status.code().equals(code)) {
          return status;
        }
      }
    }
    throw new IllegalArgumentException("Invalid link status code: " + code);
  }
}

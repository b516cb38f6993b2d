package dev.arbor.stats;

import java.time.LocalDate;

/**
 * Change of a link's lifecycle status.
 *
 * @param from status before the event
 * @param to status after the event, never equal to {@code from}
 * @param asOfDate as-of date of the evaluation or event that caused the change
 * @param reason human-readable explanation
 */
public record LinkTransition(LinkStatus from, LinkStatus to, LocalDate asOfDate, String reason) {

  /** Validates the components. */
  public LinkTransition {
    Validation.requireNonNull("from", from);
    Validation.requireNonNull("to", to);
    Validation.requireNonNull("asOfDate", asOfDate);
    Validation.requireNonNull("reason", reason);
    if (from == to) {
      throw new IllegalArgumentException("Invalid transition: from and to are both " + from);
    }
  }
}

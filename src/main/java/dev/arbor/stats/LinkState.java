package dev.arbor.stats;

import java.time.LocalDate;

/**
 * Lifecycle state of one hypothesis link between runs.
 *
 * @param status current status
 * @param consecutiveSupported evaluations in a row, up to the latest, that were SUPPORTED
 * @param consecutiveNotSupported evaluations in a row, up to the latest, that were not SUPPORTED
 * @param lastAsOfDate as-of date of the latest evaluation or lifecycle event, null only while
 *     UNTESTED
 * @param hardeningCandidate whether the link is validated with a fit high and stable enough to be
 *     considered for conversion into a formula
 */
public record LinkState(
    LinkStatus status,
    int consecutiveSupported,
    int consecutiveNotSupported,
    LocalDate lastAsOfDate,
    boolean hardeningCandidate) {

  /** Validates the invariants stated on the components. */
  public LinkState {
    Validation.requireNonNull("status", status);
    if (consecutiveSupported < 0 || consecutiveNotSupported < 0) {
      throw new IllegalArgumentException(
          "Invalid counters: "
              + consecutiveSupported
              + " supported, "
              + consecutiveNotSupported
              + " not supported, expected non-negative");
    }
    if (consecutiveSupported > 0 && consecutiveNotSupported > 0) {
      throw new IllegalArgumentException(
          "Invalid counters: both "
              + consecutiveSupported
              + " supported and "
              + consecutiveNotSupported
              + " not supported in a row");
    }
    if ((lastAsOfDate == null) != (status == LinkStatus.UNTESTED)) {
      throw new IllegalArgumentException(
          "Invalid lastAsOfDate: " + lastAsOfDate + " for status " + status);
    }
    if (hardeningCandidate && status != LinkStatus.VALIDATED) {
      throw new IllegalArgumentException(
          "Invalid hardeningCandidate: true for status " + status + ", expected VALIDATED");
    }
  }

  /** Returns the state of a link that was never evaluated. */
  public static LinkState untested() {
    return new LinkState(LinkStatus.UNTESTED, 0, 0, null, false);
  }
}

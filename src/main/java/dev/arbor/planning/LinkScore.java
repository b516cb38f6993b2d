package dev.arbor.planning;

import java.time.LocalDate;

/**
 * The latest score of a hypothesis link, read from the link_scores table.
 *
 * @param elasticity percent change of {@code to} for a 1% change of {@code from}
 * @param confidence confidence score of the link, 0 to 1; weights the link's effect
 */
public record LinkScore(
    String linkId,
    String from,
    String to,
    String grain,
    LocalDate asOf,
    Double elasticity,
    Double confidence,
    String evaluationStatus,
    String lifecycleStatus) {

  /** Returns whether the score can carry an effect: elasticity and confidence are finite numbers. */
  public boolean isUsable() {
    return elasticity != null && Double.isFinite(elasticity)
        && confidence != null && Double.isFinite(confidence);
  }
}

package dev.arbor.stats;

import static dev.arbor.stats.Validation.requireFiniteOrNull;
import static dev.arbor.stats.Validation.requireNonNull;
import static dev.arbor.stats.Validation.requireUnitIntervalOrNull;

import java.time.LocalDate;

/**
 * One evaluation of a hypothesis link, the input of {@link LinkLifecycle#apply}.
 *
 * @param asOfDate last day of the last complete period in the window that was fitted
 * @param status verdict of the evaluation
 * @param reason human-readable explanation of the verdict, never null
 * @param qValue q-value of the fit, or null when it has none
 * @param confidenceScore score in [0, 1] from {@link ConfidenceScore}
 * @param rSquared R squared at the chosen lag, or null when the fit has none
 * @param signStability sign stability at the chosen lag in [0, 1], or null when unknown
 */
public record LinkEvaluation(
    LocalDate asOfDate,
    EvaluationStatus status,
    String reason,
    Double qValue,
    double confidenceScore,
    Double rSquared,
    Double signStability) {

  /** Validates the ranges stated on the components. */
  public LinkEvaluation {
    requireNonNull("asOfDate", asOfDate);
    requireNonNull("status", status);
    requireNonNull("reason", reason);
    requireUnitIntervalOrNull("qValue", qValue);
    requireUnitIntervalOrNull("confidenceScore", confidenceScore);
    requireFiniteOrNull("rSquared", rSquared);
    requireUnitIntervalOrNull("signStability", signStability);
  }
}

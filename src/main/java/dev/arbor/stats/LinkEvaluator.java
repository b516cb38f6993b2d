package dev.arbor.stats;

import dev.arbor.tree.ExpectedSign;
import java.time.LocalDate;
import java.util.Locale;

/**
 * Classifies a link's fit as supported, contradicted, inconclusive or lacking data, and scores it.
 *
 * <ul>
 *   <li>{@link EvaluationStatus#INSUFFICIENT_DATA} when the fit has no estimates, whatever the
 *       cause (too few points, a constant series, a singular design); the reason is the fit's;
 *   <li>{@link EvaluationStatus#SUPPORTED} when {@code q <= qThreshold} and the slope agrees with
 *       the expected sign (any non-zero slope when ANY is expected);
 *   <li>{@link EvaluationStatus#CONTRADICTED} when {@code q <= qThreshold} and the slope has the
 *       opposite sign;
 *   <li>{@link EvaluationStatus#INCONCLUSIVE} otherwise, which includes a zero slope.
 * </ul>
 */
public final class LinkEvaluator {

  /** q-value at or below which a fit is significant unless set otherwise. */
  public static final double DEFAULT_Q_THRESHOLD = 0.05;

  private final double qThreshold;
  private final ConfidenceScore confidenceScore;

  /** Creates an evaluator with a q threshold of 0.05 and the default confidence score. */
  public LinkEvaluator() {
    this(DEFAULT_Q_THRESHOLD, new ConfidenceScore());
  }

  /**
   * Creates an evaluator with custom settings.
   *
   * @param qThreshold q-value at or below which a fit is significant, strictly between 0 and 1
   * @param confidenceScore score attached to every evaluation
   * @throws IllegalArgumentException if the threshold is out of range or the score is null
   */
  public LinkEvaluator(double qThreshold, ConfidenceScore confidenceScore) {
    if (!(qThreshold > 0.0 && qThreshold < 1.0)) {
      throw new IllegalArgumentException(
          "Invalid qThreshold: " + qThreshold + ", expected strictly between 0 and 1");
    }
    this.qThreshold = qThreshold;
    this.confidenceScore = Validation.requireNonNull("confidenceScore", confidenceScore);
  }

  /**
   * Evaluates a fit.
   *
   * @param asOfDate last day of the fitted window
   * @param fit the link's fit
   * @param qValue the q-value of {@code fit.lagAdjustedPValue()} within the run, or null when the
   *     fit has no estimates
   * @param expectedSign the direction the link is expected to have
   * @return the evaluation, with the fit's R squared and sign stability for the lifecycle
   * @throws IllegalArgumentException if an argument is null where not allowed, {@code qValue} is
   *     outside [0, 1], or {@code qValue} is null for a fit with estimates
   */
  public LinkEvaluation evaluate(
      LocalDate asOfDate, LinkFit fit, Double qValue, ExpectedSign expectedSign) {
    Validation.requireNonNull("asOfDate", asOfDate);
    Validation.requireNonNull("fit", fit);
    Validation.requireNonNull("expectedSign", expectedSign);
    Validation.requireUnitIntervalOrNull("qValue", qValue);
    if (fit.status().hasEstimates() && qValue == null) {
      throw new IllegalArgumentException(
          "Invalid qValue: null for a fit with status "
              + fit.status()
              + "; compute it with BenjaminiHochberg over the run's lag-adjusted p-values");
    }

    double score = confidenceScore.score(fit, qValue, expectedSign);
    if (!fit.status().hasEstimates()) {
      return new LinkEvaluation(
          asOfDate, EvaluationStatus.INSUFFICIENT_DATA, fit.reason(), null, score, null, null);
    }

    double slope = fit.slope();
    String significance =
        String.format(
            Locale.ROOT,
            "q = %.3g %s %s at lag %d, slope %.4g",
            qValue,
            qValue <= qThreshold ? "<=" : ">",
            qThreshold,
            fit.lag(),
            slope);
    EvaluationStatus status;
    String reason;
    if (qValue > qThreshold) {
      status = EvaluationStatus.INCONCLUSIVE;
      reason = significance;
    } else if (slope == 0.0) {
      status = EvaluationStatus.INCONCLUSIVE;
      reason = significance + " is zero";
    } else if (ConfidenceScore.agrees(expectedSign, slope)) {
      status = EvaluationStatus.SUPPORTED;
      reason = significance + ", expected sign " + expectedSign;
    } else {
      status = EvaluationStatus.CONTRADICTED;
      reason = significance + ", opposite to the expected sign " + expectedSign;
    }
    return new LinkEvaluation(
        asOfDate, status, reason, qValue, score, fit.rSquared(), fit.signStability());
  }
}

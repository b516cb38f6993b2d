package dev.arbor.stats;

import dev.arbor.tree.ExpectedSign;

/**
 * Confidence in a hypothesis link, a number in [0, 1] that rises with the evidence.
 *
 * <pre>
 *   score        = agreement * significance * (0.5 + 0.3 * stability + 0.2 * size)
 *   agreement    = 1 if the expected sign is ANY or sign(slope) equals it, else 0
 *   significance = 1 if q = 0, else min(1, log10(q) / log10(qFull)), with qFull = 0.001 by default
 *   stability    = sign stability of the fit, or 0.5 when unknown
 *   size         = n / (n + nHalf), with nHalf = 12 by default
 * </pre>
 *
 * <p>So a fit whose slope contradicts the expected sign, or has a zero slope, scores 0 however
 * strong it is, and a fit without a q-value scores 0. Significance is linear in {@code -log10(q)}:
 * 0 at q = 1, 0.43 at q = 0.05, 0.67 at q = 0.01, and 1 from {@code qFull} down. The bracket, from
 * 0.5 to 1, lowers the score of fits whose sign flips between sub-windows or that rest on few
 * points. The score does not decrease when q falls, stability rises or n grows, all else equal.
 */
public final class ConfidenceScore {

  /** q-value at and below which significance gets full credit unless set otherwise. */
  public static final double DEFAULT_FULL_CREDIT_Q_VALUE = 0.001;

  /** Number of points at which the size term is 0.5 unless set otherwise. */
  public static final int DEFAULT_HALF_CREDIT_POINTS = 12;

  /** Stability used when the fit has none, halfway between full agreement and none. */
  static final double UNKNOWN_STABILITY = 0.5;

  private final double fullCreditQValue;
  private final int halfCreditPoints;

  /** Creates a score with the default settings. */
  public ConfidenceScore() {
    this(DEFAULT_FULL_CREDIT_Q_VALUE, DEFAULT_HALF_CREDIT_POINTS);
  }

  /**
   * Creates a score with custom settings.
   *
   * @param fullCreditQValue q-value at and below which significance is 1, strictly between 0 and 1
   * @param halfCreditPoints number of points at which the size term is 0.5, at least 1
   * @throws IllegalArgumentException if a setting is out of range
   */
  public ConfidenceScore(double fullCreditQValue, int halfCreditPoints) {
    if (!(fullCreditQValue > 0.0 && fullCreditQValue < 1.0)) {
      throw new IllegalArgumentException(
          "Invalid fullCreditQValue: " + fullCreditQValue + ", expected strictly between 0 and 1");
    }
    if (halfCreditPoints < 1) {
      throw new IllegalArgumentException(
          "Invalid halfCreditPoints: " + halfCreditPoints + ", expected at least 1");
    }
    this.fullCreditQValue = fullCreditQValue;
    this.halfCreditPoints = halfCreditPoints;
  }

  /**
   * Scores a fit.
   *
   * @param fit the link's fit
   * @param qValue the fit's q-value from {@link BenjaminiHochberg}, or null when it has none
   * @param expectedSign the direction the link is expected to have
   * @return the score in [0, 1]
   * @throws IllegalArgumentException if {@code fit} or {@code expectedSign} is null, or {@code
   *     qValue} is outside [0, 1]
   */
  public double score(LinkFit fit, Double qValue, ExpectedSign expectedSign) {
    Validation.requireNonNull("fit", fit);
    return score(qValue, expectedSign, fit.slope(), fit.signStability(), fit.numberOfPoints());
  }

  /**
   * Scores the parts of a fit.
   *
   * @param qValue q-value in [0, 1], or null when the link has none
   * @param expectedSign the direction the link is expected to have
   * @param slope fitted slope, or null when the fit has none
   * @param signStability share of sub-windows agreeing in sign, in [0, 1], or null when unknown
   * @param numberOfPoints points of the fit, at least 0
   * @return the score in [0, 1]; 0 when {@code qValue} or {@code slope} is null
   * @throws IllegalArgumentException if {@code expectedSign} is null or a value is out of range
   */
  public double score(
      Double qValue,
      ExpectedSign expectedSign,
      Double slope,
      Double signStability,
      int numberOfPoints) {
    Validation.requireNonNull("expectedSign", expectedSign);
    Validation.requireUnitIntervalOrNull("qValue", qValue);
    Validation.requireFiniteOrNull("slope", slope);
    Validation.requireUnitIntervalOrNull("signStability", signStability);
    if (numberOfPoints < 0) {
      throw new IllegalArgumentException("Invalid numberOfPoints: " + numberOfPoints);
    }
    if (qValue == null || slope == null || !agrees(expectedSign, slope)) {
      return 0.0;
    }

    // Math.max turns the -0.0 of log10(1) / log10(qFull) into 0.0.
    double significance =
        qValue == 0.0
            ? 1.0
            : Math.max(0.0, Math.min(1.0, Math.log10(qValue) / Math.log10(fullCreditQValue)));
    double stability = signStability == null ? UNKNOWN_STABILITY : signStability;
    double size = numberOfPoints / ((double) numberOfPoints + halfCreditPoints);
    return significance * (0.5 + 0.3 * stability + 0.2 * size);
  }

  /** Returns whether a slope agrees with the expected sign; a zero slope agrees only with ANY. */
  static boolean agrees(ExpectedSign expectedSign, double slope) {
    switch (expectedSign) {
      case ANY:
        return true;
      case POSITIVE:
        return slope > 0.0;
      case NEGATIVE:
        return slope < 0.0;
      default:
        throw new AssertionError("Unhandled expected sign " + expectedSign);
    }
  }
}

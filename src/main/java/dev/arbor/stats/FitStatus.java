package dev.arbor.stats;

/** Outcome of fitting a link at one lag, or at the lag chosen among several. */
public enum FitStatus {
  /** Fitted, with every statistic set. */
  OK,
  /**
   * Fitted exactly: the residuals are zero up to rounding. Slope, R squared (1) and elasticity are
   * set, standard errors are 0, the t statistic is null and the p-value is 0 when x contributes to
   * the fit (1 when its slope is zero). Such a link usually describes an identity and may be better
   * written as a formula.
   */
  PERFECT_FIT,
  /** Fewer aligned points than the minimum, or not more points than coefficients. */
  INSUFFICIENT_DATA,
  /** x or y does not vary over the aligned points after the transform. */
  CONSTANT_SERIES,
  /** A regressor is a linear combination of the others, so the slope is not identified. */
  SINGULAR_DESIGN,
  /** The arithmetic produced NaN or an infinite value, which happens with values near 1e150. */
  NUMERICAL_FAILURE;

  /** Returns whether a fit with this status has a slope, a p-value and R squared. */
  public boolean hasEstimates() {
    return this == OK || this == PERFECT_FIT;
  }
}

package dev.arbor.stats;

/** Verdict of one evaluation of a hypothesis link, before the lifecycle's hysteresis. */
public enum EvaluationStatus {
  /** The fit produced no estimates: too few points, a constant series or a singular design. */
  INSUFFICIENT_DATA,
  /** The q-value is above the threshold, or the slope is exactly zero. */
  INCONCLUSIVE,
  /** Significant, with the expected sign (any sign when ANY is expected). */
  SUPPORTED,
  /** Significant, with the sign opposite to the expected one. */
  CONTRADICTED
}

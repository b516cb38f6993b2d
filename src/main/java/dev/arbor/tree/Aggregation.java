package dev.arbor.tree;

/**
 * Aggregation of a measure over the events of a period. COUNT and SUM give 0 for a period without
 * events; AVG and RATIO give null.
 */
public enum Aggregation {
  COUNT,
  COUNT_DISTINCT,
  SUM,
  AVG,
  /** Numerator measure divided by denominator measure, each aggregated over the period. */
  RATIO;

  public boolean isAdditive() {
    return this == COUNT || this == SUM;
  }
}

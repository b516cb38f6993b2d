package dev.arbor.tree;

/**
 * Aggregation of a measure over the events of a period. COUNT and SUM give 0 for a period without
 * events; AVG and RATIO give null.
 */
public enum Aggregation {
  COUNT,
  COUNT_DISTINCT,
  /**
   * Distinct count estimated with HyperLogLog sketches (Spark's {@code hll_sketch_agg}, lgConfigK
   * 12: relative standard error about 1.6%). One sketch per day, segment and measure is merged into
   * each period with {@code hll_union_agg}, in place of the exact per-period distinct of keys.
   */
  APPROX_COUNT_DISTINCT,
  SUM,
  AVG,
  /** Numerator measure divided by denominator measure, each aggregated over the period. */
  RATIO;

  public boolean isAdditive() {
    return this == COUNT || this == SUM;
  }
}

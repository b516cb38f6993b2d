package dev.arbor.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Transformation applied to a period-aligned metric series before a link is fitted.
 *
 * <p>A series is a list of {@code Double} in period order, where {@code null} is a missing period.
 * {@link #apply} returns a list of the same length, so index {@code t} still refers to the same
 * period. Every transform except {@link #LEVELS} compares period {@code t} with period {@code t -
 * 1}, so its value at index 0 is always missing. A result is missing, never NaN or infinite, when
 * either neighbour is missing, when the transform is undefined (percent change from zero, log of a
 * non-positive value), or when the arithmetic overflows.
 */
public enum SeriesTransform {
  /** The values themselves: {@code s(t)}. */
  LEVELS,
  /** First differences: {@code s(t) - s(t-1)}, in the unit of the series. */
  DIFFERENCES,
  /**
   * Relative changes as a fraction: {@code (s(t) - s(t-1)) / s(t-1)}, so 0.05 is a 5% rise. Missing
   * when {@code s(t-1)} is zero. The sign is reversed when {@code s(t-1)} is negative, so metrics
   * that can be negative are better fitted on {@link #DIFFERENCES}.
   */
  PERCENT_CHANGES,
  /**
   * Log returns: {@code ln s(t) - ln s(t-1)}, close to the relative change for small changes.
   * Missing when either value is zero or negative.
   */
  LOG_DIFFERENCES;

  /**
   * Applies the transform to a series.
   *
   * @param series values in period order, {@code null} for a missing period
   * @return an unmodifiable list of the same length, {@code null} where the result is missing
   * @throws IllegalArgumentException if the series is null or contains NaN or an infinite value
   */
  public List<Double> apply(List<Double> series) {
    if (series == null) {
      throw new IllegalArgumentException("Invalid series: null");
    }
    for (int t = 0; t < series.size(); t++) {
      Double value = series.get(t);
      if (value != null && !Double.isFinite(value)) {
        throw new IllegalArgumentException(
            "Invalid series value at index "
                + t
                + ": "
                + value
                + " (use null for a missing period)");
      }
    }

    List<Double> result = new ArrayList<>(series.size());
    for (int t = 0; t < series.size(); t++) {
      Double previous = t == 0 ? null : series.get(t - 1);
      result.add(transformPoint(previous, series.get(t)));
    }
    return Collections.unmodifiableList(result);
  }

  private Double transformPoint(Double previous, Double current) {
    if (this == LEVELS) {
      return current;
    }
    if (previous == null || current == null) {
      return null;
    }
    double value;
    switch (this) {
      case DIFFERENCES:
        value = current - previous;
        break;
      case PERCENT_CHANGES:
        if (previous == 0.0) {
          return null;
        }
        value = (current - previous) / previous;
        break;
      case LOG_DIFFERENCES:
        if (previous <= 0.0 || current <= 0.0) {
          return null;
        }
        value = Math.log(current) - Math.log(previous);
        break;
      default:
        throw new AssertionError("Unhandled transform " + this);
    }
    return Double.isFinite(value) ? value : null;
  }
}

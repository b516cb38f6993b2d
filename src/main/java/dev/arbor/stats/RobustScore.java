package dev.arbor.stats;

import java.util.Arrays;
import java.util.List;

/**
 * Robust z-score of a change against the same node's past changes (Iglewicz and Hoaglin's
 * modified z-score):
 *
 * <pre>
 * score = (x - median(past)) / (1.4826 * MAD),   MAD = median(|past_i - median(past)|)
 * </pre>
 *
 * 1.4826 (1 / the normal distribution's 0.75 quantile) makes the denominator estimate the standard
 * deviation for normal data, so a threshold of 3.5 flags what is 3.5 standard deviations away,
 * while a few outliers in the past barely move the median and the MAD. When more than half of the
 * past changes are equal the MAD is 0; the mean absolute deviation around the median, times
 * sqrt(pi / 2) = 1.2533, takes its place. When every past change is equal, there is no scale:
 * the score is null and a different change is flagged.
 */
public final class RobustScore {
  static final double MAD_TO_SIGMA = 1.4826;
  static final double MEAN_AD_TO_SIGMA = 1.2533;

  private RobustScore() {}

  /**
   * A scored change.
   *
   * @param score the robust z-score, or null when it is undefined (too little history, or every
   *     past change equal)
   * @param anomaly whether the change is unusual: |score| above the threshold, or different from
   *     a constant history
   */
  public record Result(Double score, boolean anomaly) {
    static final Result NONE = new Result(null, false);
  }

  /**
   * Scores {@code value} against {@code past}. Nulls in {@code past} are ignored.
   *
   * @param minHistory fewest past changes needed for a score
   * @param threshold |score| above which the change is an anomaly
   */
  public static Result score(List<Double> past, double value, int minHistory, double threshold) {
    double[] history = past.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).toArray();
    if (history.length < minHistory || history.length == 0) {
      return Result.NONE;
    }
    double median = median(history);
    double[] deviations = new double[history.length];
    double sumDeviations = 0;
    for (int i = 0; i < history.length; i++) {
      deviations[i] = Math.abs(history[i] - median);
      sumDeviations += deviations[i];
    }
    double mad = median(deviations);
    double scale;
    if (mad > 0) {
      scale = MAD_TO_SIGMA * mad;
    } else if (sumDeviations > 0) {
      scale = MEAN_AD_TO_SIGMA * sumDeviations / history.length;
    } else {
      return value == median ? new Result(0.0, false) : new Result(null, true);
    }
    double score = (value - median) / scale;
    if (!Double.isFinite(score)) {
      return new Result(null, true);
    }
    return new Result(score, Math.abs(score) > threshold);
  }

  /** Returns the median of a non-empty array; sorts a copy. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}

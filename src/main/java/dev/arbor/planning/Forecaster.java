package dev.arbor.planning;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Baseline forecasts of one series, with the model chosen by the length of its history.
 *
 * <ul>
 *   <li>No value: no forecast ({@code none}).
 *   <li>1 or 2 values: the last value ({@code naive}), without an interval, because two values
 *       cannot estimate an error.
 *   <li>3 values or more, but fewer than two full seasons: a least-squares line through the
 *       history. When its slope is significant (two-sided t-test, p &lt; 0.05) the line is
 *       extended ({@code linear_trend}); otherwise the mean of the history is used ({@code mean}),
 *       since extending a slope that may be noise adds error. Intervals are the classical
 *       regression prediction intervals (Student's t).
 *   <li>At least two full seasons without a gap at the end of the history: additive Holt-Winters
 *       ({@code holt_winters}), smoothing parameters chosen on a grid by the sum of squared
 *       one-step errors, intervals from the ETS(A,A,A) forecast variance with a normal quantile.
 * </ul>
 *
 * Null values in the history are gaps: the line and the mean skip them, Holt-Winters uses only
 * the values after the last gap.
 */
public final class Forecaster {
  static final double TREND_P_VALUE = 0.05;
  private static final double[] GRID = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

  private Forecaster() {}

  /**
   * A forecast of {@code mean.length} periods after the history.
   *
   * @param low lower end of the prediction interval per period, null where there is none
   * @param historyPeriods non-null history values the model used
   */
  public record SeriesForecast(
      String model, String reason, int historyPeriods, double[] mean, Double[] low, Double[] high) {

    /** Half the width of the interval of period {@code h} (0-based), or null. */
    public Double halfWidth(int h) {
      return low[h] == null || high[h] == null ? null : (high[h] - low[h]) / 2.0;
    }
  }

  /**
   * Forecasts {@code horizon} periods after {@code history}.
   *
   * @param seasonLength periods per season (12 for months); 0 or 1 for no seasonality
   * @param level coverage of the prediction intervals, e.g. 0.9
   */
  public static SeriesForecast forecast(List<Double> history, int horizon, int seasonLength, double level) {
    List<double[]> points = new ArrayList<>();
    for (int t = 0; t < history.size(); t++) {
      Double value = history.get(t);
      if (value != null && Double.isFinite(value)) {
        points.add(new double[] {t, value});
      }
    }
    int n = points.size();
    if (n == 0) {
      return new SeriesForecast("none", "no complete period with a value before the cycle", 0,
          new double[0], new Double[0], new Double[0]);
    }
    List<Double> tail = trailingRun(history);
    if (seasonLength > 1 && tail.size() >= 2 * seasonLength) {
      return holtWinters(tail, horizon, seasonLength, level);
    }
    if (n < 3) {
      double last = points.get(n - 1)[1];
      double[] mean = new double[horizon];
      java.util.Arrays.fill(mean, last);
      return new SeriesForecast("naive", n + " period(s) of history: too few to fit a line or "
          + "estimate an error, so the last value and no interval", n, mean, new Double[horizon],
          new Double[horizon]);
    }
    return lineOrMean(points, history.size(), horizon, seasonLength, level);
  }

  private static SeriesForecast lineOrMean(
      List<double[]> points, int length, int horizon, int seasonLength, double level) {
    int n = points.size();
    double meanT = 0;
    double meanY = 0;
    for (double[] p : points) {
      meanT += p[0];
      meanY += p[1];
    }
    meanT /= n;
    meanY /= n;
    double sxx = 0;
    double sxy = 0;
    double syy = 0;
    for (double[] p : points) {
      sxx += (p[0] - meanT) * (p[0] - meanT);
      sxy += (p[0] - meanT) * (p[1] - meanY);
      syy += (p[1] - meanY) * (p[1] - meanY);
    }
    double slope = sxy / sxx;
    double intercept = meanY - slope * meanT;
    double rss = Math.max(0.0, syy - slope * sxy);
    double lineSe = Math.sqrt(rss / (n - 2));
    double slopeSe = lineSe / Math.sqrt(sxx);
    double pValue;
    if (slopeSe == 0.0) {
      pValue = slope == 0.0 ? 1.0 : 0.0;
    } else {
      double t = Math.abs(slope / slopeSe);
      pValue = 2.0 * (1.0 - new TDistribution(n - 2).cumulativeProbability(t));
    }
    String seasons = seasonLength > 1
        ? ", fewer than two seasons (" + 2 * seasonLength + ") for Holt-Winters"
        : "";
    double[] mean = new double[horizon];
    Double[] low = new Double[horizon];
    Double[] high = new Double[horizon];
    if (pValue < TREND_P_VALUE) {
      double quantile = new TDistribution(n - 2).inverseCumulativeProbability((1 + level) / 2);
      for (int h = 0; h < horizon; h++) {
        double t = length + h;
        mean[h] = intercept + slope * t;
        double width = quantile * lineSe * Math.sqrt(1 + 1.0 / n + (t - meanT) * (t - meanT) / sxx);
        low[h] = mean[h] - width;
        high[h] = mean[h] + width;
      }
      return new SeriesForecast("linear_trend", String.format(Locale.ROOT,
          "%d periods of history%s; the slope is significant (p = %.3g), so the fitted line",
          n, seasons, pValue), n, mean, low, high);
    }
    double sd = Math.sqrt(syy / (n - 1));
    double quantile = new TDistribution(n - 1).inverseCumulativeProbability((1 + level) / 2);
    double width = quantile * sd * Math.sqrt(1 + 1.0 / n);
    for (int h = 0; h < horizon; h++) {
      mean[h] = meanY;
      low[h] = meanY - width;
      high[h] = meanY + width;
    }
    return new SeriesForecast("mean", String.format(Locale.ROOT,
        "%d periods of history%s; no significant slope (p = %.3g), so the mean of the history",
        n, seasons, pValue), n, mean, low, high);
  }

  private static SeriesForecast holtWinters(List<Double> y, int horizon, int m, double level) {
    double[] best = null;
    double bestSse = Double.POSITIVE_INFINITY;
    for (double alpha : GRID) {
      for (double beta : GRID) {
        for (double gamma : GRID) {
          double sse = new HoltWinters(y, m, alpha, beta, gamma).sse;
          if (best == null || sse < bestSse - 1e-12 * Math.max(1.0, bestSse)) {
            bestSse = sse;
            best = new double[] {alpha, beta, gamma};
          }
        }
      }
    }
    HoltWinters fit = new HoltWinters(y, m, best[0], best[1], best[2]);
    int errors = y.size() - m;
    double sigma2 = errors > 3 ? fit.sse / (errors - 3) : fit.sse / Math.max(1, errors);
    double z = new NormalDistribution().inverseCumulativeProbability((1 + level) / 2);
    double[] mean = new double[horizon];
    Double[] low = new Double[horizon];
    Double[] high = new Double[horizon];
    double sumC2 = 0;
    for (int h = 1; h <= horizon; h++) {
      if (h > 1) {
        int j = h - 1;
        double c = best[0] * (1 + j * best[1]) + (j % m == 0 ? best[2] : 0.0);
        sumC2 += c * c;
      }
      mean[h - 1] = fit.forecast(h);
      double width = z * Math.sqrt(sigma2 * (1 + sumC2));
      low[h - 1] = mean[h - 1] - width;
      high[h - 1] = mean[h - 1] + width;
    }
    return new SeriesForecast("holt_winters", String.format(Locale.ROOT,
        "%d periods of history, at least two seasons of %d: additive Holt-Winters "
            + "(alpha %.2f, beta %.2f, gamma %.2f)", y.size(), m, best[0], best[1], best[2]),
        y.size(), mean, low, high);
  }

  /** Returns the values after the last null (or non-finite value) of the history. */
  private static List<Double> trailingRun(List<Double> history) {
    int start = history.size();
    while (start > 0 && history.get(start - 1) != null && Double.isFinite(history.get(start - 1))) {
      start--;
    }
    return history.subList(start, history.size());
  }

  /**
   * Additive Holt-Winters, initialized from the first two seasons. The trend is the difference
   * between their means divided by the season length. The level at the end of the first season is
   * its mean plus half a season of trend. Each seasonal index is the first season's value minus
   * that line. Updates start at the second season, so a series that is exactly a line plus a
   * repeating season is forecast without error.
   */
  private static final class HoltWinters {
    private double levelState;
    private double trend;
    private final double[] seasonal;
    private final int m;
    private final int n;
    private double sse;

    HoltWinters(List<Double> y, int m, double alpha, double beta, double gamma) {
      this.m = m;
      this.n = y.size();
      double first = 0;
      double second = 0;
      for (int i = 0; i < m; i++) {
        first += y.get(i);
        second += y.get(m + i);
      }
      first /= m;
      second /= m;
      trend = (second - first) / m;
      levelState = first + trend * (m - 1) / 2.0;
      seasonal = new double[m];
      for (int i = 0; i < m; i++) {
        seasonal[i] = y.get(i) - (first + trend * (i - (m - 1) / 2.0));
      }
      for (int t = m; t < n; t++) {
        double observed = y.get(t);
        int s = t % m;
        double error = observed - (levelState + trend + seasonal[s]);
        sse += error * error;
        double previousLevel = levelState;
        levelState = alpha * (observed - seasonal[s]) + (1 - alpha) * (levelState + trend);
        trend = beta * (levelState - previousLevel) + (1 - beta) * trend;
        seasonal[s] = gamma * (observed - levelState) + (1 - gamma) * seasonal[s];
      }
    }

    double forecast(int h) {
      return levelState + h * trend + seasonal[(n - 1 + h) % m];
    }
  }
}

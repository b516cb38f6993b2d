package dev.arbor.stats;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Fits a hypothesis link {@code x -> y} at each lag of its range and reports the best lag.
 *
 * <p>All series are aligned lists of {@code Double}, one entry per period in period order, with
 * {@code null} for a missing period. The fitter applies the configured {@link SeriesTransform} to
 * x, y and every control, then for each lag {@code L} fits by ordinary least squares
 *
 * <pre>
 *   y(t) = a + b * x(t - L) [+ c * t] [+ sum_j g_j * control_j(t)] [+ d * y(t - 1)]
 * </pre>
 *
 * on the periods {@code t} where y, {@code x(t - L)} and every other regressor are present after
 * the transform. The trend term {@code c * t}, with {@code t} the 0-based index of the period in
 * the input lists, is included only on {@link SeriesTransform#LEVELS} and only while {@link
 * Builder#trendOnLevels} is on (the default). Controls enter at period {@code t}, unlagged. {@code
 * y(t - 1)} is the previous value of transformed y, included when {@link Builder#includeLaggedY} is
 * on.
 *
 * <p>For each lag the fitter reports a {@link LagFit}: slope, standard error, t statistic,
 * two-sided p-value (Student's t with {@code n - k} degrees of freedom, {@code k} coefficients), R
 * squared, confidence intervals, elasticity and sign stability. The elasticity is the percent
 * change in y per percent change in x:
 *
 * <ul>
 *   <li>on {@link SeriesTransform#LOG_DIFFERENCES} and {@link SeriesTransform#PERCENT_CHANGES} it
 *       is the slope itself, and its interval is the slope's interval;
 *   <li>on {@link SeriesTransform#LEVELS} and {@link SeriesTransform#DIFFERENCES} it is the
 *       elasticity at the means, {@code b * mean(x level) / mean(y level)}, with the means taken
 *       over the untransformed values of the fitted points ({@code x(t - L)} and {@code y(t)}), and
 *       its interval is the slope's interval scaled by the same factor. The means are treated as
 *       known constants, so the interval ignores their sampling error. It is null when either mean
 *       is zero.
 * </ul>
 *
 * <p>Sign stability refits the same model on rolling sub-windows of the fitted points: each window
 * contains {@code ceil(n / 2)} consecutive points, and the {@code K} window starts are spread
 * evenly from the first to the last possible start. It is the share of the windows that could be
 * fitted whose slope has the sign of the full-sample slope.
 *
 * <p>The chosen lag is the one with the smallest p-value, the smaller lag on ties. Because the best
 * of {@code m} lags is chosen, its p-value is corrected by Bonferroni: {@code min(1, m * p)}, where
 * {@code m} counts the lags that produced a p-value.
 *
 * <p>No statistic is ever NaN or infinite. Degenerate input yields a {@link FitStatus} other than
 * {@link FitStatus#OK} with a reason and null statistics; perfect fits yield {@link
 * FitStatus#PERFECT_FIT}. Instances are immutable and thread-safe.
 */
public final class LinkFitter {

  /** Transform used unless the builder sets another. */
  public static final SeriesTransform DEFAULT_TRANSFORM = SeriesTransform.DIFFERENCES;

  /** Smallest number of aligned points for a fit unless the builder sets another. */
  public static final int DEFAULT_MINIMUM_POINTS = 8;

  /** Level of the confidence intervals unless the builder sets another. */
  public static final double DEFAULT_CONFIDENCE_LEVEL = 0.95;

  /** Number of rolling sub-windows for sign stability unless the builder sets another. */
  public static final int DEFAULT_SIGN_STABILITY_WINDOWS = 4;

  private final SeriesTransform transform;
  private final int minimumPoints;
  private final boolean trendOnLevels;
  private final boolean includeLaggedY;
  private final double confidenceLevel;
  private final int signStabilityWindows;

  private LinkFitter(Builder builder) {
    this.transform = builder.transform;
    this.minimumPoints = builder.minimumPoints;
    this.trendOnLevels = builder.trendOnLevels;
    this.includeLaggedY = builder.includeLaggedY;
    this.confidenceLevel = builder.confidenceLevel;
    this.signStabilityWindows = builder.signStabilityWindows;
  }

  /** Returns a builder preset with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a fitter with every setting at its default. */
  public static LinkFitter withDefaults() {
    return new Builder().build();
  }

  /** Returns the transform applied to every series. */
  public SeriesTransform transform() {
    return transform;
  }

  /** Returns the smallest number of aligned points for a fit. */
  public int minimumPoints() {
    return minimumPoints;
  }

  /** Returns the level of the confidence intervals. */
  public double confidenceLevel() {
    return confidenceLevel;
  }

  /**
   * Fits {@code y} on {@code x} without controls at each lag from {@code lagMin} to {@code lagMax}.
   *
   * @see #fit(List, List, List, int, int)
   */
  public LinkFit fit(List<Double> x, List<Double> y, int lagMin, int lagMax) {
    return fit(x, y, List.of(), lagMin, lagMax);
  }

  /**
   * Fits {@code y} on {@code x} and the controls at each lag from {@code lagMin} to {@code lagMax}.
   *
   * @param x the link's source node, one value per period, {@code null} where missing
   * @param y the link's target node, aligned with {@code x}
   * @param controls other nodes, each aligned with {@code x}; empty for none
   * @param lagMin smallest lag in periods, at least 0
   * @param lagMax largest lag in periods, at least {@code lagMin}
   * @return the fit at the chosen lag with every lag's fit, lags beyond the series length excepted;
   *     never null
   * @throws IllegalArgumentException if a series is null, the lengths differ, a value is NaN or
   *     infinite, or the lag range is invalid
   */
  public LinkFit fit(
      List<Double> x, List<Double> y, List<List<Double>> controls, int lagMin, int lagMax) {
    validateSeries("x", x, -1);
    validateSeries("y", y, x.size());
    if (controls == null) {
      throw new IllegalArgumentException("Invalid controls: null (use an empty list)");
    }
    for (int j = 0; j < controls.size(); j++) {
      validateSeries("control " + (j + 1), controls.get(j), x.size());
    }
    if (lagMin < 0 || lagMax < lagMin) {
      throw new IllegalArgumentException(
          "Invalid lag range: " + lagMin + ".." + lagMax + ", expected 0 <= lagMin <= lagMax");
    }

    AlignedSeries series = new AlignedSeries(x, y, controls, transform);
    // No point aligns at a lag of the series length or more, so the fits stop there. This also
    // bounds the loop when lagMax is Integer.MAX_VALUE.
    int lastLag = Math.min(lagMax, Math.max(lagMin, x.size()));
    List<LagFit> lagFits = new ArrayList<>();
    for (int lag = lagMin; lag <= lastLag; lag++) {
      lagFits.add(fitLag(series, lag));
    }
    return chooseLag(lagFits);
  }

  private static void validateSeries(String name, List<Double> series, int expectedSize) {
    if (series == null) {
      throw new IllegalArgumentException("Invalid " + name + " series: null");
    }
    if (expectedSize >= 0 && series.size() != expectedSize) {
      throw new IllegalArgumentException(
          "Invalid "
              + name
              + " series length: "
              + series.size()
              + ", expected "
              + expectedSize
              + " like x");
    }
    for (int t = 0; t < series.size(); t++) {
      Double value = series.get(t);
      if (value != null && !Double.isFinite(value)) {
        throw new IllegalArgumentException(
            "Invalid " + name + " value at index " + t + ": " + value + " (use null if missing)");
      }
    }
  }

  /** Raw and transformed series of one link. */
  private record AlignedSeries(
      List<Double> rawX,
      List<Double> rawY,
      List<Double> x,
      List<Double> y,
      List<List<Double>> controls) {

    AlignedSeries(
        List<Double> rawX,
        List<Double> rawY,
        List<List<Double>> rawControls,
        SeriesTransform transform) {
      this(
          rawX,
          rawY,
          transform.apply(rawX),
          transform.apply(rawY),
          applyAll(transform, rawControls));
    }

    private static List<List<Double>> applyAll(SeriesTransform transform, List<List<Double>> raw) {
      List<List<Double>> transformed = new ArrayList<>(raw.size());
      for (List<Double> series : raw) {
        transformed.add(transform.apply(series));
      }
      return transformed;
    }

    int length() {
      return y.size();
    }
  }

  /**
   * Regression data of one lag: the design matrix with its intercept column, the responses, and the
   * untransformed levels of x and y for the elasticity.
   */
  private record Design(
      double[][] rows,
      double[] responses,
      double[] xLevels,
      double[] yLevels,
      List<String> columnNames) {

    int points() {
      return responses.length;
    }

    int coefficients() {
      return columnNames.size();
    }

    Design window(int start, int length) {
      double[][] windowRows = new double[length][];
      double[] windowResponses = new double[length];
      for (int i = 0; i < length; i++) {
        windowRows[i] = rows[start + i];
        windowResponses[i] = responses[start + i];
      }
      return new Design(windowRows, windowResponses, null, null, columnNames);
    }
  }

  private boolean includesTrend() {
    return transform == SeriesTransform.LEVELS && trendOnLevels;
  }

  private Design buildDesign(AlignedSeries series, int lag) {
    List<String> columnNames = new ArrayList<>();
    columnNames.add("intercept");
    columnNames.add(lag == 0 ? "x(t)" : "x(t-" + lag + ")");
    if (includesTrend()) {
      columnNames.add("trend");
    }
    for (int j = 0; j < series.controls().size(); j++) {
      columnNames.add("control " + (j + 1));
    }
    if (includeLaggedY) {
      columnNames.add("y(t-1)");
    }

    List<double[]> rows = new ArrayList<>();
    List<Double> responses = new ArrayList<>();
    List<Double> xLevels = new ArrayList<>();
    List<Double> yLevels = new ArrayList<>();
    for (int t = lag; t < series.length(); t++) {
      double[] row = buildRow(series, lag, t, columnNames.size());
      if (row != null) {
        rows.add(row);
        responses.add(series.y().get(t));
        xLevels.add(series.rawX().get(t - lag));
        yLevels.add(series.rawY().get(t));
      }
    }
    return new Design(
        rows.toArray(new double[0][]),
        toArray(responses),
        toArray(xLevels),
        toArray(yLevels),
        List.copyOf(columnNames));
  }

  /** Returns the design row of period {@code t}, or null when any of its values is missing. */
  private double[] buildRow(AlignedSeries series, int lag, int t, int columns) {
    Double response = series.y().get(t);
    Double source = series.x().get(t - lag);
    if (response == null || source == null) {
      return null;
    }
    double[] row = new double[columns];
    int column = 0;
    row[column++] = 1.0;
    row[column++] = source;
    if (includesTrend()) {
      row[column++] = t;
    }
    for (List<Double> control : series.controls()) {
      Double value = control.get(t);
      if (value == null) {
        return null;
      }
      row[column++] = value;
    }
    if (includeLaggedY) {
      Double previous = t == 0 ? null : series.y().get(t - 1);
      if (previous == null) {
        return null;
      }
      row[column] = previous;
    }
    return row;
  }

  private static double[] toArray(List<Double> values) {
    double[] array = new double[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }

  private LagFit fitLag(AlignedSeries series, int lag) {
    Design design = buildDesign(series, lag);
    int points = design.points();
    String where = " after " + transform + " at lag " + lag;

    if (points < minimumPoints) {
      return LagFit.failed(
          lag,
          FitStatus.INSUFFICIENT_DATA,
          points + " aligned points" + where + ", minimum " + minimumPoints,
          points);
    }
    if (points <= design.coefficients()) {
      return LagFit.failed(
          lag,
          FitStatus.INSUFFICIENT_DATA,
          points
              + " aligned points"
              + where
              + " for "
              + design.coefficients()
              + " coefficients, need at least "
              + (design.coefficients() + 1),
          points);
    }
    double[] sourceValues = column(design, 1);
    if (isConstant(sourceValues)) {
      return LagFit.failed(
          lag,
          FitStatus.CONSTANT_SERIES,
          "x is constant" + where + " (all " + points + " points equal " + sourceValues[0] + ")",
          points);
    }
    if (isConstant(design.responses())) {
      return LagFit.failed(
          lag,
          FitStatus.CONSTANT_SERIES,
          "y is constant"
              + where
              + " (all "
              + points
              + " points equal "
              + design.responses()[0]
              + ")",
          points);
    }

    LeastSquares.Outcome outcome = LeastSquares.fit(design.rows(), design.responses());
    if (outcome instanceof LeastSquares.Singular singular) {
      int dependent = singular.dependentColumn();
      return LagFit.failed(
          lag,
          FitStatus.SINGULAR_DESIGN,
          "design matrix is singular"
              + where
              + ": "
              + design.columnNames().get(dependent)
              + " is a linear combination of "
              + String.join(", ", design.columnNames().subList(0, dependent)),
          points);
    }
    LagFit fit = summarize(lag, design, (LeastSquares.Solved) outcome, where);
    return fit != null
        ? fit
        : LagFit.failed(
            lag,
            FitStatus.NUMERICAL_FAILURE,
            "non-finite statistics" + where + "; values near 1e150 or beyond overflow",
            points);
  }

  private static double[] column(Design design, int index) {
    double[] values = new double[design.points()];
    for (int i = 0; i < values.length; i++) {
      values[i] = design.rows()[i][index];
    }
    return values;
  }

  /**
   * Returns whether the spread of the values is at most {@link LeastSquares#RELATIVE_TOLERANCE}
   * times their largest magnitude, which treats rounding noise on a constant as constant.
   */
  private static boolean isConstant(double[] values) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double maxMagnitude = 0.0;
    for (double value : values) {
      min = Math.min(min, value);
      max = Math.max(max, value);
      maxMagnitude = Math.max(maxMagnitude, Math.abs(value));
    }
    return max - min <= LeastSquares.RELATIVE_TOLERANCE * maxMagnitude;
  }

  /** Returns the statistics of a solved fit, or null when any of them is not finite. */
  private LagFit summarize(int lag, Design design, LeastSquares.Solved solved, String where) {
    int points = design.points();
    int degreesOfFreedom = solved.degreesOfFreedom();
    double intercept = solved.coefficients()[0];
    double slope = solved.coefficients()[1];
    double standardError = solved.standardErrors()[1];
    TDistribution studentT = new TDistribution(null, degreesOfFreedom);

    Double tStatistic;
    double pValue;
    double halfWidth;
    FitStatus status;
    String reason;
    if (solved.perfectFit()) {
      status = FitStatus.PERFECT_FIT;
      tStatistic = null;
      pValue = sourceContributes(design, slope, solved.totalSumOfSquares()) ? 0.0 : 1.0;
      halfWidth = 0.0;
      reason =
          "perfect fit of "
              + points
              + " points"
              + where
              + ": residuals are zero, so standard errors are 0 and the t statistic is undefined";
    } else {
      status = FitStatus.OK;
      double t = slope / standardError;
      tStatistic = t;
      // The lower tail at -|t| keeps precision where 1 - cdf(|t|) would round to 0.
      pValue = Math.min(1.0, 2.0 * studentT.cumulativeProbability(-Math.abs(t)));
      double critical = studentT.inverseCumulativeProbability(0.5 + confidenceLevel / 2.0);
      halfWidth = critical * standardError;
      reason = "fitted " + points + " points" + where;
    }

    double slopeLower = slope - halfWidth;
    double slopeUpper = slope + halfWidth;
    Double elasticity = null;
    Double elasticityLower = null;
    Double elasticityUpper = null;
    Double elasticityFactor = elasticityFactor(design);
    if (elasticityFactor != null) {
      double first = slopeLower * elasticityFactor;
      double second = slopeUpper * elasticityFactor;
      elasticity = slope * elasticityFactor;
      elasticityLower = Math.min(first, second);
      elasticityUpper = Math.max(first, second);
    }

    double[] statistics = {
      intercept,
      slope,
      standardError,
      slopeLower,
      slopeUpper,
      pValue,
      solved.rSquared(),
      tStatistic == null ? 0.0 : tStatistic,
      elasticity == null ? 0.0 : elasticity,
      elasticityLower == null ? 0.0 : elasticityLower,
      elasticityUpper == null ? 0.0 : elasticityUpper
    };
    for (double statistic : statistics) {
      if (!Double.isFinite(statistic)) {
        return null;
      }
    }
    return new LagFit(
        lag,
        status,
        reason,
        points,
        degreesOfFreedom,
        intercept,
        slope,
        standardError,
        slopeLower,
        slopeUpper,
        tStatistic,
        pValue,
        solved.rSquared(),
        elasticity,
        elasticityLower,
        elasticityUpper,
        signStability(design, slope));
  }

  /**
   * Returns whether x moves y in a perfect fit: the part of y's variation that {@code b * x}
   * carries exceeds {@link LeastSquares#RELATIVE_TOLERANCE} times y's own variation.
   */
  private static boolean sourceContributes(Design design, double slope, double totalSumOfSquares) {
    double[] source = column(design, 1);
    double mean = 0.0;
    for (double value : source) {
      mean += value;
    }
    mean /= source.length;
    double squares = 0.0;
    for (double value : source) {
      squares += (value - mean) * (value - mean);
    }
    return Math.abs(slope) * Math.sqrt(squares)
        > LeastSquares.RELATIVE_TOLERANCE * Math.sqrt(totalSumOfSquares);
  }

  /**
   * Returns the factor that turns the slope into an elasticity, or null when the elasticity at the
   * means is undefined because a mean level is zero.
   */
  private Double elasticityFactor(Design design) {
    if (transform == SeriesTransform.LOG_DIFFERENCES
        || transform == SeriesTransform.PERCENT_CHANGES) {
      return 1.0;
    }
    double meanX = mean(design.xLevels());
    double meanY = mean(design.yLevels());
    if (meanX == 0.0 || meanY == 0.0) {
      return null;
    }
    return meanX / meanY;
  }

  private static double mean(double[] values) {
    double sum = 0.0;
    for (double value : values) {
      sum += value;
    }
    return sum / values.length;
  }

  /**
   * Returns the share of rolling sub-windows whose slope has the sign of {@code slope}, or null
   * when no window has more points than coefficients or every window is singular. A zero slope
   * matches no window.
   */
  private Double signStability(Design design, double slope) {
    int points = design.points();
    int windowLength = (points + 1) / 2;
    if (windowLength <= design.coefficients()) {
      return null;
    }
    Set<Integer> starts = new LinkedHashSet<>();
    for (int j = 0; j < signStabilityWindows; j++) {
      starts.add(
          (int) Math.round(j * (points - windowLength) / (double) (signStabilityWindows - 1)));
    }

    int fitted = 0;
    int agreeing = 0;
    for (int start : starts) {
      Design window = design.window(start, windowLength);
      LeastSquares.Outcome outcome = LeastSquares.fit(window.rows(), window.responses());
      if (outcome instanceof LeastSquares.Solved solved) {
        fitted++;
        double windowSlope = solved.coefficients()[1];
        if (slope != 0.0 && Math.signum(windowSlope) == Math.signum(slope)) {
          agreeing++;
        }
      }
    }
    return fitted == 0 ? null : agreeing / (double) fitted;
  }

  private LinkFit chooseLag(List<LagFit> lagFits) {
    LagFit best = null;
    int lagsTested = 0;
    for (LagFit fit : lagFits) {
      if (fit.pValue() != null) {
        lagsTested++;
        if (best == null || fit.pValue() < best.pValue()) {
          best = fit;
        }
      }
    }
    if (best == null) {
      LagFit reported = lagFits.get(0);
      for (LagFit fit : lagFits) {
        if (fit.numberOfPoints() > reported.numberOfPoints()) {
          reported = fit;
        }
      }
      return LinkFit.failed(reported, transform, confidenceLevel, lagFits);
    }

    double adjusted = Math.min(1.0, lagsTested * best.pValue());
    String reason =
        String.format(
            Locale.ROOT,
            "%s; lag %d has the smallest p-value (%.3g) of %d lag(s) with a p-value,"
                + " Bonferroni-adjusted to %.3g",
            best.reason(),
            best.lag(),
            best.pValue(),
            lagsTested,
            adjusted);
    return LinkFit.chosen(best, reason, transform, confidenceLevel, lagsTested, adjusted, lagFits);
  }

  /** Settings of a {@link LinkFitter}; every setter validates its argument at once. */
  public static final class Builder {
    private SeriesTransform transform = DEFAULT_TRANSFORM;
    private int minimumPoints = DEFAULT_MINIMUM_POINTS;
    private boolean trendOnLevels = true;
    private boolean includeLaggedY = false;
    private double confidenceLevel = DEFAULT_CONFIDENCE_LEVEL;
    private int signStabilityWindows = DEFAULT_SIGN_STABILITY_WINDOWS;

    private Builder() {}

    /** Sets the transform applied to x, y and the controls; default DIFFERENCES. */
    public Builder transform(SeriesTransform transform) {
      if (transform == null) {
        throw new IllegalArgumentException("Invalid transform: null");
      }
      this.transform = transform;
      return this;
    }

    /** Sets the smallest number of aligned points for a fit, at least 3; default 8. */
    public Builder minimumPoints(int minimumPoints) {
      if (minimumPoints < 3) {
        throw new IllegalArgumentException(
            "Invalid minimumPoints: " + minimumPoints + ", expected at least 3");
      }
      this.minimumPoints = minimumPoints;
      return this;
    }

    /**
     * Sets whether fits on LEVELS include the time trend {@code c * t}; default on. Other
     * transforms never include it.
     */
    public Builder trendOnLevels(boolean trendOnLevels) {
      this.trendOnLevels = trendOnLevels;
      return this;
    }

    /** Sets whether y's own previous transformed value is a regressor; default off. */
    public Builder includeLaggedY(boolean includeLaggedY) {
      this.includeLaggedY = includeLaggedY;
      return this;
    }

    /**
     * Sets the level of the two-sided confidence intervals, strictly between 0 and 1; default 0.95.
     */
    public Builder confidenceLevel(double confidenceLevel) {
      if (!(confidenceLevel > 0.0 && confidenceLevel < 1.0)) {
        throw new IllegalArgumentException(
            "Invalid confidenceLevel: " + confidenceLevel + ", expected strictly between 0 and 1");
      }
      this.confidenceLevel = confidenceLevel;
      return this;
    }

    /** Sets the number of rolling sub-windows for sign stability, at least 2; default 4. */
    public Builder signStabilityWindows(int signStabilityWindows) {
      if (signStabilityWindows < 2) {
        throw new IllegalArgumentException(
            "Invalid signStabilityWindows: " + signStabilityWindows + ", expected at least 2");
      }
      this.signStabilityWindows = signStabilityWindows;
      return this;
    }

    /** Returns a fitter with these settings. */
    public LinkFitter build() {
      return new LinkFitter(this);
    }
  }
}

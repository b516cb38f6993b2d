package dev.arbor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.tree.ExpectedSign;
import java.lang.reflect.RecordComponent;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinkFitterTest {

  private static final LinkFitter LEVELS_WITHOUT_TREND =
      LinkFitter.builder()
          .transform(SeriesTransform.LEVELS)
          .trendOnLevels(false)
          .minimumPoints(5)
          .build();

  /**
   * Hand-worked example, x = 1..5 and y = 2, 4, 5, 4, 5, fitted as y = a + b * x on LEVELS.
   *
   * <pre>
   *   mean x = 3, mean y = 4
   *   Sxx = 4 + 1 + 0 + 1 + 4 = 10
   *   Sxy = (-2)(-2) + (-1)(0) + (0)(1) + (1)(0) + (2)(1) = 6
   *   b = Sxy / Sxx = 0.6, a = 4 - 0.6 * 3 = 2.2
   *   fitted 2.8, 3.4, 4.0, 4.6, 5.2, residuals -0.8, 0.6, 1.0, -0.6, -0.2
   *   RSS = 0.64 + 0.36 + 1.00 + 0.36 + 0.04 = 2.4, TSS = 4 + 0 + 1 + 0 + 1 = 6
   *   s^2 = RSS / (n - 2) = 0.8, se(b) = sqrt(s^2 / Sxx) = sqrt(0.08) = 0.28284271
   *   t = 0.6 / sqrt(0.08) = 2.12132034, R^2 = 1 - 2.4 / 6 = 0.6
   *   elasticity at the means = 0.6 * 3 / 4 = 0.45
   * </pre>
   *
   * With 3 degrees of freedom Student's t has a closed-form distribution function, so the two-sided
   * p-value is {@code 1 - (2 / pi) * (theta + sin(theta) * cos(theta))} with {@code theta = atan(t
   * / sqrt(3))}, which gives p = 0.12402706.
   */
  @Test
  void handWorkedExampleMatches() {
    List<Double> x = List.of(1.0, 2.0, 3.0, 4.0, 5.0);
    List<Double> y = List.of(2.0, 4.0, 5.0, 4.0, 5.0);

    LinkFit fit = LEVELS_WITHOUT_TREND.fit(x, y, 0, 0);

    double expectedT = 0.6 / Math.sqrt(0.08);
    assertThat(fit.status()).isEqualTo(FitStatus.OK);
    assertThat(fit.lag()).isEqualTo(0);
    assertThat(fit.numberOfPoints()).isEqualTo(5);
    assertThat(fit.degreesOfFreedom()).isEqualTo(3);
    assertThat(fit.intercept()).isCloseTo(2.2, within(1e-12));
    assertThat(fit.slope()).isCloseTo(0.6, within(1e-12));
    assertThat(fit.slopeStandardError()).isCloseTo(Math.sqrt(0.08), within(1e-12));
    assertThat(fit.tStatistic()).isCloseTo(expectedT, within(1e-10));
    assertThat(fit.pValue()).isCloseTo(twoSidedPValueThreeDf(expectedT), within(1e-9));
    assertThat(fit.pValue()).isCloseTo(0.12402706, within(1e-8));
    assertThat(fit.rSquared()).isCloseTo(0.6, within(1e-12));
    assertThat(fit.lagsTested()).isEqualTo(1);
    assertThat(fit.lagAdjustedPValue()).isEqualTo(fit.pValue());
    assertThat(fit.elasticity()).isCloseTo(0.45, within(1e-12));
  }

  @Test
  void handWorkedIntervalsUseStudentCriticalValue() {
    List<Double> x = List.of(1.0, 2.0, 3.0, 4.0, 5.0);
    List<Double> y = List.of(2.0, 4.0, 5.0, 4.0, 5.0);

    LinkFit fit = LEVELS_WITHOUT_TREND.fit(x, y, 0, 0);

    // The half-width divided by se(b) is the critical value, whose two-sided p-value is 0.05.
    double standardError = Math.sqrt(0.08);
    double slopeCritical = (fit.slopeUpper() - fit.slopeLower()) / (2.0 * standardError);
    double elasticityCritical =
        (fit.elasticityUpper() - fit.elasticityLower()) / (2.0 * 0.75 * standardError);
    assertThat(twoSidedPValueThreeDf(slopeCritical)).isCloseTo(0.05, within(1e-8));
    assertThat(elasticityCritical).isCloseTo(slopeCritical, within(1e-10));
    assertThat(fit.slopeLower() + fit.slopeUpper()).isCloseTo(1.2, within(1e-12));
    assertThat(fit.elasticityLower() + fit.elasticityUpper()).isCloseTo(0.9, within(1e-12));
  }

  /** Two-sided p-value of Student's t with 3 degrees of freedom, in closed form. */
  private static double twoSidedPValueThreeDf(double t) {
    double theta = Math.atan(Math.abs(t) / Math.sqrt(3.0));
    return 1.0 - (2.0 / Math.PI) * (theta + Math.sin(theta) * Math.cos(theta));
  }

  @Test
  void leadOfTwoPeriodsIsFoundAtLagTwo() {
    Random random = new Random(42);
    int length = 40;
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    double level = 50.0;
    for (int t = 0; t < length; t++) {
      level += random.nextGaussian();
      x.add(level);
    }
    for (int t = 0; t < length; t++) {
      // y follows x two periods later; its first two periods have no source and are missing.
      y.add(t < 2 ? null : 10.0 + 2.0 * x.get(t - 2) + 0.3 * random.nextGaussian());
    }

    LinkFit fit = LinkFitter.withDefaults().fit(x, y, 0, 3);

    assertThat(fit.status()).isEqualTo(FitStatus.OK);
    assertThat(fit.lag()).isEqualTo(2);
    assertThat(fit.slope()).isCloseTo(2.0, within(0.25));
    assertThat(fit.lagsTested()).isEqualTo(4);
    assertThat(fit.lagAdjustedPValue()).isCloseTo(4.0 * fit.pValue(), within(1e-15));
    assertThat(fit.lagFits()).extracting(LagFit::lag).containsExactly(0, 1, 2, 3);
    assertThat(fit.signStability()).isEqualTo(1.0);
    assertNoNonFiniteValues(fit);
  }

  @Test
  void bonferroniAdjustmentIsCappedAtOne() {
    Random random = new Random(3);
    List<Double> x = randomWalk(random, 30, 0.0);
    List<Double> y = randomWalk(random, 30, 0.0);

    LinkFit fit = LinkFitter.withDefaults().fit(x, y, 0, 4);

    double uncapped = fit.lagsTested() * fit.pValue();
    assertThat(fit.lagAdjustedPValue()).isEqualTo(Math.min(1.0, uncapped));
    assertThat(fit.lagAdjustedPValue()).isLessThanOrEqualTo(1.0);
  }

  @Test
  void trendingRandomWalksAreNotSupportedOnDifferences() {
    // Two independent random walks with the same drift share a trend but no causal link.
    LinkFitter differences = LinkFitter.withDefaults();
    LinkFitter levels =
        LinkFitter.builder().transform(SeriesTransform.LEVELS).trendOnLevels(false).build();
    LinkEvaluator evaluator = new LinkEvaluator();
    LocalDate asOf = LocalDate.of(2025, 6, 29);

    int seeds = 200;
    int supportedOnDifferences = 0;
    int supportedOnLevels = 0;
    for (int seed = 1; seed <= seeds; seed++) {
      Random random = new Random(seed);
      List<Double> x = randomWalk(random, 26, 1.0);
      List<Double> y = randomWalk(random, 26, 1.0);
      LinkFit onDifferences = differences.fit(x, y, 0, 2);
      LinkFit onLevels = levels.fit(x, y, 0, 2);
      // A link alone in its run has q equal to its lag-adjusted p-value.
      if (evaluator
              .evaluate(
                  asOf, onDifferences, onDifferences.lagAdjustedPValue(), ExpectedSign.POSITIVE)
              .status()
          == EvaluationStatus.SUPPORTED) {
        supportedOnDifferences++;
      }
      if (evaluator
              .evaluate(asOf, onLevels, onLevels.lagAdjustedPValue(), ExpectedSign.POSITIVE)
              .status()
          == EvaluationStatus.SUPPORTED) {
        supportedOnLevels++;
      }
    }

    // Under no link, the positive tail at q <= 0.05 is at most 2.5% in expectation (about 5 of
    // 200, and Bonferroni makes it smaller); 20 leaves room for sampling noise.
    assertThat(supportedOnDifferences).isLessThanOrEqualTo(20);
    // On levels without a trend term the shared drift looks like a strong link: the spurious
    // regression of Granger and Newbold.
    assertThat(supportedOnLevels).isGreaterThanOrEqualTo(190);
  }

  @Test
  void oneTrendingPairContrastsLevelsAndDifferences() {
    Random random = new Random(1);
    List<Double> x = randomWalk(random, 26, 1.0);
    List<Double> y = randomWalk(random, 26, 1.0);

    LinkFit onDifferences = LinkFitter.withDefaults().fit(x, y, 0, 2);
    LinkFit onLevels =
        LinkFitter.builder()
            .transform(SeriesTransform.LEVELS)
            .trendOnLevels(false)
            .build()
            .fit(x, y, 0, 2);

    assertThat(onDifferences.lagAdjustedPValue()).isGreaterThan(0.05);
    assertThat(onLevels.lagAdjustedPValue()).isLessThan(1e-6);
    assertThat(onLevels.rSquared()).isGreaterThan(0.8);
  }

  @Test
  void constantSourceGivesConstantSeriesStatus() {
    List<Double> x = List.of(5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0);
    List<Double> y = List.of(1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 10.0);

    LinkFit fit = LinkFitter.builder().transform(SeriesTransform.LEVELS).build().fit(x, y, 0, 0);

    assertThat(fit.status()).isEqualTo(FitStatus.CONSTANT_SERIES);
    assertThat(fit.reason())
        .isEqualTo("x is constant after LEVELS at lag 0 (all 10 points equal 5.0)");
    assertThat(fit.numberOfPoints()).isEqualTo(10);
    assertNoStatistics(fit);
    assertNoNonFiniteValues(fit);
  }

  @Test
  void linearSourceIsConstantAfterDifferences() {
    // Steps of 0.1 differ by rounding only, which must still count as constant.
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    Random random = new Random(5);
    for (int t = 0; t < 12; t++) {
      x.add(0.1 * t);
      y.add(random.nextGaussian());
    }

    LinkFit fit = LinkFitter.withDefaults().fit(x, y, 0, 1);

    assertThat(fit.status()).isEqualTo(FitStatus.CONSTANT_SERIES);
    assertThat(fit.reason()).startsWith("x is constant after DIFFERENCES at lag 0");
    assertThat(fit.lagFits())
        .extracting(LagFit::status)
        .containsExactly(FitStatus.CONSTANT_SERIES, FitStatus.CONSTANT_SERIES);
    assertNoStatistics(fit);
    assertNoNonFiniteValues(fit);
  }

  @Test
  void constantTargetGivesConstantSeriesStatus() {
    List<Double> x = List.of(1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 10.0);
    List<Double> y = List.of(2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0);

    LinkFit fit = LinkFitter.withDefaults().fit(x, y, 0, 0);

    assertThat(fit.status()).isEqualTo(FitStatus.CONSTANT_SERIES);
    assertThat(fit.reason())
        .isEqualTo("y is constant after DIFFERENCES at lag 0 (all 9 points equal 0.0)");
    assertNoStatistics(fit);
    assertNoNonFiniteValues(fit);
  }

  @Test
  void tooFewPointsGiveInsufficientData() {
    List<Double> x = List.of(1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0);
    List<Double> y = List.of(2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 7.0);

    LinkFit fit = LinkFitter.withDefaults().fit(x, y, 0, 1);

    assertThat(fit.status()).isEqualTo(FitStatus.INSUFFICIENT_DATA);
    assertThat(fit.reason()).isEqualTo("6 aligned points after DIFFERENCES at lag 0, minimum 8");
    assertThat(fit.numberOfPoints()).isEqualTo(6);
    assertThat(fit.lagsTested()).isZero();
    assertThat(fit.lagFits()).extracting(LagFit::numberOfPoints).containsExactly(6, 5);
    assertNoStatistics(fit);
    assertNoNonFiniteValues(fit);
  }

  @Test
  void missingPeriodsReduceAlignedPoints() {
    List<Double> x = Arrays.asList(1.0, 3.0, null, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 12.0, 11.0);
    List<Double> y = Arrays.asList(2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 7.0, null, 9.0, 8.0, 10.0);

    LinkFit fit = LinkFitter.withDefaults().fit(x, y, 0, 0);

    // Differences exist at t = 1, 4..10; y's gap at t = 7 removes t = 7 and 8, leaving 6.
    assertThat(fit.status()).isEqualTo(FitStatus.INSUFFICIENT_DATA);
    assertThat(fit.numberOfPoints()).isEqualTo(6);
  }

  @Test
  void moreCoefficientsThanPointsGiveInsufficientData() {
    LinkFitter fitter =
        LinkFitter.builder().transform(SeriesTransform.LEVELS).minimumPoints(3).build();

    LinkFit fit = fitter.fit(List.of(1.0, 3.0, 2.0), List.of(2.0, 1.0, 5.0), 0, 0);

    assertThat(fit.status()).isEqualTo(FitStatus.INSUFFICIENT_DATA);
    assertThat(fit.reason())
        .isEqualTo("3 aligned points after LEVELS at lag 0 for 3 coefficients, need at least 4");
    assertNoNonFiniteValues(fit);
  }

  @Test
  void controlEqualToSourceGivesSingularDesign() {
    Random random = new Random(11);
    List<Double> x = randomWalk(random, 20, 0.0);
    List<Double> y = randomWalk(random, 20, 0.0);
    List<Double> control = new ArrayList<>();
    for (double value : x) {
      control.add(2.0 * value + 7.0);
    }

    LinkFit fit = LinkFitter.withDefaults().fit(x, y, List.of(control), 0, 0);

    assertThat(fit.status()).isEqualTo(FitStatus.SINGULAR_DESIGN);
    assertThat(fit.reason())
        .isEqualTo(
            "design matrix is singular after DIFFERENCES at lag 0:"
                + " control 1 is a linear combination of intercept, x(t)");
    assertNoStatistics(fit);
    assertNoNonFiniteValues(fit);
  }

  @Test
  void exactLinearRelationGivesPerfectFit() {
    Random random = new Random(13);
    List<Double> x = randomWalk(random, 20, 0.0);
    List<Double> y = new ArrayList<>();
    for (double value : x) {
      y.add(3.0 + 2.0 * value);
    }

    LinkFit fit = LinkFitter.withDefaults().fit(x, y, 0, 1);

    assertThat(fit.status()).isEqualTo(FitStatus.PERFECT_FIT);
    assertThat(fit.lag()).isEqualTo(0);
    assertThat(fit.slope()).isCloseTo(2.0, within(1e-12));
    assertThat(fit.slopeStandardError()).isEqualTo(0.0);
    assertThat(fit.tStatistic()).isNull();
    assertThat(fit.pValue()).isEqualTo(0.0);
    assertThat(fit.lagAdjustedPValue()).isEqualTo(0.0);
    assertThat(fit.rSquared()).isCloseTo(1.0, within(1e-12));
    assertThat(fit.slopeLower()).isEqualTo(fit.slope());
    assertThat(fit.slopeUpper()).isEqualTo(fit.slope());
    assertNoNonFiniteValues(fit);
  }

  @Test
  void perfectFitWithoutSourceHasPValueOne() {
    // y is exactly 3 * t, so the trend explains it fully and x's slope is zero.
    Random random = new Random(17);
    List<Double> x = randomWalk(random, 12, 0.0);
    List<Double> y = new ArrayList<>();
    for (int t = 0; t < 12; t++) {
      y.add(3.0 * t);
    }

    LinkFit fit = LinkFitter.builder().transform(SeriesTransform.LEVELS).build().fit(x, y, 0, 0);

    assertThat(fit.status()).isEqualTo(FitStatus.PERFECT_FIT);
    assertThat(fit.slope()).isCloseTo(0.0, within(1e-9));
    assertThat(fit.pValue()).isEqualTo(1.0);
    assertNoNonFiniteValues(fit);
  }

  @Test
  void controlRemovesConfounding() {
    Random random = new Random(19);
    int length = 40;
    List<Double> x = new ArrayList<>();
    List<Double> control = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (int t = 0; t < length; t++) {
      double shared = random.nextGaussian();
      x.add(shared + 0.5 * random.nextGaussian());
      control.add(shared + 0.5 * random.nextGaussian());
      y.add(2.0 * x.get(t) + 3.0 * control.get(t) + 0.2 * random.nextGaussian());
    }
    LinkFitter fitter = LinkFitter.builder().transform(SeriesTransform.LEVELS).build();

    LinkFit withControl = fitter.fit(x, y, List.of(control), 0, 0);
    LinkFit withoutControl = fitter.fit(x, y, 0, 0);

    assertThat(withControl.slope()).isCloseTo(2.0, within(0.2));
    assertThat(withControl.degreesOfFreedom()).isEqualTo(length - 4);
    assertThat(withoutControl.slope()).isGreaterThan(3.0);
  }

  @Test
  void laggedTargetAddsCoefficientAndDropsFirstPoint() {
    Random random = new Random(23);
    List<Double> x = randomWalk(random, 26, 0.0);
    List<Double> y = randomWalk(random, 26, 0.0);
    LinkFitter withLaggedY = LinkFitter.builder().includeLaggedY(true).build();

    LinkFit plain = LinkFitter.withDefaults().fit(x, y, 0, 0);
    LinkFit autoregressive = withLaggedY.fit(x, y, 0, 0);

    assertThat(plain.numberOfPoints()).isEqualTo(25);
    assertThat(plain.degreesOfFreedom()).isEqualTo(23);
    assertThat(autoregressive.numberOfPoints()).isEqualTo(24);
    assertThat(autoregressive.degreesOfFreedom()).isEqualTo(21);
  }

  @Test
  void trendTermAppliesOnlyToLevels() {
    Random random = new Random(29);
    List<Double> x = randomWalk(random, 26, 0.0);
    List<Double> y = randomWalk(random, 26, 0.0);

    LinkFit levels = LinkFitter.builder().transform(SeriesTransform.LEVELS).build().fit(x, y, 0, 0);
    LinkFit differences = LinkFitter.withDefaults().fit(x, y, 0, 0);

    assertThat(levels.degreesOfFreedom()).isEqualTo(26 - 3);
    assertThat(differences.degreesOfFreedom()).isEqualTo(25 - 2);
  }

  @Test
  void elasticityOnLogDifferencesIsTheSlope() {
    Random random = new Random(31);
    List<Double> x = positiveSeries(random, 30);
    List<Double> y = new ArrayList<>();
    for (double value : x) {
      y.add(Math.pow(value, 0.7) * Math.exp(0.01 * random.nextGaussian()));
    }

    LinkFit fit =
        LinkFitter.builder().transform(SeriesTransform.LOG_DIFFERENCES).build().fit(x, y, 0, 0);

    assertThat(fit.slope()).isCloseTo(0.7, within(0.05));
    assertThat(fit.elasticity()).isEqualTo(fit.slope());
    assertThat(fit.elasticityLower()).isEqualTo(fit.slopeLower());
    assertThat(fit.elasticityUpper()).isEqualTo(fit.slopeUpper());
  }

  @Test
  void elasticityOnPercentChangesIsTheSlope() {
    Random random = new Random(37);
    List<Double> x = positiveSeries(random, 30);
    List<Double> y = positiveSeries(random, 30);

    LinkFit fit =
        LinkFitter.builder().transform(SeriesTransform.PERCENT_CHANGES).build().fit(x, y, 0, 0);

    assertThat(fit.elasticity()).isEqualTo(fit.slope());
  }

  @Test
  void elasticityOnDifferencesScalesByMeanLevels() {
    Random random = new Random(41);
    List<Double> x = randomWalk(random, 26, 0.0);
    List<Double> y = new ArrayList<>();
    for (double value : x) {
      y.add(400.0 + 3.0 * value + random.nextGaussian());
    }

    LinkFit fit = LinkFitter.withDefaults().fit(x, y, 0, 0);

    // The fitted points are t = 1..25: x levels at t - 0 and y levels at t.
    double meanX =
        x.subList(1, 26).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double meanY =
        y.subList(1, 26).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double factor = meanX / meanY;
    assertThat(fit.elasticity()).isCloseTo(fit.slope() * factor, within(1e-12));
    assertThat(fit.elasticityLower()).isCloseTo(fit.slopeLower() * factor, within(1e-12));
    assertThat(fit.elasticityUpper()).isCloseTo(fit.slopeUpper() * factor, within(1e-12));
  }

  @Test
  void elasticityIsNullWhenMeanTargetIsZero() {
    List<Double> x = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
    List<Double> y = List.of(-5.0, -3.0, -4.0, -1.0, -2.0, 2.0, 1.0, 4.0, 3.0, 5.0);

    LinkFit fit = LEVELS_WITHOUT_TREND.fit(x, y, 0, 0);

    assertThat(fit.status()).isEqualTo(FitStatus.OK);
    assertThat(fit.slope()).isNotNull();
    assertThat(fit.elasticity()).isNull();
    assertThat(fit.elasticityLower()).isNull();
    assertThat(fit.elasticityUpper()).isNull();
  }

  @Test
  void lagsBeyondSeriesLengthAreLeftOut() {
    List<Double> x = List.of(1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 12.0);
    List<Double> y = List.of(2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 7.0, 9.0, 8.0, 10.0);

    LinkFit wideRange = LinkFitter.withDefaults().fit(x, y, 0, Integer.MAX_VALUE);
    LinkFit farLag = LinkFitter.withDefaults().fit(x, y, 50, 60);

    assertThat(wideRange.lagFits()).hasSize(11);
    assertThat(wideRange.lagFits().get(10).numberOfPoints()).isZero();
    assertThat(farLag.lagFits()).extracting(LagFit::lag).containsExactly(50);
    assertThat(farLag.status()).isEqualTo(FitStatus.INSUFFICIENT_DATA);
    assertThat(farLag.reason())
        .isEqualTo("0 aligned points after DIFFERENCES at lag 50, minimum 8");
  }

  @Test
  void mismatchedLengthsAreRejected() {
    assertThatThrownBy(
            () ->
                LinkFitter.withDefaults()
                    .fit(List.of(1.0, 2.0, 3.0, 4.0), List.of(1.0, 2.0, 3.0), 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid y series length: 3, expected 4 like x");
  }

  @Test
  void nonFiniteValueIsRejected() {
    assertThatThrownBy(
            () -> LinkFitter.withDefaults().fit(List.of(1.0, Double.NaN), List.of(1.0, 2.0), 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid x value at index 1: NaN (use null if missing)");
  }

  @Test
  void invalidLagRangeIsRejected() {
    assertThatThrownBy(() -> LinkFitter.withDefaults().fit(List.of(1.0), List.of(1.0), 2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid lag range: 2..1, expected 0 <= lagMin <= lagMax");
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThatThrownBy(() -> LinkFitter.builder().minimumPoints(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid minimumPoints: 2, expected at least 3");
    assertThatThrownBy(() -> LinkFitter.builder().confidenceLevel(1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid confidenceLevel: 1.0, expected strictly between 0 and 1");
    assertThatThrownBy(() -> LinkFitter.builder().signStabilityWindows(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid signStabilityWindows: 1, expected at least 2");
  }

  static List<Double> randomWalk(Random random, int length, double drift) {
    List<Double> series = new ArrayList<>();
    double level = 100.0;
    for (int t = 0; t < length; t++) {
      level += drift + random.nextGaussian();
      series.add(level);
    }
    return series;
  }

  private static List<Double> positiveSeries(Random random, int length) {
    List<Double> series = new ArrayList<>();
    double level = 100.0;
    for (int t = 0; t < length; t++) {
      level *= Math.exp(0.05 * random.nextGaussian());
      series.add(level);
    }
    return series;
  }

  private static void assertNoStatistics(LinkFit fit) {
    assertThat(fit.lag()).isNull();
    assertThat(fit.slope()).isNull();
    assertThat(fit.slopeStandardError()).isNull();
    assertThat(fit.tStatistic()).isNull();
    assertThat(fit.pValue()).isNull();
    assertThat(fit.lagAdjustedPValue()).isNull();
    assertThat(fit.rSquared()).isNull();
    assertThat(fit.elasticity()).isNull();
    assertThat(fit.signStability()).isNull();
  }

  /** Asserts that no {@code Double} component of the fit or of its lag fits is NaN or infinite. */
  static void assertNoNonFiniteValues(LinkFit fit) {
    assertFiniteComponents(fit);
    for (LagFit lagFit : fit.lagFits()) {
      assertFiniteComponents(lagFit);
    }
  }

  private static void assertFiniteComponents(Record record) {
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      Object value;
      try {
        value = component.getAccessor().invoke(record);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("Cannot read " + component.getName(), e);
      }
      if (value instanceof Double number) {
        assertThat(Double.isFinite(number))
            .as("%s of %s is %s", component.getName(), record.getClass().getSimpleName(), number)
            .isTrue();
      }
    }
  }
}

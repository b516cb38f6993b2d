package dev.arbor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.tree.ExpectedSign;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkEvaluatorTest {

  private static final LocalDate AS_OF = LocalDate.of(2025, 6, 29);

  private final LinkEvaluator evaluator = new LinkEvaluator();

  /** Returns a fit at lag 1 with the given slope and p-value, 26 points and full stability. */
  private static LinkFit fitWithSlope(double slope, double pValue) {
    LagFit lagFit =
        new LagFit(
            1,
            FitStatus.OK,
            "fitted 26 points after DIFFERENCES at lag 1",
            26,
            24,
            0.1,
            slope,
            0.2,
            slope - 0.4,
            slope + 0.4,
            slope / 0.2,
            pValue,
            0.7,
            slope,
            slope - 0.4,
            slope + 0.4,
            1.0);
    return LinkFit.chosen(
        lagFit, "chosen", SeriesTransform.DIFFERENCES, 0.95, 1, pValue, List.of(lagFit));
  }

  @Test
  void significantExpectedSignIsSupported() {
    LinkEvaluation evaluation =
        evaluator.evaluate(AS_OF, fitWithSlope(0.8, 0.001), 0.01, ExpectedSign.POSITIVE);

    assertThat(evaluation.status()).isEqualTo(EvaluationStatus.SUPPORTED);
    assertThat(evaluation.reason())
        .isEqualTo("q = 0.0100 <= 0.05 at lag 1, slope 0.8000, expected sign POSITIVE");
    assertThat(evaluation.asOfDate()).isEqualTo(AS_OF);
    assertThat(evaluation.qValue()).isEqualTo(0.01);
    assertThat(evaluation.rSquared()).isEqualTo(0.7);
    assertThat(evaluation.signStability()).isEqualTo(1.0);
    assertThat(evaluation.confidenceScore()).isGreaterThan(0.0);
  }

  @Test
  void significantOppositeSignIsContradicted() {
    LinkEvaluation evaluation =
        evaluator.evaluate(AS_OF, fitWithSlope(-0.8, 0.001), 0.01, ExpectedSign.POSITIVE);

    assertThat(evaluation.status()).isEqualTo(EvaluationStatus.CONTRADICTED);
    assertThat(evaluation.reason()).endsWith("opposite to the expected sign POSITIVE");
    assertThat(evaluation.confidenceScore()).isEqualTo(0.0);
  }

  @Test
  void anySignIsSupportedWhenSignificant() {
    LinkEvaluation evaluation =
        evaluator.evaluate(AS_OF, fitWithSlope(-0.8, 0.001), 0.01, ExpectedSign.ANY);

    assertThat(evaluation.status()).isEqualTo(EvaluationStatus.SUPPORTED);
  }

  @Test
  void qValueAtThresholdIsSignificant() {
    LinkEvaluation evaluation =
        evaluator.evaluate(AS_OF, fitWithSlope(-0.8, 0.01), 0.05, ExpectedSign.NEGATIVE);

    assertThat(evaluation.status()).isEqualTo(EvaluationStatus.SUPPORTED);
  }

  @Test
  void qValueAboveThresholdIsInconclusive() {
    LinkEvaluation evaluation =
        evaluator.evaluate(AS_OF, fitWithSlope(-0.8, 0.04), 0.051, ExpectedSign.NEGATIVE);

    assertThat(evaluation.status()).isEqualTo(EvaluationStatus.INCONCLUSIVE);
    assertThat(evaluation.reason()).isEqualTo("q = 0.0510 > 0.05 at lag 1, slope -0.8000");
  }

  @Test
  void customThresholdApplies() {
    LinkEvaluator strict = new LinkEvaluator(0.01, new ConfidenceScore());

    LinkEvaluation evaluation =
        strict.evaluate(AS_OF, fitWithSlope(0.8, 0.001), 0.02, ExpectedSign.POSITIVE);

    assertThat(evaluation.status()).isEqualTo(EvaluationStatus.INCONCLUSIVE);
  }

  @Test
  void fitWithoutEstimatesIsInsufficientData() {
    LinkFit fit =
        LinkFitter.withDefaults().fit(List.of(1.0, 2.0, 4.0), List.of(3.0, 1.0, 2.0), 0, 0);

    LinkEvaluation evaluation = evaluator.evaluate(AS_OF, fit, null, ExpectedSign.POSITIVE);

    assertThat(evaluation.status()).isEqualTo(EvaluationStatus.INSUFFICIENT_DATA);
    assertThat(evaluation.reason())
        .isEqualTo("2 aligned points after DIFFERENCES at lag 0, minimum 8");
    assertThat(evaluation.confidenceScore()).isEqualTo(0.0);
    assertThat(evaluation.qValue()).isNull();
    assertThat(evaluation.rSquared()).isNull();
  }

  @Test
  void endToEndFitIsSupported() {
    List<Double> x = List.of(3.0, 5.0, 4.0, 8.0, 7.0, 9.0, 12.0, 10.0, 13.0, 15.0, 14.0, 18.0);
    List<Double> y = List.of(7.0, 11.2, 8.9, 17.1, 15.2, 18.8, 25.1, 21.0, 27.2, 30.9, 29.1, 37.0);
    LinkFit fit = LinkFitter.withDefaults().fit(x, y, 0, 1);
    Double[] qValues = BenjaminiHochberg.qValues(new Double[] {fit.lagAdjustedPValue(), 0.5});

    LinkEvaluation evaluation = evaluator.evaluate(AS_OF, fit, qValues[0], ExpectedSign.POSITIVE);

    assertThat(fit.lag()).isEqualTo(0);
    assertThat(fit.slope()).isCloseTo(2.0, within(0.1));
    assertThat(evaluation.status()).isEqualTo(EvaluationStatus.SUPPORTED);
  }

  @Test
  void missingQValueForFittedLinkIsRejected() {
    assertThatThrownBy(
            () -> evaluator.evaluate(AS_OF, fitWithSlope(0.8, 0.01), null, ExpectedSign.ANY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid qValue: null for a fit with status OK");
  }

  @Test
  void invalidThresholdIsRejected() {
    assertThatThrownBy(() -> new LinkEvaluator(0.0, new ConfidenceScore()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid qThreshold: 0.0, expected strictly between 0 and 1");
  }
}

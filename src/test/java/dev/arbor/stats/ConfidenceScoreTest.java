package dev.arbor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.tree.ExpectedSign;
import org.junit.jupiter.api.Test;

class ConfidenceScoreTest {

  private final ConfidenceScore score = new ConfidenceScore();

  /**
   * q = 0.01 gives significance log10(0.01) / log10(0.001) = 2/3; with stability 1 and n = 12 the
   * bracket is 0.5 + 0.3 + 0.2 * 12 / 24 = 0.9, so the score is 0.6.
   */
  @Test
  void handWorkedScore() {
    double value = score.score(0.01, ExpectedSign.POSITIVE, 1.5, 1.0, 12);

    assertThat(value).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void scoreStaysWithinUnitInterval() {
    double[] qValues = {0.0, 1e-12, 0.001, 0.01, 0.05, 0.5, 1.0};
    Double[] stabilities = {null, 0.0, 0.5, 1.0};
    int[] sizes = {0, 8, 26, 10_000};
    for (double q : qValues) {
      for (Double stability : stabilities) {
        for (int n : sizes) {
          double value = score.score(q, ExpectedSign.ANY, -2.0, stability, n);
          assertThat(value).as("q=%s stability=%s n=%s", q, stability, n).isBetween(0.0, 1.0);
        }
      }
    }
  }

  @Test
  void strongestEvidenceScoresOne() {
    // The size term is 1 - 12 / (n + 12), about 1 - 6e-9 at the largest int.
    assertThat(score.score(0.0, ExpectedSign.NEGATIVE, -1.0, 1.0, Integer.MAX_VALUE))
        .isCloseTo(1.0, within(1e-8));
  }

  @Test
  void scoreRisesAsQValueFalls() {
    double weak = score.score(0.5, ExpectedSign.POSITIVE, 1.0, 0.75, 26);
    double borderline = score.score(0.05, ExpectedSign.POSITIVE, 1.0, 0.75, 26);
    double strong = score.score(0.002, ExpectedSign.POSITIVE, 1.0, 0.75, 26);

    assertThat(borderline).isGreaterThan(weak);
    assertThat(strong).isGreaterThan(borderline);
  }

  @Test
  void scoreRisesWithStability() {
    double unstable = score.score(0.01, ExpectedSign.POSITIVE, 1.0, 0.25, 26);
    double unknown = score.score(0.01, ExpectedSign.POSITIVE, 1.0, null, 26);
    double stable = score.score(0.01, ExpectedSign.POSITIVE, 1.0, 1.0, 26);

    assertThat(unknown).isGreaterThan(unstable);
    assertThat(stable).isGreaterThan(unknown);
  }

  @Test
  void scoreRisesWithPoints() {
    double few = score.score(0.01, ExpectedSign.POSITIVE, 1.0, 1.0, 8);
    double many = score.score(0.01, ExpectedSign.POSITIVE, 1.0, 1.0, 52);

    assertThat(many).isGreaterThan(few);
  }

  @Test
  void contradictedSignScoresZero() {
    assertThat(score.score(1e-9, ExpectedSign.POSITIVE, -3.0, 1.0, 100)).isEqualTo(0.0);
    assertThat(score.score(1e-9, ExpectedSign.NEGATIVE, 3.0, 1.0, 100)).isEqualTo(0.0);
  }

  @Test
  void missingEvidenceScoresZero() {
    assertThat(score.score(null, ExpectedSign.ANY, 1.0, 1.0, 26)).isEqualTo(0.0);
    assertThat(score.score(0.01, ExpectedSign.ANY, null, null, 6)).isEqualTo(0.0);
    assertThat(score.score(1.0, ExpectedSign.ANY, 1.0, 1.0, 26)).isEqualTo(0.0);
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertThatThrownBy(() -> score.score(1.2, ExpectedSign.ANY, 1.0, 1.0, 26))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid qValue: 1.2, expected 0 to 1");
    assertThatThrownBy(() -> new ConfidenceScore(0.0, 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid fullCreditQValue: 0.0, expected strictly between 0 and 1");
  }
}

package dev.arbor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenjaminiHochbergTest {

  private static final double TOLERANCE = 1e-15;

  /**
   * Hand-worked: five present p-values (m = 5), sorted 0.005, 0.01, 0.03, 0.04, 0.20.
   *
   * <pre>
   *   m * p / rank:  0.025, 0.025, 0.05, 0.05, 0.20
   *   minimum from the top down: 0.025, 0.025, 0.05, 0.05, 0.20
   * </pre>
   */
  @Test
  void handWorkedExampleWithMissingValue() {
    Double[] pValues = {0.01, 0.04, 0.03, 0.005, null, 0.20};

    Double[] qValues = BenjaminiHochberg.qValues(pValues);

    assertThat(qValues).hasSize(6);
    assertThat(qValues[0]).isCloseTo(0.025, within(TOLERANCE));
    assertThat(qValues[1]).isCloseTo(0.05, within(TOLERANCE));
    assertThat(qValues[2]).isCloseTo(0.05, within(TOLERANCE));
    assertThat(qValues[3]).isCloseTo(0.025, within(TOLERANCE));
    assertThat(qValues[4]).isNull();
    assertThat(qValues[5]).isCloseTo(0.20, within(TOLERANCE));
  }

  /**
   * Ranks 1 and 2 give 2 * 0.02 / 1 = 0.04 and 2 * 0.03 / 2 = 0.03; monotonicity lowers the first.
   */
  @Test
  void qValuesAreMonotone() {
    double[] qValues = BenjaminiHochberg.qValues(new double[] {0.02, 0.03});

    assertThat(qValues[0]).isCloseTo(0.03, within(TOLERANCE));
    assertThat(qValues[1]).isCloseTo(0.03, within(TOLERANCE));
  }

  @Test
  void equalPValuesGetEqualQValues() {
    double[] qValues = BenjaminiHochberg.qValues(new double[] {0.04, 0.01, 0.04});

    // m = 3: ranks 2 and 3 hold 0.04, giving 0.06 and 0.04, so both become 0.04.
    assertThat(qValues[0]).isCloseTo(0.04, within(TOLERANCE));
    assertThat(qValues[2]).isCloseTo(0.04, within(TOLERANCE));
    assertThat(qValues[1]).isCloseTo(0.03, within(TOLERANCE));
  }

  @Test
  void qValuesNeverExceedOne() {
    double[] qValues = BenjaminiHochberg.qValues(new double[] {1.0, 0.9, 0.95, 1.0});

    for (double q : qValues) {
      assertThat(q).isLessThanOrEqualTo(1.0);
    }
    assertThat(qValues[1]).isCloseTo(1.0, within(TOLERANCE));
  }

  @Test
  void singlePValueIsItsOwnQValue() {
    assertThat(BenjaminiHochberg.qValues(new double[] {0.037})[0]).isEqualTo(0.037);
  }

  @Test
  void emptyAndAllMissingInputs() {
    assertThat(BenjaminiHochberg.qValues(new double[0])).isEmpty();
    assertThat(BenjaminiHochberg.qValues(new Double[] {null, null})).containsExactly(null, null);
  }

  @Test
  void listOverloadKeepsOrderAndNulls() {
    List<Double> qValues = BenjaminiHochberg.qValues(Arrays.asList(0.01, null, 0.02));

    assertThat(qValues).hasSize(3);
    assertThat(qValues.get(0)).isCloseTo(0.02, within(TOLERANCE));
    assertThat(qValues.get(1)).isNull();
    assertThat(qValues.get(2)).isCloseTo(0.02, within(TOLERANCE));
  }

  @Test
  void invalidPValuesAreRejected() {
    assertThatThrownBy(() -> BenjaminiHochberg.qValues(new double[] {0.1, 1.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid p-value at index 1: 1.5, expected 0 to 1 or null");
    assertThatThrownBy(() -> BenjaminiHochberg.qValues(new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid p-value at index 0: NaN, expected 0 to 1 or null");
  }
}

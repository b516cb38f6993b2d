package dev.arbor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesTransformTest {

  private static final double TOLERANCE = 1e-12;

  @Test
  void levelsKeepValuesAndGaps() {
    List<Double> result = SeriesTransform.LEVELS.apply(Arrays.asList(1.0, null, 3.0));

    assertThat(result).containsExactly(1.0, null, 3.0);
  }

  @Test
  void differencesSkipMissingNeighbours() {
    List<Double> result =
        SeriesTransform.DIFFERENCES.apply(Arrays.asList(1.0, 3.0, null, 4.0, 10.0));

    assertThat(result).hasSize(5);
    assertThat(result.get(0)).isNull();
    assertThat(result.get(1)).isCloseTo(2.0, within(TOLERANCE));
    assertThat(result.get(2)).isNull();
    assertThat(result.get(3)).isNull();
    assertThat(result.get(4)).isCloseTo(6.0, within(TOLERANCE));
  }

  @Test
  void percentChangesAreFractionsAndSkipZeroBase() {
    List<Double> result =
        SeriesTransform.PERCENT_CHANGES.apply(Arrays.asList(2.0, 3.0, 0.0, 5.0, 4.0));

    assertThat(result.get(0)).isNull();
    assertThat(result.get(1)).isCloseTo(0.5, within(TOLERANCE));
    assertThat(result.get(2)).isCloseTo(-1.0, within(TOLERANCE));
    assertThat(result.get(3)).as("change from zero").isNull();
    assertThat(result.get(4)).isCloseTo(-0.2, within(TOLERANCE));
  }

  @Test
  void logDifferencesSkipNonPositiveValues() {
    List<Double> result =
        SeriesTransform.LOG_DIFFERENCES.apply(Arrays.asList(1.0, Math.E, 0.0, 2.0, 4.0, -1.0));

    assertThat(result.get(0)).isNull();
    assertThat(result.get(1)).isCloseTo(1.0, within(TOLERANCE));
    assertThat(result.get(2)).as("log of zero").isNull();
    assertThat(result.get(3)).as("previous value zero").isNull();
    assertThat(result.get(4)).isCloseTo(Math.log(2.0), within(TOLERANCE));
    assertThat(result.get(5)).as("log of a negative value").isNull();
  }

  @Test
  void overflowBecomesMissing() {
    List<Double> values = Arrays.asList(-1e308, 1e308, 1e-320, 1e308);

    List<Double> differences = SeriesTransform.DIFFERENCES.apply(values);
    List<Double> percentChanges = SeriesTransform.PERCENT_CHANGES.apply(values);

    assertThat(differences.get(1)).as("1e308 - (-1e308) overflows").isNull();
    assertThat(percentChanges.get(3)).as("change from a subnormal base overflows").isNull();
  }

  @Test
  void emptySeriesGivesEmptyResult() {
    for (SeriesTransform transform : SeriesTransform.values()) {
      assertThat(transform.apply(List.of())).as(transform.name()).isEmpty();
    }
  }

  @Test
  void nanInputIsRejected() {
    assertThatThrownBy(() -> SeriesTransform.DIFFERENCES.apply(Arrays.asList(1.0, Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid series value at index 1: NaN (use null for a missing period)");
  }

  @Test
  void nullSeriesIsRejected() {
    assertThatThrownBy(() -> SeriesTransform.LEVELS.apply(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid series: null");
  }
}

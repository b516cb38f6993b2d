package dev.arbor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RobustScoreTest {
  // Sorted: 8 9 10 10 10 11 12 13, median 10; deviations sorted 0 0 0 1 1 2 2 3, MAD 1.
  private static final List<Double> PAST = List.of(10.0, 12.0, 9.0, 11.0, 10.0, 13.0, 8.0, 10.0);

  @Test
  void outlierIsFlagged() {
    RobustScore.Result result = RobustScore.score(PAST, 40, 6, 3.5);

    // (40 - 10) / (1.4826 * 1) = 20.2347...
    assertThat(result.score()).isCloseTo(30 / 1.4826, within(1e-12));
    assertThat(result.anomaly()).isTrue();
  }

  @Test
  void ordinaryChangeIsNotFlagged() {
    RobustScore.Result result = RobustScore.score(PAST, 12, 6, 3.5);

    assertThat(result.score()).isCloseTo(2 / 1.4826, within(1e-12));
    assertThat(result.anomaly()).isFalse();
  }

  @Test
  void negativeOutlierIsFlagged() {
    RobustScore.Result result = RobustScore.score(PAST, 4, 6, 3.5);

    assertThat(result.score()).isCloseTo(-6 / 1.4826, within(1e-12));
    assertThat(result.anomaly()).isTrue();
  }

  @Test
  void tooLittleHistoryGivesNoScore() {
    RobustScore.Result result = RobustScore.score(PAST.subList(0, 5), 400, 6, 3.5);

    assertThat(result.score()).isNull();
    assertThat(result.anomaly()).isFalse();
  }

  @Test
  void nullsInHistoryAreIgnored() {
    List<Double> past = Arrays.asList(null, 10.0, 12.0, 9.0, 11.0, 10.0, 13.0, 8.0, 10.0);

    assertThat(RobustScore.score(past, 40, 8, 3.5).score()).isCloseTo(30 / 1.4826, within(1e-12));
    assertThat(RobustScore.score(past, 40, 9, 3.5).score()).isNull();
  }

  @Test
  void zeroMadFallsBackToMeanAbsoluteDeviation() {
    // Median 5, MAD 0; mean absolute deviation 2 / 6; scale 1.2533 / 3.
    RobustScore.Result result = RobustScore.score(List.of(5.0, 5.0, 5.0, 5.0, 7.0, 5.0), 6, 6, 3.5);

    assertThat(result.score()).isCloseTo(1 / (1.2533 / 3), within(1e-12));
    assertThat(result.anomaly()).isFalse();
  }

  @Test
  void constantHistoryFlagsAnyOtherChangeWithoutScore() {
    List<Double> past = List.of(0.0, 0.0, 0.0, 0.0, 0.0, 0.0);

    assertThat(RobustScore.score(past, 0, 6, 3.5)).isEqualTo(new RobustScore.Result(0.0, false));
    assertThat(RobustScore.score(past, 1, 6, 3.5)).isEqualTo(new RobustScore.Result(null, true));
  }

  @Test
  void medianOfEvenAndOddCounts() {
    assertThat(RobustScore.median(new double[] {3, 1, 2})).isEqualTo(2.0);
    assertThat(RobustScore.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }
}

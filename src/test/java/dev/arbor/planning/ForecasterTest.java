package dev.arbor.planning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForecasterTest {

  @Test
  void noHistoryGivesNoForecast() {
    Forecaster.SeriesForecast forecast = Forecaster.forecast(Arrays.asList(null, null), 3, 12, 0.9);

    assertThat(forecast.model()).isEqualTo("none");
    assertThat(forecast.mean()).isEmpty();
  }

  @Test
  void twoValuesGiveTheLastValueWithoutInterval() {
    Forecaster.SeriesForecast forecast = Forecaster.forecast(List.of(10.0, 14.0), 2, 12, 0.9);

    assertThat(forecast.model()).isEqualTo("naive");
    assertThat(forecast.mean()).containsExactly(14.0, 14.0);
    assertThat(forecast.low()).containsOnlyNulls();
    assertThat(forecast.reason()).startsWith("2 period(s) of history");
  }

  @Test
  void noisySeriesWithoutSlopeGivesTheMean() {
    // y = 10, 12, 8, 10: mean 10, slope (Sxy = -1.5*0 ...) = -0.4, not significant.
    // Sample sd = sqrt((0 + 4 + 4 + 0) / 3) = 1.632993; t(0.95, 3) = 2.353363;
    // half-width = 2.353363 * 1.632993 * sqrt(1 + 1/4) = 3.842976 * 1.118034 = 4.296634.
    Forecaster.SeriesForecast forecast = Forecaster.forecast(List.of(10.0, 12.0, 8.0, 10.0), 1, 12, 0.9);

    assertThat(forecast.model()).isEqualTo("mean");
    assertThat(forecast.mean()[0]).isEqualTo(10.0);
    assertThat(forecast.halfWidth(0)).isCloseTo(4.296634, within(1e-6));
    assertThat(forecast.reason()).contains("fewer than two seasons (24)");
  }

  @Test
  void clearTrendIsExtended() {
    // y = 2t + 1 + e with e = 0.1, -0.1, -0.1, 0.1 at t = 0..3: the least-squares line is
    // 1 + 2t (the residuals are symmetric), so t = 4 and 5 forecast 9 and 11.
    // RSS = 0.04, s = sqrt(0.04 / 2) = 0.141421, Sxx = 5, t(0.95, 2) = 2.919986;
    // half-width at t = 4: 2.919986 * 0.141421 * sqrt(1 + 1/4 + 2.5^2 / 5) = 0.412948 *
    // sqrt(2.5) = 0.652929.
    Forecaster.SeriesForecast forecast = Forecaster.forecast(List.of(1.1, 2.9, 4.9, 7.1), 2, 12, 0.9);

    assertThat(forecast.model()).isEqualTo("linear_trend");
    assertThat(forecast.mean()[0]).isCloseTo(9.0, within(1e-12));
    assertThat(forecast.mean()[1]).isCloseTo(11.0, within(1e-12));
    assertThat(forecast.halfWidth(0)).isCloseTo(0.652929, within(1e-6));
  }

  @Test
  void gapsAreSkippedByTheLine() {
    Forecaster.SeriesForecast forecast =
        Forecaster.forecast(Arrays.asList(1.0, null, 5.0, 7.0), 1, 12, 0.9);

    // Points (0,1), (2,5), (3,7) lie on 1 + 2t exactly: forecast at t = 4 is 9.
    assertThat(forecast.model()).isEqualTo("linear_trend");
    assertThat(forecast.mean()[0]).isCloseTo(9.0, within(1e-12));
    assertThat(forecast.historyPeriods()).isEqualTo(3);
  }

  @Test
  void twoSeasonsUseHoltWintersAndRecoverTrendAndSeason() {
    // y(t) = 10 + 0.5 t + s(t mod 4), s = (3, -1, -4, 2), 12 quarters. The initial state is
    // exact for such a series, so every one-step error is 0 and the forecasts continue it:
    // t = 12..15 -> 16 + 3, 16.5 - 1, 17 - 4, 17.5 + 2.
    double[] season = {3, -1, -4, 2};
    List<Double> history = new ArrayList<>();
    for (int t = 0; t < 12; t++) {
      history.add(10 + 0.5 * t + season[t % 4]);
    }

    Forecaster.SeriesForecast forecast = Forecaster.forecast(history, 4, 4, 0.9);

    assertThat(forecast.model()).isEqualTo("holt_winters");
    assertThat(forecast.mean()[0]).isCloseTo(19.0, within(1e-9));
    assertThat(forecast.mean()[1]).isCloseTo(15.5, within(1e-9));
    assertThat(forecast.mean()[2]).isCloseTo(13.0, within(1e-9));
    assertThat(forecast.mean()[3]).isCloseTo(19.5, within(1e-9));
    assertThat(forecast.halfWidth(3)).isCloseTo(0.0, within(1e-9));
  }
}

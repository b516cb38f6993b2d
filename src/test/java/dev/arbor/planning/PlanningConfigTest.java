package dev.arbor.planning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.InvalidConfigException;
import dev.arbor.config.PlanningSettings;
import dev.arbor.period.Grain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanningConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsComeFromReferenceConf() throws IOException {
    Files.writeString(dir.resolve("bets.csv"), "bet_id\n");

    ArborConfig config = PlanningFixtures.retailConfig(dir, "planning { bets = \"bets.csv\" }");

    PlanningSettings planning = config.settings("t").planning();
    assertThat(planning.bets()).isEqualTo(dir.resolve("bets.csv").toString());
    assertThat(planning.annotations()).isNull();
    assertThat(planning.cycle()).isEqualTo(Grain.QUARTER);
    assertThat(planning.forecastGrain()).isEqualTo(Grain.MONTH);
    assertThat(planning.intervalLevel()).isEqualTo(0.9);
    assertThat(planning.annotationWindowDays()).isEqualTo(14);
    assertThat(planning.verdict()).isEqualTo(new PlanningSettings.VerdictThresholds(0.7, 0.3, 0.02));
  }

  @Test
  void treeWithoutPlanningSectionHasNone() {
    assertThat(PlanningFixtures.retailConfig(dir, "").settings("t").planning()).isNull();
  }

  @Test
  void invalidPlanningSettingsNameFileAndLine() {
    assertThatThrownBy(() -> PlanningFixtures.retailConfig(dir, """
        planning {
          bets = "missing.csv"
          cycle = day
          forecast-grain = week
          interval-level = 2
          verdict { validated-ratio = 0.2, partial-ratio = 0.5, sharpness = 1 }
        }
        """))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("arbor.conf:")
        .hasMessageContaining("bets 'missing.csv' not found (resolved to " + dir.resolve("missing.csv"))
        .hasMessageContaining("invalid cycle 'day'; expected week, month or quarter")
        .hasMessageContaining("forecast-grain 'week' is not a grain of the tree; add it to calendar.grains [month, quarter]")
        .hasMessageContaining("invalid interval-level 2.0; expected 0.5 to 0.999")
        .hasMessageContaining("unknown key 'sharpness'")
        .hasMessageContaining("invalid partial-ratio 0.5: it must not exceed validated-ratio 0.2");
  }

  @Test
  void missingBetsIsAnError() {
    assertThatThrownBy(() -> PlanningFixtures.retailConfig(dir, "planning { cycle = quarter }"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("missing key 'bets'");
  }
}

package dev.arbor.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bucketing of one event at 2024-01-01 03:30 UTC, a Monday. In UTC it falls on Monday, in the ISO
 * week that starts that day. In America/Los_Angeles it is Sunday 2023-12-31 19:30, in the previous
 * week, month and quarter.
 */
class TimeZoneBucketingTest extends SparkTestBase {
  private static List<Row> utc;
  private static List<Row> losAngeles;
  private static List<Row> sundayWeeks;

  private static String tree(String id, String calendar) {
    return """
        arbor.trees.%s {
          north-star = events_count
          calendar { %s }
          nodes.events_count { unit = count, owner = A, measure { source = events, agg = count } }
        }
        """.formatted(id, calendar);
  }

  @BeforeAll
  static void compute(@TempDir Path dir) {
    String warehouse = dir.resolve("wh").toString();
    new EventTables().add("u1", "2024-01-01T03:30:00Z", "purchase", "1.00", "US").writeDelta(spark, warehouse + "/events");
    ArborConfig config =
        TestConfigs.load(dir, TestConfigs.eventsSource("")
                + tree("utc", "time-zone = UTC")
                + tree("la", "time-zone = \"America/Los_Angeles\", fiscal-year-start-month = 7")
                + tree("sunday", "time-zone = UTC, week-start = sunday"))
            .withWarehouse(new WarehouseSettings(warehouse, ""));
    NodeValuesComputer computer =
        new NodeValuesComputer(spark, new SourceScanner(spark, new TableLocator(spark, config.warehouse())));
    LocalDate asOf = LocalDate.parse("2024-01-02");
    utc = nonZero(computer, config, "utc", asOf);
    losAngeles = nonZero(computer, config, "la", asOf);
    sundayWeeks = nonZero(computer, config, "sunday", asOf);
  }

  private static List<Row> nonZero(NodeValuesComputer computer, ArborConfig config, String tree, LocalDate asOf) {
    return computer.compute(config.tree(tree), config.settings(tree), config.sources(), asOf, null)
        .nodeValues()
        .where("value > 0")
        .select("grain", "period_start")
        .orderBy("grain")
        .collectAsList();
  }

  private static String periodOf(List<Row> rows, String grain) {
    return rows.stream().filter(r -> r.getString(0).equals(grain)).findFirst()
        .map(r -> r.getDate(1).toString()).orElseThrow();
  }

  @Test
  void utcPutsTheEventOnMonday() {
    assertThat(periodOf(utc, "day")).isEqualTo("2024-01-01");
    assertThat(periodOf(utc, "week")).isEqualTo("2024-01-01");
    assertThat(periodOf(utc, "month")).isEqualTo("2024-01-01");
    assertThat(periodOf(utc, "quarter")).isEqualTo("2024-01-01");
  }

  @Test
  void losAngelesUsesPreviousSunday() {
    assertThat(periodOf(losAngeles, "day")).isEqualTo("2023-12-31");
    assertThat(periodOf(losAngeles, "week")).isEqualTo("2023-12-25");
    assertThat(periodOf(losAngeles, "month")).isEqualTo("2023-12-01");
    // Fiscal year from July: October to December is the second quarter.
    assertThat(periodOf(losAngeles, "quarter")).isEqualTo("2023-10-01");
  }

  @Test
  void sundayWeekStartsTheDayBefore() {
    assertThat(periodOf(sundayWeeks, "week")).isEqualTo("2023-12-31");
  }

  @Test
  void eachTreeCountsTheEventOncePerGrain() {
    assertThat(utc).hasSize(4);
    assertThat(losAngeles).hasSize(4);
  }
}

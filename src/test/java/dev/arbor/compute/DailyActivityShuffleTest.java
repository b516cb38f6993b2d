package dev.arbor.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.SourceDef;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The shuffles that build the daily table from a source with event ids. Event a2 is sent twice,
 * so de-duplication keeps four of the five rows: two on 03-01 (u1 twice, amounts 10 and 5) and
 * one on each of 03-02 and 03-03.
 */
class DailyActivityShuffleTest extends SparkTestBase {
  private static final String TREE =
      """
      arbor.trees.t {
        north-star = revenue
        calendar { grains = [day] }
        nodes {
          revenue { unit = currency, owner = A, measure { source = events, agg = sum, column = amount } }
          buyers { unit = count, owner = A, measure { source = events, agg = count_distinct, column = user_id } }
        }
      }
      """;

  private static ArborConfig config;
  private static SourceScanner scanner;

  @BeforeAll
  static void writeEvents(@TempDir Path dir) {
    String warehouse = dir.resolve("wh").toString();
    new EventTables()
        .addWithId("a1", "u1", "2024-03-01T10:00:00Z", "purchase", "10")
        .addWithId("a2", "u1", "2024-03-01T11:00:00Z", "purchase", "5")
        .addWithId("a2", "u1", "2024-03-01T11:00:00Z", "purchase", "5")
        .addWithId("a3", "u2", "2024-03-02T10:00:00Z", "purchase", "20")
        .addWithId("a4", "u1", "2024-03-03T10:00:00Z", "purchase", "1")
        .writeDelta(spark, warehouse + "/events");
    config =
        TestConfigs.load(dir, TestConfigs.eventsSource("event-id = event_id") + TREE)
            .withWarehouse(new WarehouseSettings(warehouse, ""));
    scanner = new SourceScanner(spark, new TableLocator(spark, config.warehouse()));
  }

  /** Builds the daily table of the days {@code days} (all days when null) and collects it. */
  private static Dataset<Row> daily(DaySet days) {
    SourceDef source = config.sources().get("events");
    ScanPlan plan = ScanPlan.forTree(config.tree("t")).get("events");
    SourceScanner.Scan scan =
        scanner.scan(source, config.settings("t").calendar().timeZone(), LocalDate.parse("2024-03-03"),
            days, Instant.now());
    Dataset<Row> daily = MeasureRollup.dailyActivity(scan.events(), source, plan);
    daily.collectAsList();
    return daily;
  }

  /** Events per day, from the partials of slot 0. */
  private static Map<String, Long> eventsPerDay(Dataset<Row> daily) {
    Map<String, Long> perDay = new TreeMap<>();
    for (Row row : daily.where("slot = 0").select("local_date", MeasureRollup.ROWS_PARTIAL).collectAsList()) {
      perDay.merge(row.getDate(0).toString(), row.getLong(1), Long::sum);
    }
    return perDay;
  }

  private static int shuffles(SparkPlan plan) {
    List<SparkPlan> children = new ArrayList<>(CollectionConverters.asJava(plan.children()));
    if (plan instanceof InMemoryTableScanExec memory) {
      children.add(memory.relation().cachedPlan());
    }
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      children.add(adaptive.executedPlan());
    }
    if (plan instanceof QueryStageExec stage) {
      children.add(stage.plan());
    }
    int count = plan instanceof ShuffleExchangeExec ? 1 : 0;
    for (SparkPlan child : children) {
      count += shuffles(child);
    }
    return count;
  }

  @Test
  void fullScanShufflesEventsOnce() {
    Dataset<Row> daily = daily(null);

    assertThat(shuffles(daily.queryExecution().executedPlan())).isEqualTo(1);
    assertThat(eventsPerDay(daily)).containsExactly(
        Map.entry("2024-03-01", 2L), Map.entry("2024-03-02", 1L), Map.entry("2024-03-03", 1L));
  }

  @Test
  void scanOfFewDaysShufflesTwice() {
    // One day is fewer than the test session's shuffle partitions, so the day does not become
    // the only partitioning key.
    Dataset<Row> daily = daily(DaySet.of(List.of(LocalDate.parse("2024-03-01"))));

    assertThat(shuffles(daily.queryExecution().executedPlan())).isEqualTo(2);
    assertThat(eventsPerDay(daily)).containsExactly(Map.entry("2024-03-01", 2L));
  }
}

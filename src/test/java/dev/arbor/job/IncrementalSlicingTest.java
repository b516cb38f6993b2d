package dev.arbor.job;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.round;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nightly runs of a tree sliced by country, with anomaly scores and year-ago attribution, against
 * a full recompute of the same events: every row of node_values, change_attribution and
 * root_cause must be the same.
 *
 * <p>Thirteen months of history (March 2023 to March 2024) where UK has the most events, so with
 * one kept segment the segments are UK and other. Then:
 *
 * <ul>
 *   <li>run B as of 2024-04-02 adds two days;
 *   <li>run C as of 2024-04-03 brings a late event for 2023-03-14 from a new DE customer: March
 *       2023 and the periods after it change, so do the anomaly scores of the following periods
 *       (window 3) and the year-ago comparisons of 2024-03-12, its week, March 2024 and Q1 2024;
 *   <li>run D as of 2024-04-05 brings 30 French events, so FR overtakes UK in the ranking: the
 *       segments move and every period is recomputed from the state, without reading old events.
 * </ul>
 */
class IncrementalSlicingTest extends SparkTestBase {
  static final String TREE =
      """
      arbor.runs { restatement-days = 2 }
      arbor.trees.t {
        north-star = revenue
        dimensions = [country]
        slicing { max-segments = 1 }
        checks.anomaly { window = 3, min-history = 2, threshold = 1.0 }
        nodes {
          purchases { unit = count, owner = A, measure { source = events, agg = count } }
          revenue { unit = currency, owner = A, formula = "purchases * revenue_per_purchase" }
          revenue_per_purchase { unit = currency, owner = A, measure { source = events, agg = avg, column = amount } }
          buyers { unit = count, owner = A, measure { source = events, agg = count_distinct, column = user_id } }
          active { unit = count, owner = A, lifecycle { source = events, kind = active }, formula = "new_users + retained + resurrected" }
          new_users { unit = count, owner = A, lifecycle { source = events, kind = new } }
          retained { unit = count, owner = A, lifecycle { source = events, kind = retained } }
          resurrected { unit = count, owner = A, lifecycle { source = events, kind = resurrected } }
          churned { unit = count, owner = A, lifecycle { source = events, kind = churned } }
          revenue_per_buyer { unit = currency, owner = A, formula = "revenue / buyers" }
        }
      }
      """;

  private static final List<String> TABLES = List.of("node_values", "change_attribution", "root_cause");

  private static ArborConfig incremental;
  private static ArborConfig full;
  private static RunJob.Result runC;
  private static RunJob.Result runD;

  @BeforeAll
  static void runNightsAndFullRecompute(@TempDir Path dir) {
    String warehouse = dir.resolve("incremental").toString();
    incremental = config(dir, warehouse);
    EventTables.createWithChangeFeed(spark, warehouse + "/events");
    history().appendDelta(spark, warehouse + "/events");
    run(incremental, "2024-03-31");
    twoDays().appendDelta(spark, warehouse + "/events");
    run(incremental, "2024-04-02");
    lateEvent().appendDelta(spark, warehouse + "/events");
    runC = run(incremental, "2024-04-03");
    frenchWeek().appendDelta(spark, warehouse + "/events");
    runD = run(incremental, "2024-04-05");

    String fullWarehouse = dir.resolve("full").toString();
    full = config(dir, fullWarehouse);
    EventTables.createWithChangeFeed(spark, fullWarehouse + "/events");
    for (EventTables batch : List.of(history(), twoDays(), lateEvent(), frenchWeek())) {
      batch.appendDelta(spark, fullWarehouse + "/events");
    }
    new RunJob(spark, full).run(new RunJob.Options("t", LocalDate.parse("2024-04-05"), null, true, null, null));
  }

  static ArborConfig config(Path dir, String warehouse) {
    return TestConfigs.load(dir, TestConfigs.eventsSource("") + TREE)
        .withWarehouse(new WarehouseSettings(warehouse, ""));
  }

  /** March 2023 to March 2024: UK customers u1 to u3, French u4 and u5, German u6. */
  static EventTables history() {
    EventTables events = new EventTables();
    LocalDate month = LocalDate.parse("2023-03-01");
    for (int m = 0; m < 13; m++, month = month.plusMonths(1)) {
      String amount = String.valueOf(10 + (m * 7) % 13);
      events.addWithId("h" + m + "a", "u1", month.plusDays(4) + "T10:00:00Z", "purchase", amount, "UK");
      events.addWithId("h" + m + "b", "u1", month.plusDays(19) + "T10:00:00Z", "purchase", "12", "UK");
      if (m % 2 == 0) {
        events.addWithId("h" + m + "c", "u2", month.plusDays(9) + "T10:00:00Z", "purchase", "30", "UK");
      } else {
        events.addWithId("h" + m + "d", "u3", month.plusDays(14) + "T10:00:00Z", "purchase", amount, "UK");
      }
      events.addWithId("h" + m + "e", "u4", month.plusDays(6) + "T10:00:00Z", "purchase", "20", "FR");
      if (m % 3 == 1) {
        events.addWithId("h" + m + "f", "u5", month.plusDays(24) + "T10:00:00Z", "purchase", "45", "FR");
      }
      if (m % 4 == 2) {
        events.addWithId("h" + m + "g", "u6", month.plusDays(2) + "T10:00:00Z", "purchase", "8", "DE");
      }
    }
    return events;
  }

  static EventTables twoDays() {
    return new EventTables()
        .addWithId("b1", "u4", "2024-04-01T09:00:00Z", "purchase", "25", "FR")
        .addWithId("b2", "u1", "2024-04-02T09:00:00Z", "purchase", "11", "UK");
  }

  static EventTables lateEvent() {
    return new EventTables()
        .addWithId("c1", "u7", "2023-03-14T12:00:00Z", "purchase", "300", "DE")
        .addWithId("c2", "u2", "2024-04-03T08:00:00Z", "purchase", "14", "UK");
  }

  static EventTables frenchWeek() {
    EventTables events = new EventTables();
    for (int i = 0; i < 30; i++) {
      events.addWithId("d" + i, i % 2 == 0 ? "u4" : "u5", "2024-04-0" + (4 + i % 2) + "T1" + (i % 10) + ":00:00Z",
          "purchase", "5", "FR");
    }
    return events;
  }

  static RunJob.Result run(ArborConfig config, String asOf) {
    return new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse(asOf), null));
  }

  /** Returns the table without run metadata, doubles rounded to 1e-9 and quality flags sorted. */
  static Dataset<Row> comparable(ArborConfig config, String table) {
    Dataset<Row> rows = new TableLocator(spark, config.warehouse()).read(table)
        .drop("run_id", "computed_at", "steps", "segment_drivers");
    List<Column> columns = new ArrayList<>();
    for (StructField field : rows.schema().fields()) {
      Column column = col(field.name());
      if (field.dataType().equals(DataTypes.DoubleType)) {
        column = round(column, 9).as(field.name());
      } else if (field.name().equals("quality_flags")) {
        column = array_sort(column).as(field.name());
      }
      columns.add(column);
    }
    return rows.select(columns.toArray(Column[]::new));
  }

  @Test
  void lateEventAndMovedSegmentsAreRecomputedIncrementally() {
    assertThat(runC.recompute()).startsWith("incremental").contains("2023-03-14");
    assertThat(runD.recompute()).startsWith("incremental")
        .contains("segments changed from country: UK, other to country: FR, other");
  }

  @Test
  void everyOutputEqualsAFullRecompute() {
    for (String table : TABLES) {
      Dataset<Row> expected = comparable(full, table);
      Dataset<Row> actual = comparable(incremental, table);
      assertThat(actual.count()).as(table + " rows").isEqualTo(expected.count()).isPositive();
      assertThat(expected.exceptAll(actual).collectAsList()).as(table + " rows missing or different").isEmpty();
      assertThat(actual.exceptAll(expected).collectAsList()).as(table + " extra rows").isEmpty();
    }
  }

  @Test
  void lateEventRewritesYearAgoComparison() {
    // Run C rewrote the year-ago attribution of March 2024, a month it did not recompute.
    Row march = new TableLocator(spark, incremental.warehouse()).read("change_attribution")
        .where("grain = 'month' AND period_start = DATE'2024-03-01' AND comparison = 'year_ago'"
            + " AND dimension = 'all' AND parent_id = 'revenue' AND child_id = 'purchases'")
        .select("run_id", "parent_base_value").head();
    assertThat(march.getString(0)).isIn(runC.runId(), runD.runId());
    // March 2023: the purchases of u1 (10 and 12), u2 (30) and u4 (20), and the late 300.
    assertThat(march.getDouble(1)).isEqualTo(10 + 12 + 30 + 20 + 300.0);
  }
}

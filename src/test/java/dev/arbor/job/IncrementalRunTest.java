package dev.arbor.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Nightly runs on a sequence of daily appends, one with a late event, against a full recompute of
 * the same events. Events (all purchases, UTC):
 *
 * <pre>
 * batch  user  time              amount   notes
 * 1      u1    2024-03-25 10:00  10       run A as of 03-29: first run, full
 * 1      u2    2024-03-26 10:00  20
 * 1      u1    2024-03-28 10:00   5
 * 1      u3    2024-03-29 10:00   7
 * 2      u2    2024-03-31 09:00   4       run B as of 04-01: incremental
 * 2      u4    2024-04-01 09:00   9
 * 3      u3    2024-03-04 12:00 100       late: arrives with batch 3, four weeks after its day
 * 3      u1    2024-04-02 08:00   1       run C as of 04-02: incremental
 * </pre>
 *
 * The late event moves the first event of the tree from 03-25 to 03-04 and u3's first purchase
 * from 03-29 to 03-04: u3 stops being new in the week of 03-25 (it is resurrected there), and the
 * weeks 03-04 to 03-18 appear.
 */
class IncrementalRunTest extends SparkTestBase {
  static final String TREE =
      """
      arbor.runs { restatement-days = 2 }
      arbor.trees.t {
        north-star = revenue
        nodes {
          purchases { unit = count, owner = A, measure { source = events, agg = count } }
          revenue { unit = currency, owner = A, measure { source = events, agg = sum, column = amount } }
          buyers { unit = count, owner = A, measure { source = events, agg = count_distinct, column = user_id } }
          active { unit = count, owner = A, lifecycle { source = events, kind = active } }
          new_users { unit = count, owner = A, lifecycle { source = events, kind = new } }
          retained { unit = count, owner = A, lifecycle { source = events, kind = retained } }
          resurrected { unit = count, owner = A, lifecycle { source = events, kind = resurrected } }
          churned { unit = count, owner = A, lifecycle { source = events, kind = churned } }
          revenue_per_buyer { unit = currency, owner = A, formula = "revenue / buyers" }
        }
      }
      """;

  private static ArborConfig incremental;
  private static RunJob.Result runA;
  private static RunJob.Result runB;
  private static RunJob.Result runC;
  private static Map<String, Row> incrementalRows;
  private static Map<String, Row> fullRows;
  private static Row runCRecord;
  private static String fullWarehouse;
  private static String incrementalWarehouse;

  @BeforeAll
  static void runNightsAndFullRecompute(@TempDir Path dir) {
    String warehouse = dir.resolve("incremental").toString();
    incrementalWarehouse = warehouse;
    String events = warehouse + "/events";
    incremental = config(dir, warehouse);
    EventTables.createWithChangeFeed(spark, events);

    batch1().appendDelta(spark, events);
    runA = run(incremental, "2024-03-29");
    batch2().appendDelta(spark, events);
    runB = run(incremental, "2024-04-01");
    batch3().appendDelta(spark, events);
    runC = run(incremental, "2024-04-02");

    fullWarehouse = dir.resolve("full").toString();
    ArborConfig full = config(dir, fullWarehouse);
    EventTables.createWithChangeFeed(spark, fullWarehouse + "/events");
    batch1().appendDelta(spark, fullWarehouse + "/events");
    batch2().appendDelta(spark, fullWarehouse + "/events");
    batch3().appendDelta(spark, fullWarehouse + "/events");
    new RunJob(spark, full).run(new RunJob.Options("t", LocalDate.parse("2024-04-02"), null, true, null, null));

    incrementalRows = byKey(read(incremental, "node_values"));
    fullRows = byKey(read(full, "node_values"));
    runCRecord = read(incremental, "runs").where("run_id = '" + runC.runId() + "'").head();
  }

  static ArborConfig config(Path dir, String warehouse) {
    return TestConfigs.load(dir, TestConfigs.eventsSource("") + TREE)
        .withWarehouse(new WarehouseSettings(warehouse, ""));
  }

  static EventTables batch1() {
    return new EventTables()
        .addWithId("a1", "u1", "2024-03-25T10:00:00Z", "purchase", "10")
        .addWithId("a2", "u2", "2024-03-26T10:00:00Z", "purchase", "20")
        .addWithId("a3", "u1", "2024-03-28T10:00:00Z", "purchase", "5")
        .addWithId("a4", "u3", "2024-03-29T10:00:00Z", "purchase", "7");
  }

  static EventTables batch2() {
    return new EventTables()
        .addWithId("b1", "u2", "2024-03-31T09:00:00Z", "purchase", "4")
        .addWithId("b2", "u4", "2024-04-01T09:00:00Z", "purchase", "9");
  }

  static EventTables batch3() {
    return new EventTables()
        .addWithId("c1", "u3", "2024-03-04T12:00:00Z", "purchase", "100")
        .addWithId("c2", "u1", "2024-04-02T08:00:00Z", "purchase", "1");
  }

  static RunJob.Result run(ArborConfig config, String asOf) {
    return new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse(asOf), null));
  }

  static Dataset<Row> read(ArborConfig config, String table) {
    return new TableLocator(spark, config.warehouse()).read(table);
  }

  static Map<String, Row> byKey(Dataset<Row> nodeValues) {
    Map<String, Row> rows = new HashMap<>();
    for (Row row : nodeValues.collectAsList()) {
      rows.put(row.getAs("node_id") + "/" + row.getAs("grain") + "/" + row.getAs("period_start"), row);
    }
    return rows;
  }

  static Double value(Map<String, Row> rows, String key, String column) {
    Row row = rows.get(key);
    assertThat(row).as(key).isNotNull();
    return row.isNullAt(row.fieldIndex(column)) ? null : row.getAs(column);
  }

  @Test
  void firstRunIsFullAndLaterRunsAreIncremental() {
    assertThat(runA.recompute()).startsWith("full: no state from an earlier run");
    // Run B: the restatement window 03-31..04-01, the day after the last as-of (03-30), and the
    // days of batch 2.
    assertThat(runB.recompute()).startsWith("incremental: recomputing 3 days [2024-03-30..2024-04-01]");
    assertThat(runC.recompute()).contains("2024-03-04").contains("2024-04-01..2024-04-02");
  }

  @Test
  void incrementalRunsEqualAFullRecompute() {
    assertThat(incrementalRows.keySet()).isEqualTo(fullRows.keySet());
    for (Map.Entry<String, Row> entry : fullRows.entrySet()) {
      Row expected = entry.getValue();
      Row actual = incrementalRows.get(entry.getKey());
      for (String column : List.of("value", "previous_value", "change", "change_pct",
          "formula_value", "formula_gap", "is_complete", "quality_flags", "period_end")) {
        assertThat((Object) actual.getAs(column)).as(entry.getKey() + " " + column)
            .isEqualTo(expected.getAs(column));
      }
    }
    // Days 03-04 .. 04-02 (30), weeks 03-04 .. 04-01 (5), March and April, Q1 and Q2; 9 nodes.
    assertThat(fullRows).hasSize((30 + 5 + 2 + 2) * 9);
  }

  @Test
  void lateEventRestatesItsPeriodsAndTheNextPeriodsChange() {
    // Revenue: March 10 + 20 + 5 + 7 + 4 + 100 = 146; April 9 + 1 = 10; Q1 146.
    assertThat(value(incrementalRows, "revenue/day/2024-03-04", "value")).isEqualTo(100.0);
    assertThat(value(incrementalRows, "revenue/week/2024-03-04", "value")).isEqualTo(100.0);
    assertThat(value(incrementalRows, "revenue/month/2024-03-01", "value")).isEqualTo(146.0);
    assertThat(value(incrementalRows, "revenue/quarter/2024-01-01", "value")).isEqualTo(146.0);
    // The next periods' changes: the day after and the week after drop from 100 to 0; April
    // compares with the restated March.
    assertThat(value(incrementalRows, "revenue/day/2024-03-05", "change")).isEqualTo(-100.0);
    assertThat(value(incrementalRows, "revenue/week/2024-03-11", "change")).isEqualTo(-100.0);
    assertThat(value(incrementalRows, "revenue/month/2024-04-01", "previous_value")).isEqualTo(146.0);
    assertThat(value(incrementalRows, "revenue/quarter/2024-04-01", "previous_value")).isEqualTo(146.0);
    // u3 bought on 03-04, so on 03-29 (week of 03-25) it is back, not new.
    assertThat(value(incrementalRows, "new_users/week/2024-03-25", "value")).isEqualTo(2.0);
    assertThat(value(incrementalRows, "resurrected/week/2024-03-25", "value")).isEqualTo(1.0);
    assertThat(value(incrementalRows, "churned/week/2024-03-11", "value")).isEqualTo(1.0);
  }

  @Test
  void runsTableRecordsThePeriodsRecomputed() {
    // Spark returns each array of the map as a Scala sequence.
    Map<String, scala.collection.Seq<Date>> stored =
        runCRecord.getJavaMap(runCRecord.fieldIndex("periods_recomputed"));
    Map<String, List<Date>> periods = new HashMap<>();
    stored.forEach((grain, dates) -> periods.put(grain, CollectionConverters.asJava(dates)));
    assertThat(periods.get("quarter")).containsExactly(Date.valueOf("2024-01-01"), Date.valueOf("2024-04-01"));
    assertThat(periods.get("month")).containsExactly(Date.valueOf("2024-03-01"), Date.valueOf("2024-04-01"));
    // The late day and the day after; the day whose first purchase moved (03-29) and the day
    // after; the window 04-01..04-02 and the day after the as-of date is beyond it.
    assertThat(periods.get("day")).contains(Date.valueOf("2024-03-04"), Date.valueOf("2024-03-05"),
        Date.valueOf("2024-03-29"), Date.valueOf("2024-03-30"), Date.valueOf("2024-04-02"));
    assertThat(periods.get("week")).contains(Date.valueOf("2024-03-04"), Date.valueOf("2024-03-11"),
        Date.valueOf("2024-03-25"), Date.valueOf("2024-04-01"));
    assertThat((String) runCRecord.getAs("recompute")).startsWith("incremental");
  }

  @Test
  void dailyStateFilesHaveDisjointDays() {
    // Two shuffle partitions in tests: two files, the earlier days in one and the later in the
    // other, so that a run reading a few days skips a file by its statistics.
    List<Row> files =
        spark.read().format("delta").load(fullWarehouse + "/_state/t/daily_events")
            .groupBy(org.apache.spark.sql.functions.input_file_name().as("file"))
            .agg(org.apache.spark.sql.functions.min("local_date").as("first"),
                org.apache.spark.sql.functions.max("local_date").as("last"))
            .orderBy("first")
            .collectAsList();
    assertThat(files).hasSize(2);
    assertThat(files.get(0).getDate(2)).isBefore(files.get(1).getDate(1));
  }

  @Test
  void firstDayStateAppendsOnlyNewEntities() {
    // Run B adds u4 and moves no first day, so its rows are appended. Run C moves u3's first day
    // from 03-29 to 03-04, so the table is rewritten.
    String first = "/_state/t/first_events";
    List<String> modes = new ArrayList<>();
    for (Row commit :
        DeltaTable.forPath(spark, incrementalWarehouse + first).history()
            .where("operation = 'WRITE'")
            .orderBy("version")
            .collectAsList()) {
      Map<String, String> parameters = commit.getJavaMap(commit.fieldIndex("operationParameters"));
      modes.add(parameters.get("mode"));
    }
    assertThat(modes).containsExactly("Overwrite", "Append", "Overwrite");

    // The table after the three nights equals the one a full recompute builds.
    List<Row> nightly =
        spark.read().format("delta").load(incrementalWarehouse + first)
            .select("slot", "key", "first_day").orderBy("slot", "key").collectAsList();
    List<Row> full =
        spark.read().format("delta").load(fullWarehouse + first)
            .select("slot", "key", "first_day").orderBy("slot", "key").collectAsList();
    assertThat(nightly).isEqualTo(full);
    assertThat(nightly)
        .filteredOn(row -> row.getString(1).equals("u3"))
        .extracting(row -> row.getDate(2))
        .containsOnly(Date.valueOf("2024-03-04"));
  }

  @Test
  void incrementalRunReadsOnlyTheDaysItRecomputes() {
    // Run C reads 03-04, 04-01 and 04-02: the late event, u4's purchase and u1's.
    Map<String, Long> rowsRead = runCRecord.getJavaMap(runCRecord.fieldIndex("rows_read"));
    assertThat(rowsRead).containsEntry("events", 3L);
  }

  @Test
  void retriedRunWithTheSameIdCommitsOnce(@TempDir Path dir) {
    String warehouse = dir.resolve("wh").toString();
    ArborConfig config = config(dir, warehouse);
    EventTables.createWithChangeFeed(spark, warehouse + "/events");
    batch1().appendDelta(spark, warehouse + "/events");
    RunJob.Options options =
        new RunJob.Options("t", LocalDate.parse("2024-03-29"), null, false, "nightly-2024-03-29", null);
    new RunJob(spark, config).run(options);
    TableLocator locator = new TableLocator(spark, config.warehouse());
    long version = locator.outputVersion("node_values");

    RunJob.Result retry = new RunJob(spark, config).run(options);

    assertThat(retry.recompute()).isEqualTo("already succeeded");
    assertThat(locator.outputVersion("node_values")).isEqualTo(version);
    assertThat(locator.read("runs").where("run_id = 'nightly-2024-03-29'").count()).isEqualTo(1);
  }

  @Test
  void failedCommitRestoresOutputsAndTheNextRunRepairsThem(@TempDir Path dir) {
    String warehouse = dir.resolve("wh").toString();
    ArborConfig config = config(dir, warehouse);
    EventTables.createWithChangeFeed(spark, warehouse + "/events");
    batch1().appendDelta(spark, warehouse + "/events");
    run(config, "2024-03-29");
    TableLocator locator = new TableLocator(spark, config.warehouse());
    long before = locator.outputVersion("node_values");
    batch2().appendDelta(spark, warehouse + "/events");
    RunJob failing = new RunJob(spark, config);
    failing.setCommitListener(table -> {
      if (table.equals("tree_versions")) {
        throw new IllegalStateException("disk full");
      }
    });

    assertThatThrownBy(() -> failing.run(new RunJob.Options("t", LocalDate.parse("2024-04-01"), null)))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("disk full");
    long afterFailure = locator.outputVersion("node_values");
    Map<String, Row> restored = byKey(locator.read("node_values"));
    // A run killed between two commits restores nothing; the next run must repair that too.
    RunJob killed = new RunJob(spark, config);
    killed.setCommitListener(table -> {
      if (table.startsWith("state_daily")) {
        throw new OutOfMemoryError("killed");
      }
    });
    assertThatThrownBy(() -> killed.run(new RunJob.Options("t", LocalDate.parse("2024-04-01"), null)))
        .isInstanceOf(OutOfMemoryError.class);
    batch3().appendDelta(spark, warehouse + "/events");
    RunJob.Result repair = run(config, "2024-04-02");

    assertThat(afterFailure).isGreaterThan(before);
    assertThat(restored).doesNotContainKey("revenue/day/2024-04-01");
    assertThat(repair.recompute()).startsWith("incremental");
    assertThat(byKey(locator.read("node_values")).keySet()).isEqualTo(fullRows.keySet());
    assertThat(value(byKey(locator.read("node_values")), "revenue/month/2024-03-01", "value")).isEqualTo(146.0);
    assertThat(value(byKey(locator.read("node_values")), "resurrected/week/2024-03-25", "value")).isEqualTo(1.0);
  }
}

package dev.arbor.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nightly run end to end: Delta outputs, re-runs, failures and the runs table. */
class RunJobTest extends SparkTestBase {
  private static final LocalDate AS_OF = LocalDate.parse("2024-01-10");

  private static final String TREE =
      """
      arbor.trees.t {
        north-star = revenue
        calendar { grains = [day, week] }
        nodes {
          revenue { unit = currency, owner = A, measure { source = events, agg = sum, column = amount } }
          purchases { unit = count, owner = A, measure { source = events, agg = count } }
          aov { unit = currency, owner = A, formula = "revenue / purchases" }
        }
      }
      """;

  @TempDir Path dir;

  private ArborConfig setUp(String sourceExtra) {
    String warehouse = dir.resolve("wh").toString();
    new EventTables()
        .addWithId("a", "u1", "2024-01-01T10:00:00Z", "purchase", "10.00")
        .addWithId("a", "u1", "2024-01-01T10:00:00Z", "purchase", "10.00")
        .addWithId("b", "u2", "2024-01-03T10:00:00Z", "purchase", "4.00")
        .addWithId("c", "u2", "2024-01-09T10:00:00Z", "purchase", "6.00")
        .writeDelta(spark, warehouse + "/events");
    // Event "a" is in the table twice on purpose; the duplicate gate must let that through.
    ArborConfig config = TestConfigs.load(dir,
        TestConfigs.eventsSource(sourceExtra + "\nquality { max-duplicate-share = 0.5 }") + TREE);
    return config.withWarehouse(new WarehouseSettings(warehouse, ""));
  }

  private Dataset<Row> nodeValues(ArborConfig config) {
    return spark.read().format("delta").load(config.warehouse().path() + "/node_values");
  }

  private double value(ArborConfig config, String node, String grain, String start) {
    List<Row> rows =
        nodeValues(config)
            .where("node_id = '" + node + "' AND grain = '" + grain + "' AND period_start = DATE'" + start + "'")
            .select("value")
            .collectAsList();
    assertThat(rows).hasSize(1);
    return rows.get(0).getDouble(0);
  }

  @Test
  void duplicateEventIdsCountOnce() {
    ArborConfig config = setUp("event-id = event_id");

    RunJob.Result result = new RunJob(spark, config).run(new RunJob.Options("t", AS_OF, null));

    // Two copies of event "a" on 2024-01-01 count as one purchase of 10.
    assertThat(value(config, "purchases", "day", "2024-01-01")).isEqualTo(1.0);
    assertThat(value(config, "revenue", "week", "2024-01-01")).isEqualTo(14.0);
    assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("1 duplicate events"));
  }

  @Test
  void withoutEventIdDuplicatesCountTwice() {
    ArborConfig config = setUp("");

    new RunJob(spark, config).run(new RunJob.Options("t", AS_OF, null));

    assertThat(value(config, "purchases", "day", "2024-01-01")).isEqualTo(2.0);
  }

  @Test
  void rerunOfSameAsOfDateReplacesRows() {
    ArborConfig config = setUp("event-id = event_id");
    RunJob job = new RunJob(spark, config);

    RunJob.Result first = job.run(new RunJob.Options("t", AS_OF, null));
    List<Row> before = nodeValues(config).drop("run_id", "computed_at").orderBy("node_id", "grain", "period_start").collectAsList();
    RunJob.Result second = job.run(new RunJob.Options("t", AS_OF, null, true, null, null));
    List<Row> after = nodeValues(config).drop("run_id", "computed_at").orderBy("node_id", "grain", "period_start").collectAsList();

    // 10 days (01-01 .. 01-10) and 2 weeks, for 3 nodes.
    assertThat(before).hasSize((10 + 2) * 3);
    assertThat(after).isEqualTo(before);
    assertThat(second.runId()).isNotEqualTo(first.runId());
    assertThat(nodeValues(config).select("run_id").distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsExactly(second.runId());
    assertThat(spark.read().format("delta").load(config.warehouse().path() + "/tree_versions").count()).isEqualTo(1);
  }

  @Test
  void failedCommitLeavesOutputsAsTheyWere() {
    ArborConfig config = setUp("event-id = event_id");
    new RunJob(spark, config).run(new RunJob.Options("t", AS_OF, null));
    List<Row> before = nodeValues(config).orderBy("node_id", "grain", "period_start").collectAsList();

    // The second run includes one more day, then fails right after node_values is committed.
    RunJob failing = new RunJob(spark, config);
    failing.setCommitListener(table -> {
      if (table.equals("node_values")) {
        throw new IllegalStateException("simulated crash after committing " + table);
      }
    });
    assertThatThrownBy(() -> failing.run(new RunJob.Options("t", AS_OF.plusDays(1), null)))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("simulated crash after committing node_values");

    List<Row> after = nodeValues(config).orderBy("node_id", "grain", "period_start").collectAsList();
    assertThat(after).isEqualTo(before);
    Row failed = spark.read().format("delta").load(config.warehouse().path() + "/runs")
        .where("status = 'failed'").select("error_category", "error_message").head();
    assertThat(failed.getString(0)).isEqualTo("OUTPUT");
    assertThat(failed.getString(1)).contains("simulated crash");
  }

  @Test
  void missingSourceTableFailsAsInvalidInputAndWritesNothing() {
    ArborConfig config = setUp("");
    ArborConfig broken =
        TestConfigs.load(dir, TestConfigs.eventsSource("").replace("path = \"events\"", "path = \"no_such_table\"") + TREE)
            .withWarehouse(config.warehouse());

    assertThatThrownBy(() -> new RunJob(spark, broken).run(new RunJob.Options("t", AS_OF, null)))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("No Delta table at")
        .hasMessageContaining("no_such_table")
        .satisfies(e -> assertThat(((ArborException) e).category()).isEqualTo(ArborException.Category.INVALID_INPUT));
    assertThat(new java.io.File(config.warehouse().path() + "/node_values")).doesNotExist();
  }

  @Test
  void runsTableRecordsInputsCountsAndSteps() {
    ArborConfig config = setUp("event-id = event_id");

    RunJob.Result result = new RunJob(spark, config).run(new RunJob.Options("t", AS_OF, null));

    Row run = spark.read().format("delta").load(config.warehouse().path() + "/runs")
        .where("run_id = '" + result.runId() + "'").head();
    assertThat(run.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(run.<String>getAs("tree_version")).isEqualTo(result.treeVersion());
    assertThat(run.getJavaMap(run.fieldIndex("input_versions"))).containsEntry("events", 0L);
    assertThat(run.getJavaMap(run.fieldIndex("rows_read"))).containsEntry("events", 4L);
    assertThat(run.getJavaMap(run.fieldIndex("rows_written"))).containsEntry("node_values", 36L);
    assertThat(run.getJavaMap(run.fieldIndex("step_millis"))).containsKeys("scan", "compute", "commit");
  }

  @Test
  void fromDateLimitsTheRowsReplaced() {
    // Without a restatement window, --from alone decides the days read again.
    ArborConfig config = setUp("event-id = event_id").withRuns(
        new dev.arbor.config.RunSettings(true, 0, java.time.Duration.ofMinutes(10), java.time.Duration.ZERO));
    RunJob job = new RunJob(spark, config);
    job.run(new RunJob.Options("t", AS_OF, null));

    RunJob.Result partial = job.run(new RunJob.Options("t", AS_OF, LocalDate.parse("2024-01-09")));

    // Only the days from 01-09 and the week that contains them are rewritten; earlier rows stay.
    assertThat(nodeValues(config).count()).isEqualTo((10 + 2) * 3);
    assertThat(nodeValues(config).where("run_id = '" + partial.runId() + "'").count()).isEqualTo((2 + 1) * 3);
    assertThat(value(config, "revenue", "week", "2024-01-08")).isEqualTo(6.0);
  }

  @Test
  void runRejectsFromAfterAsOf() {
    ArborConfig config = setUp("");
    assertThatThrownBy(() -> new RunJob(spark, config).run(new RunJob.Options("t", AS_OF, AS_OF.plusDays(1))))
        .isInstanceOf(ArborException.class)
        .hasMessage("Invalid range: --from 2024-01-11 is after the as-of date 2024-01-10");
  }
}

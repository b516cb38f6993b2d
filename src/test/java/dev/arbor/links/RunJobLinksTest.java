package dev.arbor.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.job.RunJob;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The links step inside the nightly run: it scores the values the run has just computed. */
class RunJobLinksTest extends SparkTestBase {
  /** Weekly counts of the hand-worked example of {@link LinksJobTest}: x leads y by two weeks. */
  private static final int[] X = {10, 12, 11, 14, 14, 12, 13, 9, 6, 10, 9, 11};

  private static final int[] Y = {50, 52, 51, 56, 56, 63, 62, 59, 63, 56, 51, 60};

  private static final String TREE =
      """
arbor.trees.t {
  north-star = y
  calendar { grains = [week] }
  nodes {
    x { unit = count, owner = Growth, measure { source = events, agg = count, filter = "event_name = 'a'" } }
    y { unit = count, owner = Sales, measure { source = events, agg = count, filter = "event_name = 'b'" } }
  }
  links = [ { from = x, to = y, kind = hypothesis, expected-sign = positive, lag = "0..3" } ]
  links-scoring { window = 12, min-points = 6 }
}
""";

  @TempDir Path dir;

  private ArborConfig config() {
    String warehouse = dir.resolve("wh").toString();
    EventTables events = new EventTables();
    LocalDate monday = LocalDate.parse("2024-01-01");
    for (int week = 0; week < X.length; week++) {
      String wednesday = monday.plusWeeks(week).plusDays(2) + "T10:00:00Z";
      for (int i = 0; i < X[week]; i++) {
        events.add("u" + week + "a" + i, wednesday, "a", "1.00", "UK");
      }
      for (int i = 0; i < Y[week]; i++) {
        events.add("u" + week + "b" + i, wednesday, "b", "1.00", "UK");
      }
    }
    events.writeDelta(spark, warehouse + "/events");
    return TestConfigs.load(dir, TestConfigs.eventsSource("") + TREE)
        .withWarehouse(new WarehouseSettings(warehouse, ""));
  }

  @Test
  void runScoresTheValuesItComputed() {
    ArborConfig config = config();

    RunJob.Result result =
        new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse("2024-03-24"), null));

    TableLocator locator = new TableLocator(spark, config.warehouse());
    List<Row> scores = locator.read("link_scores").collectAsList();
    assertThat(scores).hasSize(1);
    Row row = scores.get(0);
    assertThat(row.<String>getAs("run_id")).isEqualTo(result.runId());
    assertThat(row.<String>getAs("tree_version")).isEqualTo(result.treeVersion());
    assertThat(row.<Integer>getAs("lag")).isEqualTo(2);
    assertThat(row.<Double>getAs("slope")).isCloseTo(2.0, within(1e-12));
    assertThat(row.<Double>getAs("r_squared")).isCloseTo(240.0 / 246.0, within(1e-12));
    assertThat(row.<String>getAs("lifecycle_status")).isEqualTo("supported");
    assertThat(result.rowsWritten()).containsEntry("link_scores", 1L);
    assertThat(result.rowsWritten()).containsEntry("link_status_history", 1L);
    Row run = locator.read("runs").collectAsList().get(0);
    assertThat(run.getJavaMap(run.fieldIndex("step_millis"))).containsKey("links");
  }

  @Test
  void failedRunLeavesLinkTablesAsTheyWere() {
    ArborConfig config = config();
    RunJob failing = new RunJob(spark, config);
    failing.setCommitListener(
        table -> {
          if (table.equals("link_status_history")) {
            throw new IllegalStateException("injected failure after " + table);
          }
        });

    assertThatThrownBy(
            () -> failing.run(new RunJob.Options("t", LocalDate.parse("2024-03-24"), null)))
        .hasMessageContaining("injected failure after link_status_history");

    TableLocator locator = new TableLocator(spark, config.warehouse());
    assertThat(locator.read("link_scores").count()).isZero();
    assertThat(locator.read("link_status_history").count()).isZero();
    assertThat(locator.read("node_values").count()).isZero();
  }
}

package dev.arbor.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.InvalidConfigException;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gates on one small table. Events (purchases):
 *
 * <pre>
 * id  user  time (UTC)        amount  gate
 * a1  u1    2024-03-25 10:00    10
 * a2  -     2024-03-25 11:00     5    no entity id
 * a3  u2    2024-03-25 12:00    -3    negative amount
 * e3  u3    -                    4    no event time
 * a5  u4    2099-01-01 00:00     1    in the future
 * a6  u5    2024-03-26 10:00     2
 * a7  u6    2024-03-26 11:00     6
 * a7  u6    2024-03-26 11:00     6    duplicate of a7
 * </pre>
 *
 * 8 rows are checked; 4 are rejected (50%); 1 of the 4 rows that pass is a duplicate (25%).
 */
class DataQualityGatesTest extends SparkTestBase {
  private static final String TREE =
      """
      arbor.trees.t {
        north-star = revenue
        calendar { grains = [day] }
        nodes {
          purchases { unit = count, owner = A, measure { source = events, agg = count } }
          revenue { unit = currency, owner = A, measure { source = events, agg = sum, column = amount } }
        }
      }
      """;

  private static ArborConfig config(Path dir, String quality) {
    return TestConfigs.load(dir,
            TestConfigs.eventsSource("event-id = event_id\nquality { " + quality + " }") + TREE)
        .withWarehouse(new WarehouseSettings(dir.resolve("wh").toString(), ""));
  }

  private static void writeEvents(ArborConfig config) {
    EventTables events = new EventTables()
        .addWithId("a1", "u1", "2024-03-25T10:00:00Z", "purchase", "10")
        .addWithId("a2", null, "2024-03-25T11:00:00Z", "purchase", "5")
        .addWithId("a3", "u2", "2024-03-25T12:00:00Z", "purchase", "-3");
    events.add("u3", null, "purchase", "4", "UK");
    events
        .addWithId("a5", "u4", "2099-01-01T00:00:00Z", "purchase", "1")
        .addWithId("a6", "u5", "2024-03-26T10:00:00Z", "purchase", "2")
        .addWithId("a7", "u6", "2024-03-26T11:00:00Z", "purchase", "6")
        .addWithId("a7", "u6", "2024-03-26T11:00:00Z", "purchase", "6")
        .writeDelta(spark, config.warehouse().path() + "/events");
  }

  @Test
  void rowsWithinTheLimitsAreCountedQuarantinedAndLeftOut(@TempDir Path dir) {
    ArborConfig config = config(dir, "non-negative = [amount], max-bad-share = 0.5, max-duplicate-share = 0.5");
    writeEvents(config);

    RunJob.Result result = new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse("2024-03-26"), null));

    TableLocator locator = new TableLocator(spark, config.warehouse());
    Row run = locator.read("runs").where("run_id = '" + result.runId() + "'").head();
    Map<String, Long> counts = run.getJavaMap(run.fieldIndex("quality_counts"));
    assertThat(counts).containsEntry("events.rows_checked", 8L)
        .containsEntry("events.without_entity", 1L)
        .containsEntry("events.negative", 1L)
        .containsEntry("events.without_time", 1L)
        .containsEntry("events.in_future", 1L)
        .containsEntry("events.duplicates", 1L);
    List<String> reasons = locator.read("quarantine").orderBy("reason").select("reason").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(reasons).containsExactly(
        "event time in the future: 2099-01-01 00:00:00",
        "missing or unparsable event time in event_time",
        "negative value in amount",
        "no entity id in user_id");
    var values = IncrementalRunTest.byKey(locator.read("node_values"));
    // 03-25 keeps a1 only; 03-26 keeps a6 and one a7.
    assertThat(IncrementalRunTest.value(values, "revenue/day/2024-03-25", "value")).isEqualTo(10.0);
    assertThat(IncrementalRunTest.value(values, "purchases/day/2024-03-26", "value")).isEqualTo(2.0);
  }

  @Test
  void tooManyRejectedRowsFailTheRunBeforeAnyOutputIsWritten(@TempDir Path dir) {
    ArborConfig config = config(dir, "non-negative = [amount], max-bad-share = 0.25, max-duplicate-share = 0.5");
    writeEvents(config);

    assertThatThrownBy(() -> new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse("2024-03-26"), null)))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Source events: 4 of 8 rows (50.00%) were rejected, above the limit of 25.00% "
            + "(arbor.sources.events.quality.max-bad-share)")
        .extracting(e -> ((ArborException) e).category().exitCode())
        .isEqualTo(1);

    TableLocator locator = new TableLocator(spark, config.warehouse());
    assertThat(locator.exists("node_values")).isFalse();
    assertThat(locator.read("quarantine").count()).isEqualTo(4);
  }

  @Test
  void tooManyDuplicatesFailTheRun(@TempDir Path dir) {
    ArborConfig config = config(dir, "max-bad-share = 0.9");
    writeEvents(config);

    assertThatThrownBy(() -> new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse("2024-03-26"), null)))
        .isInstanceOf(ArborException.class)
        // Five rows pass the checks: a1, a3 (no non-negative rule here), a6 and a7 twice. The
        // second a7 is the one duplicate.
        .hasMessageContaining("Source events: 1 of 5 rows (20.00%) repeat another event's event_id on the same day");
  }

  @Test
  void dayThatLostItsEventsFailsTheRunAndLeavesOutputs(@TempDir Path dir) {
    ArborConfig config = config(dir, "max-bad-share = 0.9, max-duplicate-share = 0.9");
    String events = config.warehouse().path() + "/events";
    EventTables.createWithChangeFeed(spark, events);
    new EventTables()
        .addWithId("a1", "u1", "2024-03-25T10:00:00Z", "purchase", "10")
        .addWithId("a2", "u2", "2024-03-26T10:00:00Z", "purchase", "20")
        .appendDelta(spark, events);
    new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse("2024-03-26"), null));
    TableLocator locator = new TableLocator(spark, config.warehouse());
    long version = locator.outputVersion("node_values");
    spark.sql("DELETE FROM delta.`" + events + "` WHERE event_id = 'a2'");

    assertThatThrownBy(() -> new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse("2024-03-26"), null)))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Source events: 1 day(s) that had events in the previous run have none now: [2024-03-26]");

    assertThat(locator.outputVersion("node_values")).isEqualTo(version);
  }

  @Test
  void emptyRecomputeClearsThePeriodsThatLostAllEvents(@TempDir Path dir) {
    ArborConfig config = config(dir, "fail-on-emptied-day = false");
    String events = config.warehouse().path() + "/events";
    EventTables.createWithChangeFeed(spark, events);
    new EventTables()
        .addWithId("a1", "u1", "2024-03-25T10:00:00Z", "purchase", "10")
        .addWithId("a2", "u2", "2024-03-26T10:00:00Z", "purchase", "20")
        .appendDelta(spark, events);
    new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse("2024-03-26"), null));
    spark.sql("DELETE FROM delta.`" + events + "` WHERE event_id = 'a1'");

    RunJob.Result result = new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse("2024-03-26"), null));

    var values = IncrementalRunTest.byKey(new TableLocator(spark, config.warehouse()).read("node_values"));
    assertThat(result.recompute()).startsWith("incremental");
    assertThat(values).doesNotContainKey("revenue/day/2024-03-25");
    assertThat(IncrementalRunTest.value(values, "revenue/day/2024-03-26", "value")).isEqualTo(20.0);
    assertThat(IncrementalRunTest.value(values, "revenue/day/2024-03-26", "previous_value")).isNull();
  }

  @Test
  void invalidGateSettingsAreReportedWithFileAndLine(@TempDir Path dir) {
    assertThatThrownBy(() -> config(dir, "max-bad-share = 2\nnon-negative = [amout]\nfuture-tolerance = soon"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("arbor.conf:")
        .hasMessageContaining("invalid max-bad-share 2.0; expected 0.0 to 1.0")
        .hasMessageContaining("non-negative column 'amout' is not a column of the source (did you mean 'amount'?)")
        .hasMessageContaining("invalid future-tolerance 'soon'; expected a duration such as 30s, 10m or 1d");
  }
}

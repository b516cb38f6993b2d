package dev.arbor.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill of three monthly chunks that fails in the second, resumes, and ends equal to a full
 * recompute. Events (purchases, UTC): u1 on 01-10 (10) and 02-20 (5), u2 on 01-31 (20) and
 * 03-05 (7), u3 on 03-31 (1).
 */
class BackfillJobTest extends SparkTestBase {

  private static EventTables events() {
    return new EventTables()
        .addWithId("a1", "u1", "2024-01-10T10:00:00Z", "purchase", "10")
        .addWithId("a2", "u2", "2024-01-31T23:30:00Z", "purchase", "20")
        .addWithId("a3", "u1", "2024-02-20T10:00:00Z", "purchase", "5")
        .addWithId("a4", "u2", "2024-03-05T10:00:00Z", "purchase", "7")
        .addWithId("a5", "u3", "2024-03-31T10:00:00Z", "purchase", "1");
  }

  @Test
  void failedBackfillResumesFromTheFailedChunkAndEqualsAFullRecompute(@TempDir Path dir) {
    String warehouse = dir.resolve("backfill").toString();
    ArborConfig config = IncrementalRunTest.config(dir, warehouse);
    EventTables.createWithChangeFeed(spark, warehouse + "/events");
    events().appendDelta(spark, warehouse + "/events");
    BackfillJob.Options options = new BackfillJob.Options("t", LocalDate.parse("2024-01-01"),
        LocalDate.parse("2024-03-31"), BackfillJob.ChunkSize.MONTH, null, false);
    BackfillJob failing = new BackfillJob(spark, config);
    int[] commits = {0};
    failing.setCommitListener(table -> {
      if (table.equals("node_values") && ++commits[0] == 2) {
        throw new IllegalStateException("executor lost");
      }
    });

    assertThatThrownBy(() -> failing.run(options))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("stopped at chunk 2/3 (2024-02-01..2024-02-29)")
        .hasMessageContaining("Run the same backfill command again to resume from this chunk.");
    BackfillJob.Result resumed = new BackfillJob(spark, config).run(options);

    assertThat(resumed.chunksSkipped()).isEqualTo(1);
    assertThat(resumed.chunksRun()).isEqualTo(2);
    String fullWarehouse = dir.resolve("full").toString();
    ArborConfig full = IncrementalRunTest.config(dir, fullWarehouse);
    events().writeDelta(spark, fullWarehouse + "/events");
    new RunJob(spark, full).run(new RunJob.Options("t", LocalDate.parse("2024-03-31"), null, true, null, null));
    Map<String, Row> expected = IncrementalRunTest.byKey(new TableLocator(spark, full.warehouse()).read("node_values"));
    Map<String, Row> actual = IncrementalRunTest.byKey(new TableLocator(spark, config.warehouse()).read("node_values"));
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (Map.Entry<String, Row> entry : expected.entrySet()) {
      for (String column : List.of("value", "previous_value", "change", "is_complete", "quality_flags")) {
        assertThat((Object) actual.get(entry.getKey()).getAs(column)).as(entry.getKey() + " " + column)
            .isEqualTo(entry.getValue().getAs(column));
      }
    }
    // u2 buys on 01-31 and 03-05: resurrected in March, after February without a purchase.
    assertThat(IncrementalRunTest.value(actual, "resurrected/month/2024-03-01", "value")).isEqualTo(1.0);
    TableLocator locator = new TableLocator(spark, config.warehouse());
    assertThat(locator.read("runs").where("command = 'backfill' AND status = 'succeeded'").count()).isEqualTo(3);
  }

  @Test
  void chunksFollowCalendarMonthsAndWeeks() {
    List<LocalDate[]> months =
        BackfillJob.chunks(LocalDate.parse("2024-01-15"), LocalDate.parse("2024-03-10"), BackfillJob.ChunkSize.MONTH);
    List<LocalDate[]> weeks =
        BackfillJob.chunks(LocalDate.parse("2024-01-03"), LocalDate.parse("2024-01-15"), BackfillJob.ChunkSize.WEEK);

    assertThat(months).extracting(c -> c[0] + ".." + c[1])
        .containsExactly("2024-01-15..2024-01-31", "2024-02-01..2024-02-29", "2024-03-01..2024-03-10");
    assertThat(weeks).extracting(c -> c[0] + ".." + c[1])
        .containsExactly("2024-01-03..2024-01-07", "2024-01-08..2024-01-14", "2024-01-15..2024-01-15");
  }
}

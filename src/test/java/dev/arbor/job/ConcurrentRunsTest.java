package dev.arbor.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.RunSettings;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two runs of one tree at the same time: the lease lets one write and stops or delays the other. */
class ConcurrentRunsTest extends SparkTestBase {

  @Test
  void secondRunOfATreeFailsFastWhileTheFirstHoldsTheLease(@TempDir Path dir) throws Exception {
    String warehouse = dir.resolve("wh").toString();
    ArborConfig config = IncrementalRunTest.config(dir, warehouse);
    EventTables.createWithChangeFeed(spark, warehouse + "/events");
    IncrementalRunTest.batch1().appendDelta(spark, warehouse + "/events");
    CountDownLatch committing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RunJob first = new RunJob(spark, config);
    first.setCommitListener(table -> {
      committing.countDown();
      await(release);
    });
    CompletableFuture<RunJob.Result> firstRun = CompletableFuture.supplyAsync(
        () -> first.run(new RunJob.Options("t", LocalDate.parse("2024-03-29"), null)));
    assertThat(committing.await(10, TimeUnit.MINUTES)).isTrue();

    try {
      assertThatThrownBy(() -> IncrementalRunTest.run(config, "2024-03-29"))
          .isInstanceOf(ArborException.class)
          .hasMessageContaining("Cannot run tree t: run " + "t-2024-03-29-")
          .hasMessageContaining("is writing it")
          .extracting(e -> ((ArborException) e).category())
          .isEqualTo(ArborException.Category.CONFLICT);
    } finally {
      release.countDown();
    }

    assertThat(firstRun.get(10, TimeUnit.MINUTES).recompute()).startsWith("full");
    TableLocator locator = new TableLocator(spark, config.warehouse());
    assertThat(locator.read("runs").where("status = 'failed' AND error_category = 'CONFLICT'").count())
        .isEqualTo(1);
  }

  @Test
  void runThatWaitsForTheLeaseWritesAfterTheFirstAndBothPeriodsArePresent(@TempDir Path dir)
      throws Exception {
    String warehouse = dir.resolve("wh").toString();
    ArborConfig base = IncrementalRunTest.config(dir, warehouse);
    ArborConfig config =
        base.withRuns(new RunSettings(true, 2, Duration.ofMinutes(10), Duration.ofMinutes(10)));
    EventTables.createWithChangeFeed(spark, warehouse + "/events");
    IncrementalRunTest.batch1().appendDelta(spark, warehouse + "/events");
    IncrementalRunTest.batch2().appendDelta(spark, warehouse + "/events");
    IncrementalRunTest.run(config, "2024-04-01");
    CountDownLatch committing = new CountDownLatch(1);
    RunJob backfillLike = new RunJob(spark, config);
    backfillLike.setCommitListener(table -> {
      committing.countDown();
      sleep(3_000);
    });

    // A chunk of March and a nightly run that touch different periods, started together.
    CompletableFuture<RunJob.Result> march = CompletableFuture.supplyAsync(
        () -> backfillLike.run(new RunJob.Options("t", LocalDate.parse("2024-04-01"), null, false, null,
            new RunJob.Chunk(LocalDate.parse("2024-03-25"), LocalDate.parse("2024-03-26"), "b1"))));
    assertThat(committing.await(10, TimeUnit.MINUTES)).isTrue();
    RunJob.Result nightly = IncrementalRunTest.run(config, "2024-04-01");

    assertThat(march.get(10, TimeUnit.MINUTES).periodsRecomputed()).isPositive();
    assertThat(nightly.recompute()).startsWith("incremental");
    var rows = IncrementalRunTest.byKey(new TableLocator(spark, config.warehouse()).read("node_values"));
    assertThat(IncrementalRunTest.value(rows, "revenue/day/2024-03-25", "value")).isEqualTo(10.0);
    assertThat(IncrementalRunTest.value(rows, "revenue/day/2024-04-01", "value")).isEqualTo(9.0);
  }

  @Test
  void runsOfDifferentTreesDoNotBlockEachOther(@TempDir Path dir) throws Exception {
    String warehouse = dir.resolve("wh").toString();
    ArborConfig config = IncrementalRunTest.config(dir, warehouse);
    EventTables.createWithChangeFeed(spark, warehouse + "/events");
    IncrementalRunTest.batch1().appendDelta(spark, warehouse + "/events");
    var leases = new dev.arbor.store.TreeLeases(spark, new TableLocator(spark, config.warehouse()));

    try (var other = leases.acquire("other_tree", "other-run", "run", Duration.ofMinutes(1), Duration.ZERO)) {
      RunJob.Result result = IncrementalRunTest.run(config, "2024-03-29");
      assertThat(result.periodsRecomputed()).isPositive();
      other.check();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

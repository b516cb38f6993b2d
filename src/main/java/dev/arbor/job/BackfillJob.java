package dev.arbor.job;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.store.RunsTable;
import dev.arbor.store.StateTables;
import dev.arbor.store.TableLocator;
import dev.arbor.tree.Tree;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recomputes a range of days chunk by chunk, oldest first. Each chunk is one run (command {@code
 * backfill} in the runs table) that reads the chunk's days again and rewrites every period they
 * affect, so the cost of a chunk is its own days, and a failure loses at most one chunk. The
 * chunks that succeeded are recorded under the backfill's id; starting the same backfill again
 * skips them.
 *
 * <p>On a warehouse without state for the tree, the first chunk is a full run as of the chunk's
 * last day (history before the range included), and later chunks move the as-of date forward.
 */
public final class BackfillJob {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillJob.class);

  /** Chunk sizes. */
  public enum ChunkSize {
    DAY,
    WEEK,
    MONTH;

    public static ChunkSize fromKey(String key) {
      for (ChunkSize size : values()) {
        if (size.name().equalsIgnoreCase(key)) {
          return size;
        }
      }
      throw ArborException.usage("Invalid --chunk '" + key + "'; expected day, week or month");
    }
  }

  /**
   * Range and chunking of a backfill.
   *
   * @param asOf as-of date of every chunk, or null for the later of the chunk's last day and the
   *     as-of date of the tree's latest run
   * @param restart whether to redo chunks that already succeeded
   */
  public record Options(
      String treeId, LocalDate from, LocalDate to, ChunkSize chunk, LocalDate asOf, boolean restart) {}

  /** Outcome: chunks run now, chunks skipped as already done, and node_values rows written. */
  public record Result(String backfillId, int chunksRun, int chunksSkipped, long rowsWritten) {}

  private final SparkSession spark;
  private final ArborConfig config;
  private dev.arbor.store.OutputCommitter.CommitListener commitListener = table -> {};

  public BackfillJob(SparkSession spark, ArborConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** Sets a hook called after each output commit of every chunk; tests use it to fail a chunk. */
  public void setCommitListener(dev.arbor.store.OutputCommitter.CommitListener listener) {
    this.commitListener = listener;
  }

  public Result run(Options options) {
    Tree tree = config.tree(options.treeId());
    if (options.to().isBefore(options.from())) {
      throw ArborException.usage("Invalid range: --to " + options.to() + " is before --from " + options.from());
    }
    if (options.asOf() != null && options.asOf().isBefore(options.to())) {
      throw ArborException.usage("Invalid --as-of " + options.asOf() + ": it must not be before --to " + options.to());
    }
    String backfillId = tree.id() + "-" + options.from() + "-" + options.to() + "-"
        + options.chunk().name().toLowerCase(Locale.ROOT);
    List<LocalDate[]> chunks = chunks(options.from(), options.to(), options.chunk());
    TableLocator locator = new TableLocator(spark, config.warehouse());
    Set<LocalDate> done = options.restart() ? Set.of() : new RunsTable(spark, locator).succeededChunks(backfillId);
    LOG.info("Backfill {}: {} chunks of a {} from {} to {}{}", backfillId, chunks.size(),
        options.chunk().name().toLowerCase(Locale.ROOT), options.from(), options.to(),
        done.isEmpty() ? "" : ", " + done.size() + " already done");

    int run = 0;
    int skipped = 0;
    long rows = 0;
    long rowsRead = 0;
    long started = System.nanoTime();
    for (int i = 0; i < chunks.size(); i++) {
      LocalDate first = chunks.get(i)[0];
      LocalDate last = chunks.get(i)[1];
      if (done.contains(first)) {
        skipped++;
        LOG.info("Backfill {}: chunk {}/{} ({}..{}) already done; skipped", backfillId, i + 1,
            chunks.size(), first, last);
        continue;
      }
      StateTables.Manifest manifest = new StateTables(spark, locator, tree.id()).manifest();
      LocalDate asOf = options.asOf() != null ? options.asOf()
          : manifest != null && manifest.asOf().isAfter(last) ? manifest.asOf() : last;
      long chunkStarted = System.nanoTime();
      RunJob.Result result;
      try {
        RunJob job = new RunJob(spark, config);
        job.setCommitListener(commitListener);
        result = job.run(new RunJob.Options(tree.id(), asOf, null, false, null,
            new RunJob.Chunk(first, last, backfillId)));
      } catch (ArborException e) {
        throw new ArborException(e.category(), "Backfill " + backfillId + " stopped at chunk " + (i + 1)
            + "/" + chunks.size() + " (" + first + ".." + last + "): " + e.getMessage()
            + " Run the same backfill command again to resume from this chunk.", e);
      }
      run++;
      long written = result.rowsWritten().getOrDefault("node_values", 0L);
      rows += written;
      rowsRead += result.rowsRead();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      int remaining = chunks.size() - i - 1 - countDone(done, chunks, i + 1);
      Duration left = elapsed.dividedBy(run).multipliedBy(remaining);
      double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
      LOG.info(String.format(Locale.ROOT,
          "Backfill %s: chunk %d/%d (%s..%s) done in %.1f s: %d events read, %d node_values rows "
              + "written; %d of %d chunks done, %.0f events/s, about %s left",
          backfillId, i + 1, chunks.size(), first, last,
          (System.nanoTime() - chunkStarted) / 1e9, result.rowsRead(), written, run + skipped,
          chunks.size(), rowsRead / seconds, format(left)));
    }
    LOG.info("Backfill {} finished: {} chunks run, {} skipped, {} node_values rows written in {}",
        backfillId, run, skipped, rows, format(Duration.ofNanos(System.nanoTime() - started)));
    return new Result(backfillId, run, skipped, rows);
  }

  /** Splits the days {@code from} to {@code to} into calendar days, ISO weeks or months. */
  static List<LocalDate[]> chunks(LocalDate from, LocalDate to, ChunkSize size) {
    List<LocalDate[]> chunks = new ArrayList<>();
    LocalDate start = from;
    while (!start.isAfter(to)) {
      LocalDate end = switch (size) {
        case DAY -> start;
        case WEEK -> start.with(TemporalAdjusters.nextOrSame(java.time.DayOfWeek.SUNDAY));
        case MONTH -> start.with(TemporalAdjusters.lastDayOfMonth());
      };
      if (end.isAfter(to)) {
        end = to;
      }
      chunks.add(new LocalDate[] {start, end});
      start = end.plusDays(1);
    }
    return chunks;
  }

  private static int countDone(Set<LocalDate> done, List<LocalDate[]> chunks, int fromIndex) {
    int count = 0;
    for (int i = fromIndex; i < chunks.size(); i++) {
      if (done.contains(chunks.get(i)[0])) {
        count++;
      }
    }
    return count;
  }

  private static String format(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds < 120 ? seconds + " s" : (seconds / 60) + " min";
  }
}

package dev.arbor.store;

import dev.arbor.ArborException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps two runs of one tree from writing at the same time, with leases in a Delta table under
 * the warehouse ({@code _leases}, one row per tree).
 *
 * <p>Why a lease and not only Delta's optimistic conflict detection: a run writes several tables
 * in separate commits after up to an hour of computing; two runs racing on one tree would both
 * compute, and their commits could interleave table by table. A lease makes the second run wait
 * or fail before it reads anything. Taking a lease is one MERGE, so Delta's conflict detection
 * makes it atomic: of two runs that MERGE at once, one commits and the other gets a conflict,
 * retries, and finds the lease held. Runs of different trees touch different partitions and do
 * not block each other. A lease expires when its run stops renewing it, so a killed run blocks
 * its tree for at most the lease timeout.
 */
public final class TreeLeases {
  private static final Logger LOG = LoggerFactory.getLogger(TreeLeases.class);
  private static final int MAX_MERGE_ATTEMPTS = 10;

  private final SparkSession spark;
  private final String path;

  public TreeLeases(SparkSession spark, TableLocator locator) {
    this.spark = spark;
    this.path = locator.warehousePath("_leases");
  }

  /**
   * Takes the lease on {@code treeId} for {@code runId}, waiting up to {@code wait} for another
   * run to release it. The returned lease renews itself every third of {@code timeout} until
   * closed.
   *
   * @throws ArborException of category CONFLICT when another run holds the lease after the wait
   */
  public Lease acquire(String treeId, String runId, String command, Duration timeout, Duration wait) {
    Instant deadline = Instant.now().plus(wait);
    ensureTable();
    while (true) {
      Holder holder = claim(treeId, runId, command, timeout);
      if (holder.runId().equals(runId)) {
        LOG.info("Took the lease on tree {} until {}", treeId, holder.expiresAt());
        return new Lease(treeId, runId, command, timeout);
      }
      if (!Instant.now().isBefore(deadline)) {
        throw new ArborException(ArborException.Category.CONFLICT,
            "Cannot run tree " + treeId + ": run " + holder.runId() + " (" + holder.command()
                + ", started " + holder.acquiredAt() + ") is writing it. Retry when it has finished,"
                + " or set arbor.runs.lock-wait to wait for it. If that run was killed, its lease"
                + " expires at " + holder.expiresAt() + ".", null);
      }
      LOG.info("Tree {} is being written by run {}; waiting (lease expires at {})", treeId,
          holder.runId(), holder.expiresAt());
      sleep(Math.min(2_000, Math.max(100, Duration.between(Instant.now(), deadline).toMillis())));
    }
  }

  /** A held lease; {@link #check} before committing, {@link #close} to release. */
  public final class Lease implements AutoCloseable {
    private final String treeId;
    private final String runId;
    private final String command;
    private final Duration timeout;
    private final ScheduledExecutorService renewer;
    private volatile String lostReason;

    private Lease(String treeId, String runId, String command, Duration timeout) {
      this.treeId = treeId;
      this.runId = runId;
      this.command = command;
      this.timeout = timeout;
      this.renewer =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "arbor-lease-" + treeId);
                thread.setDaemon(true);
                return thread;
              });
      long period = Math.max(1_000, timeout.toMillis() / 3);
      renewer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    private void renew() {
      try {
        Holder holder = claim(treeId, runId, command, timeout);
        if (!holder.runId().equals(runId)) {
          lostReason = "run " + holder.runId() + " took it after it expired";
        }
      } catch (RuntimeException e) {
        LOG.warn("Cannot renew the lease on tree {}; retrying at the next renewal", treeId, e);
      }
    }

    /**
     * Fails when the lease was lost or is about to expire, so that a run that stalled longer than
     * the timeout does not commit over another run's work.
     */
    public void check() {
      Holder holder = current(treeId);
      if (lostReason == null && (holder == null || !holder.runId().equals(runId))) {
        lostReason = holder == null ? "it was released" : "run " + holder.runId() + " holds it";
      }
      if (lostReason == null && holder.expiresAt().isBefore(Instant.now().plusSeconds(5))) {
        lostReason = "it expired at " + holder.expiresAt() + " without renewal";
      }
      if (lostReason != null) {
        throw new ArborException(ArborException.Category.CONFLICT,
            "Cannot commit run " + runId + ": it lost its lease on tree " + treeId + " ("
                + lostReason + "). Nothing was written; run it again.", null);
      }
    }

    @Override
    public void close() {
      renewer.shutdownNow();
      try {
        spark.sql("DELETE FROM delta.`" + path + "` WHERE tree_id = '" + treeId + "' AND run_id = '"
            + runId + "'");
        LOG.info("Released the lease on tree {}", treeId);
      } catch (RuntimeException e) {
        LOG.warn("Cannot release the lease on tree {}; it expires by itself after {}", treeId, timeout, e);
      }
    }
  }

  /** Holder of a tree's lease. */
  record Holder(String runId, String command, Instant acquiredAt, Instant expiresAt) {}

  /**
   * Takes or renews the lease when it is free, expired or already ours, in one MERGE; returns the
   * holder afterwards. Retries when a concurrent MERGE on the same table wins the commit.
   */
  private Holder claim(String treeId, String runId, String command, Duration timeout) {
    Instant now = Instant.now();
    String sql =
        "MERGE INTO delta.`" + path + "` t USING (SELECT '" + treeId + "' AS tree_id, '" + runId
            + "' AS run_id, '" + command + "' AS command, " + timestamp(now) + " AS acquired_at, "
            + timestamp(now.plus(timeout)) + " AS expires_at) s ON t.tree_id = s.tree_id "
            + "WHEN MATCHED AND t.run_id = s.run_id THEN UPDATE SET expires_at = s.expires_at "
            + "WHEN MATCHED AND t.expires_at < s.acquired_at THEN UPDATE SET * "
            + "WHEN NOT MATCHED THEN INSERT *";
    for (int attempt = 1; ; attempt++) {
      try {
        // MERGE reports the rows it changed: one means this run holds the lease now, so the
        // holder is known without reading the table again (a Delta read costs about a second).
        Row metrics = spark.sql(sql).head();
        if (changedOneRow(metrics)) {
          return new Holder(runId, command, now, now.plus(timeout));
        }
        break;
      } catch (RuntimeException e) {
        if (!DeltaConflicts.isConflict(e) || attempt >= MAX_MERGE_ATTEMPTS) {
          throw e;
        }
        LOG.debug("Lease MERGE on tree {} lost a race (attempt {}); retrying", treeId, attempt);
        sleep(50L * attempt);
      }
    }
    Holder holder = current(treeId);
    if (holder == null) {
      throw new IllegalStateException("Lease row of tree " + treeId + " vanished right after a MERGE");
    }
    return holder;
  }

  /** Returns whether a MERGE's metrics row reports exactly one inserted or updated row. */
  private static boolean changedOneRow(Row metrics) {
    java.util.List<String> names = java.util.Arrays.asList(metrics.schema().fieldNames());
    int affected = names.indexOf("num_affected_rows");
    return affected >= 0 && !metrics.isNullAt(affected) && metrics.getLong(affected) == 1L;
  }

  private Holder current(String treeId) {
    List<Row> rows =
        spark.sql("SELECT run_id, command, acquired_at, expires_at FROM delta.`" + path
                + "` WHERE tree_id = '" + treeId + "'")
            .collectAsList();
    if (rows.isEmpty()) {
      return null;
    }
    Row row = rows.get(0);
    return new Holder(row.getString(0), row.getString(1), row.getTimestamp(2).toInstant(),
        row.getTimestamp(3).toInstant());
  }

  private void ensureTable() {
    if (io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        spark.sql("CREATE TABLE IF NOT EXISTS delta.`" + path + "` (tree_id STRING NOT NULL, "
            + "run_id STRING NOT NULL, command STRING NOT NULL, acquired_at TIMESTAMP NOT NULL, "
            + "expires_at TIMESTAMP NOT NULL) USING DELTA PARTITIONED BY (tree_id)");
        return;
      } catch (RuntimeException e) {
        // Two first runs may create the table at once; the loser gets a conflict or finds the table.
        if (attempt >= 3) {
          throw e;
        }
        sleep(100L * attempt);
      }
    }
  }

  private static final java.time.format.DateTimeFormatter UTC_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
          .withZone(java.time.ZoneOffset.UTC);

  /** Returns a SQL timestamp literal; the session time zone is UTC (see SparkSessions). */
  private static String timestamp(Instant instant) {
    return "TIMESTAMP'" + UTC_TIME.format(instant) + "'";
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a lease", e);
    }
  }
}

package dev.arbor.store;

import dev.arbor.ArborException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's outputs so that a failed run leaves every table as it was.
 *
 * <p>Every output is first written in full to a staging folder under the warehouse ({@link
 * #stage}); that is where computation happens, and where most failures surface. Only then are the
 * staged rows committed to the output tables ({@link #commitAll}), one Delta commit per table. If
 * a commit fails, the tables already committed by this run are restored to their version before
 * the run.
 */
public final class OutputCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(OutputCommitter.class);

  /** Strategy for merging a staged table into its output table. */
  public sealed interface WriteMode {}

  /** Replaces the rows matching a predicate with the staged rows, in one commit. */
  public record ReplaceWhere(String predicate) implements WriteMode {}

  /** Inserts the staged rows whose key columns are not in the table yet. */
  public record InsertNew(List<String> keyColumns) implements WriteMode {}

  /** Appends the staged rows. */
  public record Append() implements WriteMode {}

  /**
   * Replaces the whole table, its schema included (state tables whose columns follow the tree).
   * With a {@code clusterColumn}, the committed files hold disjoint ranges of that column, so
   * that Delta's file statistics let a later read of a few values skip the other files.
   */
  public record Overwrite(String clusterColumn) implements WriteMode {
    public Overwrite() {
      this(null);
    }
  }

  /** Called after each table commit; tests use it to inject failures. */
  public interface CommitListener {
    void committed(String table);
  }

  /**
   * A staged table. {@code target} is a path or catalog name, and {@code sqlName} is how SQL
   * refers to it. {@code hasDdl} is true for output tables, which sql/ddl defines, and false for
   * event tables, which the first write creates from the staged schema.
   */
  private record Staged(
      String table, String stagingPath, WriteMode mode, String target, String sqlName, boolean hasDdl,
      String ddlName) {}

  /** Attempts per table commit when a concurrent writer wins the race for the same files. */
  private static final int COMMIT_ATTEMPTS = 3;

  /** Tables committed at the same time. */
  private static final int COMMIT_THREADS = 4;

  private final SparkSession spark;
  private final TableLocator locator;
  private final String runId;
  /**
   * Delta transaction id of this committer's writes: a commit retried after it had in fact landed
   * (the error came after the log entry was written) is skipped by Delta instead of applied twice.
   * One per committer, so a new attempt of a run, which computes afresh, always writes.
   */
  private final String txnAppId;
  private final List<Staged> staged = new ArrayList<>();
  private final Map<String, Long> rowsWritten = new LinkedHashMap<>();
  private CommitListener listener = table -> {};

  public OutputCommitter(SparkSession spark, TableLocator locator, String runId) {
    this.spark = spark;
    this.locator = locator;
    this.runId = runId;
    this.txnAppId = "arbor:" + runId + ":" + java.util.UUID.randomUUID();
  }

  public void setListener(CommitListener listener) {
    this.listener = listener;
  }

  /** Writes {@code rows} to staging, computing them fully; returns the number of rows. */
  public long stage(String table, Dataset<Row> rows, WriteMode mode) {
    return stage(table, rows, mode, locator.output(table), locator.sqlName(table), true);
  }

  /**
   * Stages rows for the output table {@code table} under the staging name {@code name}, for a run
   * that writes one table in several parts (one per source).
   */
  public long stage(String name, Dataset<Row> rows, WriteMode mode, String table) {
    return stage(name, rows, mode, locator.output(table), locator.sqlName(table), true, table);
  }

  /** Stages rows for a Delta table at a path of its own, created by the first write. */
  public long stageToPath(String name, String path, Dataset<Row> rows, WriteMode mode) {
    return stage(name, rows, mode, path, "delta.`" + path + "`", false);
  }

  private long stage(String table, Dataset<Row> rows, WriteMode mode, String target, String sqlName, boolean hasDdl) {
    return stage(table, rows, mode, target, sqlName, hasDdl, table);
  }

  private long stage(
      String table, Dataset<Row> rows, WriteMode mode, String target, String sqlName, boolean hasDdl,
      String ddlName) {
    String path = locator.warehousePath("_staging/" + runId + "/" + table);
    long started = System.nanoTime();
    // Plain Parquet: the staged copy is read once by the commit and never updated, so it needs
    // no transaction log, and skipping Delta's log and statistics halves the cost of a stage.
    rows.write().mode("overwrite").parquet(path);
    long count = spark.read().parquet(path).count();
    staged.add(new Staged(table, path, mode, target, sqlName, hasDdl, ddlName));
    rowsWritten.put(table, count);
    LOG.info("Staged {}: {} rows in {} ms", table, count, (System.nanoTime() - started) / 1_000_000);
    return count;
  }

  /**
   * Returns the rows that an output table will contain once this run commits. For a table
   * staged with ReplaceWhere, these are the staged rows plus the committed rows outside the
   * predicate. For an appended table they are both, and for a table not staged, the committed
   * table. Returns null when the table neither exists nor is staged. Steps that read what an earlier step of the same run wrote use this,
   * so a run never reads its own outputs from a half-committed warehouse.
   */
  public Dataset<Row> readAfterCommit(String table) {
    Staged entry = null;
    for (Staged candidate : staged) {
      if (candidate.table().equals(table)) {
        entry = candidate;
      }
    }
    boolean exists = locator.exists(table);
    if (entry == null) {
      return exists ? locator.read(table) : null;
    }
    Dataset<Row> rows = spark.read().parquet(entry.stagingPath());
    if (!exists || entry.mode() instanceof InsertNew) {
      return exists ? locator.read(table).unionByName(rows, true) : rows;
    }
    Dataset<Row> committed = locator.read(table);
    if (entry.mode() instanceof ReplaceWhere replace) {
      committed = committed.where("NOT (" + replace.predicate() + ")");
    }
    return committed.unionByName(rows, true);
  }

  /** Returns the rows staged for {@code table}, as the commit will write them. */
  public Dataset<Row> staged(String table) {
    for (Staged entry : staged) {
      if (entry.table().equals(table)) {
        return spark.read().parquet(entry.stagingPath());
      }
    }
    throw new IllegalStateException("Nothing staged for " + table);
  }

  public Map<String, Long> rowsWritten() {
    return Map.copyOf(rowsWritten);
  }

  /**
   * Commits every staged table, then removes the staging folder. The tables are committed side
   * by side, except the one staged last, which is committed after all the others (a run stages
   * its state manifest last, so that a run killed midway leaves the old manifest). On failure,
   * restores the tables this run had already committed and rethrows.
   */
  public void commitAll() {
    Map<String, Long> versionsBefore = new java.util.concurrent.ConcurrentHashMap<>();
    List<String> committed = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      // Tables are created or upgraded one by one, before the commits, so that no two threads
      // run DDL against the catalog at once.
      for (Staged entry : staged) {
        if (entry.hasDdl()) {
          ensureTable(entry.ddlName());
        }
      }
      if (!staged.isEmpty()) {
        commitTogether(staged.subList(0, staged.size() - 1), versionsBefore, committed);
        commitTogether(staged.subList(staged.size() - 1, staged.size()), versionsBefore, committed);
      }
    } catch (Exception e) {
      rollBack(committed, versionsBefore);
      // Spark's AnalysisException is a checked exception that Scala code throws undeclared.
      throw e instanceof ArborException arbor ? arbor : ArborException.output("Cannot commit outputs: " + firstLine(e), e);
    } finally {
      deleteStaging();
    }
  }

  /**
   * Commits {@code entries} on up to {@link #COMMIT_THREADS} threads and waits for all of them,
   * so that nothing of this run is still being written when the method returns. Each Delta
   * commit is mostly fixed cost (log reads and writes, a small Spark job), so commits of
   * different tables overlap well. Rethrows the first failure; an {@link Error} as it is, because
   * it stands for a run that stops without restoring anything.
   */
  private void commitTogether(List<Staged> entries, Map<String, Long> versionsBefore, List<String> committed)
      throws Exception {
    if (entries.isEmpty()) {
      return;
    }
    // Parts of one table (one per source) go in order on one thread, because concurrent commits
    // to one Delta table conflict.
    Map<String, List<Staged>> byTarget = new LinkedHashMap<>();
    for (Staged entry : entries) {
      byTarget.computeIfAbsent(entry.sqlName(), target -> new ArrayList<>()).add(entry);
    }
    Map<String, String> logContext = org.slf4j.MDC.getCopyOfContextMap();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(Math.min(COMMIT_THREADS, byTarget.size()));
    try {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (List<Staged> parts : byTarget.values()) {
        futures.add(pool.submit(() -> {
          if (logContext != null) {
            org.slf4j.MDC.setContextMap(logContext);
          }
          try {
            for (Staged entry : parts) {
              commitOne(entry, versionsBefore, committed);
            }
          } finally {
            org.slf4j.MDC.clear();
          }
          return null;
        }));
      }
      Throwable failure = null;
      for (java.util.concurrent.Future<?> future : futures) {
        try {
          future.get();
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable cause = e.getCause();
          if (failure == null || (cause instanceof Error && !(failure instanceof Error))) {
            failure = cause;
          }
        }
      }
      if (failure instanceof Error error) {
        throw error;
      }
      if (failure != null) {
        throw (Exception) failure;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void commitOne(Staged entry, Map<String, Long> versionsBefore, List<String> committed) {
    boolean exists = !entry.hasDdl() ? locator.isDeltaTable(entry.target()) : true;
    // The version before the run's first part: a rollback restores the table to it.
    versionsBefore.putIfAbsent(entry.sqlName(), exists ? locator.deltaVersion(entry.target()) : -1L);
    long started = System.nanoTime();
    commitWithRetry(entry, exists);
    synchronized (committed) {
      if (!committed.contains(entry.sqlName())) {
        committed.add(entry.sqlName());
      }
    }
    LOG.info(
        "Committed {} (version {}) in {} ms",
        entry.table(),
        locator.deltaVersion(entry.target()),
        (System.nanoTime() - started) / 1_000_000);
    listener.committed(entry.table());
  }

  private void commitWithRetry(Staged entry, boolean exists) {
    for (int attempt = 1; ; attempt++) {
      try {
        commit(entry, exists);
        return;
      } catch (RuntimeException e) {
        if (!DeltaConflicts.isConflict(e) || attempt >= COMMIT_ATTEMPTS) {
          throw e;
        }
        LOG.warn("Commit of {} conflicted with a concurrent writer (attempt {} of {}); retrying",
            entry.table(), attempt, COMMIT_ATTEMPTS, e);
        exists = !entry.hasDdl() ? locator.isDeltaTable(entry.target()) : true;
      }
    }
  }

  /** Writes with this committer's Delta transaction id; each table gets one write per committer. */
  private org.apache.spark.sql.DataFrameWriter<Row> writer(Dataset<Row> rows, String mode) {
    return rows.write().format("delta").mode(mode).option("txnAppId", txnAppId).option("txnVersion", 1L);
  }

  private void commit(Staged entry, boolean exists) {
    Dataset<Row> rows = spark.read().parquet(entry.stagingPath());
    if (entry.mode() instanceof Overwrite overwrite && overwrite.clusterColumn() != null) {
      // Spark packs several small staged files into one read task, and that task would write
      // their ranges into one committed file. Sorting into ranges again keeps them apart.
      int files = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions", "8"));
      rows = rows.repartitionByRange(files, org.apache.spark.sql.functions.col(overwrite.clusterColumn()));
    }
    String target = entry.target();
    boolean catalog = entry.hasDdl() && locator.warehouse().usesCatalog();
    if (!exists) {
      writer(rows, "overwrite").save(target);
    } else if (entry.mode() instanceof ReplaceWhere replace) {
      var writer = writer(rows, "overwrite").option("replaceWhere", replace.predicate());
      if (catalog) {
        writer.saveAsTable(target);
      } else {
        writer.save(target);
      }
    } else if (entry.mode() instanceof Overwrite) {
      writer(rows, "overwrite").option("overwriteSchema", "true").save(target);
    } else if (entry.mode() instanceof InsertNew insert) {
      String view = "arbor_staged_" + entry.table() + "_" + Math.abs(runId.hashCode());
      rows.createOrReplaceTempView(view);
      List<String> conditions = new ArrayList<>();
      for (String key : insert.keyColumns()) {
        conditions.add("t." + key + " = s." + key);
      }
      spark.sql(
          "MERGE INTO " + entry.sqlName() + " t USING " + view + " s ON "
              + String.join(" AND ", conditions) + " WHEN NOT MATCHED THEN INSERT *");
      spark.catalog().dropTempView(view);
    } else {
      if (catalog) {
        writer(rows, "append").saveAsTable(target);
      } else {
        writer(rows, "append").save(target);
      }
    }
  }

  /**
   * Removes this committer's staging folder; for a run that stops before {@link #commitAll}. Safe
   * to call after it too.
   */
  public void discard() {
    deleteStaging();
  }

  private void rollBack(List<String> committed, Map<String, Long> versionsBefore) {
    for (String table : committed) {
      long version = versionsBefore.get(table);
      try {
        if (version >= 0) {
          spark.sql("RESTORE TABLE " + table + " TO VERSION AS OF " + version);
          LOG.warn("Restored {} to version {} after a failed commit", table, version);
        } else {
          spark.sql("DELETE FROM " + table);
          LOG.warn("Emptied {}, created by the failed run", table);
        }
      } catch (RuntimeException restoreFailure) {
        LOG.error(
            "Cannot restore {} to version {}; restore it by hand with RESTORE TABLE",
            table, version, restoreFailure);
      }
    }
  }

  /**
   * Creates an output table from its DDL in sql/ddl when it does not exist, and adds the columns
   * of the DDL that an existing table lacks (a table created by an older release), with their
   * comments, by ALTER TABLE ADD COLUMNS. Added columns must be nullable.
   */
  public void ensureTable(String table) {
    if (!locator.exists(table)) {
      if (locator.warehouse().usesCatalog()) {
        spark.sql("CREATE DATABASE IF NOT EXISTS " + locator.warehouse().catalogDatabase());
      }
      String ddl = readDdl(table).replace("${table}", locator.sqlName(table));
      spark.sql(ddl);
      return;
    }
    Set<String> present = new HashSet<>();
    for (StructField field : locator.read(table).schema().fields()) {
      present.add(field.name().toLowerCase(Locale.ROOT));
    }
    List<String> added = new ArrayList<>();
    for (StructField field : ddlColumns(table).fields()) {
      if (present.contains(field.name().toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (!field.nullable()) {
        throw ArborException.output("Cannot upgrade " + locator.sqlName(table) + ": column "
            + field.name() + " is NOT NULL in sql/ddl/" + table + ".sql, and Delta adds only nullable"
            + " columns to an existing table. Recreate the table, or make the column nullable.", null);
      }
      String comment = field.getComment().isDefined() ? field.getComment().get() : "";
      spark.sql("ALTER TABLE " + locator.sqlName(table) + " ADD COLUMNS (`" + field.name() + "` "
          + field.dataType().sql() + " COMMENT '" + comment.replace("\\", "\\\\").replace("'", "\\'") + "')");
      added.add(field.name());
    }
    if (!added.isEmpty()) {
      LOG.info("Added columns {} to {}, as sql/ddl/{}.sql defines them", added, table, table);
    }
  }

  /** Returns the columns of an output table's DDL, with their comments in the field metadata. */
  static StructType ddlColumns(String table) {
    String ddl = readDdl(table);
    int start = ddl.indexOf('(', ddl.indexOf("${table}"));
    int depth = 0;
    boolean quoted = false;
    for (int i = start; i < ddl.length(); i++) {
      char c = ddl.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '\'') {
          quoted = false;
        }
      } else if (c == '\'') {
        quoted = true;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return StructType.fromDDL(ddl.substring(start + 1, i));
      }
    }
    throw new IllegalStateException("Cannot find the column list in sql/ddl/" + table + ".sql");
  }

  static String readDdl(String table) {
    String resource = "/sql/ddl/" + table + ".sql";
    try (InputStream in = OutputCommitter.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing DDL resource " + resource);
      }
      StringBuilder statement = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.stripLeading().startsWith("--")) {
          statement.append(line).append('\n');
        }
      }
      return statement.toString();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read DDL resource " + resource, e);
    }
  }

  private void deleteStaging() {
    String path = locator.warehousePath("_staging/" + runId);
    try {
      Path staging = new Path(path);
      FileSystem fs = staging.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.delete(staging, true);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot delete staging folder {}; delete it by hand", path, e);
    }
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }
}

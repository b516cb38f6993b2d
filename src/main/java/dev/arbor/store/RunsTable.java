package dev.arbor.store;

import static org.apache.spark.sql.functions.col;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/** Appends run records to the runs table; the table is an audit log and is never rewritten. */
public final class RunsTable {
  private final SparkSession spark;
  private final TableLocator locator;

  public RunsTable(SparkSession spark, TableLocator locator) {
    this.spark = spark;
    this.locator = locator;
  }

  public void append(RunRecord run) {
    new OutputCommitter(spark, locator, run.runId()).ensureTable("runs");
    Dataset<Row> schemaSource = locator.read("runs");
    Row row =
        RowFactory.create(
            run.runId(),
            run.command(),
            run.treeId(),
            run.treeVersion(),
            run.asOf() == null ? null : Date.valueOf(run.asOf()),
            run.from() == null ? null : Date.valueOf(run.from()),
            run.to() == null ? null : Date.valueOf(run.to()),
            run.backfillId(),
            run.recompute(),
            CollectionConverters.asScala(periods(run)),
            run.status(),
            Timestamp.from(run.startedAt()),
            Timestamp.from(run.endedAt()),
            CollectionConverters.asScala(run.inputVersions()),
            CollectionConverters.asScala(run.rowsRead()),
            CollectionConverters.asScala(run.rowsWritten()),
            CollectionConverters.asScala(run.stepMillis()),
            CollectionConverters.asScala(run.qualityCounts()),
            CollectionConverters.asScala(run.warnings()).toSeq(),
            run.errorCategory(),
            run.errorMessage());
    Dataset<Row> rows = spark.createDataFrame(List.of(row), schemaSource.schema());
    // A retried append of the same record (same run and status) is skipped by Delta.
    var writer =
        rows.write().format("delta").mode("append")
            .option("txnAppId", "arbor-runs:" + run.runId() + ":" + run.status())
            .option("txnVersion", 1L);
    if (locator.warehouse().usesCatalog()) {
      writer.saveAsTable(locator.output("runs"));
    } else {
      writer.save(locator.output("runs"));
    }
  }

  private static Map<String, scala.collection.immutable.Seq<Date>> periods(RunRecord run) {
    Map<String, scala.collection.immutable.Seq<Date>> periods = new LinkedHashMap<>();
    run.periodsRecomputed().forEach((grain, starts) ->
        periods.put(grain, CollectionConverters.asScala(starts.stream().map(Date::valueOf).toList()).toList()));
    return periods;
  }

  /**
   * Returns the first days of the chunks of {@code backfillId} that succeeded, so that a backfill
   * started again skips them.
   */
  public Set<LocalDate> succeededChunks(String backfillId) {
    Set<LocalDate> done = new TreeSet<>();
    if (!locator.exists("runs")) {
      return done;
    }
    for (Row row : locator.read("runs")
        .where(col("backfill_id").equalTo(backfillId).and(col("status").equalTo("succeeded")))
        .select("from_date").collectAsList()) {
      done.add(row.getDate(0).toLocalDate());
    }
    return done;
  }

  /** Returns whether a run with this id already succeeded. */
  public boolean succeeded(String runId) {
    return locator.exists("runs")
        && !locator.read("runs")
            .where(col("run_id").equalTo(runId).and(col("status").equalTo("succeeded")))
            .isEmpty();
  }
}

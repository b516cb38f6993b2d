package dev.arbor.store;

import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
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
            run.status(),
            Timestamp.from(run.startedAt()),
            Timestamp.from(run.endedAt()),
            CollectionConverters.asScala(run.inputVersions()),
            CollectionConverters.asScala(run.rowsRead()),
            CollectionConverters.asScala(run.rowsWritten()),
            CollectionConverters.asScala(run.stepMillis()),
            CollectionConverters.asScala(run.warnings()).toSeq(),
            run.errorCategory(),
            run.errorMessage());
    Dataset<Row> rows = spark.createDataFrame(List.of(row), schemaSource.schema());
    if (locator.warehouse().usesCatalog()) {
      rows.write().format("delta").mode("append").saveAsTable(locator.output("runs"));
    } else {
      rows.write().format("delta").mode("append").save(locator.output("runs"));
    }
  }
}

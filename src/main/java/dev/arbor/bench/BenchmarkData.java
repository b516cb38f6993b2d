package dev.arbor.bench;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's input tables: the generated history (the source's events table) and the next
 * day's events, kept apart until the incremental phase appends them.
 *
 * <p>A table generated earlier with the same spec is reused: the generator's commit is version 0
 * and records the spec, and a reused history is restored to that version, which removes the day
 * that an earlier benchmark appended.
 */
final class BenchmarkData {
  private static final Logger LOG = LoggerFactory.getLogger(BenchmarkData.class);

  private final SparkSession spark;
  private final EventGenerator.Spec spec;
  private final String historyPath;
  private final String nextDayPath;

  BenchmarkData(SparkSession spark, EventGenerator.Spec spec, String historyPath, String nextDayPath) {
    this.spark = spark;
    this.spec = spec;
    this.historyPath = historyPath;
    this.nextDayPath = nextDayPath;
  }

  /** Generates both tables, or reuses them when they hold this spec; returns what was done. */
  Map<String, Object> prepare(boolean regenerate) {
    Map<String, Object> facts = new LinkedHashMap<>();
    long started = System.nanoTime();
    boolean reusable = !regenerate
        && generatedWith(historyPath, EventGenerator.METADATA_PREFIX + spec.describe())
        && generatedWith(nextDayPath, EventGenerator.METADATA_PREFIX + "next day of " + spec.describe());
    if (reusable) {
      long version = DeltaTable.forPath(spark, historyPath).history(1).select("version").head().getLong(0);
      if (version > 0) {
        spark.sql("RESTORE TABLE delta.`" + historyPath + "` TO VERSION AS OF 0");
      }
      LOG.info("Reusing the events generated with {} at {}", spec.describe(), historyPath);
    } else {
      LOG.info("Generating {} events over {} days at {}", spec.events(), spec.days(), historyPath);
      delete(historyPath);
      delete(nextDayPath);
      EventGenerator generator = new EventGenerator(spark, spec);
      generator.writeHistory(historyPath);
      generator.writeNextDay(nextDayPath);
    }
    facts.put("reused", reusable);
    facts.put("generation_ms", reusable ? null : (System.nanoTime() - started) / 1_000_000);
    return facts;
  }

  /** Appends the next day's events to the history table. */
  void appendNextDay() {
    spark.read().format("delta").load(nextDayPath)
        .write().format("delta").mode("append").save(historyPath);
  }

  /** Returns the Delta table's number of files and bytes. */
  Map<String, Object> describeHistory() {
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + historyPath + "`")
        .select("numFiles", "sizeInBytes").head();
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("files", detail.getLong(0));
    facts.put("bytes", detail.getLong(1));
    return facts;
  }

  private boolean generatedWith(String path, String metadata) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return false;
    }
    List<Row> first = DeltaTable.forPath(spark, path).history()
        .where("version = 0").select("userMetadata").collectAsList();
    return !first.isEmpty() && metadata.equals(first.get(0).getString(0));
  }

  private void delete(String path) {
    try {
      Path folder = new Path(path);
      FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.delete(folder, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + path + " before generating the events", e);
    }
  }
}

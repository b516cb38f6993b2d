package dev.arbor.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.IngestSpec;
import dev.arbor.config.SourceDef;
import dev.arbor.job.RunContext;
import dev.arbor.store.OutputCommitter;
import dev.arbor.store.RunRecord;
import dev.arbor.store.RunsTable;
import dev.arbor.store.TableLocator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads raw CSV or Parquet files into a source's Delta events table.
 *
 * <p>Each column is converted with {@code try_cast} to its schema type; a row whose value is
 * present but cannot be converted, or that has no event time, goes to the quarantine table with the
 * reason, so nothing is dropped silently. Re-ingesting a file replaces the rows it loaded before,
 * so a retried ingest does not duplicate events.
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  /** Extra column: the file a row was loaded from. */
  public static final String SOURCE_FILE = "arbor_source_file";

  /** Extra column: when the row was loaded (UTC). */
  public static final String INGESTED_AT = "arbor_ingested_at";

  /** Value of quarantine.found_by for rows that ingest rejected. */
  public static final String FOUND_BY_INGEST = "ingest";

  /** Outcome of an ingest. */
  public record Result(String runId, long rowsLoaded, long rowsQuarantined) {}

  private final SparkSession spark;
  private final ArborConfig config;
  private final TableLocator locator;

  public IngestJob(SparkSession spark, ArborConfig config) {
    this.spark = spark;
    this.config = config;
    this.locator = new TableLocator(spark, config.warehouse());
  }

  /**
   * Ingests the files of {@code sourceId}.
   *
   * @param pathOverride file or folder to read instead of the configured path, or null
   * @param replaceAll whether to replace the whole table instead of only the rows of the files read
   */
  public Result run(String sourceId, String pathOverride, boolean replaceAll) {
    SourceDef source = config.sources().get(sourceId);
    if (source == null) {
      throw ArborException.usage("Unknown source: " + sourceId + " (the config defines " + config.sources().keySet() + ")");
    }
    IngestSpec spec = source.ingest();
    if (spec == null) {
      throw ArborException.usage("Source " + sourceId + " has no ingest section; add one to the config to load files");
    }
    if (!"delta".equals(source.table().format())) {
      throw ArborException.usage("Source " + sourceId + " is stored as " + source.table().format()
          + "; ingest writes Delta tables only, so set its table format to delta");
    }
    String runId = "ingest-" + sourceId + "-" + UUID.randomUUID().toString().substring(0, 8);
    RunRecord.Builder record = RunRecord.builder(runId, "ingest");
    try (RunContext ignored = RunContext.enter(runId)) {
      try {
        Result result = execute(source, spec, pathOverride, replaceAll, runId, record);
        new RunsTable(spark, locator).append(record.succeeded(
            result.rowsQuarantined() == 0 ? List.of()
                : List.of("Source " + sourceId + ": " + result.rowsQuarantined()
                    + " rows were quarantined; see the quarantine table for the reasons")));
        return result;
      } catch (Exception e) {
        ArborException failure = ArborException.classify(e);
        LOG.error("Ingest failed ({}): {}", failure.category(), failure.getMessage());
        try {
          new RunsTable(spark, locator).append(record.failed(failure));
        } catch (RuntimeException recordFailure) {
          LOG.error("Cannot record the failed ingest in the runs table", recordFailure);
        }
        throw failure;
      }
    }
  }

  private Result execute(
      SourceDef source, IngestSpec spec, String pathOverride, boolean replaceAll, String runId,
      RunRecord.Builder record) {
    String input = resolve(pathOverride != null ? pathOverride : spec.path());
    LOG.info("Ingest started: source {} from {} ({})", source.id(), input, spec.format());
    long started = System.nanoTime();
    Dataset<Row> raw;
    try {
      raw = "csv".equals(spec.format())
          ? spark.read().option("inferSchema", "false").options(spec.options()).csv(input)
          : spark.read().options(spec.options()).parquet(input);
    } catch (Exception e) {
      throw ArborException.input("Cannot read " + input + " for source " + source.id() + ": "
          + firstLine(e) + ". Check the ingest path and format.", e);
    }
    raw = raw.withColumn(SOURCE_FILE, col("_metadata.file_path"));

    List<Column> typed = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (Map.Entry<String, String> column : spec.columns().entrySet()) {
      String name = column.getKey().toLowerCase(Locale.ROOT);
      String type = source.schema().get(name);
      String rawText = "CAST((" + column.getValue() + ") AS STRING)";
      String conversion;
      if (name.equals(source.eventTime()) && spec.eventTimeFormat() != null) {
        conversion = "to_utc_timestamp(try_to_timestamp(" + rawText + ", '" + spec.eventTimeFormat()
            + "'), '" + spec.eventTimeZone() + "')";
      } else if (name.equals(source.eventTime())) {
        conversion = "to_utc_timestamp(try_cast((" + column.getValue() + ") AS TIMESTAMP), '" + spec.eventTimeZone() + "')";
      } else {
        conversion = "try_cast((" + column.getValue() + ") AS " + type + ")";
      }
      typed.add(expr(conversion).as(name));
      String present = "(" + rawText + " IS NOT NULL AND trim(" + rawText + ") <> '')";
      if (name.equals(source.eventTime())) {
        reasons.add("CASE WHEN " + conversion + " IS NULL THEN concat('missing or invalid event time in "
            + name + ": ', coalesce(" + rawText + ", 'null')) END");
      } else {
        reasons.add("CASE WHEN " + present + " AND " + conversion + " IS NULL THEN concat('invalid "
            + type.replace("'", "") + " in " + name + ": ', " + rawText + ") END");
      }
    }
    List<Column> all = new ArrayList<>(typed);
    all.add(expr("concat_ws('; ', " + String.join(", ", reasons) + ")").as("arbor_reason"));
    all.add(expr("to_json(struct(*))").as("arbor_raw_row"));
    all.add(col(SOURCE_FILE));
    // Persisted: the events, the quarantine and the list of files all read it, and parsing the
    // raw files is the expensive part.
    Dataset<Row> converted =
        raw.select(all.toArray(Column[]::new)).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());

    List<Column> eventColumns = new ArrayList<>();
    for (String name : source.schema().keySet()) {
      eventColumns.add(col(name));
    }
    eventColumns.add(col(SOURCE_FILE));
    eventColumns.add(current_timestamp().as(INGESTED_AT));
    Dataset<Row> events = converted.where(col("arbor_reason").equalTo("")).select(eventColumns.toArray(Column[]::new));
    Dataset<Row> quarantine =
        converted
            .where(col("arbor_reason").notEqual(""))
            .select(
                lit(source.id()).as("source_id"),
                lit(FOUND_BY_INGEST).as("found_by"),
                lit(null).cast("date").as("event_date"),
                col(SOURCE_FILE).as("source_file"),
                col("arbor_raw_row").as("raw_row"),
                col("arbor_reason").as("reason"),
                lit(runId).as("run_id"),
                current_timestamp().as("ingested_at"));

    String table = locator.sourceLocation(source.table());
    OutputCommitter committer = new OutputCommitter(spark, locator, runId);
    String filesPredicate = filesPredicate(converted);
    long loaded = committer.stageToPath("events_" + source.id(), table, events,
        replaceAll ? new OutputCommitter.ReplaceWhere("true") : new OutputCommitter.ReplaceWhere(filesPredicate));
    long quarantined = committer.stage("quarantine", quarantine,
        new OutputCommitter.ReplaceWhere("source_id = '" + source.id() + "' AND found_by = '" + FOUND_BY_INGEST + "'"
            + (replaceAll ? "" : " AND " + filesPredicate.replace(SOURCE_FILE, "source_file"))));
    // Runs find the days whose events changed from the change data feed; enable it before this
    // ingest's commit when the table exists, so that the commit itself is in the feed.
    boolean existed = locator.isDeltaTable(table);
    if (existed) {
      enableChangeDataFeed(table);
    }
    committer.commitAll();
    converted.unpersist();
    if (!existed) {
      enableChangeDataFeed(table);
    }
    record.input(source.id(), -1, loaded + quarantined);
    record.rowsWritten(committer.rowsWritten());
    record.step("ingest", (System.nanoTime() - started) / 1_000_000);
    LOG.info("Ingest finished: {} rows loaded into {}, {} rows quarantined, {} ms", loaded, table,
        quarantined, (System.nanoTime() - started) / 1_000_000);
    return new Result(runId, loaded, quarantined);
  }

  private void enableChangeDataFeed(String table) {
    String enabled =
        spark.sql("SHOW TBLPROPERTIES delta.`" + table + "`").where(col("key").equalTo("delta.enableChangeDataFeed"))
            .select("value").collectAsList().stream().map(r -> r.getString(0)).findFirst().orElse("false");
    if (!"true".equalsIgnoreCase(enabled)) {
      spark.sql("ALTER TABLE delta.`" + table + "` SET TBLPROPERTIES (delta.enableChangeDataFeed = true)");
      LOG.info("Enabled the change data feed of {}, so that runs recompute only the days that change", table);
    }
  }

  /** Returns a predicate selecting the rows previously loaded from the files being read. */
  private static String filesPredicate(Dataset<Row> converted) {
    List<String> files = new ArrayList<>();
    for (Row row : converted.select(SOURCE_FILE).distinct().collectAsList()) {
      files.add("'" + row.getString(0).replace("'", "''") + "'");
    }
    if (files.isEmpty()) {
      return "false";
    }
    return SOURCE_FILE + " IN (" + String.join(", ", files) + ")";
  }

  private String resolve(String path) {
    if (path.contains("://") || path.startsWith("/")) {
      return path;
    }
    return config.file().getParent().resolve(Path.of(path)).normalize().toString();
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }
}

package dev.arbor.compute;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.arbor.ArborException;
import dev.arbor.config.QualityRules;
import dev.arbor.ingest.IngestJob;
import dev.arbor.config.SourceDef;
import dev.arbor.config.TableRef;
import dev.arbor.store.TableLocator;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * Reads a source's events lazily: the table at a pinned Delta version, its schema columns and
 * derived columns, the source filter, the local day of each event in the tree's zone, and
 * de-duplication on the event id. Row counts are gathered with {@link Observation}s during the
 * one pass that the aggregation makes, not by extra scans.
 */
public final class SourceScanner {
  /** Column holding the event's day in the tree's time zone. */
  public static final String LOCAL_DATE = "local_date";

  private final SparkSession spark;
  private final TableLocator locator;
  private Map<String, Long> pinnedVersions = Map.of();

  public SourceScanner(SparkSession spark, TableLocator locator) {
    this.spark = spark;
    this.locator = locator;
  }

  /**
   * Makes scans read these Delta versions (by source id) instead of the latest, so that a run
   * reads exactly the versions it planned with and records.
   */
  public void pinVersions(Map<String, Long> versions) {
    this.pinnedVersions = Map.copyOf(versions);
  }

  /**
   * A lazily evaluated scan.
   *
   * @param inputVersion the Delta version read, or -1 for other formats
   * @param readObservation counts of rows read and rows set aside, filled once the scan has run
   * @param keptObservation count of rows kept after filters and de-duplication
   * @param rejected the rows that a data-quality gate rejected, in the quarantine table's columns
   *     (a second pass over the scanned days; evaluate it only when the counts show rejected rows)
   */
  public record Scan(
      String sourceId,
      String location,
      long inputVersion,
      Dataset<Row> events,
      Observation readObservation,
      Observation keptObservation,
      Dataset<Row> rejected) {

    /** Returns the observed counts; call only after an action over {@link #events()} ran. */
    public ScanCounts counts() {
      Map<String, Object> read;
      Map<String, Object> kept;
      try {
        read = readObservation.getAsJava();
        kept = keptObservation.getAsJava();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while reading scan counts", e);
      }
      return new ScanCounts(
          asLong(read.get("rows_read")),
          asLong(read.get("rows_without_time")),
          asLong(read.get("rows_after_as_of")),
          asLong(read.get("rows_passing_filter")),
          asLong(kept.get("rows_kept")),
          asLong(read.get("rows_in_future")),
          asLong(read.get("rows_without_entity")),
          asLong(read.get("rows_negative")));
    }

    private static long asLong(Object value) {
      return value == null ? 0L : ((Number) value).longValue();
    }
  }

  /**
   * Row counts of one scan.
   *
   * @param rowsRead rows read for the scanned days, before any filter
   * @param rowsWithoutTime rows whose event time is missing or could not be parsed (rejected)
   * @param rowsAfterAsOf rows after the as-of date, left for a later run (future rows included)
   * @param rowsPassingFilter rows up to the as-of date that pass the source filter and every gate
   * @param rowsKept rows left after de-duplication on the event id
   * @param rowsInFuture rows whose event time is later than the run's start plus the tolerance
   *     (rejected)
   * @param rowsWithoutEntity rows passing the filter that have no entity id (rejected)
   * @param rowsNegative rows passing the filter with a negative value in a non-negative column
   *     (rejected)
   */
  public record ScanCounts(
      long rowsRead,
      long rowsWithoutTime,
      long rowsAfterAsOf,
      long rowsPassingFilter,
      long rowsKept,
      long rowsInFuture,
      long rowsWithoutEntity,
      long rowsNegative) {

    public long duplicatesDropped() {
      return rowsPassingFilter - rowsKept;
    }

    /** Rows rejected by a gate; they go to the quarantine table. */
    public long rowsRejected() {
      return rowsWithoutTime + rowsInFuture + rowsWithoutEntity + rowsNegative;
    }

    /** Rows the gates judge: those up to the as-of date, those without a time and future ones. */
    public long rowsChecked() {
      return rowsRead - rowsAfterAsOf + rowsInFuture;
    }
  }

  /**
   * Builds the scan of {@code source}: events up to and including {@code asOf} (a local day in
   * {@code zone}) with the expressions that the plan needs left to the caller. Reads every day.
   */
  public Scan scan(SourceDef source, ZoneId zone, LocalDate asOf, List<String> extraColumns) {
    return scan(source, zone, asOf, null, Instant.now());
  }

  /**
   * Builds the scan of {@code source} for the local days {@code days} only (all days when null).
   * The days also become a range predicate on the event time, so that Delta skips the files
   * outside them. Rows without an event time and rows in the future are read whatever the days,
   * so that the gates see them.
   *
   * @param runStart the run's start; event times later than it plus the source's future tolerance
   *     are rejected
   */
  public Scan scan(SourceDef source, ZoneId zone, LocalDate asOf, DaySet days, Instant runStart) {
    TableRef table = source.table();
    String location = locator.sourceLocation(table);
    long version = -1;
    Dataset<Row> raw;
    try {
      switch (table.format()) {
        case "delta" -> {
          Long pinned = pinnedVersions.get(source.id());
          version = pinned != null ? pinned : locator.deltaVersion(location);
          raw = spark.read().format("delta").option("versionAsOf", version).load(location);
        }
        case "parquet" -> raw = spark.read().options(table.options()).parquet(location);
        case "csv" -> raw = spark.read().options(table.options()).schema(ddlSchema(source)).csv(location);
        case "table" -> raw = spark.table(location);
        default -> throw new IllegalStateException("Unknown format " + table.format());
      }
    } catch (ArborException e) {
      throw e;
    } catch (Exception e) {
      throw ArborException.input(
          "Cannot read source " + source.id() + " at " + location + ": " + firstLine(e)
              + ". Check the source's table settings, or run 'ingest' first.", e);
    }
    checkColumns(source, location, raw);
    return scan(source, zone, asOf, days, runStart, raw, version, location);
  }

  /** Builds the scan over an already read table {@code raw}; see the public overloads. */
  Scan scan(
      SourceDef source,
      ZoneId zone,
      LocalDate asOf,
      DaySet days,
      Instant runStart,
      Dataset<Row> raw,
      long version,
      String location) {
    QualityRules rules = source.quality();
    Timestamp futureAfter = Timestamp.from(runStart.plus(rules.futureTolerance()));
    Column eventTime = col(source.eventTime());
    boolean hasSourceFile = Arrays.asList(raw.columns()).contains(IngestJob.SOURCE_FILE);

    List<Column> columns = new ArrayList<>();
    for (String column : source.schema().keySet()) {
      columns.add(col(column));
    }
    columns.add(hasSourceFile ? col(IngestJob.SOURCE_FILE) : lit(null).cast("string").as(IngestJob.SOURCE_FILE));
    Dataset<Row> events = raw.select(columns.toArray(Column[]::new));
    if (days != null) {
      events =
          events.where(
              days.eventTimeRanges(zone, eventTime)
                  .or(eventTime.isNull())
                  .or(eventTime.gt(lit(futureAfter))));
    }
    for (Map.Entry<String, String> derived : source.derived().entrySet()) {
      events = events.withColumn(derived.getKey().toLowerCase(Locale.ROOT), expr(derived.getValue()));
    }
    // Session time zone is UTC (see SparkSessions), so this yields the wall-clock day in `zone`.
    events =
        events.withColumn(
            LOCAL_DATE,
            expr("to_date(from_utc_timestamp(" + source.eventTime() + ", '" + zone.getId() + "'))"));

    Column passes = source.filter() == null ? lit(true) : expr("coalesce(" + source.filter() + ", false)");
    Column timed = col(LOCAL_DATE).isNotNull();
    Column future = timed.and(eventTime.gt(lit(futureAfter)));
    Column inRange = col(LOCAL_DATE).leq(lit(java.sql.Date.valueOf(asOf))).and(functions.not(future));
    if (days != null) {
      inRange = inRange.and(days.contains(col(LOCAL_DATE)));
    }
    Column candidate = timed.and(inRange).and(passes);
    Column withoutEntity =
        rules.requireEntityId() && source.entityId() != null
            ? candidate.and(col(source.entityId()).isNull())
            : lit(false);
    Column negative = lit(false);
    for (String column : rules.nonNegative()) {
      negative = negative.or(coalesce(col(column).lt(lit(0)), lit(false)));
    }
    negative = candidate.and(functions.not(withoutEntity)).and(negative);
    Column outOfDays = days == null ? lit(false) : timed.and(functions.not(future)).and(functions.not(days.contains(col(LOCAL_DATE))));
    Dataset<Row> checked = events;
    Observation read = new Observation("read_" + source.id());
    events =
        events.observe(
            read,
            sum(when(outOfDays, 0).otherwise(1)).as("rows_read"),
            sum(when(functions.not(timed), 1).otherwise(0)).as("rows_without_time"),
            sum(when(timed.and(functions.not(outOfDays)).and(functions.not(inRange)), 1).otherwise(0))
                .as("rows_after_as_of"),
            sum(when(future, 1).otherwise(0)).as("rows_in_future"),
            sum(when(withoutEntity, 1).otherwise(0)).as("rows_without_entity"),
            sum(when(negative, 1).otherwise(0)).as("rows_negative"),
            sum(when(candidate.and(functions.not(withoutEntity)).and(functions.not(negative)), 1).otherwise(0))
                .as("rows_passing_filter"));
    events = events.where(candidate.and(functions.not(withoutEntity)).and(functions.not(negative)));
    if (source.eventId() != null) {
      // Duplicates of one event carry the same time, so de-duplicating within a day is enough
      // and keeps the shuffle local to the day.
      int partitions = spark.sessionState().conf().numShufflePartitions();
      if (days == null || days.size() >= partitions) {
        // Partitioned by day, both the de-duplication and the daily aggregation that follows it
        // (grouped by day and more) run without another shuffle of the events. Each day then
        // stays in one task, so a scan of fewer days than partitions keeps the two shuffles.
        // NOTE: a full scan (days == null) is assumed to cover more days than partitions. A
        // history shorter than that, or one day far larger than the others, leaves tasks idle.
        events = events.repartition(col(LOCAL_DATE));
      }
      events = events.dropDuplicates(LOCAL_DATE, source.eventId());
    }
    Observation kept = new Observation("kept_" + source.id());
    events = events.observe(kept, count(lit(1)).as("rows_kept"));

    Column reason =
        concat_ws(
            "; ",
            when(functions.not(timed), lit("missing or unparsable event time in " + source.eventTime())),
            when(future, concat(lit("event time in the future: "), eventTime.cast("string"))),
            when(withoutEntity, lit("no entity id in " + source.entityId())),
            when(negative, lit("negative value in " + String.join(" or ", rules.nonNegative()))));
    List<Column> rawColumns = new ArrayList<>();
    for (String column : source.schema().keySet()) {
      rawColumns.add(col(column));
    }
    Dataset<Row> rejected =
        checked
            .where(functions.not(timed).or(future).or(withoutEntity).or(negative))
            .select(
                lit(source.id()).as("source_id"),
                col(IngestJob.SOURCE_FILE).as("source_file"),
                to_json(struct(rawColumns.toArray(Column[]::new))).as("raw_row"),
                reason.as("reason"),
                col(LOCAL_DATE).as("event_date"));
    return new Scan(source.id(), location, version, events, read, kept, rejected);
  }

  private static void checkColumns(SourceDef source, String location, Dataset<Row> raw) {
    Set<String> present = new TreeSet<>();
    for (StructField field : raw.schema().fields()) {
      present.add(field.name().toLowerCase(Locale.ROOT));
    }
    List<String> missing = new ArrayList<>();
    for (String column : source.schema().keySet()) {
      if (!present.contains(column)) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      throw ArborException.input(
          "Source " + source.id() + " at " + location + " lacks the schema column(s) " + missing
              + "; the table has " + present + ". Fix the source's schema in the config or the table.",
          null);
    }
  }

  private static String ddlSchema(SourceDef source) {
    List<String> fields = new ArrayList<>();
    source.schema().forEach((name, type) -> fields.add("`" + name + "` " + type));
    return String.join(", ", fields);
  }

  static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    return Arrays.stream(message.split("\n")).findFirst().orElse(message).trim();
  }
}

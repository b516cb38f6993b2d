package dev.arbor.compute;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.arbor.ArborException;
import dev.arbor.config.SourceDef;
import dev.arbor.config.TableRef;
import dev.arbor.store.TableLocator;
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

  public SourceScanner(SparkSession spark, TableLocator locator) {
    this.spark = spark;
    this.locator = locator;
  }

  /**
   * A lazily evaluated scan.
   *
   * @param inputVersion the Delta version read, or -1 for other formats
   * @param readObservation counts of rows read and rows set aside, filled once the scan has run
   * @param keptObservation count of rows kept after filters and de-duplication
   */
  public record Scan(
      String sourceId,
      String location,
      long inputVersion,
      Dataset<Row> events,
      Observation readObservation,
      Observation keptObservation) {

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
          asLong(kept.get("rows_kept")));
    }

    private static long asLong(Object value) {
      return value == null ? 0L : ((Number) value).longValue();
    }
  }

  /** Row counts of one scan. */
  public record ScanCounts(
      long rowsRead, long rowsWithoutTime, long rowsAfterAsOf, long rowsPassingFilter, long rowsKept) {
    public long duplicatesDropped() {
      return rowsPassingFilter - rowsKept;
    }
  }

  /**
   * Builds the scan of {@code source}: events up to and including {@code asOf} (a local day in
   * {@code zone}) with the expressions that the plan needs left to the caller.
   */
  public Scan scan(SourceDef source, ZoneId zone, LocalDate asOf, List<String> extraColumns) {
    TableRef table = source.table();
    String location = locator.sourceLocation(table);
    long version = -1;
    Dataset<Row> raw;
    try {
      switch (table.format()) {
        case "delta" -> {
          version = locator.deltaVersion(location);
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

    List<Column> columns = new ArrayList<>();
    for (String column : source.schema().keySet()) {
      columns.add(col(column));
    }
    Dataset<Row> events = raw.select(columns.toArray(Column[]::new));
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
    Column inRange = col(LOCAL_DATE).leq(lit(java.sql.Date.valueOf(asOf)));
    Observation read = new Observation("read_" + source.id());
    events =
        events.observe(
            read,
            count(lit(1)).as("rows_read"),
            sum(when(functions.not(timed), 1).otherwise(0)).as("rows_without_time"),
            sum(when(timed.and(functions.not(inRange)), 1).otherwise(0)).as("rows_after_as_of"),
            sum(when(timed.and(inRange).and(passes), 1).otherwise(0)).as("rows_passing_filter"));
    events = events.where(timed.and(inRange).and(passes));
    if (source.eventId() != null) {
      // Duplicates of one event carry the same time, so de-duplicating within a day is enough
      // and keeps the shuffle local to the day.
      events = events.dropDuplicates(LOCAL_DATE, source.eventId());
    }
    Observation kept = new Observation("kept_" + source.id());
    events = events.observe(kept, count(lit(1)).as("rows_kept"));
    return new Scan(source.id(), location, version, events, read, kept);
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

package dev.arbor.store;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The state that lets a run recompute only what changed, kept per tree under {@code
 * _state/<tree_id>/} in the warehouse:
 *
 * <ul>
 *   <li>{@code daily_<source>}: the compact daily activity of every day (local_date, slot, key
 *       and the additive partials of the tree's measures), one row per day and slot 0, and per
 *       day and distinct key of each keyed slot;
 *   <li>{@code first_<source>}: each entity's (or distinct value's) first active day, for the
 *       lifecycle states new and resurrected;
 *   <li>{@code manifest}: one row saying which run wrote the state, for which tree version and
 *       as-of date, the Delta version of each source it had read, and the segments it computed.
 * </ul>
 *
 * The columns of the daily tables depend on the tree's measures, so a run of a changed tree
 * version ignores the state and rebuilds it with a full recompute. Runs commit the outputs first
 * and the manifest last: a run killed in between leaves the old manifest, and the next run reads
 * the same changes again.
 */
public final class StateTables {
  private static final StructType MANIFEST_SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("tree_version", DataTypes.StringType, false)
          .add("as_of", DataTypes.DateType, false)
          .add("first_day", DataTypes.DateType, true)
          .add("input_versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
          .add("updated_at", DataTypes.TimestampType, false)
          .add("segments", DataTypes.StringType, true);

  /**
   * Contents of the state: which run wrote it, for which tree version and as-of date.
   *
   * @param firstDay first day with events in any source of the tree, or null when there is none
   * @param inputVersions Delta version of each source that the state reflects
   * @param segments the segments of the tree's dimensions that the run computed, as {@code
   *     Segments.describe} gives them
   */
  public record Manifest(
      String runId,
      String treeVersion,
      LocalDate asOf,
      LocalDate firstDay,
      Map<String, Long> inputVersions,
      String segments) {}

  private final SparkSession spark;
  private final TableLocator locator;
  private final String treeId;

  public StateTables(SparkSession spark, TableLocator locator, String treeId) {
    this.spark = spark;
    this.locator = locator;
    this.treeId = treeId;
  }

  public String dailyPath(String sourceId) {
    return locator.warehousePath("_state/" + treeId + "/daily_" + sourceId);
  }

  public String firstPath(String sourceId) {
    return locator.warehousePath("_state/" + treeId + "/first_" + sourceId);
  }

  public String manifestPath() {
    return locator.warehousePath("_state/" + treeId + "/manifest");
  }

  /** Returns the manifest, or null when no run has written state for the tree. */
  public Manifest manifest() {
    if (!locator.isDeltaTable(manifestPath())) {
      return null;
    }
    List<Row> rows = spark.read().format("delta").load(manifestPath()).collectAsList();
    if (rows.isEmpty()) {
      return null;
    }
    Row row = rows.get(0);
    return new Manifest(
        row.getString(0),
        row.getString(1),
        row.getDate(2).toLocalDate(),
        row.isNullAt(3) ? null : row.getDate(3).toLocalDate(),
        CollectionConverters.asJava(row.<String, Long>getMap(4)),
        row.isNullAt(6) ? null : row.getString(6));
  }

  /** Returns a source's daily activity state, or null when it does not exist. */
  public Dataset<Row> daily(String sourceId) {
    return read(dailyPath(sourceId));
  }

  /** Returns a source's first-activity state, or null when it does not exist. */
  public Dataset<Row> first(String sourceId) {
    return read(firstPath(sourceId));
  }

  /** Returns the one-row manifest table to stage. */
  public Dataset<Row> manifestRow(Manifest manifest) {
    Row row =
        RowFactory.create(
            manifest.runId(),
            manifest.treeVersion(),
            Date.valueOf(manifest.asOf()),
            manifest.firstDay() == null ? null : Date.valueOf(manifest.firstDay()),
            CollectionConverters.asScala(manifest.inputVersions()),
            Timestamp.from(Instant.now()),
            manifest.segments());
    return spark.createDataFrame(List.of(row), MANIFEST_SCHEMA);
  }

  private Dataset<Row> read(String path) {
    return locator.isDeltaTable(path) ? spark.read().format("delta").load(path) : null;
  }
}

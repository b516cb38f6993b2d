package dev.arbor.compute;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.arbor.compute.ScanPlan.KeySlot;
import dev.arbor.compute.ScanPlan.MeasuredColumn;
import dev.arbor.compute.ScanPlan.Partial;
import dev.arbor.config.SourceDef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Turns a source scan into measured values per period and segment, in two steps:
 *
 * <ol>
 *   <li>{@link #dailyActivity}: one aggregation over the events produces, per local day and value
 *       of each dimension, the additive partials (slot 0) and the distinct keys of every keyed
 *       slot (slots 1..n). Each event is exploded into one row per slot before the aggregation,
 *       so the events are read once whatever the number of measures and dimensions.
 *   <li>{@link #rollUp}: the compact daily table is rolled up to each grain and segment: partials
 *       are summed, distinct keys are counted per period (or estimated by merging one HLL
 *       sketch per day, for {@code approx_count_distinct}), and lifecycle states are derived
 *       from each entity's active periods.
 * </ol>
 *
 * <p>Per segment, counts and sums add up to the total. A distinct count counts a key in every
 * segment where it has an event, as {@code COUNT(DISTINCT key) GROUP BY segment} would. A
 * lifecycle entity belongs to one segment per period, the segment of its latest event in the
 * period (the larger segment name on a tie), so lifecycle counts add up to the total too; its
 * state (new, retained...) comes from its whole history, whatever the segment, and a churned
 * entity counts in the segment of its last active period.
 */
public final class MeasureRollup {
  private MeasureRollup() {}

  /** Partial column counting every kept event, used to flag periods without events. */
  public static final String ROWS_PARTIAL = "p_rows";

  /**
   * Log2 of the number of buckets of the HLL sketches of approximate distinct counts: 4,096
   * buckets, a relative standard error of about 1.6% (Apache DataSketches' HLL, which Spark's
   * hll_sketch_agg uses).
   */
  static final int SKETCH_LG_CONFIG_K = 12;

  /** Daily-table column with the latest event time of a key, present when there are dimensions. */
  static final String LAST_EVENT = "last_event";

  /**
   * Returns the compact daily table (local_date, dimension values, slot, key, partials...,
   * last_event when the plan has dimensions), persisted because the ranking of segments and
   * every grain read it.
   */
  public static Dataset<Row> dailyActivity(Dataset<Row> events, SourceDef source, ScanPlan plan) {
    boolean sliced = !plan.dimensions().isEmpty();
    List<Column> selected = new ArrayList<>();
    List<Column> groups = new ArrayList<>();
    selected.add(col(SourceScanner.LOCAL_DATE));
    groups.add(col(SourceScanner.LOCAL_DATE));
    selected.add(lit(1L).as(ROWS_PARTIAL));
    for (Partial partial : plan.partials()) {
      selected.add(expr(partial.expression()).as(partial.column()));
    }
    for (String dimension : plan.dimensions()) {
      selected.add(col(dimension).cast("string").as(Segments.dimensionColumn(dimension)));
      groups.add(col(Segments.dimensionColumn(dimension)));
    }
    if (sliced) {
      selected.add(expr(source.eventTime()).as(LAST_EVENT));
    }
    StringBuilder slots = new StringBuilder("explode(array(named_struct('slot', 0, 'key', CAST(NULL AS STRING))");
    for (KeySlot slot : plan.slots()) {
      String key = ScanPlan.ENTITY_KEY.equals(slot.keyExpression()) ? source.entityId() : slot.keyExpression();
      String condition = slot.filter() == null ? "TRUE" : "coalesce(" + slot.filter() + ", FALSE)";
      slots.append(", named_struct('slot', ").append(slot.slot())
          .append(", 'key', CASE WHEN ").append(condition)
          .append(" THEN CAST(").append(key).append(" AS STRING) END)");
    }
    slots.append("))");
    selected.add(expr(slots.toString()).as("s"));
    groups.add(col("slot"));
    groups.add(col("key"));

    List<Column> aggregates = new ArrayList<>();
    aggregates.add(sum(when(col("slot").equalTo(0), col(ROWS_PARTIAL))).as(ROWS_PARTIAL));
    for (Partial partial : plan.partials()) {
      aggregates.add(sum(when(col("slot").equalTo(0), col(partial.column()))).as(partial.column()));
    }
    if (sliced) {
      aggregates.add(max(when(col("slot").gt(0), col(LAST_EVENT))).as(LAST_EVENT));
    }
    Dataset<Row> daily =
        events
            .select(selected.toArray(Column[]::new))
            .withColumn("slot", col("s.slot"))
            .withColumn("key", col("s.key"))
            .where(col("slot").equalTo(0).or(col("key").isNotNull()))
            .groupBy(groups.toArray(Column[]::new))
            .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
    return daily.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Returns each keyed slot's first active day: (slot, key, first_day) from a daily activity table
   * that covers all history.
   */
  public static Dataset<Row> firstActivity(Dataset<Row> daily) {
    return daily
        .where(col("slot").gt(0))
        .groupBy("slot", "key")
        .agg(min(SourceScanner.LOCAL_DATE).as("first_day"));
  }

  /**
   * Returns measured values (grain, period_start, dimension, segment, column_id, value) for every
   * period of the calendar, every segment and every column of the plan; empty periods give 0 or
   * null as the column defines.
   *
   * @param daily daily activity covering at least every day of the calendar's periods
   * @param first each keyed slot's first active day over all history ({@link #firstActivity}), or
   *     null when {@code daily} covers all history
   * @param calendar the periods to compute; lifecycle states of a period need the activity of the
   *     previous period, so for exact lifecycle values a period's predecessor must be in the
   *     calendar too, or be a period without events
   */
  public static Dataset<Row> rollUp(
      Dataset<Row> daily, Dataset<Row> first, ScanPlan plan, PeriodTables calendar, Segments segments) {
    // Only the partials (slot 0) are rolled up here; KeyedCounts reads the keyed slots.
    Dataset<Row> partialDays =
        segments.slice(
            daily.where(col("slot").equalTo(0))
                .join(broadcast(calendar.dayPeriods()), SourceScanner.LOCAL_DATE));
    String[] sliceKeys = {"dimension", "grain", "period_start", "segment"};

    // Additive and average columns, from the partials of slot 0.
    List<Column> sums = new ArrayList<>();
    sums.add(sum(ROWS_PARTIAL).as(ROWS_PARTIAL));
    for (Partial partial : plan.partials()) {
      sums.add(sum(partial.column()).as(partial.column()));
    }
    Dataset<Row> additive =
        partialDays
            .groupBy("dimension", "grain", "period_start", "segment")
            .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
    List<String> stackEntries = new ArrayList<>();
    stackEntries.add("'" + rowsColumn(plan) + "', CAST(" + ROWS_PARTIAL + " AS DOUBLE)");
    for (MeasuredColumn column : plan.columns()) {
      if (column.kind().equals("ADDITIVE")) {
        stackEntries.add("'" + column.id() + "', CAST(" + column.partial() + " AS DOUBLE)");
      } else if (column.kind().equals("AVERAGE")) {
        stackEntries.add(
            "'" + column.id() + "', try_divide(CAST(" + column.partial() + " AS DOUBLE), CAST("
                + column.countPartial() + " AS DOUBLE))");
      }
    }
    Dataset<Row> values =
        additive.selectExpr(
            "dimension",
            "grain",
            "period_start",
            "segment",
            "stack(" + stackEntries.size() + ", " + String.join(", ", stackEntries)
                + ") AS (column_id, value)");

    // Distinct counts, sketch estimates and lifecycle states, from the keyed slots. Each count
    // table is computed once for all its slots and mapped to column ids by slotValues.
    List<SlotColumn> distinctColumns = new ArrayList<>();
    List<SlotColumn> sketchColumns = new ArrayList<>();
    List<SlotColumn> lifecycleColumns = new ArrayList<>();
    for (MeasuredColumn column : plan.columns()) {
      switch (column.kind()) {
        case "DISTINCT" -> distinctColumns.add(new SlotColumn(column.slot(), KeyedCounts.DISTINCT, column.id()));
        case "SKETCH" -> sketchColumns.add(new SlotColumn(column.slot(), "estimate", column.id()));
        case "LIFECYCLE" -> {
          String state = column.lifecycle().name().toLowerCase(Locale.ROOT);
          lifecycleColumns.add(new SlotColumn(column.slot(), state, column.id()));
        }
        default -> {}
      }
    }
    if (!distinctColumns.isEmpty() || !lifecycleColumns.isEmpty()) {
      Dataset<Row> counts =
          KeyedCounts.count(
              daily, first, slotSet(distinctColumns), slotSet(lifecycleColumns), calendar, segments);
      List<SlotColumn> keyed = new ArrayList<>(distinctColumns);
      keyed.addAll(lifecycleColumns);
      values = values.unionByName(slotValues(counts, keyed));
    }
    if (!sketchColumns.isEmpty()) {
      Dataset<Row> estimates = sketchEstimates(daily, sketchColumns, calendar, segments);
      values = values.unionByName(slotValues(estimates, sketchColumns));
    }
    return completeGrid(values, plan, calendar, segments, sliceKeys);
  }

  /** Returns the id of the measured column that counts a source's kept events per period. */
  public static String rowsColumn(ScanPlan plan) {
    return "rows#" + plan.sourceId();
  }

  /** A measured column read from a count table: its slot and the count column (state) to read. */
  private record SlotColumn(int slot, String state, String columnId) {}

  private static Object[] slotsOf(List<SlotColumn> columns) {
    return columns.stream().map(SlotColumn::slot).distinct().toArray();
  }

  private static Set<Integer> slotSet(List<SlotColumn> columns) {
    Set<Integer> slots = new LinkedHashSet<>();
    columns.forEach(column -> slots.add(column.slot()));
    return slots;
  }

  /**
   * Returns (dimension, grain, period_start, segment, column_id, value) of {@code columns} from
   * {@code counts}, a table (dimension, grain, period_start, segment, slot, state, value), by a
   * join with a small table that maps (slot, state) to column ids. A filtered copy of {@code
   * counts} per column would make Spark push each copy's slot filter below the shuffles and
   * compute the counts once per column.
   */
  private static Dataset<Row> slotValues(Dataset<Row> counts, List<SlotColumn> columns) {
    List<Row> mapping = new ArrayList<>();
    for (SlotColumn column : columns) {
      mapping.add(RowFactory.create(column.slot(), column.state(), column.columnId()));
    }
    StructType mappingSchema =
        new StructType()
            .add("slot", DataTypes.IntegerType, false)
            .add("state", DataTypes.StringType, false)
            .add("column_id", DataTypes.StringType, false);
    Dataset<Row> mappingTable = counts.sparkSession().createDataFrame(mapping, mappingSchema);
    return counts
        .withColumn("slot", col("slot").cast("int"))
        .join(broadcast(mappingTable), new String[] {"slot", "state"})
        .select(col("dimension"), col("grain"), col("period_start"), col("segment"),
            col("column_id"), col("value").cast("double").as("value"));
  }

  /**
   * Estimates the distinct keys per (dimension, grain, period_start, segment, slot) of the slots
   * of {@code columns}: one HLL sketch per day, segment and slot, merged into each period. A
   * period then reads one small sketch per day (a few KB) instead of one row per key and day, and
   * no shuffle of keys runs per grain. The day sketches come from {@code daily}, so in an
   * incremental run they cover the days of the periods recomputed and their predecessors.
   */
  private static Dataset<Row> sketchEstimates(
      Dataset<Row> daily, List<SlotColumn> columns, PeriodTables calendar, Segments segments) {
    Dataset<Row> daySketches =
        segments.slice(daily.where(col("slot").isin(slotsOf(columns))))
            .groupBy(col(SourceScanner.LOCAL_DATE), col("dimension"), col("segment"), col("slot"))
            .agg(expr("hll_sketch_agg(key, " + SKETCH_LG_CONFIG_K + ")").as("sketch"));
    return daySketches
        .join(broadcast(calendar.dayPeriods()), SourceScanner.LOCAL_DATE)
        .groupBy("dimension", "grain", "period_start", "segment", "slot")
        .agg(expr("hll_sketch_estimate(hll_union_agg(sketch))").as("value"))
        .withColumn("state", lit("estimate"));
  }

  /**
   * Fills every (period, segment, column) of the calendar, with 0 or null where nothing was
   * measured.
   */
  private static Dataset<Row> completeGrid(
      Dataset<Row> values, ScanPlan plan, PeriodTables calendar, Segments segments, String[] sliceKeys) {
    List<String> zeroColumns = new ArrayList<>();
    List<String> allColumns = new ArrayList<>();
    allColumns.add(rowsColumn(plan));
    zeroColumns.add(rowsColumn(plan));
    for (MeasuredColumn column : plan.columns()) {
      allColumns.add(column.id());
      if (column.zeroWhenEmpty()) {
        zeroColumns.add(column.id());
      }
    }
    Dataset<Row> ids =
        values.sparkSession()
            .createDataset(allColumns, org.apache.spark.sql.Encoders.STRING())
            .toDF("column_id");
    Dataset<Row> grid =
        calendar.periods().select("grain", "period_start")
            .crossJoin(broadcast(segments.pairs(values.sparkSession())))
            .crossJoin(broadcast(ids));
    Column zeroWhenEmpty = col("column_id").isin(zeroColumns.toArray());
    String[] keys = {sliceKeys[0], sliceKeys[1], sliceKeys[2], sliceKeys[3], "column_id"};
    return grid.join(values, keys, "left")
        .select(
            col("grain"),
            col("period_start"),
            col("dimension"),
            col("segment"),
            col("column_id"),
            when(col("value").isNull().and(zeroWhenEmpty), lit(0.0)).otherwise(col("value")).as("value"));
  }
}

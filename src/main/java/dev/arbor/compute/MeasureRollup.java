package dev.arbor.compute;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.arbor.compute.ScanPlan.KeySlot;
import dev.arbor.compute.ScanPlan.MeasuredColumn;
import dev.arbor.compute.ScanPlan.Partial;
import dev.arbor.config.SourceDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Turns a source scan into measured values per period, in two steps:
 *
 * <ol>
 *   <li>{@link #dailyActivity}: one aggregation over the events produces, per local day, the
 *       additive partials (slot 0) and the distinct keys of every keyed slot (slots 1..n). Each
 *       event is exploded into one row per slot before the aggregation, so the events are read
 *       once whatever the number of measures.
 *   <li>{@link #rollUp}: the compact daily table is rolled up to each grain: partials are
 *       summed, distinct keys are counted per period, and lifecycle states are derived from each
 *       entity's active periods.
 * </ol>
 */
public final class MeasureRollup {
  private MeasureRollup() {}

  /**
   * Log2 of the number of buckets of the HLL sketches of approximate distinct counts: 4,096
   * buckets, a relative standard error of about 1.6% (Apache DataSketches' HLL, which Spark's
   * hll_sketch_agg uses).
   */
  static final int SKETCH_LG_CONFIG_K = 12;

  /** Partial column counting every kept event, used to flag periods without events. */
  public static final String ROWS_PARTIAL = "p_rows";

  /**
   * Returns the compact daily table (local_date, slot, key, partials...), persisted because every
   * grain reads it.
   */
  public static Dataset<Row> dailyActivity(Dataset<Row> events, SourceDef source, ScanPlan plan) {
    List<Column> selected = new ArrayList<>();
    selected.add(col(SourceScanner.LOCAL_DATE));
    selected.add(lit(1L).as(ROWS_PARTIAL));
    for (Partial partial : plan.partials()) {
      selected.add(expr(partial.expression()).as(partial.column()));
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

    List<Column> sums = new ArrayList<>();
    sums.add(sum(when(col("slot").equalTo(0), col(ROWS_PARTIAL))).as(ROWS_PARTIAL));
    for (Partial partial : plan.partials()) {
      sums.add(sum(when(col("slot").equalTo(0), col(partial.column()))).as(partial.column()));
    }
    Dataset<Row> daily =
        events
            .select(selected.toArray(Column[]::new))
            .withColumn("slot", col("s.slot"))
            .withColumn("key", col("s.key"))
            .where(col("slot").equalTo(0).or(col("key").isNotNull()))
            .groupBy(col(SourceScanner.LOCAL_DATE), col("slot"), col("key"))
            .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
    return daily.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Returns measured values (grain, period_start, column_id, value) for every period of the
   * calendar and every column of the plan; empty periods give 0 or null as the column defines.
   */
  public static Dataset<Row> rollUp(Dataset<Row> daily, ScanPlan plan, PeriodTables calendar) {
    Dataset<Row> withPeriods =
        daily.join(broadcast(calendar.dayPeriods()), SourceScanner.LOCAL_DATE);

    // Additive and average columns, from the partials of slot 0.
    List<Column> sums = new ArrayList<>();
    sums.add(sum(ROWS_PARTIAL).as(ROWS_PARTIAL));
    for (Partial partial : plan.partials()) {
      sums.add(sum(partial.column()).as(partial.column()));
    }
    Dataset<Row> additive =
        withPeriods
            .where(col("slot").equalTo(0))
            .groupBy("grain", "period_start")
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
            "grain",
            "period_start",
            "stack(" + stackEntries.size() + ", " + String.join(", ", stackEntries)
                + ") AS (column_id, value)");

    // Distinct counts and lifecycle states, from the keyed slots. A distinct count on a slot that
    // a lifecycle uses is the lifecycle's active count, so that slot's keys are counted once.
    Set<Integer> lifecycleSlots = new TreeSet<>();
    for (MeasuredColumn column : plan.columns()) {
      if (column.kind().equals("LIFECYCLE")) {
        lifecycleSlots.add(column.slot());
      }
    }
    List<SlotColumn> lifecycleColumns = new ArrayList<>();
    List<SlotColumn> distinctColumns = new ArrayList<>();
    List<SlotColumn> sketchColumns = new ArrayList<>();
    for (MeasuredColumn column : plan.columns()) {
      if (column.kind().equals("LIFECYCLE")) {
        String state = column.lifecycle().name().toLowerCase(Locale.ROOT);
        lifecycleColumns.add(new SlotColumn(column.slot(), state, column.id()));
      } else if (column.kind().equals("DISTINCT")) {
        SlotColumn active = new SlotColumn(column.slot(), "active", column.id());
        (lifecycleSlots.contains(column.slot()) ? lifecycleColumns : distinctColumns).add(active);
      } else if (column.kind().equals("SKETCH")) {
        sketchColumns.add(new SlotColumn(column.slot(), "estimate", column.id()));
      }
    }
    if (!distinctColumns.isEmpty()) {
      Dataset<Row> distinctCounts =
          activeKeys(withPeriods, distinctColumns)
              .groupBy("grain", "period_start", "slot")
              .agg(count(lit(1)).as("active"));
      values = values.unionByName(slotValues(distinctCounts, List.of("active"), distinctColumns));
    }
    if (!lifecycleColumns.isEmpty()) {
      Dataset<Row> lifecycle =
          lifecycleCounts(activeKeys(withPeriods, lifecycleColumns), calendar.periods());
      values = values.unionByName(slotValues(lifecycle, LIFECYCLE_STATES, lifecycleColumns));
    }
    if (!sketchColumns.isEmpty()) {
      Dataset<Row> estimates = sketchEstimates(daily, sketchColumns, calendar);
      values = values.unionByName(slotValues(estimates, List.of("estimate"), sketchColumns));
    }
    return completeGrid(values, plan, calendar);
  }

  /** Returns the id of the measured column that counts a source's kept events per period. */
  public static String rowsColumn(ScanPlan plan) {
    return "rows#" + plan.sourceId();
  }

  /** Count columns of {@link #lifecycleCounts}, named after the lower-case lifecycle kinds. */
  private static final List<String> LIFECYCLE_STATES =
      List.of("active", "new", "retained", "resurrected", "churned");

  /** A measured column read from a count table: its slot and the count column (state) to read. */
  private record SlotColumn(int slot, String state, String columnId) {}

  /** Returns the distinct (grain, period_start, slot, key) of the slots of {@code columns}. */
  private static Dataset<Row> activeKeys(Dataset<Row> withPeriods, List<SlotColumn> columns) {
    Object[] slots = columns.stream().map(SlotColumn::slot).distinct().toArray();
    return withPeriods
        .where(col("slot").isin(slots))
        .select("grain", "period_start", "slot", "key")
        .distinct();
  }

  /**
   * Returns (grain, period_start, column_id, value) of {@code columns} from {@code counts}, a
   * table of counts per (grain, period_start, slot) with one column per state. The counts are
   * unpivoted to (slot, state, value) and joined with a small table that maps (slot, state) to
   * column ids. A filtered copy of {@code counts} per column would make Spark push each copy's
   * slot filter below the shuffles and compute the counts once per column.
   */
  private static Dataset<Row> slotValues(Dataset<Row> counts, List<String> states, List<SlotColumn> columns) {
    List<Row> mapping = new ArrayList<>();
    for (SlotColumn column : columns) {
      mapping.add(RowFactory.create(column.slot(), column.state(), column.columnId()));
    }
    StructType mappingSchema =
        new StructType()
            .add("slot", DataTypes.IntegerType, false)
            .add("state", DataTypes.StringType, false)
            .add("column_id", DataTypes.StringType, false);
    List<String> stackEntries = new ArrayList<>();
    for (String state : states) {
      stackEntries.add("'" + state + "', CAST(`" + state + "` AS DOUBLE)");
    }
    return counts
        .selectExpr(
            "grain",
            "period_start",
            "slot",
            "stack(" + states.size() + ", " + String.join(", ", stackEntries) + ") AS (state, value)")
        .join(broadcast(counts.sparkSession().createDataFrame(mapping, mappingSchema)),
            new String[] {"slot", "state"})
        .select(col("grain"), col("period_start"), col("column_id"), col("value"));
  }

  /**
   * Estimates the distinct keys per (grain, period_start, slot) of the slots of {@code columns}:
   * one HLL sketch per day and slot, merged into each period. A period then reads one small
   * sketch per day (a few KB) instead of one row per key and day, and no shuffle of keys runs
   * per grain.
   */
  private static Dataset<Row> sketchEstimates(
      Dataset<Row> daily, List<SlotColumn> columns, PeriodTables calendar) {
    Object[] slots = columns.stream().map(SlotColumn::slot).distinct().toArray();
    Dataset<Row> daySketches =
        daily
            .where(col("slot").isin(slots))
            .groupBy(col(SourceScanner.LOCAL_DATE), col("slot"))
            .agg(expr("hll_sketch_agg(key, " + SKETCH_LG_CONFIG_K + ")").as("sketch"));
    return daySketches
        .join(broadcast(calendar.dayPeriods()), SourceScanner.LOCAL_DATE)
        .groupBy("grain", "period_start", "slot")
        .agg(expr("hll_sketch_estimate(hll_union_agg(sketch))").as("estimate"));
  }

  /**
   * Counts lifecycle states per (grain, period, slot) from the entities active in each period.
   * The previous active period of an entity comes from a window over its own active periods, and
   * is compared with the previous calendar period, never with the previous row.
   */
  static Dataset<Row> lifecycleCounts(Dataset<Row> active, Dataset<Row> periods) {
    WindowSpec byEntity = Window.partitionBy("grain", "slot", "key").orderBy("period_start");
    Dataset<Row> states =
        active
            .withColumn("last_active", lag("period_start", 1).over(byEntity))
            .withColumn("next_active", lead("period_start", 1).over(byEntity))
            .join(periods.select("grain", "period_start", "previous_start", "next_start"),
                new String[] {"grain", "period_start"}, "inner");
    Dataset<Row> counts =
        states
            .groupBy("grain", "period_start", "slot")
            .agg(
                count(lit(1)).as("active"),
                sum(when(col("last_active").isNull(), 1).otherwise(0)).as("new"),
                sum(when(col("last_active").equalTo(col("previous_start")), 1).otherwise(0)).as("retained"),
                sum(when(col("last_active").lt(col("previous_start")), 1).otherwise(0)).as("resurrected"));
    // An entity churns in the period after its active one when it is not active there.
    Dataset<Row> churned =
        states
            .where(col("next_active").isNull().or(col("next_active").gt(col("next_start"))))
            .groupBy(col("grain"), col("next_start").as("period_start"), col("slot"))
            .agg(count(lit(1)).as("churned"));
    return counts.join(churned, new String[] {"grain", "period_start", "slot"}, "full_outer");
  }

  /** Fills every (period, column) pair of the calendar, with 0 or null where nothing was measured. */
  private static Dataset<Row> completeGrid(Dataset<Row> values, ScanPlan plan, PeriodTables calendar) {
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
    Dataset<Row> grid = calendar.periods().select("grain", "period_start").crossJoin(broadcast(ids));
    Column zeroWhenEmpty = col("column_id").isin(zeroColumns.toArray());
    return grid.join(values, new String[] {"grain", "period_start", "column_id"}, "left")
        .select(
            col("grain"),
            col("period_start"),
            col("column_id"),
            when(col("value").isNull().and(zeroWhenEmpty), lit(0.0)).otherwise(col("value")).as("value"));
  }
}

package dev.arbor.compute;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Counts distinct keys and lifecycle states per period from each key's active days, for every
 * grain in one pass.
 *
 * <p>The keyed rows of the daily table are partitioned by (slot, key) and sorted by day, so a task
 * reads all the days of one key together. It maps them to the periods of each grain with a {@link
 * PeriodIndex}, works out the key's states, and adds them to counts per (dimension, grain, period,
 * segment, slot, state) that it keeps until its partition ends. The daily rows are thus shuffled
 * once, whatever the number of grains, and what leaves a task is a few counts per period. Counting
 * with joins instead shuffles the keys once per grain, then again to join each period with the
 * previous one.
 *
 * <p>States, for a key active in a period P of the calendar (see {@link MeasureRollup}):
 *
 * <ul>
 *   <li>{@value #DISTINCT}: once per segment in which the key has an event in P;
 *   <li>active, once, in the segment of the key's latest event in P (the larger segment name on a
 *       tie);
 *   <li>new when the key's first active day is in P, retained when the key is also active in the
 *       period before P, resurrected when it is neither;
 *   <li>churned, in the period after P when that period is in the calendar and the key is not
 *       active in it, in the key's segment of P.
 * </ul>
 *
 * A key's activity in the period before P is known only when that period is in the calendar; the
 * caller includes it (see {@link MeasureRollup#rollUp}).
 */
final class KeyedCounts {
  private KeyedCounts() {}

  /** State of a distinct count: the key counts once in each of its segments. */
  static final String DISTINCT = "distinct";

  private static final String[] STATES = {DISTINCT, "active", "new", "retained", "resurrected", "churned"};
  private static final int STATE_DISTINCT = 0;
  private static final int STATE_ACTIVE = 1;
  private static final int STATE_NEW = 2;
  private static final int STATE_RETAINED = 3;
  private static final int STATE_RESURRECTED = 4;
  private static final int STATE_CHURNED = 5;

  /** Positions of the columns of the walked rows. The segment columns come last. */
  private static final int COLUMN_SLOT = 0;
  private static final int COLUMN_KEY = 1;
  private static final int COLUMN_DAY = 2;
  private static final int COLUMN_AT = 3;
  private static final int COLUMN_FIRST = 4;
  private static final int COLUMN_SEGMENTS = 5;

  private static final StructType COUNT_SCHEMA =
      new StructType()
          .add("dimension", DataTypes.StringType, false)
          .add("grain", DataTypes.StringType, false)
          .add("period_day", DataTypes.IntegerType, false)
          .add("segment", DataTypes.StringType, false)
          .add("slot", DataTypes.IntegerType, false)
          .add("state", DataTypes.StringType, false)
          .add("value", DataTypes.LongType, false);

  /**
   * Returns (dimension, grain, period_start, segment, slot, state, value) for the periods of
   * {@code calendar}; a state without keys has no row.
   *
   * @param daily the daily activity table, covering the days of the calendar's periods
   * @param first each key's first active day over all history (slot, key, first_day), or null
   *     when {@code daily} covers all history, so that a key's first day in it is its first day
   * @param distinctSlots slots whose keys are counted per segment ({@value #DISTINCT})
   * @param lifecycleSlots slots whose keys get lifecycle states
   */
  static Dataset<Row> count(
      Dataset<Row> daily,
      Dataset<Row> first,
      Set<Integer> distinctSlots,
      Set<Integer> lifecycleSlots,
      PeriodTables calendar,
      Segments segments) {
    Set<Integer> slots = new LinkedHashSet<>(distinctSlots);
    slots.addAll(lifecycleSlots);
    boolean sliced = !segments.dimensions().isEmpty();
    List<Column> columns = new ArrayList<>();
    columns.add(col("slot").cast("int").as("slot"));
    columns.add(col("key"));
    columns.add(expr("unix_date(" + SourceScanner.LOCAL_DATE + ")").as("day"));
    columns.add(
        sliced
            ? expr("unix_micros(" + MeasureRollup.LAST_EVENT + ")").as("at")
            : lit(null).cast("long").as("at"));
    columns.add(lit(null).cast("int").as("first"));
    List<String> dimensionNames = new ArrayList<>();
    dimensionNames.add(NodeValuesComputer.ALL);
    for (Segments.Dimension dimension : segments.dimensions()) {
      columns.add(segments.segmentOf(dimension).as("segment_" + dimensionNames.size()));
      dimensionNames.add(dimension.name());
    }
    Dataset<Row> keyed =
        daily.where(col("slot").isin(slots.toArray())).select(columns.toArray(Column[]::new));
    if (first != null) {
      Dataset<Row> firstDays =
          first.select(
              col("slot").cast("int").as("slot"),
              col("key"),
              expr("unix_date(first_day)").as("first_day"));
      List<Column> ordered = new ArrayList<>();
      for (String name : keyed.columns()) {
        ordered.add(name.equals("first") ? col("first_day").as("first") : col(name));
      }
      keyed =
          keyed.drop("first")
              .join(firstDays, new String[] {"slot", "key"}, "left")
              .select(ordered.toArray(Column[]::new));
    }
    Walker walker =
        new Walker(
            calendar.index(),
            dimensionNames.toArray(String[]::new),
            new HashSet<>(distinctSlots),
            new HashSet<>(lifecycleSlots));
    return keyed
        .repartition(col("slot"), col("key"))
        .sortWithinPartitions("slot", "key", "day")
        .mapPartitions(walker, Encoders.row(COUNT_SCHEMA))
        .groupBy("dimension", "grain", "period_day", "segment", "slot", "state")
        .agg(sum("value").as("value"))
        .select(
            col("dimension"),
            col("grain"),
            expr("date_from_unix_date(period_day)").as("period_start"),
            col("segment"),
            col("slot"),
            col("state"),
            col("value"));
  }

  /** One daily row of a key: its day, its latest event time, and its segment per dimension. */
  private record Day(int day, long at, String[] segments) {}

  /** A key's activity in one period: its segments per dimension and its latest event's segment. */
  private static final class Activity {
    final int start;
    final List<Set<String>> segments;
    final long[] latest;
    final String[] latestSegment;

    Activity(int start, int dimensions) {
      this.start = start;
      this.segments = new ArrayList<>(dimensions);
      for (int d = 0; d < dimensions; d++) {
        segments.add(new LinkedHashSet<>(2));
      }
      this.latest = new long[dimensions];
      this.latestSegment = new String[dimensions];
    }

    void add(Day day) {
      for (int d = 0; d < latest.length; d++) {
        String segment = day.segments()[d];
        segments.get(d).add(segment);
        if (latestSegment[d] == null
            || day.at() > latest[d]
            || (day.at() == latest[d] && segment.compareTo(latestSegment[d]) > 0)) {
          latest[d] = day.at();
          latestSegment[d] = segment;
        }
      }
    }
  }

  /** A count's coordinates; the dimension, grain and state are indexes. */
  private record CountKey(int dimension, int grain, int periodDay, String segment, int slot, int state) {}

  /** Walks the sorted rows of a partition one key at a time and returns the partition's counts. */
  private static final class Walker implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final PeriodIndex index;
    private final String[] dimensions;
    private final Set<Integer> distinctSlots;
    private final Set<Integer> lifecycleSlots;

    Walker(PeriodIndex index, String[] dimensions, Set<Integer> distinctSlots, Set<Integer> lifecycleSlots) {
      this.index = index;
      this.dimensions = dimensions;
      this.distinctSlots = distinctSlots;
      this.lifecycleSlots = lifecycleSlots;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Map<CountKey, long[]> counts = new HashMap<>();
      List<Day> days = new ArrayList<>();
      int slot = 0;
      String key = null;
      int first = PeriodIndex.NONE;
      while (rows.hasNext()) {
        Row row = rows.next();
        int rowSlot = row.getInt(COLUMN_SLOT);
        String rowKey = row.getString(COLUMN_KEY);
        if (key == null || rowSlot != slot || !rowKey.equals(key)) {
          if (key != null) {
            addKey(slot, days, first, counts);
          }
          days.clear();
          slot = rowSlot;
          key = rowKey;
          first = row.isNullAt(COLUMN_FIRST) ? PeriodIndex.NONE : row.getInt(COLUMN_FIRST);
        }
        String[] segments = new String[dimensions.length];
        segments[0] = NodeValuesComputer.ALL;
        for (int d = 1; d < dimensions.length; d++) {
          segments[d] = row.getString(COLUMN_SEGMENTS + d - 1);
        }
        long at = row.isNullAt(COLUMN_AT) ? Long.MIN_VALUE : row.getLong(COLUMN_AT);
        days.add(new Day(row.getInt(COLUMN_DAY), at, segments));
      }
      if (key != null) {
        addKey(slot, days, first, counts);
      }
      List<Row> out = new ArrayList<>(counts.size());
      for (Map.Entry<CountKey, long[]> entry : counts.entrySet()) {
        CountKey countKey = entry.getKey();
        out.add(
            RowFactory.create(
                dimensions[countKey.dimension()],
                index.grainKey(countKey.grain()),
                countKey.periodDay(),
                countKey.segment(),
                countKey.slot(),
                STATES[countKey.state()],
                entry.getValue()[0]));
      }
      return out.iterator();
    }

    /** Adds the states of one key, whose days are in ascending order, for every grain. */
    private void addKey(int slot, List<Day> days, int storedFirst, Map<CountKey, long[]> counts) {
      boolean distinct = distinctSlots.contains(slot);
      boolean lifecycle = lifecycleSlots.contains(slot);
      int firstDay = days.get(0).day();
      if (storedFirst != PeriodIndex.NONE && storedFirst < firstDay) {
        firstDay = storedFirst;
      }
      for (int g = 0; g < index.grainCount(); g++) {
        List<Activity> periods = new ArrayList<>();
        Set<Integer> active = new HashSet<>();
        Activity current = null;
        for (Day day : days) {
          int start = index.periodOf(g, day.day());
          if (start == PeriodIndex.NONE) {
            continue;
          }
          if (current == null || current.start != start) {
            current = new Activity(start, dimensions.length);
            periods.add(current);
            active.add(start);
          }
          current.add(day);
        }
        for (Activity period : periods) {
          if (distinct) {
            for (int d = 0; d < dimensions.length; d++) {
              for (String segment : period.segments.get(d)) {
                add(counts, d, g, period.start, segment, slot, STATE_DISTINCT);
              }
            }
          }
          if (!lifecycle) {
            continue;
          }
          int previous = index.previous(g, period.start);
          boolean inPrevious = previous != PeriodIndex.NONE && active.contains(previous);
          boolean isNew = firstDay >= period.start;
          int follower = index.follower(g, period.start);
          boolean churnsNext = follower != PeriodIndex.NONE && !active.contains(follower);
          for (int d = 0; d < dimensions.length; d++) {
            String segment = period.latestSegment[d];
            add(counts, d, g, period.start, segment, slot, STATE_ACTIVE);
            if (isNew) {
              add(counts, d, g, period.start, segment, slot, STATE_NEW);
            }
            if (inPrevious) {
              add(counts, d, g, period.start, segment, slot, STATE_RETAINED);
            } else if (!isNew) {
              add(counts, d, g, period.start, segment, slot, STATE_RESURRECTED);
            }
            if (churnsNext) {
              add(counts, d, g, follower, segment, slot, STATE_CHURNED);
            }
          }
        }
      }
    }

    private static void add(
        Map<CountKey, long[]> counts, int dimension, int grain, int periodDay, String segment, int slot, int state) {
      counts.computeIfAbsent(new CountKey(dimension, grain, periodDay, segment, slot, state), k -> new long[1])[0]++;
    }
  }
}

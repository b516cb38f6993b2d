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
   *     when {@code daily} covers all history, so that a key's first day in it is its first day.
   *     A key missing from it gets its first day in {@code daily}, so it counts as new in that
   *     period. NOTE: callers pass a table that has every key of {@code daily}
   *     ({@link FirstActivity} adds the keys read), so this fallback is not expected to run.
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
    return count(daily, first, distinctSlots, lifecycleSlots, calendar, segments, Walker.BATCH);
  }

  /** As above, with a task returning its counts each time it has {@code batch} entries. */
  static Dataset<Row> count(
      Dataset<Row> daily,
      Dataset<Row> first,
      Set<Integer> distinctSlots,
      Set<Integer> lifecycleSlots,
      PeriodTables calendar,
      Segments segments,
      int batch) {
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
    if (first != null && !lifecycleSlots.isEmpty()) {
      // Only lifecycle states read the first day; distinct counts do not need the join.
      Dataset<Row> firstDays =
          first.where(col("slot").isin(lifecycleSlots.toArray())).select(
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
            new HashSet<>(lifecycleSlots),
            batch);
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

  /**
   * Returns whether segment {@code a} sorts after {@code b} in Spark's string order, which compares
   * UTF-8 bytes. That is the order of code points; {@link String#compareTo} compares UTF-16 units
   * and differs for characters above U+FFFF.
   */
  static boolean sortsAfter(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return x > y;
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return i < a.length() && j >= b.length();
  }

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

    void add(long at, String[] rowSegments) {
      for (int d = 0; d < latest.length; d++) {
        String segment = rowSegments[d];
        segments.get(d).add(segment);
        if (latestSegment[d] == null
            || at > latest[d]
            || (at == latest[d] && sortsAfter(segment, latestSegment[d]))) {
          latest[d] = at;
          latestSegment[d] = segment;
        }
      }
    }
  }

  /** A count's coordinates; the dimension, grain and state are indexes. */
  private record CountKey(int dimension, int grain, int periodDay, String segment, int slot, int state) {}

  /**
   * Walks the sorted rows of a partition one key at a time. A key's rows stream through: per grain
   * it keeps only the open period and the start of the key's previous active period, so a key
   * with millions of rows needs no more memory than one with a single row. Counts are returned in
   * batches of about {@link #BATCH} entries, so a task's memory does not grow with the number of
   * periods and segments either.
   */
  private static final class Walker implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** Count entries a task keeps before it returns them, unless a test sets another size. */
    static final int BATCH = 100_000;

    private final PeriodIndex index;
    private final String[] dimensions;
    private final Set<Integer> distinctSlots;
    private final Set<Integer> lifecycleSlots;
    private final int batch;

    Walker(
        PeriodIndex index,
        String[] dimensions,
        Set<Integer> distinctSlots,
        Set<Integer> lifecycleSlots,
        int batch) {
      this.index = index;
      this.dimensions = dimensions;
      this.distinctSlots = distinctSlots;
      this.lifecycleSlots = lifecycleSlots;
      this.batch = batch;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new Batches(rows);
    }

    /** The counts of one partition, computed batch by batch as the caller reads them. */
    private final class Batches implements Iterator<Row> {
      private final Iterator<Row> rows;
      private final Map<CountKey, long[]> counts = new HashMap<>();
      private Iterator<Row> ready = java.util.Collections.emptyIterator();
      private KeyWalk walk;

      Batches(Iterator<Row> rows) {
        this.rows = rows;
      }

      @Override
      public boolean hasNext() {
        while (!ready.hasNext()) {
          if (walk == null && !rows.hasNext()) {
            return false;
          }
          fill();
        }
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return ready.next();
      }

      /** Reads rows until the counts reach a batch or the partition ends, then exposes them. */
      private void fill() {
        while (rows.hasNext() && counts.size() < batch) {
          Row row = rows.next();
          int slot = row.getInt(COLUMN_SLOT);
          String key = row.getString(COLUMN_KEY);
          int day = row.getInt(COLUMN_DAY);
          if (walk == null || walk.slot != slot || !walk.key.equals(key)) {
            if (walk != null) {
              walk.finish();
            }
            int stored = row.isNullAt(COLUMN_FIRST) ? PeriodIndex.NONE : row.getInt(COLUMN_FIRST);
            // Rows come sorted by day, so this row's day is the key's first day in the table.
            int firstDay = stored != PeriodIndex.NONE && stored < day ? stored : day;
            walk = new KeyWalk(slot, key, firstDay, counts);
          }
          String[] segments = new String[dimensions.length];
          segments[0] = NodeValuesComputer.ALL;
          for (int d = 1; d < dimensions.length; d++) {
            segments[d] = row.getString(COLUMN_SEGMENTS + d - 1);
          }
          long at = row.isNullAt(COLUMN_AT) ? Long.MIN_VALUE : row.getLong(COLUMN_AT);
          walk.add(day, at, segments);
        }
        if (!rows.hasNext() && walk != null) {
          walk.finish();
          walk = null;
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
        counts.clear();
        ready = out.iterator();
      }
    }

    /** The walk of one key through every grain; it adds each period's states once the period closes. */
    private final class KeyWalk {
      final int slot;
      final String key;
      private final int firstDay;
      private final boolean distinct;
      private final boolean lifecycle;
      private final Map<CountKey, long[]> counts;
      /** Per grain, the period being read, or null before the key's first day in the calendar. */
      private final Activity[] open;
      /** Per grain, the start of the key's last closed period, or NONE. */
      private final int[] lastClosed;

      KeyWalk(int slot, String key, int firstDay, Map<CountKey, long[]> counts) {
        this.slot = slot;
        this.key = key;
        this.firstDay = firstDay;
        this.distinct = distinctSlots.contains(slot);
        this.lifecycle = lifecycleSlots.contains(slot);
        this.counts = counts;
        this.open = new Activity[index.grainCount()];
        this.lastClosed = new int[index.grainCount()];
        java.util.Arrays.fill(lastClosed, PeriodIndex.NONE);
      }

      /** Adds a row of the key; rows come in ascending order of day. */
      void add(int day, long at, String[] segments) {
        for (int g = 0; g < open.length; g++) {
          int start = index.periodOf(g, day);
          if (start == PeriodIndex.NONE) {
            continue;
          }
          if (open[g] == null || open[g].start != start) {
            if (open[g] != null) {
              close(g, open[g], start);
            }
            open[g] = new Activity(start, dimensions.length);
          }
          open[g].add(at, segments);
        }
      }

      /** Closes every grain's open period after the key's last row. */
      void finish() {
        for (int g = 0; g < open.length; g++) {
          if (open[g] != null) {
            close(g, open[g], PeriodIndex.NONE);
            open[g] = null;
          }
        }
      }

      /**
       * Adds the states of {@code period}, the key's active period of grain {@code g}, given the
       * start of the key's next active calendar period ({@code nextActive}, NONE when there is
       * none).
       */
      private void close(int g, Activity period, int nextActive) {
        if (distinct) {
          for (int d = 0; d < dimensions.length; d++) {
            for (String segment : period.segments.get(d)) {
              add(d, g, period.start, segment, STATE_DISTINCT);
            }
          }
        }
        if (lifecycle) {
          int previous = index.previous(g, period.start);
          boolean inPrevious = previous != PeriodIndex.NONE && lastClosed[g] == previous;
          boolean isNew = firstDay >= period.start;
          int follower = index.follower(g, period.start);
          boolean churnsNext = follower != PeriodIndex.NONE && follower != nextActive;
          for (int d = 0; d < dimensions.length; d++) {
            String segment = period.latestSegment[d];
            add(d, g, period.start, segment, STATE_ACTIVE);
            if (isNew) {
              add(d, g, period.start, segment, STATE_NEW);
            }
            if (inPrevious) {
              add(d, g, period.start, segment, STATE_RETAINED);
            } else if (!isNew) {
              add(d, g, period.start, segment, STATE_RESURRECTED);
            }
            if (churnsNext) {
              add(d, g, follower, segment, STATE_CHURNED);
            }
          }
        }
        lastClosed[g] = period.start;
      }

      private void add(int dimension, int grain, int periodDay, String segment, int state) {
        counts.computeIfAbsent(
            new CountKey(dimension, grain, periodDay, segment, slot, state), k -> new long[1])[0]++;
      }
    }
  }
}

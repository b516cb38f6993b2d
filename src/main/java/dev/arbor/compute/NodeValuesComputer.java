package dev.arbor.compute;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import dev.arbor.compute.ScanPlan.MeasuredColumn;
import dev.arbor.config.SourceDef;
import dev.arbor.config.TreeSettings;
import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.tree.Aggregation;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import dev.arbor.tree.formula.Expr;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes every node of a tree for every period of every grain: scans each source once, rolls
 * the compact daily activity up to periods, evaluates formulas in dependency order, and joins each
 * period with the previous calendar period.
 */
public final class NodeValuesComputer {
  private static final Logger LOG = LoggerFactory.getLogger(NodeValuesComputer.class);

  /** Segment and dimension value of totals, before slicing by a dimension. */
  public static final String ALL = "all";

  private final SparkSession spark;
  private final SourceScanner scanner;

  public NodeValuesComputer(SparkSession spark, SourceScanner scanner) {
    this.spark = spark;
    this.scanner = scanner;
  }

  /**
   * The activity state of one source after a run: the compact daily table (local_date, slot, key,
   * partials) and each keyed slot's first active day (slot, key, first_day).
   */
  public record SourceState(Dataset<Row> daily, Dataset<Row> first) {}

  /**
   * What to compute.
   *
   * @param asOf last local day included; later periods are not computed
   * @param from with a full recompute, the first day to report (null for the first day with
   *     events); ignored otherwise
   * @param runStart the run's start, against which event times count as in the future
   * @param recompute the days whose events are read again, or null for a full recompute of all
   *     history; the periods recomputed are those containing these days, the periods right after
   *     them, and the periods whose lifecycle states move because an entity's first day moved
   * @param state per source, the state left by the previous run (incremental only)
   * @param stateFirstDay the first day with events in the state (incremental only)
   * @param previousValues the tree's rows of node_values (incremental only): previous values,
   *     anomaly history and attribution bases of the periods not recomputed come from here
   * @param stateSegments the segments the state's run computed ({@link Segments#describe}), or
   *     null; when the ranking over all history now gives other segments, every period is
   *     recomputed from the state, without reading older events again
   */
  public record Request(
      LocalDate asOf,
      LocalDate from,
      Instant runStart,
      DaySet recompute,
      Map<String, SourceState> state,
      LocalDate stateFirstDay,
      Dataset<Row> previousValues,
      String stateSegments) {

    public static Request full(LocalDate asOf, LocalDate from, Instant runStart) {
      return new Request(asOf, from, runStart, null, Map.of(), null, null, null);
    }

    public boolean isFull() {
      return recompute == null;
    }
  }

  /**
   * Result of a computation.
   *
   * @param nodeValues one row per node, segment and period of {@code periods}, not yet stamped
   *     with run metadata
   * @param history node values of every period since the first event, every segment, with
   *     anomaly scores: the rows just computed and, in an incremental run, the stored rows of the
   *     other periods. Change attribution reads it for the base periods of a comparison.
   * @param scans the scans, whose counts are filled once {@code nodeValues} has been computed
   * @param firstEventDay the earliest local day with an event, or null when there is none
   * @param segments the segments of the tree's dimensions
   * @param periods the periods whose node_values rows the run replaces, in grain and time order:
   *     those recomputed from events and, in an incremental run, the later periods whose anomaly
   *     score reads a recomputed change. Periods before the first event get no rows, so writing
   *     clears them.
   * @param attributed the periods whose change_attribution and root_cause rows the run replaces:
   *     those recomputed and the periods a year after them, whose year-ago comparison changed
   * @param dailyActivity per source, the daily activity of the days read (all days for a full
   *     recompute); the new state replaces those days
   * @param firstActivity per source, the complete first-day table after the run
   * @param firstInserted per source, the first-day rows of entities new to the stored table, when
   *     they are its only change and can be appended. A source without an entry needs its table
   *     rewritten from {@code firstActivity}.
   * @param recomputedAll whether every period was recomputed (a full run, or segments that moved)
   */
  public record Result(
      Dataset<Row> nodeValues,
      Dataset<Row> history,
      List<SourceScanner.Scan> scans,
      LocalDate firstEventDay,
      Segments segments,
      List<Period> periods,
      List<Period> attributed,
      Map<String, Dataset<Row>> dailyActivity,
      Map<String, Dataset<Row>> firstActivity,
      Map<String, Dataset<Row>> firstInserted,
      boolean recomputedAll) {}

  /**
   * Computes node values for the periods that overlap {@code from} to {@code asOf}. History before
   * {@code from} is still read, because lifecycle states and previous values depend on it.
   *
   * @param from first day to report, or null for the first day with events
   */
  public Result compute(
      Tree tree, TreeSettings settings, Map<String, SourceDef> sources, LocalDate asOf, LocalDate from) {
    return compute(tree, settings, sources, Request.full(asOf, from, Instant.now()));
  }

  /** Computes node values as {@code request} specifies: everything, or only what changed days affect. */
  public Result compute(
      Tree tree, TreeSettings settings, Map<String, SourceDef> sources, Request request) {
    Map<String, ScanPlan> plans = ScanPlan.forTree(tree);
    PeriodCalendar periodCalendar = settings.calendar();
    List<SourceScanner.Scan> scans = new ArrayList<>();
    Map<String, Dataset<Row>> dailyBySource = new LinkedHashMap<>();
    Map<String, Dataset<Row>> firstBySource = new LinkedHashMap<>();
    Map<String, Dataset<Row>> firstInsertedBySource = new LinkedHashMap<>();
    Set<LocalDate> movedFirstDays = new TreeSet<>();
    LocalDate firstDay = request.isFull() ? null : request.stateFirstDay();
    for (ScanPlan plan : plans.values()) {
      SourceDef source = sources.get(plan.sourceId());
      long started = System.nanoTime();
      SourceScanner.Scan scan =
          scanner.scan(source, periodCalendar.timeZone(), request.asOf(), request.recompute(), request.runStart());
      Dataset<Row> daily = MeasureRollup.dailyActivity(scan.events(), source, plan);
      Row summary = daily.agg(min(SourceScanner.LOCAL_DATE), org.apache.spark.sql.functions.count(lit(1))).head();
      SourceScanner.ScanCounts counts = scan.counts();
      LOG.info(
          "Scanned source {} ({} version {}, {}): {} rows read, {} kept, {} duplicates dropped, {} rejected, {} after the as-of date, {} daily activity rows, {} ms",
          source.id(), scan.location(), scan.inputVersion(),
          request.isFull() ? "all days" : request.recompute(), counts.rowsRead(), counts.rowsKept(),
          counts.duplicatesDropped(), counts.rowsRejected(), counts.rowsAfterAsOf(), summary.getLong(1),
          (System.nanoTime() - started) / 1_000_000);
      if (!summary.isNullAt(0)) {
        LocalDate sourceFirst = summary.getDate(0).toLocalDate();
        firstDay = firstDay == null || sourceFirst.isBefore(firstDay) ? sourceFirst : firstDay;
      }
      scans.add(scan);
      dailyBySource.put(plan.sourceId(), daily);
      if (request.isFull()) {
        firstBySource.put(plan.sourceId(), MeasureRollup.firstActivity(daily));
      } else {
        FirstActivity.Update update =
            FirstActivity.update(request.state().get(plan.sourceId()), daily, request.recompute());
        firstBySource.put(plan.sourceId(), update.first());
        if (update.inserted() != null) {
          firstInsertedBySource.put(plan.sourceId(), update.inserted());
        }
        movedFirstDays.addAll(update.movedDays());
      }
    }
    if (!request.isFull() && firstDay != null && request.recompute().contains(firstDay)) {
      // The state's first day was read again and may have lost its events.
      firstDay = firstDayAfterRecompute(dailyBySource, request);
    }

    long ranked = System.nanoTime();
    Segments segments = rankSegments(tree, settings, plans, dailyBySource, request);
    boolean segmentsMoved = !request.isFull() && !tree.dimensions().isEmpty()
        && !segments.describe().equals(request.stateSegments());
    if (!tree.dimensions().isEmpty()) {
      LOG.info("Segments by {} (top {} by {}): {}{}, {} ms", tree.dimensions(),
          settings.slicing().maxSegments(), settings.slicing().rankBy(), segments.describe(),
          segmentsMoved ? " (was " + request.stateSegments() + ", so every period is recomputed from the state)" : "",
          (System.nanoTime() - ranked) / 1_000_000);
    }

    List<Period> replaced;
    List<Period> periods;
    if (request.isFull() || segmentsMoved) {
      replaced = fullCalendar(settings, request, firstDay);
      periods = replaced;
    } else {
      replaced = periodsToCompute(settings, request, movedFirstDays, firstDayShift(request, firstDay));
      LocalDate start = firstDay == null ? request.asOf() : firstDay;
      periods = replaced.stream().filter(p -> !p.end().isBefore(start)).toList();
    }
    List<Period> withPrevious = new ArrayList<>(periods);
    Set<Period> chosen = new java.util.HashSet<>(periods);
    for (Period period : periods) {
      Period previous = periodCalendar.previous(period);
      if (chosen.add(previous) && firstDay != null && !previous.end().isBefore(firstDay)) {
        withPrevious.add(previous);
      }
    }
    PeriodTables calendar = PeriodTables.of(spark, periodCalendar, withPrevious, request.asOf());
    LOG.info("Computing {} periods ({} read for their predecessors)", periods.size(), withPrevious.size() - periods.size());

    Dataset<Row> measured = null;
    List<String> measuredIds = new ArrayList<>();
    for (ScanPlan plan : plans.values()) {
      Dataset<Row> daily = dailyForCalendar(
          dailyBySource.get(plan.sourceId()), plan, request, segmentsMoved ? null : withPrevious);
      if (!request.isFull()) {
        // The days of a few periods from the state plus the days read: small, read several times.
        daily = daily.localCheckpoint();
      }
      // A full run's daily table covers all history, so each key's first day is in it.
      Dataset<Row> first = request.isFull() ? null : firstBySource.get(plan.sourceId());
      Dataset<Row> values = MeasureRollup.rollUp(daily, first, plan, calendar, segments);
      measured = measured == null ? values : measured.unionByName(values);
      measuredIds.add(MeasureRollup.rowsColumn(plan));
      for (MeasuredColumn column : plan.columns()) {
        measuredIds.add(column.id());
      }
    }

    // One row per period: small, so it is materialized here. Formulas and the previous-period
    // join then plan against a leaf instead of re-analyzing the whole roll-up for every node.
    Dataset<Row> wide = widen(measured, measuredIds, calendar, segments).localCheckpoint();
    Dataset<Row> evaluated = evaluate(tree, settings, wide, plans);
    boolean all = request.isFull() || segmentsMoved;
    Dataset<Row> computed =
        lengthen(tree, evaluated, calendar, periods, replaced, all ? null : request.previousValues());
    List<Period> written = replaced;
    List<Period> attributed = replaced;
    Dataset<Row> unscored = computed;
    if (!all && request.previousValues() != null) {
      // Later periods keep their values, but their anomaly scores read the recomputed changes
      // and their year-ago comparisons the recomputed values.
      written = withFollowers(replaced, settings, request.asOf(), settings.anomalies().window(), false);
      attributed = withFollowers(replaced, settings, request.asOf(), 0, true);
      unscored = computed.unionByName(storedRows(request.previousValues(), replaced));
    }
    // Persisted because node_values and the change attribution both read it; its size grows
    // with nodes x periods x segments, not with the events.
    Dataset<Row> history =
        AnomalyScores.add(unscored, settings.anomalies())
            .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> nodeValues =
        all ? history : history.join(broadcast(periodKeys(written)), new String[] {"grain", "period_start"});
    if (all && request.from() != null) {
      // Earlier periods were computed for their values and states; only the range is reported.
      nodeValues = nodeValues.where(col("period_end").geq(lit(java.sql.Date.valueOf(request.from()))));
      written = written.stream().filter(p -> !p.end().isBefore(request.from())).toList();
      attributed = written;
    }
    return new Result(nodeValues, history, scans, firstDay, segments, written, attributed,
        dailyBySource, firstBySource, firstInsertedBySource, all);
  }

  /**
   * Ranks each dimension's values over all history: the scanned days and, in an incremental run,
   * the state's other days, so that the ranking equals that of a full recompute.
   */
  private static Segments rankSegments(Tree tree, TreeSettings settings, Map<String, ScanPlan> plans,
      Map<String, Dataset<Row>> dailyBySource, Request request) {
    if (tree.dimensions().isEmpty()) {
      return Segments.none();
    }
    Map<String, Dataset<Row>> history = dailyBySource;
    if (!request.isFull()) {
      history = new LinkedHashMap<>();
      for (Map.Entry<String, Dataset<Row>> entry : dailyBySource.entrySet()) {
        SourceState state = request.state().get(entry.getKey());
        Dataset<Row> days = entry.getValue().where(col("slot").equalTo(0));
        if (state != null && state.daily() != null) {
          days = state.daily()
              .where(col("slot").equalTo(0)
                  .and(functions.not(request.recompute().contains(col(SourceScanner.LOCAL_DATE)))))
              .unionByName(days);
        }
        history.put(entry.getKey(), days);
      }
    }
    return Segments.rank(plans.values(), history, tree.dimensions(), settings.slicing());
  }

  /**
   * Returns {@code periods} and, per grain, the {@code count} periods after each of them (with
   * {@code yearAfter}, the period a year after each instead), up to the as-of date.
   */
  private static List<Period> withFollowers(
      List<Period> periods, TreeSettings settings, LocalDate asOf, int count, boolean yearAfter) {
    PeriodCalendar calendar = settings.calendar();
    java.util.Map<String, java.util.TreeMap<LocalDate, Period>> byGrain = new LinkedHashMap<>();
    for (Period period : periods) {
      java.util.TreeMap<LocalDate, Period> starts =
          byGrain.computeIfAbsent(period.grain().key(), g -> new java.util.TreeMap<>());
      starts.put(period.start(), period);
      if (yearAfter) {
        Period later = calendar.periodOf(period.grain(), yearAfter(period));
        if (!later.start().isAfter(asOf)) {
          starts.put(later.start(), later);
        }
      }
      Period next = period;
      for (int i = 0; i < count; i++) {
        next = calendar.following(next);
        if (next.start().isAfter(asOf)) {
          break;
        }
        starts.put(next.start(), next);
      }
    }
    List<Period> result = new ArrayList<>();
    byGrain.values().forEach(starts -> result.addAll(starts.values()));
    return result;
  }

  /** Returns the start of the period whose year-ago base starts on {@code period}'s start. */
  private static LocalDate yearAfter(Period period) {
    return switch (period.grain()) {
      case DAY, WEEK -> period.start().plusDays(364);
      case MONTH, QUARTER -> period.start().plusMonths(12);
    };
  }

  /**
   * Returns the stored node_values rows of the periods not recomputed, in the columns that
   * {@link #lengthen} produces and without the anomaly flag, which is scored again.
   */
  private Dataset<Row> storedRows(Dataset<Row> previousValues, List<Period> replaced) {
    return previousValues
        .join(broadcast(periodKeys(replaced)), new String[] {"grain", "period_start"}, "left_anti")
        .select(
            col("tree_id"),
            col("node_id"),
            col("grain"),
            col("period_start"),
            col("period_end"),
            col("dimension"),
            col("segment"),
            col("value"),
            col("previous_value"),
            col("change"),
            col("change_pct"),
            col("formula_value"),
            col("formula_gap"),
            col("numerator"),
            col("denominator"),
            col("is_complete"),
            org.apache.spark.sql.functions.array_remove(col("quality_flags"), AnomalyScores.FLAG)
                .as("quality_flags"));
  }

  /**
   * Returns the periods whose rows the run replaces: for a full recompute every period from the
   * first event (or from {@code from}) to the as-of date; else the periods containing a
   * recomputed day or a moved first day, and the period after each of them, up to the as-of date.
   * The caller drops those that end before the first event.
   */
  private static List<Period> periodsToCompute(
      TreeSettings settings, Request request, Set<LocalDate> movedFirstDays, LocalDate[] shift) {
    PeriodCalendar calendar = settings.calendar();
    LocalDate asOf = request.asOf();
    List<Period> periods = new ArrayList<>();
    if (request.isFull()) {
      return periods;
    }
    for (Grain grain : settings.grains()) {
      java.util.TreeMap<LocalDate, Period> byStart = new java.util.TreeMap<>();
      List<LocalDate> days = new ArrayList<>(request.recompute().days());
      days.addAll(movedFirstDays);
      for (LocalDate day : days) {
        Period period = calendar.periodOf(grain, day);
        byStart.put(period.start(), period);
        Period next = calendar.following(period);
        byStart.put(next.start(), next);
      }
      if (shift != null) {
        for (Period period : calendar.periodsBetween(grain, shift[0], shift[1])) {
          byStart.put(period.start(), period);
        }
      }
      for (Period period : byStart.values()) {
        if (!period.start().isAfter(asOf)) {
          periods.add(period);
        }
      }
    }
    return periods;
  }

  /**
   * Returns the days between the state's first event day and the new one when it moved, else
   * null. The periods between them appear (late events before all history) or vanish (the first
   * days lost their events), so all of them are rewritten.
   */
  private static LocalDate[] firstDayShift(Request request, LocalDate firstDay) {
    LocalDate before = request.stateFirstDay();
    if (java.util.Objects.equals(before, firstDay)) {
      return null;
    }
    if (before == null || firstDay == null) {
      LocalDate start = before == null ? firstDay : before;
      return start.isAfter(request.asOf()) ? null : new LocalDate[] {start, request.asOf()};
    }
    return before.isBefore(firstDay)
        ? new LocalDate[] {before, firstDay}
        : new LocalDate[] {firstDay, before};
  }

  /** Returns every period of the full calendar: from the first event (or {@code from}) to as-of. */
  private static List<Period> fullCalendar(TreeSettings settings, Request request, LocalDate firstDay) {
    LocalDate asOf = request.asOf();
    LocalDate start = firstDay == null ? (request.from() == null ? asOf : request.from()) : firstDay;
    if (request.from() != null && request.from().isBefore(start)) {
      start = request.from();
    }
    List<Period> periods = new ArrayList<>();
    for (Grain grain : settings.grains()) {
      periods.addAll(settings.calendar().periodsBetween(grain, start, asOf));
    }
    return periods;
  }

  /** Returns the first day with events once the recomputed days replaced theirs in the state. */
  private static LocalDate firstDayAfterRecompute(Map<String, Dataset<Row>> dailyBySource, Request request) {
    LocalDate first = null;
    for (Map.Entry<String, Dataset<Row>> entry : dailyBySource.entrySet()) {
      Dataset<Row> kept = entry.getValue().select(SourceScanner.LOCAL_DATE);
      SourceState state = request.state().get(entry.getKey());
      if (state != null && state.daily() != null) {
        kept =
            state.daily()
                .where(functions.not(request.recompute().contains(col(SourceScanner.LOCAL_DATE))))
                .select(SourceScanner.LOCAL_DATE)
                .unionByName(kept);
      }
      Row row = kept.agg(min(SourceScanner.LOCAL_DATE)).head();
      if (!row.isNullAt(0)) {
        LocalDate day = row.getDate(0).toLocalDate();
        first = first == null || day.isBefore(first) ? day : first;
      }
    }
    return first;
  }

  /**
   * Returns the daily activity of the calendar's days: for a full recompute the scanned table; else
   * the state's rows of the days not read again plus the rows of the days read.
   */
  private static Dataset<Row> dailyForCalendar(
      Dataset<Row> scanned, ScanPlan plan, Request request, List<Period> periods) {
    if (request.isFull()) {
      return scanned;
    }
    SourceState state = request.state().get(plan.sourceId());
    if (periods == null) {
      // Every day: the state's days not read again, then the days read.
      return state == null || state.daily() == null
          ? scanned
          : state.daily()
              .where(functions.not(request.recompute().contains(col(SourceScanner.LOCAL_DATE))))
              .unionByName(scanned);
    }
    Set<LocalDate> days = new TreeSet<>();
    for (Period period : periods) {
      for (LocalDate day = period.start(); !day.isAfter(period.end()); day = day.plusDays(1)) {
        days.add(day);
      }
    }
    if (state == null || state.daily() == null) {
      return scanned;
    }
    DaySet calendarDays = DaySet.of(days);
    Column localDate = col(SourceScanner.LOCAL_DATE);
    Dataset<Row> kept =
        state.daily()
            .where(calendarDays.contains(localDate)
                .and(functions.not(request.recompute().contains(localDate))));
    return kept.unionByName(scanned);
  }

  private Dataset<Row> periodKeys(List<Period> periods) {
    List<Row> keys = new ArrayList<>();
    for (Period period : periods) {
      keys.add(RowFactory.create(period.grain().key(), java.sql.Date.valueOf(period.start())));
    }
    StructType schema =
        new StructType()
            .add("grain", DataTypes.StringType, false)
            .add("period_start", DataTypes.DateType, false);
    return spark.createDataFrame(keys, schema);
  }

  private Dataset<Row> widen(
      Dataset<Row> measured, List<String> ids, PeriodTables calendar, Segments segments) {
    String[] keys = {"grain", "period_start", "dimension", "segment"};
    Dataset<Row> periods =
        calendar.periods().select("grain", "period_start").crossJoin(segments.pairs(spark));
    if (measured == null) {
      return periods;
    }
    Dataset<Row> pivoted =
        measured.groupBy(keys[0], keys[1], keys[2], keys[3])
            .pivot("column_id", new ArrayList<>(ids))
            .agg(first("value"));
    for (String id : ids) {
      pivoted = pivoted.withColumnRenamed(id, measuredColumnName(id));
    }
    return periods.join(pivoted, keys, "left");
  }

  private static String measuredColumnName(String id) {
    return "m_" + id.replace('#', '_');
  }

  private static Column measuredColumn(String id) {
    return col("`" + measuredColumnName(id) + "`");
  }

  private static String nodeColumnName(String nodeId) {
    return "v_" + nodeId;
  }

  private static Column nodeColumn(String nodeId) {
    return col("`" + nodeColumnName(nodeId) + "`");
  }

  /**
   * Adds, per node, its value, then its formula check and quality flags. Values are added in
   * evaluation order; checks come second because a measured node's formula may refer to nodes
   * evaluated after it.
   */
  private Dataset<Row> evaluate(Tree tree, TreeSettings settings, Dataset<Row> wide, Map<String, ScanPlan> plans) {
    Dataset<Row> out = wide;
    for (String nodeId : tree.evaluationOrder()) {
      out = out.withColumn(nodeColumnName(nodeId), valueOf(tree.node(nodeId)));
    }
    List<Column> columns = new ArrayList<>();
    columns.add(col("*"));
    for (Node node : tree.nodes().values()) {
      String nodeId = node.id();
      Column value = nodeColumn(nodeId);
      Column divisionByZero = lit(false);
      Column noEvents = lit(false);
      Column formulaValue = lit(null).cast("double");
      Column gap = lit(null).cast("double");
      if (node.measure() != null && node.measure().aggregation() == Aggregation.RATIO) {
        divisionByZero = measuredColumn(nodeId + "#den").equalTo(lit(0.0));
      }
      // A node has no events in a period when none of the sources it depends on has any.
      java.util.Set<String> sources = sourcesOf(tree, nodeId, new java.util.HashSet<>());
      if (!sources.isEmpty()) {
        noEvents = lit(true);
        for (String source : sources) {
          noEvents = noEvents.and(measuredColumn(MeasureRollup.rowsColumn(plans.get(source))).equalTo(lit(0.0)));
        }
      }
      if (node.hasFormula()) {
        divisionByZero =
            divisionByZero.or(FormulaColumns.divisionByZero(node.formula(), NodeValuesComputer::nodeColumn));
      }
      if (node.isMeasured() && node.hasFormula()) {
        formulaValue = FormulaColumns.value(node.formula(), NodeValuesComputer::nodeColumn);
        gap = value.minus(formulaValue);
      }
      Column relativeGap = abs(gap).divide(greatest(abs(value), lit(1e-9)));
      Column flags =
          array(
              when(divisionByZero, lit("division_by_zero")),
              when(relativeGap.gt(lit(settings.formulaTolerance())), lit("formula_gap")),
              when(noEvents, lit("no_events")));
      columns.add(org.apache.spark.sql.functions.filter(flags, Column::isNotNull).as("q_" + nodeId));
      columns.add(formulaValue.as("fv_" + nodeId));
      columns.add(gap.as("g_" + nodeId));
      Column[] ratio = ratioParts(node);
      columns.add(ratio[0].as("n_" + nodeId));
      columns.add(ratio[1].as("d_" + nodeId));
    }
    return out.select(columns.toArray(Column[]::new));
  }

  /** Returns the sources whose events the node's value depends on, through formulas. */
  private static java.util.Set<String> sourcesOf(Tree tree, String nodeId, java.util.Set<String> visited) {
    java.util.Set<String> sources = new java.util.LinkedHashSet<>();
    if (!visited.add(nodeId)) {
      return sources;
    }
    Node node = tree.node(nodeId);
    if (node.measure() != null) {
      sources.add(node.measure().source());
    } else if (node.lifecycle() != null) {
      sources.add(node.lifecycle().source());
    } else if (node.hasFormula()) {
      for (String child : node.formula().references()) {
        sources.addAll(sourcesOf(tree, child, visited));
      }
    }
    return sources;
  }

  /**
   * Returns the numerator and denominator of a ratio node's value: of a ratio or average measure,
   * or of a formula whose last operation is a division by a node (not by a constant). Both are
   * null columns for other nodes.
   */
  private static Column[] ratioParts(Node node) {
    Aggregation aggregation = node.measure() == null ? null : node.measure().aggregation();
    if (aggregation == Aggregation.RATIO || aggregation == Aggregation.AVG) {
      return new Column[] {
        measuredColumn(node.id() + "#num"), measuredColumn(node.id() + "#den")
      };
    }
    if (!node.isMeasured() && node.formula() instanceof Expr.Binary division
        && division.operator() == '/' && !division.right().references().isEmpty()) {
      return new Column[] {
        FormulaColumns.value(division.left(), NodeValuesComputer::nodeColumn),
        FormulaColumns.value(division.right(), NodeValuesComputer::nodeColumn)
      };
    }
    Column none = lit(null).cast("double");
    return new Column[] {none, none};
  }

  private static Column valueOf(Node node) {
    if (node.measure() != null && node.measure().aggregation() == Aggregation.RATIO) {
      return FormulaColumns.finiteOrNull(
          org.apache.spark.sql.functions.try_divide(
              measuredColumn(node.id() + "#num"), measuredColumn(node.id() + "#den")));
    }
    if (node.isMeasured()) {
      return measuredColumn(node.id());
    }
    return FormulaColumns.value(node.formula(), NodeValuesComputer::nodeColumn);
  }

  /**
   * Unpivots to one row per node and computed period and adds the previous calendar period's
   * value: computed here when the previous period is, else from {@code previousValues} unless the
   * run replaces that period.
   */
  private Dataset<Row> lengthen(
      Tree tree, Dataset<Row> evaluated, PeriodTables calendar, List<Period> periods,
      List<Period> replaced, Dataset<Row> previousValues) {
    List<Column> structs = new ArrayList<>();
    for (String nodeId : tree.nodes().keySet()) {
      structs.add(
          org.apache.spark.sql.functions.struct(
              lit(nodeId).as("node_id"),
              nodeColumn(nodeId).as("value"),
              col("`fv_" + nodeId + "`").as("formula_value"),
              col("`g_" + nodeId + "`").as("formula_gap"),
              col("`q_" + nodeId + "`").as("quality_flags"),
              col("`n_" + nodeId + "`").cast("double").as("numerator"),
              col("`d_" + nodeId + "`").cast("double").as("denominator")));
    }
    Dataset<Row> rows =
        evaluated
            .select(col("grain"), col("period_start"), col("dimension"), col("segment"),
                org.apache.spark.sql.functions.explode(array(structs.toArray(Column[]::new))).as("n"))
            .select(col("grain"), col("period_start"), col("dimension"), col("segment"), col("n.*"))
            .join(calendar.periods(), new String[] {"grain", "period_start"});
    Dataset<Row> computed = rows.join(broadcast(periodKeys(periods)), new String[] {"grain", "period_start"});
    Dataset<Row> previous =
        computed.select(
            col("grain"),
            col("node_id"),
            col("dimension"),
            col("segment"),
            col("period_start").as("previous_start"),
            col("value").as("previous_value"));
    if (previousValues != null) {
      // Periods not computed now keep the values an earlier run wrote.
      Dataset<Row> stored =
          previousValues
              .join(broadcast(periodKeys(replaced)), new String[] {"grain", "period_start"}, "left_anti")
              .select(
                  col("grain"),
                  col("node_id"),
                  col("dimension"),
                  col("segment"),
                  col("period_start").as("previous_start"),
                  col("value").as("previous_value"));
      previous = previous.unionByName(stored);
    }
    Dataset<Row> joined =
        computed.join(previous,
            new String[] {"grain", "node_id", "dimension", "segment", "previous_start"}, "left");
    Column change = joined.col("value").minus(col("previous_value"));
    return joined.select(
        lit(tree.id()).as("tree_id"),
        col("node_id"),
        col("grain"),
        col("period_start"),
        col("period_end"),
        col("dimension"),
        col("segment"),
        col("value"),
        col("previous_value"),
        change.as("change"),
        FormulaColumns.finiteOrNull(org.apache.spark.sql.functions.try_divide(change, abs(col("previous_value"))))
            .as("change_pct"),
        col("formula_value"),
        col("formula_gap"),
        col("numerator"),
        col("denominator"),
        col("is_complete"),
        col("quality_flags"));
  }
}

package dev.arbor.compute;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import dev.arbor.compute.ScanPlan.MeasuredColumn;
import dev.arbor.config.SourceDef;
import dev.arbor.config.TreeSettings;
import dev.arbor.tree.Aggregation;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import dev.arbor.tree.formula.Expr;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
   * Result of a computation.
   *
   * @param nodeValues one row per node, grain, period from {@code from} to the as-of date and
   *     segment, not yet stamped with run metadata
   * @param history the same rows for every period since the first event, which change
   *     attribution reads to compare a period with its base periods
   * @param scans the scans, whose counts are filled once {@code nodeValues} has been computed
   * @param firstEventDay the earliest local day with an event, or null when there is none
   * @param segments the segments of the tree's dimensions
   */
  public record Result(
      Dataset<Row> nodeValues,
      Dataset<Row> history,
      List<SourceScanner.Scan> scans,
      LocalDate firstEventDay,
      Segments segments) {}

  /**
   * Computes node values for the periods that overlap {@code from} to {@code asOf}. History before
   * {@code from} is still read, because lifecycle states and previous values depend on it.
   *
   * @param from first day to report, or null for the first day with events
   */
  public Result compute(
      Tree tree, TreeSettings settings, Map<String, SourceDef> sources, LocalDate asOf, LocalDate from) {
    Map<String, ScanPlan> plans = ScanPlan.forTree(tree);
    List<SourceScanner.Scan> scans = new ArrayList<>();
    Map<String, Dataset<Row>> dailyBySource = new LinkedHashMap<>();
    LocalDate firstDay = null;
    for (ScanPlan plan : plans.values()) {
      SourceDef source = sources.get(plan.sourceId());
      long started = System.nanoTime();
      SourceScanner.Scan scan = scanner.scan(source, settings.calendar().timeZone(), asOf, List.of());
      Dataset<Row> daily = MeasureRollup.dailyActivity(scan.events(), source, plan);
      Row summary = daily.agg(min(SourceScanner.LOCAL_DATE), org.apache.spark.sql.functions.count(lit(1))).head();
      SourceScanner.ScanCounts counts = scan.counts();
      LOG.info(
          "Scanned source {} ({} version {}): {} rows read, {} kept, {} duplicates dropped, {} after the as-of date, {} daily activity rows, {} ms",
          source.id(), scan.location(), scan.inputVersion(), counts.rowsRead(), counts.rowsKept(),
          counts.duplicatesDropped(), counts.rowsAfterAsOf(), summary.getLong(1),
          (System.nanoTime() - started) / 1_000_000);
      if (!summary.isNullAt(0)) {
        LocalDate sourceFirst = summary.getDate(0).toLocalDate();
        firstDay = firstDay == null || sourceFirst.isBefore(firstDay) ? sourceFirst : firstDay;
      }
      scans.add(scan);
      dailyBySource.put(plan.sourceId(), daily);
    }

    long ranked = System.nanoTime();
    Segments segments =
        tree.dimensions().isEmpty()
            ? Segments.none()
            : Segments.rank(plans.values(), dailyBySource, tree.dimensions(), settings.slicing());
    if (!tree.dimensions().isEmpty()) {
      LOG.info("Segments by {} (top {} by {}): {}, {} ms", tree.dimensions(),
          settings.slicing().maxSegments(), settings.slicing().rankBy(), segments.describe(),
          (System.nanoTime() - ranked) / 1_000_000);
    }

    LocalDate calendarStart = firstDay;
    if (calendarStart == null) {
      calendarStart = from == null ? asOf : from;
    }
    if (from != null && from.isBefore(calendarStart)) {
      calendarStart = from;
    }
    PeriodTables calendar =
        PeriodTables.build(spark, settings.calendar(), settings.grains(), calendarStart, asOf);

    Dataset<Row> measured = null;
    List<String> measuredIds = new ArrayList<>();
    for (ScanPlan plan : plans.values()) {
      Dataset<Row> values =
          MeasureRollup.rollUp(dailyBySource.get(plan.sourceId()), plan, calendar, segments);
      measured = measured == null ? values : measured.unionByName(values);
      measuredIds.add(MeasureRollup.rowsColumn(plan));
      for (MeasuredColumn column : plan.columns()) {
        measuredIds.add(column.id());
      }
    }

    Dataset<Row> wide = widen(measured, measuredIds, calendar, segments);
    Dataset<Row> evaluated = evaluate(tree, settings, wide, plans);
    // Persisted because node_values and the change attribution both read it; its size grows
    // with nodes x periods x segments, not with the events.
    Dataset<Row> history =
        AnomalyScores.add(lengthen(tree, evaluated, calendar), settings.anomalies())
            .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> nodeValues = history;
    if (from != null) {
      nodeValues = nodeValues.where(col("period_end").geq(lit(java.sql.Date.valueOf(from))));
    }
    return new Result(nodeValues, history, scans, firstDay, segments);
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

  /** Unpivots to one row per node and period and adds the previous calendar period's value. */
  private Dataset<Row> lengthen(Tree tree, Dataset<Row> evaluated, PeriodTables calendar) {
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
    Dataset<Row> previous =
        rows.select(
            col("grain"),
            col("node_id"),
            col("dimension"),
            col("segment"),
            col("period_start").as("previous_start"),
            col("value").as("previous_value"));
    Dataset<Row> joined =
        rows.join(previous,
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

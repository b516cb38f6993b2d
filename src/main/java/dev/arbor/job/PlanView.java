package dev.arbor.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.store.TableLocator;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Prints the plan of a cycle ({@code show --plan}): the North Star's gap to its forecast in the
 * latest complete period, the lagging nodes, the change of each input that alone would close the
 * gap, and the cycle's bets by priority.
 */
public final class PlanView {
  private final SparkSession spark;
  private final ArborConfig config;

  public PlanView(SparkSession spark, ArborConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * Returns the text for the cycle containing {@code day}, or for the latest cycle with a
   * complete period when it is null.
   */
  public String render(String treeId, LocalDate day) {
    Tree tree = config.tree(treeId);
    TableLocator locator = new TableLocator(spark, config.warehouse());
    if (!locator.exists("forecast_vs_actual")) {
      throw ArborException.usage("No forecast_vs_actual table in " + config.warehouse().path()
          + "; give the tree a planning section and run 'jobs/arbor run' or 'jobs/arbor plan'");
    }
    Dataset<Row> fva = locator.read("forecast_vs_actual").where(col("tree_id").equalTo(tree.id()));
    Dataset<Row> cycles = day == null
        ? fva.where(col("is_complete"))
        : fva.where(col("cycle_start").leq(lit(Date.valueOf(day))).and(col("cycle_end").geq(lit(Date.valueOf(day)))));
    Row latest = cycles.agg(max("cycle_start")).head();
    if (latest.isNullAt(0)) {
      throw ArborException.usage("No started cycle of tree " + tree.id() + " with "
          + (day == null ? "a complete period" : "day " + day) + " in forecast_vs_actual");
    }
    Date cycleStart = latest.getDate(0);
    Dataset<Row> cycle = fva.where(col("cycle_start").equalTo(lit(cycleStart)));
    Row lastPeriod = cycle.where(col("is_complete")).agg(max("period_start")).head();
    StringBuilder out = new StringBuilder();
    Row any = cycle.select("cycle_label", "cycle_end", "forecast_version", "as_of", "grain").head();
    out.append(String.format(Locale.ROOT, "Plan of %s (tree %s), cycle %s (%s to %s), forecast version %d, as of %s%n",
        tree.name(), tree.id(), any.getString(0), cycleStart, any.getDate(1), any.getInt(2), any.getDate(3)));
    if (lastPeriod.isNullAt(0)) {
      out.append("No complete ").append(any.getString(4)).append(" in the cycle yet.\n");
      appendBets(out, locator, tree, cycleStart);
      return out.toString();
    }
    Date period = lastPeriod.getDate(0);
    List<Row> rows = cycle.where(col("period_start").equalTo(lit(period)))
        .select("node_id", "forecast", "forecast_low", "forecast_high", "actual", "gap", "gap_pct",
            "cumulative_forecast", "cumulative_actual", "cumulative_gap", "status", "is_lagging",
            "change_to_close_gap", "change_to_close_gap_pct", "north_star_elasticity", "annotations")
        .collectAsList();
    Row northStar = rows.stream().filter(r -> r.getString(0).equals(tree.northStar())).findFirst().orElse(null);
    Node star = tree.node(tree.northStar());
    out.append(String.format(Locale.ROOT, "%nNorth Star %s [%s], %s starting %s (latest complete)%n",
        star.name(), star.id(), any.getString(4), period));
    if (northStar != null) {
      out.append("  forecast ").append(ValueFormat.value(star.unit(), nullable(northStar, 1)))
          .append(" (interval ").append(ValueFormat.value(star.unit(), nullable(northStar, 2)))
          .append(" to ").append(ValueFormat.value(star.unit(), nullable(northStar, 3))).append(")")
          .append(", actual ").append(ValueFormat.value(star.unit(), nullable(northStar, 4)))
          .append(", gap ").append(ValueFormat.change(star.unit(), nullable(northStar, 5), nullable(northStar, 6)))
          .append(", ").append(northStar.getString(10)).append('\n');
      if (!northStar.isNullAt(7)) {
        out.append("  cycle to date: forecast ").append(ValueFormat.value(star.unit(), nullable(northStar, 7)))
            .append(", actual ").append(ValueFormat.value(star.unit(), nullable(northStar, 8)))
            .append(", gap ").append(ValueFormat.change(star.unit(), nullable(northStar, 9), null)).append('\n');
      }
      for (Object note : northStar.getList(15)) {
        out.append("  annotation: ").append(note).append('\n');
      }
    }

    out.append("\nLagging nodes (outside the interval on the side that lowers the North Star)\n");
    boolean anyLagging = false;
    for (Row row : rows) {
      if (row.getBoolean(11)) {
        anyLagging = true;
        Node node = tree.node(row.getString(0));
        out.append(String.format(Locale.ROOT, "  %-28s forecast %18s  actual %18s  gap %s%n", node.id(),
            ValueFormat.value(node.unit(), nullable(row, 1)), ValueFormat.value(node.unit(), nullable(row, 4)),
            ValueFormat.change(node.unit(), nullable(row, 5), nullable(row, 6))));
      }
    }
    if (!anyLagging) {
      out.append("  none\n");
    }

    out.append("\nChange of one input that alone would close the North Star gap\n");
    List<Row> inputs = new ArrayList<>();
    for (Row row : rows) {
      if (!tree.node(row.getString(0)).hasFormula() && !row.isNullAt(12) && !row.getString(0).equals(tree.northStar())) {
        inputs.add(row);
      }
    }
    inputs.sort(Comparator.comparingDouble(r -> r.isNullAt(13) ? Double.MAX_VALUE : Math.abs(r.getDouble(13))));
    for (Row row : inputs) {
      Node node = tree.node(row.getString(0));
      Double actual = nullable(row, 4);
      Double change = nullable(row, 12);
      boolean flipsSign = actual != null && actual >= 0 && actual + change < 0;
      out.append(String.format(Locale.ROOT, "  %-28s actual %18s  change %s%s%n", node.id(),
          ValueFormat.value(node.unit(), actual),
          ValueFormat.change(node.unit(), change, nullable(row, 13)),
          flipsSign ? "  (not reachable: the value would be negative)" : ""));
    }
    if (inputs.isEmpty()) {
      out.append("  none: no input moves the North Star, or the gap is unknown\n");
    }
    appendBets(out, locator, tree, cycleStart);
    return out.toString();
  }

  private void appendBets(StringBuilder out, TableLocator locator, Tree tree, Date cycleStart) {
    if (!locator.exists("bet_priorities")) {
      return;
    }
    List<Row> bets = locator.read("bet_priorities")
        .where(col("tree_id").equalTo(tree.id()).and(col("cycle_start").equalTo(lit(cycleStart))))
        .orderBy(col("priority_rank").asc_nulls_last(), col("bet_id"))
        .select("priority_rank", "bet_id", "status", "target_node", "expected_change", "impact", "priority_score", "title")
        .limit(20)
        .collectAsList();
    out.append("\nBets of the cycle by priority (impact on the North Star per forecast period x confidence / effort)\n");
    Node star = tree.node(tree.northStar());
    for (Row row : bets) {
      out.append(String.format(Locale.ROOT, "  %4s  %-8s %-9s %-24s %8s  impact %16s  score %12s  %s%n",
          row.isNullAt(0) ? "-" : row.getInt(0), row.getString(1), row.getString(2), row.getString(3),
          row.getString(4), ValueFormat.value(star.unit(), nullable(row, 5)),
          row.isNullAt(6) ? "n/a" : String.format(Locale.ROOT, "%,.1f", row.getDouble(6)), row.getString(7)));
    }
  }

  private static Double nullable(Row row, int index) {
    return row.isNullAt(index) ? null : row.getDouble(index);
  }
}

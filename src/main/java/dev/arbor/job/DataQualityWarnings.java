package dev.arbor.job;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.greatest;

import dev.arbor.compute.NodeValuesComputer;
import dev.arbor.compute.SourceScanner;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Warnings about the data of a run. Each is one sentence that names the source or node, the count
 * and what to look at. The run logs them and records them in the runs table.
 */
final class DataQualityWarnings {
  /** Relative residual (of the larger parent value) that formula splits stay below. */
  static final double RESIDUAL_BOUND = 1e-9;

  private DataQualityWarnings() {}

  static List<String> forScan(String sourceId, SourceScanner.ScanCounts counts) {
    List<String> warnings = new ArrayList<>();
    if (counts.rowsWithoutTime() > 0) {
      warnings.add("Source " + sourceId + ": " + counts.rowsWithoutTime() + " of " + counts.rowsRead()
          + " rows have no event time and were skipped");
    }
    if (counts.duplicatesDropped() > 0) {
      warnings.add("Source " + sourceId + ": " + counts.duplicatesDropped()
          + " duplicate events (same event id on the same day) were counted once");
    }
    if (counts.rowsAfterAsOf() > 0) {
      warnings.add("Source " + sourceId + ": " + counts.rowsAfterAsOf()
          + " rows are after the as-of date and were left for a later run");
    }
    return warnings;
  }

  /**
   * Counts, per node, the periods flagged for a formula gap or a division by zero in the totals;
   * segments repeat their total's problems, so they are not counted again.
   */
  static List<String> forNodeValues(Dataset<Row> allValues, double tolerance) {
    List<String> warnings = new ArrayList<>();
    Dataset<Row> nodeValues = allValues.where(col("dimension").equalTo(NodeValuesComputer.ALL));
    List<Row> gaps =
        nodeValues
            .where(array_contains(col("quality_flags"), "formula_gap"))
            .groupBy("node_id", "grain")
            .agg(
                count(lit(1)).as("periods"),
                max(abs(col("formula_gap")).divide(greatest(abs(col("value")), lit(1e-9)))).as("worst"),
                max_by(col("period_start"), abs(col("formula_gap")).divide(greatest(abs(col("value")), lit(1e-9))))
                    .as("worst_period"))
            .orderBy("node_id", "grain")
            .collectAsList();
    for (Row row : gaps) {
      warnings.add(String.format(java.util.Locale.ROOT,
          "Node %s: measured value and formula differ by more than %.4g%% in %d %s periods "
              + "(worst %.4g%%, period starting %s); check that the formula's terms use the same "
              + "filters as the measure",
          row.getString(0), tolerance * 100, row.getLong(2), row.getString(1), row.getDouble(3) * 100,
          row.get(4)));
    }
    List<Row> divisions =
        nodeValues
            // An empty period has null ratios by definition; only periods with events count here.
            .where(array_contains(col("quality_flags"), "division_by_zero")
                .and(functions.not(array_contains(col("quality_flags"), "no_events"))))
            .groupBy("node_id", "grain")
            .agg(count(lit(1)).as("periods"))
            .orderBy("node_id", "grain")
            .collectAsList();
    for (Row row : divisions) {
      warnings.add("Node " + row.getString(0) + ": divisor is 0 in " + row.getLong(2) + " "
          + row.getString(1) + " periods that had events; the value is null there");
    }
    return warnings;
  }

  /**
   * Warns about changes that could not be split among a node's children, and about formula
   * splits whose residual exceeds the bound the attribution guarantees (which would be a bug).
   */
  static List<String> forAttribution(Dataset<Row> changeAttribution) {
    List<String> warnings = new ArrayList<>();
    List<Row> unattributed =
        changeAttribution
            .where(col("method").equalTo("unattributed"))
            .groupBy("parent_id", "grain", "note")
            .agg(countDistinct(col("period_start"), col("comparison"), col("dimension"), col("segment")))
            .orderBy("parent_id", "grain", "note")
            .collectAsList();
    for (Row row : unattributed) {
      warnings.add("Node " + row.getString(0) + ": the change of " + row.getLong(3) + " "
          + row.getString(1) + " period comparisons was not split among its children: " + row.getString(2));
    }
    Column scale = greatest(abs(col("parent_base_value")), abs(col("parent_value")));
    List<Row> inexact =
        changeAttribution
            .where(col("method").isin("additive", "lmdi", "shapley")
                .and(abs(col("residual")).gt(lit(RESIDUAL_BOUND).multiply(scale))))
            .groupBy("parent_id")
            .agg(count(lit(1)))
            .orderBy("parent_id")
            .collectAsList();
    for (Row row : inexact) {
      warnings.add("Node " + row.getString(0) + ": " + row.getLong(1) + " contributions do not add up"
          + " to the change within " + RESIDUAL_BOUND + " of the value; see change_attribution.residual");
    }
    return warnings;
  }

  /** Warns when the latest day with events is well before the as-of date. */
  static List<String> forStaleSources(Dataset<Row> nodeValues, Tree tree, LocalDate asOf, int days) {
    List<String> measured = new ArrayList<>();
    for (Node node : tree.nodes().values()) {
      if (node.isMeasured()) {
        measured.add(node.id());
      }
    }
    if (measured.isEmpty()) {
      return List.of();
    }
    Row latest =
        nodeValues
            .where(col("grain").equalTo("day")
                .and(col("node_id").isin(measured.toArray()))
                .and(functions.not(array_contains(col("quality_flags"), "no_events"))))
            .agg(max("period_start"))
            .head();
    if (latest.isNullAt(0)) {
      return List.of();
    }
    LocalDate lastDay = latest.getDate(0).toLocalDate();
    long gap = ChronoUnit.DAYS.between(lastDay, asOf);
    if (gap > days) {
      return List.of("Tree " + tree.id() + ": the latest event is on " + lastDay + ", " + gap
          + " days before the as-of date " + asOf + "; check that ingestion is running, or pass --as-of");
    }
    return List.of();
  }
}

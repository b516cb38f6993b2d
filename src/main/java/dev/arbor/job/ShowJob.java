package dev.arbor.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.arbor.ArborException;
import dev.arbor.attribution.ChangeAttribution;
import dev.arbor.compute.NodeValuesComputer;
import dev.arbor.config.ArborConfig;
import dev.arbor.links.LinkScoreSummaries;
import dev.arbor.period.Grain;
import dev.arbor.store.TableLocator;
import dev.arbor.tree.Link;
import dev.arbor.tree.LinkKind;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Prints a tree's values for one period as an indented text tree, or the trace of its change. */
public final class ShowJob {
  private final SparkSession spark;
  private final ArborConfig config;

  public ShowJob(SparkSession spark, ArborConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * Returns the text of the tree at {@code grain} for the period starting {@code periodStart}, or
   * for the latest complete period when it is null.
   */
  public String render(String treeId, Grain grain, LocalDate periodStart) {
    Tree tree = config.tree(treeId);
    TableLocator locator = new TableLocator(spark, config.warehouse());
    if (!locator.exists("node_values")) {
      throw ArborException.usage("No node_values table in " + config.warehouse().path()
          + "; run 'jobs/arbor run' first, or pass the --warehouse that the run used");
    }
    var values =
        locator.read("node_values")
            .where(col("tree_id").equalTo(tree.id())
                .and(col("grain").equalTo(grain.key()))
                .and(col("dimension").equalTo(NodeValuesComputer.ALL))
                .and(col("segment").equalTo(NodeValuesComputer.ALL)));
    LocalDate period = periodStart;
    if (period == null) {
      Row latest = values.where(col("is_complete")).agg(max("period_start")).head();
      if (latest.isNullAt(0)) {
        throw ArborException.usage("No complete " + grain.key() + " of tree " + tree.id()
            + " in node_values; run the tree with a later --as-of, or pass --grain day");
      }
      period = latest.getDate(0).toLocalDate();
    }
    List<Row> rows =
        values.where(col("period_start").equalTo(lit(java.sql.Date.valueOf(period))))
            .select("node_id", "value", "change", "change_pct", "period_end", "is_complete", "quality_flags", "run_id")
            .collectAsList();
    if (rows.isEmpty()) {
      throw ArborException.usage("No " + grain.key() + " starting " + period + " for tree " + tree.id()
          + " in node_values; pass a --period that the runs covered");
    }
    Map<String, Row> byNode = new HashMap<>();
    for (Row row : rows) {
      byNode.put(row.getString(0), row);
    }
    Row any = rows.get(0);
    StringBuilder out = new StringBuilder();
    out.append(tree.name()).append(" (tree ").append(tree.id()).append("), ").append(grain.key())
        .append(' ').append(period).append(" to ").append(any.getDate(4))
        .append(any.getBoolean(5) ? "" : " (incomplete)")
        .append(", run ").append(any.getString(7)).append('\n');
    Set<String> shown = new LinkedHashSet<>();
    appendNode(out, tree, tree.northStar(), byNode, "", "", shown);
    boolean header = false;
    for (Node node : tree.nodes().values()) {
      if (!shown.contains(node.id())) {
        if (!header) {
          out.append("\nOther nodes\n");
          header = true;
        }
        appendNode(out, tree, node.id(), byNode, "", "", shown);
      }
    }
    List<Link> hypotheses = tree.linksOfKind(LinkKind.HYPOTHESIS);
    if (!hypotheses.isEmpty()) {
      out.append("\nHypothesis links\n");
      Map<String, List<String>> scores = LinkScoreSummaries.latest(locator, tree.id());
      for (Link link : hypotheses) {
        out.append("  ").append(link.from()).append(" -> ").append(link.to())
            .append("  expected ").append(link.expectedSign().name().toLowerCase(Locale.ROOT))
            .append(", lag ").append(link.lagMin()).append("..").append(link.lagMax())
            .append(link.description().isEmpty() ? "" : "  " + link.description()).append('\n');
        for (String score : scores.getOrDefault(link.id(), List.of("not scored yet"))) {
          out.append("      ").append(score).append('\n');
        }
      }
    }
    return out.toString();
  }

  /**
   * Returns the root-cause trace of the North Star's change from the previous period, for the
   * period starting {@code periodStart} or the latest complete period when it is null: the leaf
   * paths by absolute contribution, each with its steps and the segments that drove the leaf.
   */
  public String explain(String treeId, Grain grain, LocalDate periodStart) {
    Tree tree = config.tree(treeId);
    TableLocator locator = new TableLocator(spark, config.warehouse());
    if (!locator.exists("root_cause")) {
      throw ArborException.usage("No root_cause table in " + config.warehouse().path()
          + "; run 'jobs/arbor run' first, or pass the --warehouse that the run used");
    }
    var traces =
        locator.read("root_cause")
            .where(col("tree_id").equalTo(tree.id())
                .and(col("grain").equalTo(grain.key()))
                .and(col("comparison").equalTo(ChangeAttribution.PREVIOUS_PERIOD))
                .and(col("dimension").equalTo(NodeValuesComputer.ALL)));
    LocalDate period = periodStart;
    if (period == null) {
      Row latest = traces.where(col("is_complete")).agg(max("period_start")).head();
      if (latest.isNullAt(0)) {
        throw ArborException.usage("No complete " + grain.key() + " with a previous period for tree "
            + tree.id() + " in root_cause; run the tree with a later --as-of, or pass --grain day");
      }
      period = latest.getDate(0).toLocalDate();
    }
    List<Row> paths =
        traces.where(col("period_start").equalTo(lit(java.sql.Date.valueOf(period))))
            .orderBy("rank")
            .collectAsList();
    if (paths.isEmpty()) {
      throw ArborException.usage("No trace of the " + grain.key() + " starting " + period + " for tree "
          + tree.id() + " in root_cause; the North Star has no value there or in the period before,"
          + " or no run covered it");
    }
    return ExplainText.render(tree, grain, paths);
  }

  private void appendNode(
      StringBuilder out, Tree tree, String nodeId, Map<String, Row> values, String indent,
      String branch, Set<String> shown) {
    Node node = tree.node(nodeId);
    Row row = values.get(nodeId);
    boolean repeated = !shown.add(nodeId);
    String label = indent + branch + node.name() + " [" + nodeId + "]";
    out.append(String.format(Locale.ROOT, "%-58s %18s  %-22s %s%s%n",
        label,
        row == null ? "n/a" : ValueFormat.value(node.unit(), row.isNullAt(1) ? null : row.getDouble(1)),
        row == null ? "" : ValueFormat.change(node.unit(),
            row.isNullAt(2) ? null : row.getDouble(2), row.isNullAt(3) ? null : row.getDouble(3)),
        node.owner(),
        row == null ? "" : flags(row)));
    if (repeated) {
      return;
    }
    List<String> children = tree.children(nodeId);
    String childIndent = indent + (branch.isEmpty() ? "" : branch.startsWith("└") ? "   " : "│  ");
    for (int i = 0; i < children.size(); i++) {
      appendNode(out, tree, children.get(i), values, childIndent,
          i == children.size() - 1 ? "└─ " : "├─ ", shown);
    }
  }

  private static String flags(Row row) {
    List<String> flags = row.getList(6);
    return flags.isEmpty() ? "" : "  [" + String.join(", ", flags) + "]";
  }
}

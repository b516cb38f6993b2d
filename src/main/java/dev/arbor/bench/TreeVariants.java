package dev.arbor.bench;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.TreeSettings;
import dev.arbor.period.Grain;
import dev.arbor.tree.Aggregation;
import dev.arbor.tree.Measure;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copies of the benchmark's tree and config that differ in one respect, for each phase. */
final class TreeVariants {
  private TreeVariants() {}

  /** Returns {@code config} with {@code tree} in place of the tree of the same id. */
  static ArborConfig withTree(ArborConfig config, Tree tree) {
    Map<String, Tree> trees = new LinkedHashMap<>(config.trees());
    trees.put(tree.id(), tree);
    return new ArborConfig(config.file(), config.warehouse(), config.sources(), trees,
        config.treeSettings(), config.runs(), config.sparkMaster(), config.sparkConf());
  }

  /** Returns {@code config} with the grains of {@code treeId} replaced. */
  static ArborConfig withGrains(ArborConfig config, String treeId, List<Grain> grains) {
    Map<String, TreeSettings> settings = new LinkedHashMap<>(config.treeSettings());
    TreeSettings current = settings.get(treeId);
    settings.put(treeId, new TreeSettings(current.calendar(), grains, current.formulaTolerance(),
        current.linkScoring(), current.slicing(), current.anomalies(), current.planning()));
    return new ArborConfig(config.file(), config.warehouse(), config.sources(), config.trees(),
        settings, config.runs(), config.sparkMaster(), config.sparkConf());
  }

  /** Returns the tree without dimensions, so that a run computes totals only. */
  static Tree withoutDimensions(Tree tree) {
    return new Tree(tree.id(), tree.name(), tree.northStar(), tree.nodes(), tree.links(),
        tree.evaluationOrder(), List.of(), tree.origin());
  }

  /** Returns the tree with every exact distinct count, ratio parts included, estimated by sketches. */
  static Tree withSketchedDistinctCounts(Tree tree) {
    Map<String, Node> nodes = new LinkedHashMap<>();
    for (Node node : tree.nodes().values()) {
      Measure measure = node.measure() == null ? null : sketched(node.measure());
      nodes.put(node.id(), new Node(node.id(), node.name(), node.unit(), node.owner(),
          node.description(), measure, node.lifecycle(), node.formulaText(), node.formula(),
          node.origin()));
    }
    return new Tree(tree.id(), tree.name(), tree.northStar(), nodes, tree.links(),
        tree.evaluationOrder(), tree.dimensions(), tree.origin());
  }

  /** Returns the ids of the nodes whose value depends on an exact distinct count. */
  static List<String> nodesWithDistinctCounts(Tree tree) {
    return tree.nodes().values().stream()
        .filter(node -> dependsOnDistinctCount(tree, node))
        .map(Node::id)
        .toList();
  }

  private static boolean dependsOnDistinctCount(Tree tree, Node node) {
    if (node.measure() != null) {
      return usesDistinctCount(node.measure());
    }
    if (node.lifecycle() != null) {
      return false;
    }
    return node.formula().references().stream()
        .anyMatch(reference -> dependsOnDistinctCount(tree, tree.node(reference)));
  }

  private static boolean usesDistinctCount(Measure measure) {
    if (measure.aggregation() == Aggregation.RATIO) {
      return usesDistinctCount(measure.numerator()) || usesDistinctCount(measure.denominator());
    }
    return measure.aggregation() == Aggregation.COUNT_DISTINCT;
  }

  private static Measure sketched(Measure measure) {
    if (measure.aggregation() == Aggregation.RATIO) {
      return new Measure(measure.source(), Aggregation.RATIO, measure.expression(), measure.filter(),
          sketched(measure.numerator()), sketched(measure.denominator()));
    }
    if (measure.aggregation() == Aggregation.COUNT_DISTINCT) {
      return new Measure(measure.source(), Aggregation.APPROX_COUNT_DISTINCT, measure.expression(),
          measure.filter(), null, null);
    }
    return measure;
  }
}

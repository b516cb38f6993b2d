package dev.arbor.planning;

import dev.arbor.tree.Aggregation;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import dev.arbor.tree.formula.Expr;

/** Properties of nodes that planning needs and the tree does not store. */
final class NodeKinds {
  private NodeKinds() {}

  /**
   * Returns whether the node's values of consecutive periods add up to the value of the longer
   * period: counts and sums, and formulas that only add and subtract such nodes. Distinct counts,
   * averages, ratios and lifecycle counts are not additive.
   */
  static boolean isAdditive(Tree tree, String nodeId) {
    Node node = tree.node(nodeId);
    if (node.measure() != null) {
      Aggregation aggregation = node.measure().aggregation();
      return aggregation == Aggregation.COUNT || aggregation == Aggregation.SUM;
    }
    if (node.lifecycle() != null || !node.hasFormula()) {
      return false;
    }
    return isSumOfAdditive(tree, node.formula());
  }

  private static boolean isSumOfAdditive(Tree tree, Expr expr) {
    if (expr instanceof Expr.NodeRef ref) {
      return isAdditive(tree, ref.nodeId());
    }
    if (expr instanceof Expr.Negate negate) {
      return isSumOfAdditive(tree, negate.operand());
    }
    if (expr instanceof Expr.Binary binary) {
      return (binary.operator() == '+' || binary.operator() == '-')
          && isSumOfAdditive(tree, binary.left())
          && isSumOfAdditive(tree, binary.right());
    }
    return false;
  }
}

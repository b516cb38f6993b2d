package dev.arbor.attribution;

import dev.arbor.tree.Aggregation;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import dev.arbor.tree.formula.Expr;
import dev.arbor.tree.formula.FormulaParser;
import dev.arbor.tree.formula.FormulaSyntaxException;
import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a tree that the executors need to attribute its changes: the North Star, each
 * formula (as text, parsed again where it is used, because the formula AST is not serializable)
 * and the way each node's total splits over segments.
 */
public final class AttributionModel implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Rule by which a node's change splits over the segments of a dimension. */
  public enum SegmentKind {
    /** Counts, sums, lifecycle counts, distinct counts and linear formulas of them: by change. */
    ADDITIVE,
    /** Ratio and average measures and formulas ending in a division: into mix and rate. */
    RATIO,
    /** Anything else (products, averages of segments...): not split. */
    NONE
  }

  private final String treeId;
  private final String northStar;
  private final Map<String, String> formulas;
  private final Map<String, SegmentKind> segmentKinds;
  private transient Map<String, ChangeDecomposer> decomposers;

  private AttributionModel(
      String treeId, String northStar, Map<String, String> formulas, Map<String, SegmentKind> kinds) {
    this.treeId = treeId;
    this.northStar = northStar;
    this.formulas = Collections.unmodifiableMap(new LinkedHashMap<>(formulas));
    this.segmentKinds = Collections.unmodifiableMap(new LinkedHashMap<>(kinds));
  }

  public static AttributionModel of(Tree tree) {
    Map<String, String> formulas = new LinkedHashMap<>();
    Map<String, SegmentKind> kinds = new LinkedHashMap<>();
    for (String nodeId : tree.evaluationOrder()) {
      Node node = tree.node(nodeId);
      if (node.hasFormula()) {
        formulas.put(nodeId, node.formulaText());
      }
      kinds.put(nodeId, segmentKind(node, kinds));
    }
    return new AttributionModel(tree.id(), tree.northStar(), formulas, kinds);
  }

  /** Classifies a node; {@code known} contains the kinds of the nodes its formula may refer to. */
  private static SegmentKind segmentKind(Node node, Map<String, SegmentKind> known) {
    if (node.lifecycle() != null) {
      return SegmentKind.ADDITIVE;
    }
    if (node.measure() != null) {
      Aggregation aggregation = node.measure().aggregation();
      return aggregation == Aggregation.RATIO || aggregation == Aggregation.AVG
          ? SegmentKind.RATIO
          : SegmentKind.ADDITIVE;
    }
    Expr formula = node.formula();
    if (FormulaShape.linear(formula).isPresent()) {
      for (String child : formula.references()) {
        if (known.get(child) != SegmentKind.ADDITIVE) {
          return SegmentKind.NONE;
        }
      }
      return SegmentKind.ADDITIVE;
    }
    // A division by a node, e.g. (retained + resurrected) / active; node_values carries its
    // numerator and denominator per segment.
    if (formula instanceof Expr.Binary division && division.operator() == '/'
        && !division.right().references().isEmpty()) {
      return SegmentKind.RATIO;
    }
    return SegmentKind.NONE;
  }

  public String treeId() {
    return treeId;
  }

  public String northStar() {
    return northStar;
  }

  /** Returns the ids of every node and how each splits over segments, in evaluation order. */
  public Map<String, SegmentKind> segmentKinds() {
    return segmentKinds;
  }

  /** Returns a decomposer per formula node, in evaluation order. */
  public synchronized Map<String, ChangeDecomposer> decomposers() {
    if (decomposers == null) {
      Map<String, ChangeDecomposer> parsed = new LinkedHashMap<>();
      for (Map.Entry<String, String> formula : formulas.entrySet()) {
        try {
          parsed.put(formula.getKey(), new ChangeDecomposer(FormulaParser.parse(formula.getValue())));
        } catch (FormulaSyntaxException e) {
          // The config loader parsed the same text before, so this cannot happen.
          throw new IllegalStateException("Cannot parse the formula of node " + formula.getKey(), e);
        }
      }
      decomposers = Collections.unmodifiableMap(parsed);
    }
    return decomposers;
  }

  /** Returns the children of each formula node. */
  public Map<String, List<String>> children() {
    Map<String, List<String>> children = new HashMap<>();
    decomposers().forEach((node, decomposer) -> children.put(node, decomposer.children()));
    return children;
  }
}

package dev.arbor.attribution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Composes the per-node decompositions of one period down the tree, so that every leaf gets its
 * share of the North Star's change.
 *
 * <p>Rule: a node's contribution C to the North Star is split among its children in proportion
 * to their contributions c_j to the node's own decomposed change: child j gets {@code C * c_j /
 * sum(c)}. Starting from the North Star's own decomposition (C = sum(c)), the leaf paths add up
 * to the North Star's decomposed change. A path ends at a node that is a leaf of the tree, whose
 * formula has no value or could not be split, or whose decomposed change {@code sum(c)} is zero
 * (at most {@value #ZERO_CHANGE} times the larger of its values and its largest contribution):
 * the split is then undefined, and the node keeps its whole contribution. A node that feeds
 * several parents appears on one path per parent.
 *
 * <p>For a node with both a measure and a formula, the formula's value is decomposed, so a
 * formula gap in the middle of the tree is spread over the node's children in proportion to
 * their contributions; the North Star's own gap is reported apart ({@link Trace#unexplained}).
 */
public final class RootCauseTrace {
  /** Relative size below which a decomposed change is treated as zero. */
  public static final double ZERO_CHANGE = 1e-9;

  private RootCauseTrace() {}

  /**
   * One edge of a path.
   *
   * @param local the child's contribution to the parent's change, in the parent's unit
   * @param contribution the child's contribution to the North Star's change along this path
   */
  public record Step(String parent, String child, double local, double contribution) {}

  /** A path from the North Star to a leaf and the leaf's contribution to the North Star. */
  public record LeafPath(List<String> nodes, List<Step> steps, double contribution) {
    public LeafPath {
      nodes = List.copyOf(nodes);
      steps = List.copyOf(steps);
    }

    public String leaf() {
      return nodes.get(nodes.size() - 1);
    }
  }

  /**
   * The trace of one period.
   *
   * @param northStarChange change of the North Star's value
   * @param explained the part of the change that the leaf paths add up to: the North Star's
   *     decomposed (formula) change, or its whole change when it has no formula
   * @param paths leaf paths, by decreasing absolute contribution
   */
  public record Trace(double northStarChange, double explained, List<LeafPath> paths) {
    public Trace {
      paths = List.copyOf(paths);
    }

    /** Returns the North Star's change that the tree's formulas do not explain (its formula gap). */
    public double unexplained() {
      return northStarChange - explained;
    }
  }

  /**
   * Traces the North Star's change.
   *
   * @param decompositions decomposition of each formula node that has one in this period
   * @param changes each node's value change; the North Star's must be present
   * @return the trace, or null when the North Star's change is null
   */
  public static Trace trace(
      String northStar, Map<String, Decomposition> decompositions, Map<String, Double> changes) {
    Double change = changes.get(northStar);
    if (change == null) {
      return null;
    }
    List<LeafPath> paths = new ArrayList<>();
    Decomposition root = decompositions.get(northStar);
    double explained = root != null && root.isAttributed() ? root.explained() : change;
    walk(northStar, explained, new ArrayList<>(List.of(northStar)), new ArrayList<>(),
        decompositions, paths);
    paths.sort(
        Comparator.comparingDouble((LeafPath p) -> -Math.abs(p.contribution()))
            .thenComparing(p -> String.join("/", p.nodes())));
    return new Trace(change, explained, paths);
  }

  private static void walk(
      String node, double contribution, List<String> nodes, List<Step> steps,
      Map<String, Decomposition> decompositions, List<LeafPath> into) {
    Decomposition decomposition = decompositions.get(node);
    if (!splittable(decomposition)) {
      into.add(new LeafPath(nodes, steps, contribution));
      return;
    }
    double total = decomposition.explained();
    for (Map.Entry<String, Double> child : decomposition.contributions().entrySet()) {
      double share = child.getValue() / total;
      double composed = contribution * share + 0.0;
      nodes.add(child.getKey());
      steps.add(new Step(node, child.getKey(), child.getValue(), composed));
      walk(child.getKey(), composed, nodes, steps, decompositions, into);
      nodes.remove(nodes.size() - 1);
      steps.remove(steps.size() - 1);
    }
  }

  /** Returns whether a node's change can be split among its children. */
  static boolean splittable(Decomposition decomposition) {
    if (decomposition == null || !decomposition.isAttributed()
        || decomposition.contributions().isEmpty()) {
      return false;
    }
    double scale = Math.max(Math.abs(decomposition.before()), Math.abs(decomposition.after()));
    for (double c : decomposition.contributions().values()) {
      scale = Math.max(scale, Math.abs(c));
    }
    return Math.abs(decomposition.explained()) > ZERO_CHANGE * scale;
  }
}

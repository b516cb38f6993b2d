package dev.arbor.planning;

import dev.arbor.tree.Link;
import dev.arbor.tree.LinkKind;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Propagates changes of some nodes to the rest of the tree by re-evaluating it.
 *
 * <p>A node with a formula moves by {@code formula(new values) - formula(base values)}, computed
 * with {@link dev.arbor.tree.formula.Expr#evaluate}, so products and ratios are exact: raising one
 * factor of a product by 10% raises the product by exactly 10%. A measured node whose formula
 * documents its decomposition moves the same way, so the gap between its measured and formula
 * values stays as it was. A scored hypothesis link from x to y moves y by {@code y · confidence ·
 * elasticity · (x_new / x_base - 1)}: the fitted elasticity, weighted by the link's confidence.
 * Unscored links carry nothing, and a link that would close a loop with the formulas (y feeds x
 * through formulas) is left out, because one period's change cannot feed back on itself.
 */
public final class TreeImpact {

  /** One step of a path: a formula term or a hypothesis link. */
  public record Edge(String from, String to, String kind, Double elasticity, Double confidence) {
    /** Returns the step as text: {@code aov -formula-> gross_sales}. */
    public String describe() {
      return from + " -" + kind + "-> " + to;
    }
  }

  private final Tree tree;
  private final Map<String, List<Edge>> incoming = new LinkedHashMap<>();
  private final Map<String, List<Edge>> outgoing = new LinkedHashMap<>();
  private final List<String> order;
  private final List<Link> unscored = new ArrayList<>();
  private final List<Link> loopLinks = new ArrayList<>();

  /**
   * @param scores latest score per link id; links without a usable score are unscored
   */
  public TreeImpact(Tree tree, Map<String, LinkScore> scores) {
    this.tree = tree;
    for (String id : tree.nodes().keySet()) {
      incoming.put(id, new ArrayList<>());
      outgoing.put(id, new ArrayList<>());
    }
    for (Node node : tree.nodes().values()) {
      if (node.hasFormula()) {
        for (String child : node.formula().references()) {
          addEdge(new Edge(child, node.id(), "formula", null, 1.0));
        }
      }
    }
    for (Link link : tree.linksOfKind(LinkKind.HYPOTHESIS)) {
      LinkScore score = scores.get(link.id());
      if (score == null || !score.isUsable()) {
        unscored.add(link);
      } else if (reaches(link.to(), link.from())) {
        loopLinks.add(link);
      } else {
        addEdge(new Edge(link.from(), link.to(), "hypothesis", score.elasticity(), score.confidence()));
      }
    }
    this.order = topologicalOrder();
  }

  private void addEdge(Edge edge) {
    incoming.get(edge.to()).add(edge);
    outgoing.get(edge.from()).add(edge);
  }

  public Tree tree() {
    return tree;
  }

  /** Hypothesis links without a usable score: no change propagates through them. */
  public List<Link> unscoredLinks() {
    return List.copyOf(unscored);
  }

  /** Scored hypothesis links left out because they would close a loop with the formulas. */
  public List<Link> loopLinks() {
    return List.copyOf(loopLinks);
  }

  /**
   * Returns every node's value after adding {@code deltas} (in each node's unit) to the given
   * nodes and propagating the changes. A node whose base value is null stays null.
   */
  public Map<String, Double> apply(Map<String, Double> base, Map<String, Double> deltas) {
    Map<String, Double> values = new HashMap<>(base);
    for (String id : order) {
      Double baseValue = base.get(id);
      double delta = deltas.getOrDefault(id, 0.0);
      for (Edge edge : incoming.get(id)) {
        if (edge.kind().equals("hypothesis")) {
          Double x0 = base.get(edge.from());
          Double x1 = values.get(edge.from());
          if (x0 != null && x1 != null && x0 != 0.0 && baseValue != null) {
            delta += baseValue * edge.confidence() * edge.elasticity() * (x1 / x0 - 1.0);
          }
        }
      }
      Node node = tree.node(id);
      if (node.hasFormula() && !incoming.get(id).isEmpty()) {
        Double before = node.formula().evaluate(base);
        Double after = node.formula().evaluate(values);
        if (before != null && after != null) {
          delta += after - before;
        }
      }
      values.put(id, baseValue == null ? null : finiteOrNull(baseValue + delta));
    }
    return values;
  }

  /**
   * Returns the elasticity of {@code outcome} to {@code node} at {@code base}: the percent change
   * of the outcome for a 1% change of the node, or null when either base value is 0 or null.
   */
  public Double elasticity(String node, String outcome, Map<String, Double> base) {
    Double x = base.get(node);
    Double y = base.get(outcome);
    if (x == null || y == null || x == 0.0 || y == 0.0) {
      return null;
    }
    if (node.equals(outcome)) {
      return 1.0;
    }
    Double moved = apply(base, Map.of(node, x * 0.01)).get(outcome);
    return moved == null ? null : finiteOrNull((moved / y - 1.0) / 0.01);
  }

  /**
   * Returns the paths from {@code from} to {@code to} through formulas and scored links, at most
   * {@code limit} of them, each as its list of edges. A node is its own path (no edges).
   */
  public List<List<Edge>> paths(String from, String to, int limit) {
    List<List<Edge>> paths = new ArrayList<>();
    collectPaths(from, to, new ArrayDeque<>(), paths, limit);
    return paths;
  }

  private void collectPaths(
      String at, String to, Deque<Edge> path, List<List<Edge>> paths, int limit) {
    if (paths.size() >= limit) {
      return;
    }
    if (at.equals(to)) {
      paths.add(new ArrayList<>(path));
      return;
    }
    for (Edge edge : outgoing.get(at)) {
      path.addLast(edge);
      collectPaths(edge.to(), to, path, paths, limit);
      path.removeLast();
    }
  }

  /**
   * Returns the unscored hypothesis links that a change of {@code node} would reach if every
   * hypothesis link were scored: the links whose missing score stops part of its effect.
   */
  public List<Link> unscoredLinksReachedFrom(String node) {
    Set<String> reached = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>(List.of(node));
    Set<Link> blocking = new LinkedHashSet<>();
    while (!queue.isEmpty()) {
      String at = queue.poll();
      if (!reached.add(at)) {
        continue;
      }
      outgoing.get(at).forEach(edge -> queue.add(edge.to()));
      for (Link link : unscored) {
        if (link.from().equals(at)) {
          blocking.add(link);
          queue.add(link.to());
        }
      }
    }
    return new ArrayList<>(blocking);
  }

  private boolean reaches(String from, String to) {
    Set<String> seen = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>(List.of(from));
    while (!queue.isEmpty()) {
      String at = queue.poll();
      if (at.equals(to)) {
        return true;
      }
      if (seen.add(at)) {
        outgoing.get(at).forEach(edge -> queue.add(edge.to()));
      }
    }
    return false;
  }

  private List<String> topologicalOrder() {
    List<String> sorted = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    for (String id : tree.nodes().keySet()) {
      place(id, placed, sorted);
    }
    return sorted;
  }

  private void place(String id, Set<String> placed, List<String> sorted) {
    if (!placed.add(id)) {
      return;
    }
    for (Edge edge : incoming.get(id)) {
      place(edge.from(), placed, sorted);
    }
    sorted.add(id);
  }

  static Double finiteOrNull(double value) {
    return Double.isFinite(value) ? value : null;
  }
}

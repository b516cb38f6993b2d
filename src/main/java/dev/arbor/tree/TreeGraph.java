package dev.arbor.tree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Graph algorithms over formula references: cycle search and evaluation order. */
public final class TreeGraph {
  private TreeGraph() {}

  /**
   * Returns a cycle among formula references, as the list of node ids with the first repeated at
   * the end ({@code a -> b -> a}), or empty when there is none. References to unknown ids are
   * ignored here; they are reported separately.
   */
  public static Optional<List<String>> findCycle(Map<String, List<String>> references) {
    Map<String, Integer> state = new HashMap<>();
    for (String start : references.keySet()) {
      List<String> path = new ArrayList<>();
      Optional<List<String>> cycle = visit(start, references, state, path);
      if (cycle.isPresent()) {
        return cycle;
      }
    }
    return Optional.empty();
  }

  private static Optional<List<String>> visit(
      String id,
      Map<String, List<String>> references,
      Map<String, Integer> state,
      List<String> path) {
    Integer seen = state.get(id);
    if (seen != null && seen == 2) {
      return Optional.empty();
    }
    if (seen != null && seen == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
      cycle.add(id);
      return Optional.of(cycle);
    }
    state.put(id, 1);
    path.add(id);
    for (String next : references.getOrDefault(id, List.of())) {
      if (references.containsKey(next)) {
        Optional<List<String>> cycle = visit(next, references, state, path);
        if (cycle.isPresent()) {
          return cycle;
        }
      }
    }
    path.remove(path.size() - 1);
    state.put(id, 2);
    return Optional.empty();
  }

  /**
   * Orders nodes so that each comes after the nodes its value depends on. A measured node's value
   * does not depend on its formula, so only pure formula nodes have dependencies. Ties keep config
   * order. The graph must be acyclic.
   */
  public static List<String> evaluationOrder(Map<String, Node> nodes) {
    Map<String, List<String>> dependencies = new LinkedHashMap<>();
    for (Node node : nodes.values()) {
      dependencies.put(
          node.id(),
          node.isMeasured() || !node.hasFormula()
              ? List.of()
              : new ArrayList<>(node.formula().references()));
    }
    List<String> order = new ArrayList<>();
    Map<String, Boolean> placed = new HashMap<>();
    for (String id : dependencies.keySet()) {
      place(id, dependencies, placed, order);
    }
    return order;
  }

  private static void place(
      String id, Map<String, List<String>> dependencies, Map<String, Boolean> placed, List<String> order) {
    if (placed.containsKey(id) || !dependencies.containsKey(id)) {
      return;
    }
    placed.put(id, true);
    for (String dependency : dependencies.get(id)) {
      place(dependency, dependencies, placed, order);
    }
    order.add(id);
  }
}

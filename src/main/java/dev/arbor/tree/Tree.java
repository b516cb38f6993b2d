package dev.arbor.tree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A validated metric tree.
 *
 * @param nodes nodes by id, in config order
 * @param links hypothesis and explicit links from config, then the deterministic links implied by
 *     formulas, then one organizational link per owned node
 * @param evaluationOrder every node id, each after the nodes its formula value depends on
 * @param dimensions source columns by which every node is also computed per segment
 */
public record Tree(
    String id,
    String name,
    String northStar,
    Map<String, Node> nodes,
    List<Link> links,
    List<String> evaluationOrder,
    List<String> dimensions,
    Origin origin) {

  public Tree {
    nodes = Collections.unmodifiableMap(nodes);
    links = List.copyOf(links);
    evaluationOrder = List.copyOf(evaluationOrder);
    dimensions = List.copyOf(dimensions);
  }

  public Node node(String nodeId) {
    Node node = nodes.get(nodeId);
    if (node == null) {
      throw new IllegalArgumentException("Unknown node in tree " + id + ": " + nodeId);
    }
    return node;
  }

  /** Returns the terms of {@code nodeId}'s formula, in order of appearance; empty for leaves. */
  public List<String> children(String nodeId) {
    Node node = node(nodeId);
    return node.hasFormula() ? new ArrayList<>(node.formula().references()) : List.of();
  }

  public List<Link> linksOfKind(LinkKind kind) {
    return links.stream().filter(l -> l.kind() == kind).toList();
  }
}

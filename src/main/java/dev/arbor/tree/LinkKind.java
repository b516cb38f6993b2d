package dev.arbor.tree;

/** Kind of a link between nodes. */
public enum LinkKind {
  /** Implied by a parent's formula: the child is one of its terms. */
  DETERMINISTIC,
  /** A believed influence of one node on another, to be tested with data. */
  HYPOTHESIS,
  /** Ownership of a node by a team. */
  ORGANIZATIONAL
}

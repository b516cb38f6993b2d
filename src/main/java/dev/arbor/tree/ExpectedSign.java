package dev.arbor.tree;

/** Direction in which a hypothesis link is expected to move its target. */
public enum ExpectedSign {
  POSITIVE,
  NEGATIVE,
  ANY
}

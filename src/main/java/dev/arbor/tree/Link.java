package dev.arbor.tree;

/**
 * A link from one node to another. Deterministic links point from a formula's term to the
 * formula's node; organizational links have {@code from} set to the owning team.
 *
 * @param lagMin smallest lag, in periods, at which {@code from} may move {@code to}
 * @param lagMax largest lag, in periods
 */
public record Link(
    String from,
    String to,
    LinkKind kind,
    ExpectedSign expectedSign,
    int lagMin,
    int lagMax,
    String description,
    Origin origin) {

  /** Returns a stable id such as {@code returning_share->orders_per_customer}. */
  public String id() {
    return from + "->" + to;
  }
}

package dev.arbor.tree;

import dev.arbor.tree.formula.Expr;

/**
 * A node of a metric tree.
 *
 * <p>Its value comes from {@link #measure()} or {@link #lifecycle()} when one is set, else from
 * {@link #formula()}. A node with both a measure (or lifecycle) and a formula keeps the measured
 * value; the formula then documents the decomposition, and every run records how far the formula's
 * value is from the measured one.
 *
 * @param formulaText the formula as written in config, or null
 * @param formula the parsed formula, or null
 */
public record Node(
    String id,
    String name,
    Unit unit,
    String owner,
    String description,
    Measure measure,
    Lifecycle lifecycle,
    String formulaText,
    Expr formula,
    Origin origin) {

  public boolean isMeasured() {
    return measure != null || lifecycle != null;
  }

  public boolean hasFormula() {
    return formula != null;
  }
}

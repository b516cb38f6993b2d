package dev.arbor.attribution;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The change of a formula's value between a base period and a period, split into one
 * contribution per child, in the formula's unit.
 *
 * @param method how the contributions were computed
 * @param before the formula's value in the base period
 * @param after the formula's value in the period
 * @param contributions contribution of each child, in formula order; empty when {@code method} is
 *     {@link Method#UNATTRIBUTED}
 * @param note why the change could not be split, or null
 */
public record Decomposition(
    Method method, double before, double after, Map<String, Double> contributions, String note) {

  public Decomposition {
    Map<String, Double> copy = new LinkedHashMap<>();
    // Adding 0.0 turns -0.0 (e.g. -1 times no change) into 0.0.
    contributions.forEach((child, contribution) -> copy.put(child, contribution + 0.0));
    contributions = Collections.unmodifiableMap(copy);
  }

  static Decomposition unattributed(double before, double after, String note) {
    return new Decomposition(Method.UNATTRIBUTED, before, after, Map.of(), note);
  }

  public double change() {
    return after - before;
  }

  /** Returns the sum of the contributions. */
  public double explained() {
    double sum = 0;
    for (double contribution : contributions.values()) {
      sum += contribution;
    }
    return sum;
  }

  /** Returns the change minus the sum of the contributions: 0 up to rounding when attributed. */
  public double residual() {
    return change() - explained();
  }

  public boolean isAttributed() {
    return method != Method.UNATTRIBUTED;
  }
}

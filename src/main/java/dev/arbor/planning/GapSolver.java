package dev.arbor.planning;

import java.util.Map;

/**
 * Finds the change of one node that alone would move the North Star to a target value, by
 * re-evaluating the tree ({@link TreeImpact#apply}) and refining with the secant method. Through
 * sums and products the North Star is linear in one node, so the first secant step is exact;
 * ratios converge in a few steps.
 */
public final class GapSolver {
  private static final int MAX_ITERATIONS = 60;

  private GapSolver() {}

  /**
   * Returns the change of {@code node}, in its unit, that moves the North Star from its value in
   * {@code values} to {@code target}; null when the node does not move the North Star there or
   * the iteration does not converge.
   */
  public static Double solve(TreeImpact impact, Map<String, Double> values, String node, double target) {
    String northStar = impact.tree().northStar();
    Double x = values.get(node);
    if (x == null || values.get(northStar) == null) {
      return null;
    }
    double tolerance = 1e-9 * Math.max(1.0, Math.abs(target));
    double d0 = 0.0;
    Double f0 = residual(impact, values, node, d0, target);
    if (f0 == null) {
      return null;
    }
    if (Math.abs(f0) <= tolerance) {
      return 0.0;
    }
    double d1 = 0.01 * Math.max(Math.abs(x), 1.0);
    Double f1 = residual(impact, values, node, d1, target);
    for (int i = 0; i < MAX_ITERATIONS && f1 != null; i++) {
      if (Math.abs(f1) <= tolerance) {
        return d1;
      }
      if (f1.doubleValue() == f0.doubleValue()) {
        return null;
      }
      double next = d1 - f1 * (d1 - d0) / (f1 - f0);
      if (!Double.isFinite(next)) {
        return null;
      }
      d0 = d1;
      f0 = f1;
      d1 = next;
      f1 = residual(impact, values, node, d1, target);
    }
    return null;
  }

  private static Double residual(TreeImpact impact, Map<String, Double> values, String node,
      double delta, double target) {
    Double moved = impact.apply(values, Map.of(node, delta)).get(impact.tree().northStar());
    return moved == null ? null : moved - target;
  }
}

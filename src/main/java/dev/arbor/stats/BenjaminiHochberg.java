package dev.arbor.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Benjamini-Hochberg false discovery rate adjustment of a family of p-values.
 *
 * <p>With {@code m} present p-values sorted ascending, {@code p(1) <= ... <= p(m)}, the q-value of
 * rank {@code i} is {@code q(i) = min(1, min over j >= i of m * p(j) / j)}. Rejecting every
 * hypothesis with {@code q <= alpha} controls the false discovery rate at {@code alpha} for
 * independent or positively dependent tests. The q-values are monotone in the p-values, and equal
 * p-values get equal q-values.
 *
 * <p>In Arbor the family is every link fitted in one run, and the p-value of a link is its {@link
 * LinkFit#lagAdjustedPValue()}.
 */
public final class BenjaminiHochberg {

  private BenjaminiHochberg() {}

  /**
   * Returns the q-values of p-values that are all present.
   *
   * @param pValues p-values in [0, 1]
   * @return q-values in the order of the input
   * @throws IllegalArgumentException if the array is null or a value is NaN or outside [0, 1]
   */
  public static double[] qValues(double[] pValues) {
    if (pValues == null) {
      throw new IllegalArgumentException("Invalid p-values: null");
    }
    Double[] boxed = new Double[pValues.length];
    for (int i = 0; i < pValues.length; i++) {
      boxed[i] = pValues[i];
    }
    Double[] adjusted = qValues(boxed);
    double[] result = new double[adjusted.length];
    for (int i = 0; i < adjusted.length; i++) {
      result[i] = adjusted[i];
    }
    return result;
  }

  /**
   * Returns the q-values of p-values some of which may be missing.
   *
   * @param pValues p-values in [0, 1], {@code null} for a link without a p-value; nulls are left
   *     out of the family, so they do not count in {@code m}
   * @return q-values in the order of the input, {@code null} where the p-value is {@code null}
   * @throws IllegalArgumentException if the array is null or a value is NaN or outside [0, 1]
   */
  public static Double[] qValues(Double[] pValues) {
    if (pValues == null) {
      throw new IllegalArgumentException("Invalid p-values: null");
    }
    List<Integer> present = new ArrayList<>();
    for (int i = 0; i < pValues.length; i++) {
      Double p = pValues[i];
      if (p == null) {
        continue;
      }
      if (!(p >= 0.0 && p <= 1.0)) {
        throw new IllegalArgumentException(
            "Invalid p-value at index " + i + ": " + p + ", expected 0 to 1 or null");
      }
      present.add(i);
    }

    present.sort(Comparator.comparingDouble(i -> pValues[i]));
    int m = present.size();
    Double[] result = new Double[pValues.length];
    double runningMinimum = 1.0;
    // Walk from the largest p-value down so that each q-value is the minimum over higher ranks.
    for (int rank = m; rank >= 1; rank--) {
      int index = present.get(rank - 1);
      double scaled = pValues[index] * m / rank;
      runningMinimum = Math.min(runningMinimum, scaled);
      result[index] = runningMinimum;
    }
    return result;
  }

  /**
   * Returns the q-values of a list of p-values, {@code null} entries being missing.
   *
   * @param pValues p-values in [0, 1], {@code null} for a link without a p-value
   * @return an unmodifiable list of q-values in the order of the input, {@code null} where the
   *     p-value is {@code null}
   * @throws IllegalArgumentException if the list is null or a value is NaN or outside [0, 1]
   * @see #qValues(Double[])
   */
  public static List<Double> qValues(List<Double> pValues) {
    if (pValues == null) {
      throw new IllegalArgumentException("Invalid p-values: null");
    }
    Double[] result = qValues(pValues.toArray(new Double[0]));
    return Collections.unmodifiableList(Arrays.asList(result));
  }
}

package dev.arbor.attribution;

import dev.arbor.tree.formula.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Splits the change of one formula's value into one contribution per child (each node the formula
 * references), so that the contributions add up to the change:
 *
 * <ul>
 *   <li>A linear formula {@code k + sum(c_i * x_i)}: contribution {@code c_i * (x1_i - x0_i)}.
 *   <li>A monomial {@code k * prod(x_i ^ e_i)} with {@code k > 0} and every {@code x_i > 0} in
 *       both periods: LMDI-I, contribution {@code L(V1, V0) * e_i * ln(x1_i / x0_i)} with the
 *       logarithmic mean {@code L(a, b) = (a - b) / (ln a - ln b)} and {@code L(a, a) = a}. It
 *       adds up exactly because {@code sum(e_i * ln(x1_i / x0_i)) = ln(V1 / V0)}, and it does not
 *       depend on the order of the factors.
 *   <li>Anything else, including monomials with a zero or negative value: Shapley values of the
 *       game whose players are the children and whose value of a coalition S is {@code f(x with
 *       the members of S at their period values, the others at their base values) - f(x0)}.
 *       Children whose value did not change are dummy players with value 0 and are left out of
 *       the game, so the cost is {@code 2^m} evaluations for {@code m} changed children.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ChangeDecomposer {
  /** Most changed children of a formula that Shapley values are computed for (2^16 evaluations). */
  public static final int MAX_SHAPLEY_PLAYERS = 16;

  private final Expr formula;
  private final List<String> children;
  private final FormulaShape.Linear linear;
  private final FormulaShape.Monomial monomial;

  public ChangeDecomposer(Expr formula) {
    this.formula = Objects.requireNonNull(formula, "formula is null");
    this.children = List.copyOf(formula.references());
    this.linear = FormulaShape.linear(formula).orElse(null);
    this.monomial = linear == null ? FormulaShape.monomial(formula).orElse(null) : null;
  }

  /** Returns the node ids the formula references, in order of first appearance. */
  public List<String> children() {
    return children;
  }

  /** Returns whether the formula is a linear combination of its children. */
  public boolean isLinear() {
    return linear != null;
  }

  /**
   * Decomposes the change of the formula from the {@code before} values to the {@code after}
   * values (node id to value; a missing id reads as null).
   *
   * @return empty when the formula's value is null in either period, so there is no change to
   *     split; an {@link Method#UNATTRIBUTED} decomposition when the change is known but the
   *     Shapley game is too large or one of its coalitions evaluates to null
   */
  public Optional<Decomposition> decompose(Map<String, Double> before, Map<String, Double> after) {
    Double v0 = formula.evaluate(before);
    Double v1 = formula.evaluate(after);
    if (v0 == null || v1 == null) {
      return Optional.empty();
    }
    if (linear != null) {
      return Optional.of(additive(before, after, v0, v1));
    }
    if (monomial != null && lmdiApplies(before, after)) {
      return Optional.of(lmdi(before, after, v0, v1));
    }
    return Optional.of(shapley(before, after, v0, v1));
  }

  private Decomposition additive(
      Map<String, Double> before, Map<String, Double> after, double v0, double v1) {
    Map<String, Double> contributions = new LinkedHashMap<>();
    for (String child : children) {
      // The formula's value is not null, so neither is any child with a nonzero coefficient.
      double coefficient = linear.coefficients().getOrDefault(child, 0.0);
      Double x0 = before.get(child);
      Double x1 = after.get(child);
      contributions.put(
          child, coefficient == 0.0 || x0 == null || x1 == null ? 0.0 : coefficient * (x1 - x0));
    }
    return new Decomposition(Method.ADDITIVE, v0, v1, contributions, null);
  }

  private boolean lmdiApplies(Map<String, Double> before, Map<String, Double> after) {
    if (!(monomial.coefficient() > 0)) {
      return false;
    }
    for (String child : children) {
      Double x0 = before.get(child);
      Double x1 = after.get(child);
      if (x0 == null || x1 == null || !(x0 > 0) || !(x1 > 0)) {
        return false;
      }
    }
    return true;
  }

  private Decomposition lmdi(
      Map<String, Double> before, Map<String, Double> after, double v0, double v1) {
    double weight = logMean(v1, v0);
    Map<String, Double> contributions = new LinkedHashMap<>();
    for (String child : children) {
      int exponent = monomial.exponents().getOrDefault(child, 0);
      contributions.put(child, weight * exponent * logRatio(after.get(child), before.get(child)));
    }
    return new Decomposition(Method.LMDI, v0, v1, contributions, null);
  }

  /** Returns the logarithmic mean of two positive numbers: (a - b) / ln(a / b), or a if a = b. */
  static double logMean(double a, double b) {
    if (a == b) {
      return a;
    }
    return (a - b) / logRatio(a, b);
  }

  /** Returns ln(a / b) for positive a and b, accurately also when a and b are close. */
  static double logRatio(double a, double b) {
    return Math.log1p((a - b) / b);
  }

  private Decomposition shapley(
      Map<String, Double> before, Map<String, Double> after, double v0, double v1) {
    List<String> players = new ArrayList<>();
    for (String child : children) {
      if (!Objects.equals(before.get(child), after.get(child))) {
        players.add(child);
      }
    }
    if (players.size() > MAX_SHAPLEY_PLAYERS) {
      return Decomposition.unattributed(v0, v1,
          players.size() + " children changed, more than the " + MAX_SHAPLEY_PLAYERS
              + " that Shapley values are computed for; split the formula into intermediate nodes");
    }
    int n = players.size();
    double[] coalitionValue = new double[1 << n];
    Map<String, Double> mixed = new HashMap<>(before);
    for (int mask = 0; mask < coalitionValue.length; mask++) {
      for (int i = 0; i < n; i++) {
        String player = players.get(i);
        mixed.put(player, (mask & (1 << i)) != 0 ? after.get(player) : before.get(player));
      }
      Double value = formula.evaluate(mixed);
      if (value == null) {
        return Decomposition.unattributed(v0, v1,
            "the formula has no value when only some children take their new values"
                + " (e.g. a divisor is 0 there)");
      }
      coalitionValue[mask] = value;
    }
    // Ends of the game are the actual values: evaluate gives the same doubles as v0 and v1.
    double[] weight = shapleyWeights(n);
    Map<String, Double> contributions = new LinkedHashMap<>();
    for (String child : children) {
      contributions.put(child, 0.0);
    }
    for (int i = 0; i < n; i++) {
      int bit = 1 << i;
      double phi = 0;
      for (int mask = 0; mask < coalitionValue.length; mask++) {
        if ((mask & bit) == 0) {
          phi += weight[Integer.bitCount(mask)] * (coalitionValue[mask | bit] - coalitionValue[mask]);
        }
      }
      contributions.put(players.get(i), phi);
    }
    return new Decomposition(Method.SHAPLEY, v0, v1, contributions, null);
  }

  /** Returns w[s] = s! (n - s - 1)! / n!, the weight of a coalition of size s without the player. */
  static double[] shapleyWeights(int n) {
    double[] weight = new double[Math.max(n, 1)];
    for (int s = 0; s < n; s++) {
      // 1 / (n * C(n - 1, s)), with the binomial coefficient built up exactly in a double.
      double binomial = 1;
      for (int k = 1; k <= s; k++) {
        binomial = binomial * (n - 1 - s + k) / k;
      }
      weight[s] = 1 / (n * binomial);
    }
    return weight;
  }
}

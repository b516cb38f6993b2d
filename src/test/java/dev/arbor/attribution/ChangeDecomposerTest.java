package dev.arbor.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.tree.formula.FormulaParser;
import dev.arbor.tree.formula.FormulaSyntaxException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Change decompositions worked out by hand. LMDI values use L(a, b) = (a - b) / ln(a / b); the
 * digits in the comments were computed with that formula in double precision.
 */
class ChangeDecomposerTest {
  private static final double EXACT = 1e-12;

  private static Decomposition decompose(String formula, Map<String, Double> before, Map<String, Double> after) {
    try {
      return new ChangeDecomposer(FormulaParser.parse(formula)).decompose(before, after).orElseThrow();
    } catch (FormulaSyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Map<String, Double> values(Object... idsAndValues) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (int i = 0; i < idsAndValues.length; i += 2) {
      Number value = (Number) idsAndValues[i + 1];
      values.put((String) idsAndValues[i], value == null ? null : value.doubleValue());
    }
    return values;
  }

  @Test
  void sumAndDifferenceGiveSignedChanges() {
    // a + b - c: 10 + 5 - 3 = 12 before, 13 + 4 - 5 = 12 after.
    Decomposition d = decompose("a + b - c", values("a", 10, "b", 5, "c", 3), values("a", 13, "b", 4, "c", 5));

    assertThat(d.method()).isEqualTo(Method.ADDITIVE);
    assertThat(d.contributions()).containsExactly(Map.entry("a", 3.0), Map.entry("b", -1.0), Map.entry("c", -2.0));
    assertThat(d.change()).isEqualTo(0.0);
    assertThat(d.residual()).isEqualTo(0.0);
  }

  @Test
  void linearFormulaWithConstantsScalesChanges() {
    // 2 * a + b / 4 + 10: a 1 -> 3 contributes 2 * 2 = 4; b 8 -> 4 contributes -4 / 4 = -1;
    // the constant contributes nothing. Values 2 + 2 + 10 = 14 and 6 + 1 + 10 = 17.
    Decomposition d = decompose("2 * a + b / 4 + 10", values("a", 1, "b", 8), values("a", 3, "b", 4));

    assertThat(d.method()).isEqualTo(Method.ADDITIVE);
    assertThat(d.contributions()).containsExactly(Map.entry("a", 4.0), Map.entry("b", -1.0));
    assertThat(d.change()).isEqualTo(3.0);
  }

  @Test
  void productOfTwoUsesLmdi() {
    // orders 100 -> 120, aov 50 -> 45: value 5000 -> 5400. L(5400, 5000) = 400 / ln 1.08 =
    // 5197.4348851710765; orders: L ln 1.2 = 947.6044195995993; aov: L ln 0.9 = -547.6044195995997.
    Decomposition d = decompose("orders * aov", values("orders", 100, "aov", 50), values("orders", 120, "aov", 45));

    assertThat(d.method()).isEqualTo(Method.LMDI);
    assertThat(d.contributions().get("orders")).isCloseTo(947.6044195995993, within(1e-9));
    assertThat(d.contributions().get("aov")).isCloseTo(-547.6044195995997, within(1e-9));
    assertThat(d.change()).isEqualTo(400.0);
    assertThat(Math.abs(d.residual())).isLessThan(1e-9 * 5400);
  }

  @Test
  void lmdiDoesNotDependOnFactorOrder() {
    Map<String, Double> before = values("orders", 100, "aov", 50);
    Map<String, Double> after = values("orders", 120, "aov", 45);

    Decomposition forward = decompose("orders * aov", before, after);
    Decomposition backward = decompose("aov * orders", before, after);

    assertThat(backward.contributions().get("orders")).isEqualTo(forward.contributions().get("orders"));
    assertThat(backward.contributions().get("aov")).isEqualTo(forward.contributions().get("aov"));
  }

  @Test
  void productOfThreeUsesLmdi() {
    // a 2 -> 3, b 5 -> 4, c 10 -> 10.5: value 100 -> 126. L(126, 100) = 26 / ln 1.26 =
    // 112.49970313759636; a: L ln 1.5 = 45.614704294821905; b: L ln 0.8 = -25.10358327991759;
    // c: L ln 1.05 = 5.488878985095696.
    Decomposition d =
        decompose("a * b * c", values("a", 2, "b", 5, "c", 10), values("a", 3, "b", 4, "c", 10.5));

    assertThat(d.method()).isEqualTo(Method.LMDI);
    assertThat(d.contributions().get("a")).isCloseTo(45.614704294821905, within(1e-11));
    assertThat(d.contributions().get("b")).isCloseTo(-25.10358327991759, within(1e-11));
    assertThat(d.contributions().get("c")).isCloseTo(5.488878985095696, within(1e-11));
    assertThat(Math.abs(d.residual())).isLessThan(1e-9 * 126);
  }

  @Test
  void ratioUsesLmdiWithNegativeExponent() {
    // a 200 -> 260, b 100 -> 80: value 2 -> 3.25. L(3.25, 2) = 1.25 / ln 1.625 =
    // 2.5746238461422384; a: L ln 1.3 = 0.6754892916735712; b: -L ln 0.8 = 0.5745107083264286.
    Decomposition d = decompose("a / b", values("a", 200, "b", 100), values("a", 260, "b", 80));

    assertThat(d.method()).isEqualTo(Method.LMDI);
    assertThat(d.contributions().get("a")).isCloseTo(0.6754892916735712, within(EXACT));
    assertThat(d.contributions().get("b")).isCloseTo(0.5745107083264286, within(EXACT));
    assertThat(d.change()).isEqualTo(1.25);
    assertThat(Math.abs(d.residual())).isLessThan(1e-9 * 3.25);
  }

  @Test
  void constantFactorContributesNothing() {
    // 1.5 * a * b: a 2 -> 3, b 4 -> 4.4, value 12 -> 19.8. L(19.8, 12) = 15.575848465915222;
    // a: L ln 1.5 = 6.315463082108701; b: L ln 1.1 = 1.4845369178912984. Sum 7.8.
    Decomposition d = decompose("1.5 * a * b", values("a", 2, "b", 4), values("a", 3, "b", 4.4));

    assertThat(d.method()).isEqualTo(Method.LMDI);
    assertThat(d.contributions()).containsOnlyKeys("a", "b");
    assertThat(d.contributions().get("a")).isCloseTo(6.315463082108701, within(EXACT));
    assertThat(d.contributions().get("b")).isCloseTo(1.4845369178912984, within(EXACT));
    assertThat(d.change()).isCloseTo(7.8, within(EXACT));
  }

  @Test
  void unchangedValueSplitsOffsettingFactors() {
    // 100 * a / b: a 5 -> 6, b 200 -> 240, so the value stays 2.5 and L = 2.5;
    // a: 2.5 ln 1.2 = 0.45580389198488647, b: -2.5 ln 1.2.
    Decomposition d = decompose("100 * a / b", values("a", 5, "b", 200), values("a", 6, "b", 240));

    assertThat(d.method()).isEqualTo(Method.LMDI);
    assertThat(d.contributions().get("a")).isCloseTo(0.45580389198488647, within(EXACT));
    assertThat(d.contributions().get("b")).isCloseTo(-0.45580389198488647, within(EXACT));
    assertThat(d.change()).isEqualTo(0.0);
  }

  @Test
  void zeroValueFallsBackToShapley() {
    // a * b with a 0 -> 2, b 3 -> 5. f(a0,b0) = 0, f(a1,b0) = 6, f(a0,b1) = 0, f(a1,b1) = 10.
    // a: (6 - 0) / 2 + (10 - 0) / 2 = 8; b: (0 - 0) / 2 + (10 - 6) / 2 = 2.
    Decomposition d = decompose("a * b", values("a", 0, "b", 3), values("a", 2, "b", 5));

    assertThat(d.method()).isEqualTo(Method.SHAPLEY);
    assertThat(d.contributions()).containsExactly(Map.entry("a", 8.0), Map.entry("b", 2.0));
    assertThat(d.residual()).isEqualTo(0.0);
  }

  @Test
  void negativeValueFallsBackToShapley() {
    // a / b with a -10 -> -6, b 2 -> 4. f(a0,b0) = -5, f(a1,b0) = -3, f(a0,b1) = -2.5,
    // f(a1,b1) = -1.5. a: (2 + 1) / 2 = 1.5; b: (2.5 + 1.5) / 2 = 2. Sum 3.5.
    Decomposition d = decompose("a / b", values("a", -10, "b", 2), values("a", -6, "b", 4));

    assertThat(d.method()).isEqualTo(Method.SHAPLEY);
    assertThat(d.contributions()).containsExactly(Map.entry("a", 1.5), Map.entry("b", 2.0));
    assertThat(d.change()).isEqualTo(3.5);
  }

  @Test
  void otherFormulaUsesShapley() {
    // a * b + 5 with a 2 -> 4, b 3 -> 5: f = 11, 17 (a new), 15 (b new), 25.
    // a: (17 - 11) / 2 + (25 - 15) / 2 = 8; b: (15 - 11) / 2 + (25 - 17) / 2 = 6.
    Decomposition d = decompose("a * b + 5", values("a", 2, "b", 3), values("a", 4, "b", 5));

    assertThat(d.method()).isEqualTo(Method.SHAPLEY);
    assertThat(d.contributions()).containsExactly(Map.entry("a", 8.0), Map.entry("b", 6.0));
    assertThat(d.change()).isEqualTo(14.0);
  }

  @Test
  void functionsUseShapleyAndUnchangedChildrenGetZero() {
    // max(a, b) + 0 * c with a 5 -> 8, b 7 -> 6, c unchanged: f = 7, 8 (a new), 6 (b new), 8.
    // a: (8 - 7) / 2 + (8 - 6) / 2 = 1.5; b: (6 - 7) / 2 + (8 - 8) / 2 = -0.5.
    Decomposition d =
        decompose("max(a, b) + 0 * c", values("a", 5, "b", 7, "c", 1), values("a", 8, "b", 6, "c", 1));

    assertThat(d.method()).isEqualTo(Method.SHAPLEY);
    assertThat(d.contributions()).containsExactly(Map.entry("a", 1.5), Map.entry("b", -0.5), Map.entry("c", 0.0));
  }

  @Test
  void threePlayerShapleyAddsUp() {
    // min(a, b) * c: a 4 -> 6, b 5 -> 3, c 2 -> 3. Coalition values (a b c new?):
    // {} 8, {a} 10, {b} 6, {c} 12, {a,b} 6, {a,c} 15, {b,c} 9, {a,b,c} 9.
    // a: 1/3 (10 - 8) + 1/6 (6 - 6) + 1/6 (15 - 12) + 1/3 (9 - 9) = 2/3 + 1/2 = 7/6
    // b: 1/3 (6 - 8) + 1/6 (6 - 10) + 1/6 (9 - 12) + 1/3 (9 - 15) = -2/3 - 2/3 - 1/2 - 2 = -23/6
    // c: 1/3 (12 - 8) + 1/6 (15 - 10) + 1/6 (9 - 6) + 1/3 (9 - 6) = 4/3 + 5/6 + 1/2 + 1 = 11/3
    Decomposition d =
        decompose("min(a, b) * c", values("a", 4, "b", 5, "c", 2), values("a", 6, "b", 3, "c", 3));

    assertThat(d.method()).isEqualTo(Method.SHAPLEY);
    assertThat(d.contributions().get("a")).isCloseTo(7.0 / 6, within(EXACT));
    assertThat(d.contributions().get("b")).isCloseTo(-23.0 / 6, within(EXACT));
    assertThat(d.contributions().get("c")).isCloseTo(11.0 / 3, within(EXACT));
    assertThat(d.change()).isEqualTo(1.0);
  }

  @Test
  void nullValueGivesNoDecomposition() throws FormulaSyntaxException {
    ChangeDecomposer decomposer = new ChangeDecomposer(FormulaParser.parse("a * b"));

    assertThat(decomposer.decompose(values("a", null, "b", 2), values("a", 1, "b", 2))).isEmpty();
    assertThat(decomposer.decompose(values("a", 1, "b", 2), values("b", 2))).isEmpty();
  }

  @Test
  void nullCoalitionIsUnattributed() {
    // a / (b - c): the divisor is 1 in both periods but 0 when only c takes its new value.
    Decomposition d =
        decompose("a / (b - c)", values("a", 10, "b", 5, "c", 4), values("a", 20, "b", 6, "c", 5));

    assertThat(d.method()).isEqualTo(Method.UNATTRIBUTED);
    assertThat(d.contributions()).isEmpty();
    assertThat(d.residual()).isEqualTo(10.0);
    assertThat(d.note()).contains("divisor is 0");
  }

  @Test
  void tooManyChangedChildrenIsUnattributed() {
    StringBuilder formula = new StringBuilder("max(x0");
    Map<String, Double> before = new HashMap<>();
    Map<String, Double> after = new HashMap<>();
    for (int i = 0; i <= ChangeDecomposer.MAX_SHAPLEY_PLAYERS; i++) {
      formula.append(i == 0 ? "" : ", x" + i);
      before.put("x" + i, (double) i);
      after.put("x" + i, i + 1.0);
    }

    Decomposition d = decompose(formula.append(')').toString(), before, after);

    assertThat(d.method()).isEqualTo(Method.UNATTRIBUTED);
    assertThat(d.note()).contains("17 children changed");
  }

  @Test
  void shapleyWeightsSumToOne() {
    // Over the coalitions of the other n - 1 players: sum over s of C(n - 1, s) w[s] = 1.
    for (int n = 1; n <= ChangeDecomposer.MAX_SHAPLEY_PLAYERS; n++) {
      double[] weights = ChangeDecomposer.shapleyWeights(n);
      double total = 0;
      double binomial = 1;
      for (int s = 0; s < n; s++) {
        total += binomial * weights[s];
        binomial = binomial * (n - 1 - s) / (s + 1);
      }
      assertThat(total).as("n = %d", n).isCloseTo(1.0, within(1e-12));
    }
  }
}

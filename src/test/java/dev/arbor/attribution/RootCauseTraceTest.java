package dev.arbor.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.attribution.RootCauseTrace.LeafPath;
import dev.arbor.attribution.RootCauseTrace.Trace;
import dev.arbor.tree.formula.FormulaParser;
import dev.arbor.tree.formula.FormulaSyntaxException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A three-level tree: revenue = gross - returns, gross = orders * aov, orders = customers * opc.
 *
 * <pre>
 * node       before   after
 * customers      10    12.5
 * opc             2     2.4
 * orders         20      30
 * aov            50      42
 * gross        1000    1260
 * returns       100     150
 * revenue       900    1110   (change 210)
 * </pre>
 *
 * gross: L(1260, 1000) = 260 / ln 1.26 = 1124.9970313759634; orders L ln 1.5 = 456.147042948219,
 * aov L ln 0.84 = -196.14704294821908. orders: L(30, 20) = 24.663034623764318; customers
 * L ln 1.25 = 5.503397132132085, opc L ln 1.2 = 4.496602867867915. Leaves: customers
 * 456.147042948219 * 5.503397132132085 / 10 = 251.03583279917598, opc 205.11121014904302, aov
 * -196.14704294821908, returns -50; they add up to 210.
 */
class RootCauseTraceTest {
  private static final Map<String, String> FORMULAS =
      Map.of("revenue", "gross - returns", "gross", "orders * aov", "orders", "customers * opc");

  private static Map<String, Double> values(double customers, double opc, double aov, double returns) {
    Map<String, Double> values = new HashMap<>();
    values.put("customers", customers);
    values.put("opc", opc);
    values.put("orders", customers * opc);
    values.put("aov", aov);
    values.put("gross", customers * opc * aov);
    values.put("returns", returns);
    values.put("revenue", customers * opc * aov - returns);
    return values;
  }

  private static Map<String, Decomposition> decompose(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Decomposition> decompositions = new LinkedHashMap<>();
    FORMULAS.forEach((node, formula) -> {
      try {
        new ChangeDecomposer(FormulaParser.parse(formula))
            .decompose(before, after)
            .ifPresent(d -> decompositions.put(node, d));
      } catch (FormulaSyntaxException e) {
        throw new IllegalArgumentException(e);
      }
    });
    return decompositions;
  }

  private static Map<String, Double> changes(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> changes = new HashMap<>();
    before.forEach((node, value) -> changes.put(node, after.get(node) - value));
    return changes;
  }

  @Test
  void leafContributionsAddUpToNorthStarChange() {
    Map<String, Double> before = values(10, 2, 50, 100);
    Map<String, Double> after = values(12.5, 2.4, 42, 150);

    Trace trace = RootCauseTrace.trace("revenue", decompose(before, after), changes(before, after));

    assertThat(trace.northStarChange()).isCloseTo(210.0, within(1e-9));
    assertThat(trace.explained()).isCloseTo(210.0, within(1e-9));
    assertThat(trace.paths()).extracting(LeafPath::nodes).containsExactly(
        List.of("revenue", "gross", "orders", "customers"),
        List.of("revenue", "gross", "orders", "opc"),
        List.of("revenue", "gross", "aov"),
        List.of("revenue", "returns"));
    assertThat(trace.paths().get(0).contribution()).isCloseTo(251.03583279917598, within(1e-9));
    assertThat(trace.paths().get(1).contribution()).isCloseTo(205.11121014904302, within(1e-9));
    assertThat(trace.paths().get(2).contribution()).isCloseTo(-196.14704294821908, within(1e-9));
    assertThat(trace.paths().get(3).contribution()).isCloseTo(-50.0, within(1e-9));
    double sum = trace.paths().stream().mapToDouble(LeafPath::contribution).sum();
    assertThat(Math.abs(sum - trace.northStarChange())).isLessThan(1e-9 * 1110);
  }

  @Test
  void stepsCarryLocalAndComposedContributions() {
    Map<String, Double> before = values(10, 2, 50, 100);
    Map<String, Double> after = values(12.5, 2.4, 42, 150);

    LeafPath customers = RootCauseTrace.trace("revenue", decompose(before, after), changes(before, after))
        .paths().get(0);

    assertThat(customers.steps()).hasSize(3);
    assertThat(customers.steps().get(0).local()).isCloseTo(260.0, within(1e-9));
    assertThat(customers.steps().get(0).contribution()).isCloseTo(260.0, within(1e-9));
    assertThat(customers.steps().get(1).local()).isCloseTo(456.147042948219, within(1e-9));
    assertThat(customers.steps().get(1).contribution()).isCloseTo(456.147042948219, within(1e-9));
    assertThat(customers.steps().get(2).local()).isCloseTo(5.503397132132085, within(1e-12));
    assertThat(customers.steps().get(2).contribution()).isCloseTo(251.03583279917598, within(1e-9));
  }

  @Test
  void childWithZeroChangeEndsThePath() {
    // customers 10 -> 20 and opc 2 -> 1 leave orders at 20; aov 50 -> 60 makes gross 1000 ->
    // 1200; returns stay 100. orders' own decomposition is +-20 ln 2, but its change is 0, so
    // its path ends at orders with contribution 0.
    Map<String, Double> before = values(10, 2, 50, 100);
    Map<String, Double> after = values(20, 1, 60, 100);

    Trace trace = RootCauseTrace.trace("revenue", decompose(before, after), changes(before, after));

    assertThat(trace.paths()).extracting(LeafPath::nodes).containsExactly(
        List.of("revenue", "gross", "aov"),
        List.of("revenue", "gross", "orders"),
        List.of("revenue", "returns"));
    assertThat(trace.paths().get(0).contribution()).isCloseTo(200.0, within(1e-9));
    assertThat(trace.paths().get(1).contribution()).isEqualTo(0.0);
    assertThat(trace.paths().get(2).contribution()).isEqualTo(0.0);
  }

  @Test
  void intermediateFormulaGapIsSpreadOverChildren() {
    // gross is measured at 1270 after (its formula gives 1260), so revenue's formula changes by
    // (1270 - 150) - (1000 - 100) = 220 and gross contributes 270, split 456.147 : -196.147.
    Map<String, Double> before = values(10, 2, 50, 100);
    Map<String, Double> after = values(12.5, 2.4, 42, 150);
    Map<String, Decomposition> decompositions = decompose(before, after);
    Map<String, Double> measuredAfter = new HashMap<>(after);
    measuredAfter.put("gross", 1270.0);
    measuredAfter.put("revenue", 1120.0);
    decompositions.putAll(decompose(before, measuredAfter).entrySet().stream()
        .filter(e -> e.getKey().equals("revenue"))
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));

    Trace trace = RootCauseTrace.trace("revenue", decompositions, changes(before, measuredAfter));

    LeafPath aov = trace.paths().stream().filter(p -> p.leaf().equals("aov")).findFirst().orElseThrow();
    assertThat(aov.contribution()).isCloseTo(270 * -196.14704294821908 / 260, within(1e-9));
    double sum = trace.paths().stream().mapToDouble(LeafPath::contribution).sum();
    assertThat(sum).isCloseTo(220.0, within(1e-9));
    assertThat(trace.unexplained()).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void northStarFormulaGapIsUnexplained() {
    // revenue is measured at 1115 after, 5 more than its formula.
    Map<String, Double> before = values(10, 2, 50, 100);
    Map<String, Double> after = values(12.5, 2.4, 42, 150);
    Map<String, Double> changes = changes(before, after);
    changes.put("revenue", 215.0);

    Trace trace = RootCauseTrace.trace("revenue", decompose(before, after), changes);

    assertThat(trace.northStarChange()).isEqualTo(215.0);
    assertThat(trace.explained()).isCloseTo(210.0, within(1e-9));
    assertThat(trace.unexplained()).isCloseTo(5.0, within(1e-9));
  }

  @Test
  void northStarWithoutFormulaIsItsOwnLeaf() {
    Trace trace = RootCauseTrace.trace("revenue", Map.of(), Map.of("revenue", 42.0));

    assertThat(trace.paths()).singleElement().satisfies(p -> {
      assertThat(p.nodes()).containsExactly("revenue");
      assertThat(p.contribution()).isEqualTo(42.0);
    });
    assertThat(trace.unexplained()).isEqualTo(0.0);
  }

  @Test
  void nullNorthStarChangeGivesNoTrace() {
    Map<String, Double> changes = new HashMap<>();
    changes.put("revenue", null);

    assertThat(RootCauseTrace.trace("revenue", Map.of(), changes)).isNull();
  }
}

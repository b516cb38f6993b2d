package dev.arbor.planning;

import static dev.arbor.planning.PlanningFixtures.retailBase;
import static dev.arbor.planning.PlanningFixtures.retailTree;
import static dev.arbor.planning.PlanningFixtures.score;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.testing.TestConfigs;
import dev.arbor.tree.Link;
import dev.arbor.tree.Tree;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeImpactTest {
  @TempDir Path dir;

  @Test
  void averageOrderValueUpTenPercentRaisesRevenueTenPercent() {
    Tree tree = TestConfigs.load(dir, TestConfigs.eventsSource("") + """
        arbor.trees.t {
          north-star = revenue
          nodes {
            revenue { unit = currency, owner = A, formula = "orders * aov" }
            orders { unit = count, owner = A, measure { source = events, agg = count } }
            aov { unit = currency, owner = A, measure { source = events, agg = avg, column = amount } }
          }
        }
        """).tree("t");
    TreeImpact impact = new TreeImpact(tree, Map.of());
    Map<String, Double> base = Map.of("orders", 1200.0, "aov", 37.5, "revenue", 45_000.0);

    // aov 37.5 -> 41.25 (+10%): revenue = 1200 * 41.25 = 49,500 = 45,000 * 1.1.
    Map<String, Double> after = impact.apply(base, Map.of("aov", 3.75));

    assertThat(after.get("revenue")).isEqualTo(49_500.0);
    assertThat(after.get("orders")).isEqualTo(1200.0);
    assertThat(impact.elasticity("aov", "revenue", base)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void sumMovesByTheAddedAmount() {
    TreeImpact impact = new TreeImpact(retailTree(dir), Map.of());

    // new_users 60 -> 66: active 100 -> 106; orders = 106 * 2 = 212; gross 5100 + (212 - 200) * 25
    // = 5400; revenue = 5400 - 100 = 5300. share = 40 / 106.
    Map<String, Double> after = impact.apply(retailBase(), Map.of("new_users", 6.0));

    assertThat(after.get("active")).isEqualTo(106.0);
    assertThat(after.get("orders")).isEqualTo(212.0);
    assertThat(after.get("gross")).isEqualTo(5400.0);
    assertThat(after.get("revenue")).isEqualTo(5300.0);
    assertThat(after.get("share")).isCloseTo(40.0 / 106.0, within(1e-15));
  }

  @Test
  void measuredProductKeepsItsFormulaGap() {
    TreeImpact impact = new TreeImpact(retailTree(dir), Map.of());

    // gross is measured at 5100 while orders * aov = 5000. aov +10% adds 200 * 2.5 = 500:
    // gross 5600, revenue 5500, exactly +10% of revenue's 5000.
    Map<String, Double> after = impact.apply(retailBase(), Map.of("aov", 2.5));

    assertThat(after.get("gross")).isEqualTo(5600.0);
    assertThat(after.get("revenue")).isEqualTo(5500.0);
  }

  @Test
  void ratioIsReEvaluatedExactly() {
    TreeImpact impact = new TreeImpact(retailTree(dir), Map.of());

    // returns 100 -> 150: return_rate = 150 / 5100; revenue 5000 - 50 = 4950.
    Map<String, Double> after = impact.apply(retailBase(), Map.of("returns", 50.0));

    assertThat(after.get("return_rate")).isEqualTo(150.0 / 5100.0);
    assertThat(after.get("revenue")).isEqualTo(4950.0);
  }

  @Test
  void hypothesisLinkCarriesElasticityTimesConfidence() {
    TreeImpact impact = new TreeImpact(retailTree(dir),
        Map.of("share->opc", score("share", "opc", 0.8, 0.5)));

    // share 0.4 -> 0.44 (+10%): opc = 2 * (1 + 0.5 * 0.8 * 0.10) = 2.08; orders = 100 * 2.08 =
    // 208; gross = 5100 + (208 - 200) * 25 = 5300; revenue = 5200.
    Map<String, Double> after = impact.apply(retailBase(), Map.of("share", 0.04));

    assertThat(after.get("opc")).isCloseTo(2.08, within(1e-12));
    assertThat(after.get("orders")).isCloseTo(208.0, within(1e-9));
    assertThat(after.get("revenue")).isCloseTo(5200.0, within(1e-9));
    List<List<TreeImpact.Edge>> paths = impact.paths("share", "revenue", 10);
    assertThat(paths).hasSize(1);
    assertThat(paths.get(0).stream().map(TreeImpact.Edge::describe).toList()).containsExactly(
        "share -hypothesis-> opc", "opc -formula-> orders", "orders -formula-> gross",
        "gross -formula-> revenue");
    assertThat(paths.get(0).get(0).confidence()).isEqualTo(0.5);
  }

  @Test
  void unscoredLinkCarriesNothingAndIsReported() {
    TreeImpact impact = new TreeImpact(retailTree(dir), Map.of());

    Map<String, Double> after = impact.apply(retailBase(), Map.of("share", 0.04));

    assertThat(after.get("opc")).isEqualTo(2.0);
    assertThat(after.get("revenue")).isEqualTo(5000.0);
    assertThat(impact.paths("share", "revenue", 10)).isEmpty();
    // With share->opc scored, the change would reach return_rate through opc, orders and gross;
    // a change of returns would reach share through return_rate->retained.
    assertThat(impact.unscoredLinksReachedFrom("share").stream().map(Link::id))
        .containsExactly("share->opc", "return_rate->retained");
    assertThat(impact.unscoredLinksReachedFrom("returns").stream().map(Link::id))
        .containsExactly("return_rate->retained", "share->opc");
  }

  @Test
  void linkClosingALoopWithFormulasIsLeftOut() {
    TreeImpact impact = new TreeImpact(retailTree(dir),
        Map.of("return_rate->retained", score("return_rate", "retained", -2.0, 1.0)));

    // return_rate feeds retained, which feeds active, orders, gross and so return_rate again.
    Map<String, Double> after = impact.apply(retailBase(), Map.of("returns", 50.0));

    assertThat(impact.loopLinks().stream().map(Link::id)).containsExactly("return_rate->retained");
    assertThat(after.get("retained")).isEqualTo(40.0);
  }

  @Test
  void gapSolverFindsTheChangeOfOneInput() {
    TreeImpact impact = new TreeImpact(retailTree(dir), Map.of());

    // Revenue 5000 must reach 5500: through aov, 200 orders * d = 500 -> d = 2.5; through
    // returns, -500; through new_users, (d * 2) * 25 = 500 -> d = 10.
    Double aov = GapSolver.solve(impact, retailBase(), "aov", 5500.0);
    Double returns = GapSolver.solve(impact, retailBase(), "returns", 5500.0);
    Double newUsers = GapSolver.solve(impact, retailBase(), "new_users", 5500.0);
    Double share = GapSolver.solve(impact, retailBase(), "share", 5500.0);

    assertThat(aov).isCloseTo(2.5, within(1e-9));
    assertThat(returns).isCloseTo(-500.0, within(1e-9));
    assertThat(newUsers).isCloseTo(10.0, within(1e-9));
    assertThat(share).as("share reaches revenue only through the unscored link").isNull();
  }
}

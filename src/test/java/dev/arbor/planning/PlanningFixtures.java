package dev.arbor.planning;

import dev.arbor.config.ArborConfig;
import dev.arbor.testing.TestConfigs;
import dev.arbor.tree.Tree;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small trees and ledgers shared by the planning tests. */
final class PlanningFixtures {
  private PlanningFixtures() {}

  /**
   * A retail-like tree: revenue = gross - returns, gross = orders * aov (measured), orders =
   * active * opc, active = new_users + retained, share = retained / active, return_rate = returns
   * / gross; hypothesis links share -> opc and return_rate -> retained (the latter closes a loop).
   */
  static final String RETAIL_TREE =
      """
      arbor.trees.t {
        north-star = revenue
        calendar { grains = [month, quarter], fiscal-year-start-month = 4 }
        nodes {
          revenue { unit = currency, owner = Finance, formula = "gross - returns" }
          gross { unit = currency, owner = Sales, measure { source = events, agg = sum, column = amount }, formula = "orders * aov" }
          returns { unit = currency, owner = Service, measure { source = events, agg = sum, column = amount } }
          orders { unit = count, owner = Sales, formula = "active * opc" }
          aov { unit = currency, owner = Merch, measure { source = events, agg = avg, column = amount } }
          active { unit = count, owner = Growth, formula = "new_users + retained" }
          new_users { unit = count, owner = Growth, measure { source = events, agg = count } }
          retained { unit = count, owner = CRM, measure { source = events, agg = count } }
          opc { unit = ratio, owner = CRM, measure { source = events, agg = count } }
          share { unit = percent, owner = CRM, formula = "retained / active" }
          return_rate { unit = percent, owner = Service, formula = "returns / gross" }
        }
        links = [
          { from = share, to = opc, kind = hypothesis, expected-sign = positive }
          { from = return_rate, to = retained, kind = hypothesis, expected-sign = negative }
        ]
        %s
      }
      """;

  static ArborConfig retailConfig(Path dir, String planning) {
    return TestConfigs.load(dir, TestConfigs.eventsSource("") + RETAIL_TREE.formatted(planning));
  }

  static Tree retailTree(Path dir) {
    return retailConfig(dir, "").tree("t");
  }

  /**
   * Base values: new_users 60, retained 40, active 100, share 0.4, opc 2, orders 200, aov 25,
   * gross 5100 measured (formula 5000), returns 100, revenue 5000, return_rate 100 / 5100.
   */
  static Map<String, Double> retailBase() {
    Map<String, Double> base = new HashMap<>();
    base.put("new_users", 60.0);
    base.put("retained", 40.0);
    base.put("active", 100.0);
    base.put("share", 0.4);
    base.put("opc", 2.0);
    base.put("orders", 200.0);
    base.put("aov", 25.0);
    base.put("gross", 5100.0);
    base.put("returns", 100.0);
    base.put("revenue", 5000.0);
    base.put("return_rate", 100.0 / 5100.0);
    return base;
  }

  static LinkScore score(String from, String to, double elasticity, double confidence) {
    return new LinkScore(from + "->" + to, from, to, "month", LocalDate.of(2011, 6, 30), elasticity,
        confidence, "supported", "supported");
  }

  /** A ledger row with the given fields over a valid default bet on aov. */
  static LedgerRow betRow(int line, String... overrides) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("bet_id", "B" + line);
    values.put("cycle", "2011-04-01");
    values.put("team", "Merch");
    values.put("owner", "Priya");
    values.put("title", "Bundles");
    values.put("hypothesis", "We believe bundles will change aov by +10%");
    values.put("target_node", "aov");
    values.put("expected_change", "+10%");
    values.put("start_date", "2011-04-01");
    values.put("end_date", "2011-06-30");
    values.put("ramp_up_days", "0");
    values.put("effort", "4");
    values.put("confidence", "0.5");
    values.put("status", "shipped");
    values.put("leading_indicator", "");
    for (int i = 0; i < overrides.length; i += 2) {
      values.put(overrides[i], overrides[i + 1]);
    }
    return new LedgerRow("bets.csv", line, values);
  }

  static List<String> ids(List<LinkScore> scores) {
    return scores.stream().map(LinkScore::linkId).toList();
  }
}

package dev.arbor.planning;

import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Forecasts every node of a tree for every period of one cycle, from history before the cycle.
 *
 * <p>Nodes without a formula get a baseline from {@link Forecaster}. Nodes with a formula get the
 * formula applied to their children's baselines, so the forecast tree adds up; their interval
 * comes from the delta method (first-order error propagation through the formula, with numeric
 * partial derivatives), which assumes independent errors of the children. Committed bets of the
 * cycle then add their uplift: each bet's expected change on its target, scaled by the share of
 * the period it is in effect (ramp-up included), propagated through the tree by {@link
 * TreeImpact}. The interval moves with the uplift and keeps its width.
 */
public final class CycleForecaster {
  private final Tree tree;
  private final TreeImpact impact;
  private final PeriodCalendar calendar;
  private final double level;
  private final double z;

  /** One node in one period of the cycle. */
  public record Row(
      String nodeId,
      Period period,
      Double baseline,
      Double baselineLow,
      Double baselineHigh,
      Double uplift,
      Double forecast,
      Double low,
      Double high,
      String model,
      String modelReason,
      int historyPeriods,
      LocalDate historyEnd,
      List<String> betIds) {}

  /**
   * A cycle's forecast.
   *
   * @param northStarUpliftByBet for each committed bet, the North Star uplift it alone adds over
   *     the cycle: summed over the periods for an additive North Star, averaged otherwise
   */
  public record Result(List<Row> rows, Map<String, Double> northStarUpliftByBet) {}

  public CycleForecaster(Tree tree, TreeImpact impact, PeriodCalendar calendar, double level) {
    this.tree = tree;
    this.impact = impact;
    this.calendar = calendar;
    this.level = level;
    this.z = new NormalDistribution().inverseCumulativeProbability((1 + level) / 2);
  }

  /** Forecasts {@code cycle} at the grain of {@code series}, with the committed {@code bets}. */
  public Result forecast(Cycle cycle, NodeSeries series, List<Bet> bets) {
    Grain grain = series.grain();
    List<Period> periods = cycle.periods(calendar, grain);
    List<Period> history = series.historyBefore(cycle.start());
    LocalDate historyEnd = history.isEmpty() ? null : history.get(history.size() - 1).end();

    Map<String, Forecaster.SeriesForecast> leaves = new LinkedHashMap<>();
    for (Node node : tree.nodes().values()) {
      if (!node.hasFormula()) {
        leaves.put(node.id(), Forecaster.forecast(series.series(node.id(), history),
            periods.size(), seasonLength(grain), level));
      }
    }

    List<Row> rows = new ArrayList<>();
    Map<String, Double> upliftByBet = new LinkedHashMap<>();
    boolean additiveNorthStar = NodeKinds.isAdditive(tree, tree.northStar());
    for (int h = 0; h < periods.size(); h++) {
      Period period = periods.get(h);
      Map<String, Double> baseline = new HashMap<>();
      Map<String, Double> sigma = new HashMap<>();
      for (String id : formulaOrder()) {
        Node node = tree.node(id);
        if (node.hasFormula()) {
          baseline.put(id, node.formula().evaluate(baseline));
          sigma.put(id, propagatedSigma(node, baseline, sigma));
        } else {
          Forecaster.SeriesForecast leaf = leaves.get(id);
          baseline.put(id, leaf.mean().length == 0 ? null : leaf.mean()[h]);
          Double half = leaf.mean().length == 0 ? null : leaf.halfWidth(h);
          sigma.put(id, half == null ? null : half / z);
        }
      }

      Map<String, Double> deltas = new HashMap<>();
      Map<String, Set<String>> betsByNode = new HashMap<>();
      for (Bet bet : bets) {
        Double delta = betDelta(bet, period, baseline);
        if (delta == null || delta == 0.0) {
          continue;
        }
        deltas.merge(bet.targetNode(), delta, Double::sum);
        Map<String, Double> alone = impact.apply(baseline, Map.of(bet.targetNode(), delta));
        for (String id : tree.nodes().keySet()) {
          Double before = baseline.get(id);
          Double after = alone.get(id);
          if (before != null && after != null && after - before != 0.0) {
            betsByNode.computeIfAbsent(id, k -> new HashSet<>()).add(bet.id());
          }
        }
        Double nsBefore = baseline.get(tree.northStar());
        Double nsAfter = alone.get(tree.northStar());
        if (nsBefore != null && nsAfter != null) {
          double share = additiveNorthStar ? 1.0 : 1.0 / periods.size();
          upliftByBet.merge(bet.id(), (nsAfter - nsBefore) * share, Double::sum);
        }
      }
      Map<String, Double> adjusted = impact.apply(baseline, deltas);

      for (Node node : tree.nodes().values()) {
        String id = node.id();
        Double base = baseline.get(id);
        Double after = adjusted.get(id);
        Double uplift = base == null || after == null ? null : after - base;
        Double s = sigma.get(id);
        String model;
        String reason;
        int historyPeriods;
        if (node.hasFormula()) {
          model = "formula";
          reason = "formula " + node.formulaText() + " applied to the children's forecasts";
          historyPeriods = history.size();
        } else {
          Forecaster.SeriesForecast leaf = leaves.get(id);
          model = leaf.model();
          reason = leaf.reason();
          historyPeriods = leaf.historyPeriods();
        }
        Double half = s == null || base == null ? null : z * s;
        List<String> ids = new ArrayList<>(betsByNode.getOrDefault(id, Set.of()));
        ids.sort(null);
        rows.add(new Row(id, period, base,
            half == null ? null : base - half,
            half == null ? null : base + half,
            uplift,
            after,
            half == null || after == null ? null : after - half,
            half == null || after == null ? null : after + half,
            model, reason, historyPeriods, historyEnd, ids));
      }
    }
    return new Result(rows, upliftByBet);
  }

  /** Returns a bet's direct change of its target in {@code period}, in the target's unit. */
  static Double betDelta(Bet bet, Period period, Map<String, Double> baseline) {
    double share = bet.meanEffect(period.start(), period.end());
    if (share == 0.0) {
      return 0.0;
    }
    Double amount = bet.expectedChange().amount(baseline.get(bet.targetNode()));
    return amount == null ? null : amount * share;
  }

  private Double propagatedSigma(Node node, Map<String, Double> values, Map<String, Double> sigma) {
    double variance = 0.0;
    for (String child : node.formula().references()) {
      Double x = values.get(child);
      Double s = sigma.get(child);
      if (x == null || s == null) {
        return null;
      }
      double step = 1e-6 * Math.max(Math.abs(x), 1.0);
      Map<String, Double> up = new HashMap<>(values);
      Map<String, Double> down = new HashMap<>(values);
      up.put(child, x + step);
      down.put(child, x - step);
      Double fUp = node.formula().evaluate(up);
      Double fDown = node.formula().evaluate(down);
      if (fUp == null || fDown == null) {
        return null;
      }
      double derivative = (fUp - fDown) / (2 * step);
      variance += derivative * derivative * s * s;
    }
    return Math.sqrt(variance);
  }

  /** Returns node ids ordered so that each formula node follows its formula's terms. */
  private List<String> formulaOrder() {
    List<String> order = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    for (String id : tree.nodes().keySet()) {
      place(id, placed, order);
    }
    return order;
  }

  private void place(String id, Set<String> placed, List<String> order) {
    if (!placed.add(id)) {
      return;
    }
    Node node = tree.node(id);
    if (node.hasFormula()) {
      for (String child : node.formula().references()) {
        place(child, placed, order);
      }
    }
    order.add(id);
  }

  /** Periods per season: 52 weeks, 12 months or 4 quarters. */
  static int seasonLength(Grain grain) {
    return switch (grain) {
      case DAY -> 7;
      case WEEK -> 52;
      case MONTH -> 12;
      case QUARTER -> 4;
    };
  }
}

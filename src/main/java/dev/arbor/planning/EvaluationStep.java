package dev.arbor.planning;

import static dev.arbor.planning.PlanningTables.date;
import static dev.arbor.planning.PlanningTables.finite;
import static dev.arbor.planning.PlanningTables.fraction;
import static dev.arbor.planning.PlanningTables.seq;

import dev.arbor.period.Period;
import dev.arbor.tree.Link;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Builds the rows of the tables that are recomputed at every run: bet_priorities,
 * forecast_vs_actual, bet_progress, bet_outcomes, learning_velocity and leverage.
 */
final class EvaluationStep {
  private static final int MAX_PATHS = 10;

  private final PlanningContext context;
  private final LinkScores scores;
  private final ForecastStep forecasts;
  private final Tree tree;
  private final String northStar;

  EvaluationStep(PlanningContext context, LinkScores scores, ForecastStep forecasts) {
    this.context = context;
    this.scores = scores;
    this.forecasts = forecasts;
    this.tree = context.tree();
    this.northStar = tree.northStar();
  }

  /** Returns the rows of each table, by table name. */
  Map<String, List<Row>> run() {
    Map<String, List<Row>> tables = new LinkedHashMap<>();
    tables.put("bet_priorities", priorities());
    tables.put("forecast_vs_actual", forecastVsActual());
    BetEvaluator evaluator = new BetEvaluator(context.series(), context.calendar(),
        context.planning().intervalLevel(), context.planning().verdict());
    List<BetEvaluator.Outcome> outcomes = new ArrayList<>();
    for (Bet bet : context.acceptedBets()) {
      if (bet.status() != BetStatus.PROPOSED) {
        outcomes.add(evaluator.evaluate(bet, context.asOf()));
      }
    }
    tables.put("bet_progress", progress(outcomes));
    tables.put("bet_outcomes", outcomes(outcomes));
    tables.put("learning_velocity", learningVelocity(outcomes));
    tables.put("leverage", leverage(outcomes));
    return tables;
  }

  // ------------------------------------------------------------------ priorities

  private List<Row> priorities() {
    Map<LocalDate, List<Object[]>> byCycle = new TreeMap<>();
    for (Bet bet : context.acceptedBets()) {
      byCycle.computeIfAbsent(bet.cycle().start(), k -> new ArrayList<>()).add(priority(bet));
    }
    List<Row> rows = new ArrayList<>();
    int scoreIndex = 24;
    int rankIndex = 25;
    for (List<Object[]> cycleRows : byCycle.values()) {
      List<Object[]> ranked = new ArrayList<>(cycleRows.stream().filter(r -> r[scoreIndex] != null).toList());
      ranked.sort(Comparator.comparingDouble((Object[] r) -> -(Double) r[scoreIndex]));
      for (int i = 0; i < ranked.size(); i++) {
        ranked.get(i)[rankIndex] = i + 1;
      }
      cycleRows.forEach(r -> rows.add(RowFactory.create(r)));
    }
    return rows;
  }

  private Object[] priority(Bet bet) {
    Cycle cycle = bet.cycle();
    TreeImpact impact = context.impact();
    Period basePeriod = context.series().lastCompleteBefore(cycle.start());
    Map<String, Double> base = basePeriod == null ? Map.of() : context.series().valuesAt(basePeriod.start());
    Double targetBase = base.get(bet.targetNode());
    Double targetChange = bet.expectedChange().amount(targetBase);
    Double northStarBase = base.get(northStar);
    List<String> notes = new ArrayList<>();
    Double effect = null;
    if (basePeriod == null) {
      notes.add("no complete " + context.series().grain().key() + " before the cycle, so no base values");
    } else if (targetChange == null) {
      notes.add("the target has no value in the base period");
    } else {
      Double after = impact.apply(base, Map.of(bet.targetNode(), targetChange)).get(northStar);
      effect = after == null || northStarBase == null ? null : finite(after - northStarBase);
      if (effect == null) {
        notes.add("the North Star has no value in the base period");
      }
    }

    List<List<TreeImpact.Edge>> paths = impact.paths(bet.targetNode(), northStar, MAX_PATHS);
    List<String> pathTexts = new ArrayList<>();
    Set<TreeImpact.Edge> edges = new LinkedHashSet<>();
    Double pathConfidence = null;
    for (List<TreeImpact.Edge> path : paths) {
      StringBuilder text = new StringBuilder(bet.targetNode());
      double confidence = 1.0;
      for (TreeImpact.Edge edge : path) {
        text.append(" -").append(edge.kind()).append("-> ").append(edge.to());
        confidence *= edge.confidence();
        edges.add(edge);
      }
      pathTexts.add(text.toString());
      pathConfidence = pathConfidence == null ? confidence : Math.max(pathConfidence, confidence);
    }
    List<Row> links = new ArrayList<>();
    for (TreeImpact.Edge edge : edges) {
      links.add(RowFactory.create(edge.from(), edge.to(), edge.kind(), edge.elasticity(), edge.confidence()));
    }
    List<String> unscored = impact.unscoredLinksReachedFrom(bet.targetNode()).stream().map(Link::id).toList();
    if (paths.isEmpty()) {
      notes.add("no path from " + bet.targetNode() + " to the North Star through formulas and scored links");
    }
    if (!unscored.isEmpty()) {
      notes.add("unscored links carry no effect: " + String.join(", ", unscored)
          + (scores.note() == null ? "" : " (" + scores.note() + ")"));
    }
    CycleForecaster.Result computed = forecasts.computed(cycle.start());
    Double inCycle = computed == null || !bet.status().isCommitted()
        ? null
        : finite(computed.northStarUpliftByBet().getOrDefault(bet.id(), 0.0));
    Double score = effect == null ? null : finite(effect * bet.confidence() / bet.effort());
    return new Object[] {
      tree.id(), date(cycle.start()), date(cycle.end()), cycle.label(), bet.id(), bet.team(),
      bet.title(), bet.status().code(), bet.targetNode(), bet.expectedChangeText(),
      basePeriod == null ? null : date(basePeriod.start()), finite(targetBase), finite(targetChange),
      northStar, finite(northStarBase), effect, fraction(effect, northStarBase), inCycle,
      seq(pathTexts), seq(links), pathConfidence, seq(unscored), bet.confidence(), bet.effort(),
      score, null, notes.isEmpty() ? null : String.join("; ", notes), context.runId(), context.now()
    };
  }

  // ------------------------------------------------------------------ forecast vs actual

  private List<Row> forecastVsActual() {
    List<Row> rows = new ArrayList<>();
    for (ForecastStep.CurrentForecast current : forecasts.current().values()) {
      Cycle cycle = current.cycle();
      if (context.asOf().isBefore(cycle.start())) {
        continue;
      }
      Map<String, Double> elasticities = elasticitiesAt(cycle);
      TreeMap<LocalDate, Map<String, ForecastStep.ForecastValue>> byPeriod = new TreeMap<>();
      for (ForecastStep.ForecastValue value : current.values()) {
        byPeriod.computeIfAbsent(value.periodStart(), k -> new HashMap<>()).put(value.nodeId(), value);
      }
      Map<String, double[]> cumulative = new HashMap<>();
      for (Map.Entry<LocalDate, Map<String, ForecastStep.ForecastValue>> period : byPeriod.entrySet()) {
        LocalDate start = period.getKey();
        Map<String, ForecastStep.ForecastValue> values = period.getValue();
        ForecastStep.ForecastValue any = values.values().iterator().next();
        boolean complete = !context.asOf().isBefore(any.periodEnd()) && context.series().isComplete(start);
        Map<String, Double> actuals = complete ? context.series().valuesAt(start) : Map.of();
        ForecastStep.ForecastValue northStarForecast = values.get(northStar);
        for (Node node : tree.nodes().values()) {
          ForecastStep.ForecastValue value = values.get(node.id());
          if (value == null) {
            continue;
          }
          rows.add(fvaRow(cycle, current.version(), value, complete, actuals,
              northStarForecast == null ? null : northStarForecast.forecast(),
              elasticities.get(node.id()), cumulative));
        }
      }
    }
    return rows;
  }

  private Row fvaRow(Cycle cycle, int version, ForecastStep.ForecastValue value, boolean complete,
      Map<String, Double> actuals, Double northStarForecast, Double elasticity,
      Map<String, double[]> cumulative) {
    String id = value.nodeId();
    Double actual = complete ? finite(actuals.get(id)) : null;
    Double forecast = value.forecast();
    Double gap = actual == null || forecast == null ? null : finite(actual - forecast);
    String status;
    if (actual == null) {
      status = "pending";
    } else if (value.low() != null && actual < value.low()) {
      status = "below_interval";
    } else if (value.high() != null && actual > value.high()) {
      status = "above_interval";
    } else {
      status = "within_interval";
    }
    boolean lagging = elasticity != null && elasticity != 0.0
        && (elasticity > 0 ? status.equals("below_interval") : status.equals("above_interval"));

    Double cumulativeForecast = null;
    Double cumulativeActual = null;
    if (NodeKinds.isAdditive(tree, id)) {
      double[] sums = cumulative.computeIfAbsent(id, k -> new double[] {0, 0, 0});
      if (complete && actual != null && forecast != null) {
        sums[0] += forecast;
        sums[1] += actual;
        sums[2]++;
      }
      if (sums[2] > 0) {
        cumulativeForecast = sums[0];
        cumulativeActual = sums[1];
      }
    }

    Double closing = null;
    Double northStarActual = actuals.get(northStar);
    if (complete && northStarActual != null && northStarForecast != null) {
      closing = finite(GapSolver.solve(context.impact(), actuals, id, northStarForecast));
    }
    return RowFactory.create(tree.id(), date(cycle.start()), date(cycle.end()), cycle.label(),
        version, id, context.series().grain().key(), date(value.periodStart()), date(value.periodEnd()),
        finite(forecast), finite(value.low()), finite(value.high()), actual, gap, fraction(gap, forecast),
        complete, finite(cumulativeForecast), finite(cumulativeActual),
        cumulativeForecast == null ? null : finite(cumulativeActual - cumulativeForecast),
        status, elasticity, lagging, closing, fraction(closing, actual),
        seq(context.annotationsNear(nodesBelow(id), value.periodStart(), value.periodEnd())),
        date(context.asOf()), context.runId(), context.now());
  }

  /**
   * Returns the node and every node below it through formulas: an annotation on any of them may
   * explain the node's gap (a launch on aov explains a revenue gap).
   */
  private Set<String> nodesBelow(String id) {
    Set<String> nodes = new LinkedHashSet<>();
    java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(id));
    while (!queue.isEmpty()) {
      String at = queue.poll();
      if (nodes.add(at)) {
        queue.addAll(tree.children(at));
      }
    }
    return nodes;
  }

  /** Returns each node's North Star elasticity at the last complete period before the cycle. */
  private Map<String, Double> elasticitiesAt(Cycle cycle) {
    Map<String, Double> elasticities = new HashMap<>();
    Period basePeriod = context.series().lastCompleteBefore(cycle.start());
    if (basePeriod == null) {
      return elasticities;
    }
    Map<String, Double> base = context.series().valuesAt(basePeriod.start());
    for (String id : tree.nodes().keySet()) {
      elasticities.put(id, finite(context.impact().elasticity(id, northStar, base)));
    }
    return elasticities;
  }

  // ------------------------------------------------------------------ bets

  private List<Row> progress(List<BetEvaluator.Outcome> outcomes) {
    List<Row> rows = new ArrayList<>();
    for (BetEvaluator.Outcome outcome : outcomes) {
      Bet bet = outcome.bet();
      for (BetEvaluator.Progress p : outcome.progress()) {
        rows.add(RowFactory.create(tree.id(), bet.id(), date(bet.cycle().start()), bet.targetNode(),
            context.series().grain().key(), date(p.period().start()), date(p.period().end()),
            finite(p.baseline()), finite(p.expected()), finite(p.actual()), finite(p.expectedChange()),
            finite(p.realizedChange()), finite(p.cumulativeExpectedChange()),
            finite(p.cumulativeRealizedChange()), p.complete(), date(context.asOf()), context.runId()));
      }
    }
    return rows;
  }

  private List<Row> outcomes(List<BetEvaluator.Outcome> outcomes) {
    List<Row> rows = new ArrayList<>();
    for (BetEvaluator.Outcome outcome : outcomes) {
      Bet bet = outcome.bet();
      List<String> overlapping = new ArrayList<>();
      for (Bet other : context.acceptedBets()) {
        if (other != bet && other.targetNode().equals(bet.targetNode())
            && other.status() != BetStatus.PROPOSED
            && !other.start().isAfter(bet.end()) && !other.end().isBefore(bet.start())) {
          overlapping.add(other.id());
        }
      }
      Set<String> nodes = new LinkedHashSet<>();
      nodes.add(bet.targetNode());
      if (bet.leadingIndicator() != null) {
        nodes.add(bet.leadingIndicator());
      }
      rows.add(RowFactory.create(tree.id(), bet.id(), date(bet.cycle().start()), bet.cycle().label(),
          bet.team(), bet.title(), bet.targetNode(), bet.status().code(), bet.leadingIndicator(),
          date(bet.start()), date(bet.end()), bet.effort(), bet.confidence(), outcome.baselineModel(),
          outcome.measuredPeriods(), finite(outcome.baselineTotal()), finite(outcome.expectedChange()),
          finite(outcome.realizedChange()), fraction(outcome.expectedChange(), outcome.baselineTotal()),
          fraction(outcome.realizedChange(), outcome.baselineTotal()), finite(outcome.ratio()),
          outcome.beyondInterval(), finite(outcome.indicatorChange()), outcome.indicatorMoved(),
          outcome.verdict(), outcome.reason(), date(outcome.verdictDate()),
          outcome.daysToVerdict() == null ? null : outcome.daysToVerdict().intValue(),
          seq(overlapping), seq(context.annotationsNear(nodes, bet.start(), bet.end())),
          date(context.asOf()), context.runId(), context.now()));
    }
    return rows;
  }

  // ------------------------------------------------------------------ learning

  private List<Row> learningVelocity(List<BetEvaluator.Outcome> outcomes) {
    Map<LocalDate, Map<String, List<BetEvaluator.Outcome>>> groups = new TreeMap<>();
    Map<LocalDate, Cycle> cycles = new HashMap<>();
    for (BetEvaluator.Outcome outcome : outcomes) {
      Cycle cycle = outcome.bet().cycle();
      cycles.put(cycle.start(), cycle);
      Map<String, List<BetEvaluator.Outcome>> byTeam =
          groups.computeIfAbsent(cycle.start(), k -> new TreeMap<>());
      byTeam.computeIfAbsent("all", k -> new ArrayList<>()).add(outcome);
      byTeam.computeIfAbsent(outcome.bet().team(), k -> new ArrayList<>()).add(outcome);
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<LocalDate, Map<String, List<BetEvaluator.Outcome>>> entry : groups.entrySet()) {
      Cycle cycle = cycles.get(entry.getKey());
      for (Map.Entry<String, List<BetEvaluator.Outcome>> team : entry.getValue().entrySet()) {
        rows.add(velocityRow(cycle, team.getKey(), team.getValue()));
      }
    }
    return rows;
  }

  private Row velocityRow(Cycle cycle, String team, List<BetEvaluator.Outcome> outcomes) {
    LearningVelocity.Counts counts = LearningVelocity.count(outcomes);
    boolean all = team.equals("all");
    Integer validatedLinks = all ? scores.countChangesTo("validated", cycle.start(), cycle.end()) : null;
    Integer hardenedLinks = all ? scores.countChangesTo("hardened", cycle.start(), cycle.end()) : null;
    List<String> notes = new ArrayList<>();
    if (!all) {
      notes.add("link counts are per tree, on the team all row");
    } else if (scores.historyNote() != null) {
      notes.add("link counts are null: " + scores.historyNote());
    }
    if (counts.validationRate() == null) {
      notes.add("no hypothesis tested yet, so no validation rate");
    }
    if (counts.medianDaysToVerdict() == null) {
      notes.add("no bet concluded yet, so no median days to verdict");
    }
    return RowFactory.create(tree.id(), date(cycle.start()), date(cycle.end()), cycle.label(), team,
        counts.placed(), counts.concluded(), counts.tested(), counts.validated(), counts.partiallyValidated(),
        counts.refuted(), counts.executionProblems(), counts.pending(), finite(counts.validationRate()),
        counts.effort(), validatedLinks, hardenedLinks, finite(counts.medianDaysToVerdict()),
        notes.isEmpty() ? null : String.join("; ", notes), date(context.asOf()), context.runId(),
        context.now());
  }

  private List<Row> leverage(List<BetEvaluator.Outcome> outcomes) {
    Map<LocalDate, Cycle> cycles = new TreeMap<>();
    for (Bet bet : context.acceptedBets()) {
      cycles.put(bet.cycle().start(), bet.cycle());
    }
    List<Row> rows = new ArrayList<>();
    for (Cycle cycle : cycles.values()) {
      Period basePeriod = context.series().lastCompleteBefore(cycle.start());
      Map<String, Double> base = basePeriod == null ? Map.of() : context.series().valuesAt(basePeriod.start());
      Double northStarBase = base.get(northStar);
      for (Node node : tree.nodes().values()) {
        if (node.id().equals(northStar)) {
          continue;
        }
        Double nodeBase = base.get(node.id());
        Double elasticity = basePeriod == null ? null : finite(context.impact().elasticity(node.id(), northStar, base));
        int bets = 0;
        double effort = 0;
        Double realized = null;
        for (BetEvaluator.Outcome outcome : outcomes) {
          Bet bet = outcome.bet();
          if (bet.cycle().equals(cycle) && bet.targetNode().equals(node.id())) {
            bets++;
            effort += bet.effort();
            if (outcome.realizedChange() != null) {
              realized = (realized == null ? 0.0 : realized) + outcome.realizedChange();
            }
          }
        }
        Double northStarRealized = realized == null || elasticity == null || nodeBase == null
            || nodeBase == 0.0 || northStarBase == null
            ? null
            : finite(realized / nodeBase * elasticity * northStarBase);
        rows.add(RowFactory.create(tree.id(), date(cycle.start()), date(cycle.end()), cycle.label(),
            node.id(), !node.hasFormula(), basePeriod == null ? null : date(basePeriod.start()),
            finite(nodeBase), elasticity, bets, effort, finite(realized), northStarRealized,
            northStarRealized == null || effort == 0.0 ? null : finite(northStarRealized / effort),
            date(context.asOf()), context.runId(), context.now()));
      }
    }
    return rows;
  }
}

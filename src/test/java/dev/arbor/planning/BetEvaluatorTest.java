package dev.arbor.planning;

import static dev.arbor.planning.PlanningFixtures.betRow;
import static dev.arbor.planning.PlanningFixtures.retailTree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.config.PlanningSettings.VerdictThresholds;
import dev.arbor.period.Grain;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.tree.Tree;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verdicts on a monthly series. The target aov has history Dec-Mar of 10, 12, 8, 10: no
 * significant slope, so the counterfactual baseline is the mean, 10 a month. A +10% bet from
 * April 1 to June 30 without ramp-up expects +1 a month, +3 over the quarter. The indicator
 * new_users is 100 in every month before April, so its baseline is 100.
 */
class BetEvaluatorTest {
  private static final PeriodCalendar APRIL = new PeriodCalendar(ZoneId.of("UTC"), DayOfWeek.MONDAY, 4);
  private static final VerdictThresholds THRESHOLDS = new VerdictThresholds(0.7, 0.3, 0.02);
  private static final LocalDate AFTER = LocalDate.of(2011, 7, 10);

  @TempDir Path dir;
  private Tree tree;

  @BeforeEach
  void loadTree() {
    tree = retailTree(dir);
  }

  private NodeSeries series(double aprToJun, double indicator) {
    NodeSeries series = new NodeSeries(Grain.MONTH, APRIL);
    double[] history = {10, 12, 8, 10};
    LocalDate month = LocalDate.of(2010, 12, 1);
    for (double value : history) {
      series.put("aov", APRIL.periodOf(Grain.MONTH, month), value, true);
      series.put("new_users", APRIL.periodOf(Grain.MONTH, month), 100.0, true);
      month = month.plusMonths(1);
    }
    for (int i = 0; i < 3; i++) {
      series.put("aov", APRIL.periodOf(Grain.MONTH, month), aprToJun, true);
      series.put("new_users", APRIL.periodOf(Grain.MONTH, month), indicator, true);
      month = month.plusMonths(1);
    }
    return series;
  }

  private BetEvaluator.Outcome evaluate(NodeSeries series, LocalDate asOf, String... fields) {
    Bet bet = BetLedger.validate(List.of(betRow(2, fields)), tree, APRIL, Grain.QUARTER).get(0);
    assertThat(bet.problems()).isEmpty();
    return new BetEvaluator(series, APRIL, 0.9, THRESHOLDS).evaluate(bet, asOf);
  }

  @Test
  void fullDeliveryIsValidated() {
    BetEvaluator.Outcome outcome = evaluate(series(11, 100), AFTER);

    // Realized 3 x (11 - 10) = 3 of the expected 3: ratio 1.
    assertThat(outcome.verdict()).isEqualTo("validated");
    assertThat(outcome.baselineModel()).isEqualTo("mean");
    assertThat(outcome.measuredPeriods()).isEqualTo(3);
    assertThat(outcome.expectedChange()).isCloseTo(3.0, within(1e-12));
    assertThat(outcome.realizedChange()).isCloseTo(3.0, within(1e-12));
    assertThat(outcome.ratio()).isCloseTo(1.0, within(1e-12));
    assertThat(outcome.verdictDate()).isEqualTo(LocalDate.of(2011, 6, 30));
    assertThat(outcome.daysToVerdict()).isEqualTo(0L);
    assertThat(outcome.progress().get(0).expected()).isCloseTo(11.0, within(1e-12));
  }

  @Test
  void halfDeliveryIsPartiallyValidated() {
    BetEvaluator.Outcome outcome = evaluate(series(10.5, 100), AFTER);

    // Realized 1.5 of 3: ratio 0.5, between 0.3 and 0.7.
    assertThat(outcome.verdict()).isEqualTo("partially_validated");
    assertThat(outcome.ratio()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void indicatorMovedButTargetDidNotIsHypothesisFailure() {
    BetEvaluator.Outcome outcome =
        evaluate(series(10.1, 110), AFTER, "leading_indicator", "new_users");

    // Target: 0.3 of 3, ratio 0.1. Indicator: (3 x 10) / 300 = +10%, above 2%.
    assertThat(outcome.verdict()).isEqualTo("hypothesis_failure");
    assertThat(outcome.ratio()).isCloseTo(0.1, within(1e-12));
    assertThat(outcome.indicatorChange()).isCloseTo(0.10, within(1e-12));
    assertThat(outcome.indicatorMoved()).isTrue();
  }

  @Test
  void indicatorThatDidNotMoveIsExecutionProblem() {
    BetEvaluator.Outcome outcome =
        evaluate(series(11, 100.5), AFTER, "leading_indicator", "new_users");

    // Indicator: (3 x 0.5) / 300 = +0.5%, below 2%; the target's move does not matter.
    assertThat(outcome.verdict()).isEqualTo("execution_problem");
    assertThat(outcome.reason()).isEqualTo(
        "shipped, but the leading indicator new_users moved +0.50% against its baseline, less than +2.00%");
  }

  @Test
  void notShippedAndKilledAreExecutionProblems() {
    BetEvaluator.Outcome running = evaluate(series(11, 100), AFTER, "status", "running");
    BetEvaluator.Outcome killed = evaluate(series(11, 100), LocalDate.of(2011, 5, 20), "status", "killed");

    assertThat(running.verdict()).isEqualTo("execution_problem");
    assertThat(running.reason()).isEqualTo("not shipped by its end date 2011-06-30 (status running)");
    assertThat(running.verdictDate()).isEqualTo(LocalDate.of(2011, 6, 30));
    assertThat(killed.verdict()).isEqualTo("execution_problem");
    assertThat(killed.reason()).isEqualTo("killed before shipping");
    assertThat(killed.verdictDate()).isEqualTo(LocalDate.of(2011, 5, 20));
  }

  @Test
  void incompleteWindowIsPendingWithRunningTally() {
    BetEvaluator.Outcome outcome = evaluate(series(11, 100), LocalDate.of(2011, 6, 15));

    // April and May are complete: expected 2, realized 2 so far; June is not.
    assertThat(outcome.verdict()).isEqualTo("pending");
    assertThat(outcome.reason()).isEqualTo("running until 2011-06-30");
    assertThat(outcome.measuredPeriods()).isEqualTo(2);
    assertThat(outcome.progress().get(1).cumulativeRealizedChange()).isCloseTo(2.0, within(1e-12));
    assertThat(outcome.progress().get(2).actual()).isNull();
  }

  @Test
  void targetWithoutHistoryHasInsufficientData() {
    NodeSeries series = series(11, 100);

    BetEvaluator.Outcome outcome = evaluate(series, AFTER, "target_node", "returns");

    assertThat(outcome.verdict()).isEqualTo("insufficient_data");
    assertThat(outcome.reason()).isEqualTo("no history of returns before the bet started, so no baseline");
    assertThat(outcome.verdictDate()).isNull();
  }

  @Test
  void rampAndMidMonthEndScaleTheExpectation() {
    BetEvaluator.Outcome outcome = evaluate(series(11, 100), AFTER,
        "end_date", "2011-06-15", "ramp_up_days", "10");

    // April: days 1..10 ramp 0.1 .. 1.0 (sum 5.5), then 20 days at 1: mean 25.5 / 30 = 0.85.
    // May: 1. June: 15 of 30 days: 0.5. Expected = 0.85 + 1 + 0.5 = 2.35 (10% of 10 a month).
    // The verdict comes at the end of June, 15 days after the bet's end.
    assertThat(outcome.expectedChange()).isCloseTo(2.35, within(1e-12));
    assertThat(outcome.daysToVerdict()).isEqualTo(15L);
  }

  @Test
  void learningVelocityCountsVerdicts() {
    List<BetEvaluator.Outcome> outcomes = List.of(
        evaluate(series(11, 100), AFTER),
        evaluate(series(10.5, 100), AFTER),
        evaluate(series(10.1, 110), AFTER, "leading_indicator", "new_users"),
        evaluate(series(11, 100), AFTER, "status", "running", "end_date", "2011-06-10"),
        evaluate(series(11, 100), LocalDate.of(2011, 6, 15)));

    LearningVelocity.Counts counts = LearningVelocity.count(outcomes);

    // Validated, partial, refuted, execution problem, pending; effort 4 each. Days to verdict of
    // the four concluded: 0, 0, 0 and 0 (running bet judged at its end date 2011-06-10).
    assertThat(counts.placed()).isEqualTo(5);
    assertThat(counts.concluded()).isEqualTo(4);
    assertThat(counts.tested()).isEqualTo(3);
    assertThat(counts.validated()).isEqualTo(1);
    assertThat(counts.partiallyValidated()).isEqualTo(1);
    assertThat(counts.refuted()).isEqualTo(1);
    assertThat(counts.executionProblems()).isEqualTo(1);
    assertThat(counts.pending()).isEqualTo(1);
    assertThat(counts.validationRate()).isCloseTo(1.0 / 3.0, within(1e-15));
    assertThat(counts.effort()).isEqualTo(20.0);
    assertThat(counts.medianDaysToVerdict()).isEqualTo(0.0);
    assertThat(LearningVelocity.median(List.of(3L, 1L, 10L, 4L))).isEqualTo(3.5);
  }
}

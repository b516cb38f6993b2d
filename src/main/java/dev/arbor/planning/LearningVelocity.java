package dev.arbor.planning;

import java.util.ArrayList;
import java.util.List;

/** Counts of bet verdicts that measure how fast a team learns. */
public final class LearningVelocity {
  private LearningVelocity() {}

  /**
   * Verdict counts of a group of bets.
   *
   * @param placed bets in the group (every status but proposed)
   * @param concluded bets with a final verdict
   * @param tested validated + partially validated + refuted
   * @param validationRate validated / tested, or null when none was tested
   * @param medianDaysToVerdict median of days from end date to verdict over concluded bets, or
   *     null when none concluded
   */
  public record Counts(int placed, int concluded, int tested, int validated,
      int partiallyValidated, int refuted, int executionProblems, int pending,
      Double validationRate, double effort, Double medianDaysToVerdict) {}

  public static Counts count(List<BetEvaluator.Outcome> outcomes) {
    int concluded = 0;
    int validated = 0;
    int partial = 0;
    int refuted = 0;
    int execution = 0;
    int pending = 0;
    double effort = 0;
    List<Long> days = new ArrayList<>();
    for (BetEvaluator.Outcome outcome : outcomes) {
      effort += outcome.bet().effort();
      switch (outcome.verdict()) {
        case "validated" -> validated++;
        case "partially_validated" -> partial++;
        case "hypothesis_failure" -> refuted++;
        case "execution_problem" -> execution++;
        default -> pending++;
      }
      if (outcome.isConcluded()) {
        concluded++;
        if (outcome.daysToVerdict() != null) {
          days.add(outcome.daysToVerdict());
        }
      }
    }
    int tested = validated + partial + refuted;
    return new Counts(outcomes.size(), concluded, tested, validated, partial, refuted, execution,
        pending, tested == 0 ? null : (double) validated / tested, effort, median(days));
  }

  static Double median(List<Long> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }
}

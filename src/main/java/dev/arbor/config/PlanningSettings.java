package dev.arbor.config;

import dev.arbor.period.Grain;
import dev.arbor.tree.Origin;

/**
 * Planning settings of one tree: where its bet ledger and annotations live, the planning cycle and
 * the thresholds of bet verdicts. Defaults come from {@code arbor.planning} in reference.conf.
 *
 * @param bets location of the bet ledger: a CSV file (name ending in .csv) or a Delta table path,
 *     resolved against the folder of the top-level config file
 * @param annotations location of the annotations, CSV or Delta like {@code bets}, or null
 * @param cycle length of a planning cycle, quarter by default (the tree's fiscal quarters)
 * @param forecastGrain periods within a cycle for which forecasts and actuals are compared
 * @param intervalLevel coverage of the forecast prediction intervals, e.g. 0.9
 * @param annotationWindowDays annotations within this many days of a period or bet are listed
 *     next to it
 * @param verdict thresholds of bet verdicts
 * @param origin where the tree's planning section is, for messages
 */
public record PlanningSettings(
    String bets,
    String annotations,
    Grain cycle,
    Grain forecastGrain,
    double intervalLevel,
    int annotationWindowDays,
    VerdictThresholds verdict,
    Origin origin) {

  /**
   * Thresholds that turn a bet's measured effect into a verdict.
   *
   * @param validatedRatio realized / expected change at or above which a shipped bet is validated
   * @param partialRatio realized / expected change at or above which (and below {@code
   *     validatedRatio}) a shipped bet is partially validated
   * @param indicatorMinChange smallest relative change of a leading indicator against its
   *     baseline that counts as a move, e.g. 0.02 for 2%
   */
  public record VerdictThresholds(
      double validatedRatio, double partialRatio, double indicatorMinChange) {}
}

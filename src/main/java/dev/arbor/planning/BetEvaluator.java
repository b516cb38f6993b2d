package dev.arbor.planning;

import dev.arbor.config.PlanningSettings.VerdictThresholds;
import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.period.PeriodCalendar;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures a bet against its counterfactual and gives it a verdict.
 *
 * <p>The counterfactual baseline of the target (and of the leading indicator) is a {@link
 * Forecaster} forecast from the complete periods that end before the bet starts, so it cannot
 * contain the bet's effect. The bet's window is every period of the forecast grain that overlaps
 * its start to end dates. Per period, the expected change is the bet's change at full effect
 * times its mean effect over the period (ramp-up included), and the realized change is the actual
 * value minus the baseline.
 *
 * <p>Verdicts, in this order:
 *
 * <ol>
 *   <li>{@code pending}: not killed, and the window's last period is not complete at the as-of
 *       date.
 *   <li>{@code execution_problem}: killed, or not shipped when its window ended, or shipped but
 *       its leading indicator moved less than {@code indicatorMinChange} against its baseline.
 *   <li>{@code insufficient_data}: shipped, but no baseline or no actual value to compare.
 *   <li>{@code validated}: realized / expected at least {@code validatedRatio}.
 *   <li>{@code partially_validated}: realized / expected at least {@code partialRatio}.
 *   <li>{@code hypothesis_failure}: shipped and (when it has one) its indicator moved, but the
 *       target moved less than {@code partialRatio} of the expected change, or the other way.
 * </ol>
 */
public final class BetEvaluator {
  private final NodeSeries series;
  private final PeriodCalendar calendar;
  private final double level;
  private final VerdictThresholds thresholds;

  /** One period of a bet's window. */
  public record Progress(
      Period period,
      Double baseline,
      Double expected,
      Double actual,
      Double expectedChange,
      Double realizedChange,
      Double cumulativeExpectedChange,
      Double cumulativeRealizedChange,
      boolean complete) {}

  /**
   * A bet's measured effect and verdict.
   *
   * @param expectedChange sum over the measured periods of the expected change, target's unit
   * @param realizedChange sum over the measured periods of actual minus baseline
   * @param ratio realized / expected, or null without measured periods
   * @param beyondInterval whether the realized change lies outside the baseline's prediction
   *     interval of the summed periods (half-widths combined in quadrature); null without interval
   * @param indicatorChange relative move of the leading indicator against its baseline
   * @param verdictDate day on which the verdict could first be given: the end of the window's
   *     last period for a shipped bet, else the end date (or the as-of date for a bet killed
   *     before it)
   */
  public record Outcome(
      Bet bet,
      String verdict,
      String reason,
      String baselineModel,
      int measuredPeriods,
      Double baselineTotal,
      Double expectedChange,
      Double realizedChange,
      Double ratio,
      Boolean beyondInterval,
      Double indicatorChange,
      Boolean indicatorMoved,
      LocalDate verdictDate,
      Long daysToVerdict,
      List<Progress> progress) {

    public boolean isConcluded() {
      return !verdict.equals("pending") && !verdict.equals("insufficient_data");
    }

  }

  public BetEvaluator(NodeSeries series, PeriodCalendar calendar, double level, VerdictThresholds thresholds) {
    this.series = series;
    this.calendar = calendar;
    this.level = level;
    this.thresholds = thresholds;
  }

  /** Measures {@code bet} with the data complete at {@code asOf}. */
  public Outcome evaluate(Bet bet, LocalDate asOf) {
    Grain grain = series.grain();
    List<Period> window = calendar.periodsBetween(grain, bet.start(), bet.end());
    Counterfactual target = counterfactual(bet.targetNode(), bet.start(), window);
    List<Progress> progress = new ArrayList<>();
    double expectedSum = 0;
    double realizedSum = 0;
    double baselineSum = 0;
    double varianceSum = 0;
    boolean intervalKnown = true;
    int measured = 0;
    for (int i = 0; i < window.size(); i++) {
      Period period = window.get(i);
      boolean complete = period.isCompleteAt(asOf) && series.isComplete(period.start());
      Double base = target.mean(i);
      double share = bet.meanEffect(period.start(), period.end());
      Double amount = bet.expectedChange().amount(base);
      Double expectedChange = amount == null ? null : amount * share;
      Double actual = complete ? series.value(bet.targetNode(), period.start()) : null;
      Double realized = actual == null || base == null ? null : actual - base;
      if (realized != null && expectedChange != null) {
        measured++;
        expectedSum += expectedChange;
        realizedSum += realized;
        baselineSum += base;
        Double half = target.halfWidth(i);
        if (half == null) {
          intervalKnown = false;
        } else {
          varianceSum += half * half;
        }
      }
      progress.add(new Progress(period, base,
          base == null || expectedChange == null ? null : base + expectedChange,
          actual, expectedChange, realized,
          measured == 0 ? null : expectedSum, measured == 0 ? null : realizedSum, complete));
    }

    Period last = window.get(window.size() - 1);
    boolean dataComplete = last.isCompleteAt(asOf) && series.isComplete(last.start());
    Double ratio = measured == 0 || expectedSum == 0.0 ? null : realizedSum / expectedSum;
    Boolean beyond = measured == 0 || !intervalKnown ? null : Math.abs(realizedSum) > Math.sqrt(varianceSum);
    Double indicatorChange = null;
    Boolean indicatorMoved = null;
    if (bet.leadingIndicator() != null) {
      indicatorChange = relativeMove(bet.leadingIndicator(), bet.start(), window, asOf);
      indicatorMoved = indicatorChange == null ? null : Math.abs(indicatorChange) >= thresholds.indicatorMinChange();
    }

    String verdict;
    String reason;
    LocalDate verdictDate = null;
    if (bet.status() == BetStatus.KILLED) {
      verdict = "execution_problem";
      reason = "killed before shipping";
      verdictDate = asOf.isBefore(bet.end()) ? asOf : bet.end();
    } else if (!dataComplete) {
      verdict = "pending";
      reason = asOf.isBefore(bet.end())
          ? "running until " + bet.end()
          : "waiting for the " + grain.key() + " ending " + last.end() + " to complete";
    } else if (bet.status() != BetStatus.SHIPPED) {
      verdict = "execution_problem";
      reason = "not shipped by its end date " + bet.end() + " (status " + bet.status().code() + ")";
      verdictDate = bet.end();
    } else if (Boolean.FALSE.equals(indicatorMoved)) {
      verdict = "execution_problem";
      reason = String.format(Locale.ROOT,
          "shipped, but the leading indicator %s moved %s against its baseline, less than %s",
          bet.leadingIndicator(), percent(indicatorChange), percent(thresholds.indicatorMinChange()));
      verdictDate = last.end();
    } else if (ratio == null) {
      verdict = "insufficient_data";
      reason = target.model.equals("none")
          ? "no history of " + bet.targetNode() + " before the bet started, so no baseline"
          : "no actual value of " + bet.targetNode() + " in the bet's periods";
    } else {
      String indicator = bet.leadingIndicator() == null
          ? "no leading indicator"
          : "leading indicator " + bet.leadingIndicator() + " moved " + percent(indicatorChange);
      String measuredText = String.format(Locale.ROOT,
          "realized %.4g of the expected %.4g (%.0f%%); %s", realizedSum, expectedSum, ratio * 100, indicator);
      if (ratio >= thresholds.validatedRatio()) {
        verdict = "validated";
      } else if (ratio >= thresholds.partialRatio()) {
        verdict = "partially_validated";
      } else {
        verdict = "hypothesis_failure";
      }
      reason = measuredText;
      verdictDate = last.end();
    }
    if (verdict.equals("insufficient_data")) {
      verdictDate = null;
    }
    Long days = verdictDate == null ? null : Math.max(0L, ChronoUnit.DAYS.between(bet.end(), verdictDate));
    return new Outcome(bet, verdict, reason, target.model, measured,
        measured == 0 ? null : baselineSum, measured == 0 ? null : expectedSum,
        measured == 0 ? null : realizedSum, ratio, beyond, indicatorChange, indicatorMoved,
        verdictDate, days, progress);
  }

  private Double relativeMove(String node, LocalDate start, List<Period> window, LocalDate asOf) {
    Counterfactual baseline = counterfactual(node, start, window);
    double change = 0;
    double base = 0;
    for (int i = 0; i < window.size(); i++) {
      Period period = window.get(i);
      Double b = baseline.mean(i);
      Double actual = period.isCompleteAt(asOf) ? series.value(node, period.start()) : null;
      if (b != null && actual != null) {
        change += actual - b;
        base += Math.abs(b);
      }
    }
    return base == 0.0 ? null : change / base;
  }

  /** Forecasts a node from the periods before {@code start}, indexed by window period. */
  private Counterfactual counterfactual(String node, LocalDate start, List<Period> window) {
    List<Period> history = series.historyBefore(start);
    int offset = 0;
    if (!history.isEmpty()) {
      Period next = calendar.following(history.get(history.size() - 1));
      offset = (int) calendar.periodsBetween(series.grain(), next.start(), window.get(0).start()).size() - 1;
    }
    int horizon = offset + window.size();
    Forecaster.SeriesForecast forecast = Forecaster.forecast(
        series.series(node, history), horizon, CycleForecaster.seasonLength(series.grain()), level);
    return new Counterfactual(forecast, offset, forecast.model());
  }

  private record Counterfactual(Forecaster.SeriesForecast forecast, int offset, String model) {
    Double mean(int i) {
      return forecast.mean().length == 0 ? null : forecast.mean()[offset + i];
    }

    Double halfWidth(int i) {
      return forecast.mean().length == 0 ? null : forecast.halfWidth(offset + i);
    }
  }

  private static String percent(Double fraction) {
    return fraction == null ? "n/a" : String.format(Locale.ROOT, "%+.2f%%", fraction * 100);
  }
}

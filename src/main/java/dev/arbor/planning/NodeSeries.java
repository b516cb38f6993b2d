package dev.arbor.planning;

import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.period.PeriodCalendar;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The totals of every node of a tree at one grain (node_values rows with dimension and segment
 * {@code all}), held on the driver: one small series per node.
 */
public final class NodeSeries {
  private final Grain grain;
  private final PeriodCalendar calendar;
  private final TreeMap<LocalDate, Period> periods = new TreeMap<>();
  private final Map<LocalDate, Boolean> complete = new HashMap<>();
  private final Map<LocalDate, Map<String, Double>> values = new HashMap<>();

  public NodeSeries(Grain grain, PeriodCalendar calendar) {
    this.grain = grain;
    this.calendar = calendar;
  }

  public Grain grain() {
    return grain;
  }

  /** Records a node's value; a null value is a period without a value (e.g. a zero divisor). */
  public void put(String nodeId, Period period, Double value, boolean isComplete) {
    periods.put(period.start(), period);
    complete.merge(period.start(), isComplete, Boolean::logicalAnd);
    values.computeIfAbsent(period.start(), k -> new HashMap<>()).put(nodeId, value);
  }

  /** Returns every node's value in the period starting {@code start}; empty when unknown. */
  public Map<String, Double> valuesAt(LocalDate start) {
    return new HashMap<>(values.getOrDefault(start, Map.of()));
  }

  public Double value(String nodeId, LocalDate start) {
    return values.getOrDefault(start, Map.of()).get(nodeId);
  }

  /** Returns whether the period starting {@code start} is stored and complete. */
  public boolean isComplete(LocalDate start) {
    return complete.getOrDefault(start, false);
  }

  /**
   * Returns the complete periods that end before {@code day}, consecutive from the first stored
   * period (a missing period in between is included, so a gap stays a gap).
   */
  public List<Period> historyBefore(LocalDate day) {
    List<Period> history = new ArrayList<>();
    if (periods.isEmpty()) {
      return history;
    }
    for (Period period = periods.firstEntry().getValue();
        period.end().isBefore(day);
        period = calendar.following(period)) {
      if (periods.containsKey(period.start()) && !isComplete(period.start())) {
        break;
      }
      history.add(period);
    }
    return history;
  }

  /** Returns a node's values over {@code history}, null where a period has no value. */
  public List<Double> series(String nodeId, List<Period> history) {
    List<Double> series = new ArrayList<>();
    for (Period period : history) {
      series.add(value(nodeId, period.start()));
    }
    return series;
  }

  /** Returns the latest complete period that ends before {@code day}, or null. */
  public Period lastCompleteBefore(LocalDate day) {
    for (Period period : periods.descendingMap().values()) {
      if (period.end().isBefore(day) && isComplete(period.start())) {
        return period;
      }
    }
    return null;
  }

  public int periodCount() {
    return periods.size();
  }

  /** Returns the stored period starting {@code start}, or null. */
  public Period period(LocalDate start) {
    return periods.get(start);
  }
}

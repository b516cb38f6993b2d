package dev.arbor.links;

import dev.arbor.period.Period;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Node values over a {@link LinkWindow}, one list per node with one entry per period of the window,
 * {@code null} where the period has no usable value.
 *
 * <p>A value is usable when its period is one of the window's periods, its row is complete and the
 * value is finite. A period without a row, with a null value or with an incomplete row is missing,
 * so a gap stays a gap instead of shifting later values.
 */
public final class WindowSeries {

  /**
   * One row of node_values for the segment 'all'.
   *
   * @param complete whether the period had ended at the as-of date of the run that wrote the row
   */
  public record Observation(String nodeId, LocalDate periodStart, Double value, boolean complete) {}

  private final LinkWindow window;
  private final Map<String, List<Double>> byNode;
  private final int incompleteRows;
  private final int nonFiniteValues;

  private WindowSeries(
      LinkWindow window,
      Map<String, List<Double>> byNode,
      int incompleteRows,
      int nonFiniteValues) {
    this.window = window;
    this.byNode = byNode;
    this.incompleteRows = incompleteRows;
    this.nonFiniteValues = nonFiniteValues;
  }

  /**
   * Aligns observations with the window's periods. Observations of periods outside the window are
   * ignored.
   *
   * @throws IllegalStateException if two observations have the same node and period, which means
   *     the input mixes segments or runs
   */
  public static WindowSeries align(LinkWindow window, Collection<Observation> observations) {
    Map<LocalDate, Integer> index = new HashMap<>();
    List<Period> periods = window.periods();
    for (int i = 0; i < periods.size(); i++) {
      index.put(periods.get(i).start(), i);
    }

    Map<String, List<Double>> byNode = new LinkedHashMap<>();
    Map<String, boolean[]> seen = new HashMap<>();
    int incomplete = 0;
    int nonFinite = 0;
    for (Observation observation : observations) {
      Integer position = index.get(observation.periodStart());
      if (position == null) {
        continue;
      }
      boolean[] seenPeriods =
          seen.computeIfAbsent(observation.nodeId(), id -> new boolean[periods.size()]);
      if (seenPeriods[position]) {
        throw new IllegalStateException(
            "Cannot align node "
                + observation.nodeId()
                + ": two values for the period starting "
                + observation.periodStart());
      }
      seenPeriods[position] = true;
      List<Double> series =
          byNode.computeIfAbsent(
              observation.nodeId(),
              id -> new ArrayList<>(Collections.nCopies(periods.size(), null)));
      Double value = observation.value();
      if (!observation.complete()) {
        incomplete++;
      } else if (value != null && !Double.isFinite(value)) {
        nonFinite++;
      } else {
        series.set(position, value);
      }
    }
    return new WindowSeries(window, byNode, incomplete, nonFinite);
  }

  public LinkWindow window() {
    return window;
  }

  /** Returns a node's values in period order; every entry is null for a node without rows. */
  public List<Double> of(String nodeId) {
    List<Double> series = byNode.get(nodeId);
    return series == null
        ? Collections.nCopies(window.length(), null)
        : Collections.unmodifiableList(series);
  }

  /** Returns the number of rows left out because their period was incomplete. */
  public int incompleteRows() {
    return incompleteRows;
  }

  /** Returns the number of NaN or infinite values left out. */
  public int nonFiniteValues() {
    return nonFiniteValues;
  }
}

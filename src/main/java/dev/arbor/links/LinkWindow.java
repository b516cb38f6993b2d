package dev.arbor.links;

import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.period.PeriodCalendar;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The consecutive complete periods of one grain over which links are fitted: the last {@code
 * length} periods that had ended on the as-of date, oldest first.
 *
 * @param grain the periods' grain
 * @param periods the periods in calendar order, never empty
 */
public record LinkWindow(Grain grain, List<Period> periods) {

  public LinkWindow {
    periods = List.copyOf(periods);
    if (periods.isEmpty()) {
      throw new IllegalArgumentException("Invalid window: no period");
    }
  }

  /**
   * Returns the window of {@code length} periods that ends with the last period complete on {@code
   * asOf}. The period containing {@code asOf} counts only when {@code asOf} is its last day.
   *
   * @throws IllegalArgumentException if {@code length} is less than 1
   */
  public static LinkWindow ending(
      PeriodCalendar calendar, Grain grain, LocalDate asOf, int length) {
    if (length < 1) {
      throw new IllegalArgumentException(
          "Invalid window length: " + length + ", expected at least 1");
    }
    Period last = calendar.periodOf(grain, asOf);
    if (!last.isCompleteAt(asOf)) {
      last = calendar.previous(last);
    }
    List<Period> periods = new ArrayList<>(length);
    Period period = last;
    for (int i = 0; i < length; i++) {
      periods.add(period);
      period = calendar.previous(period);
    }
    Collections.reverse(periods);
    return new LinkWindow(grain, periods);
  }

  /** Returns the first day of the first period. */
  public LocalDate start() {
    return periods.get(0).start();
  }

  /** Returns the last day of the last period, the date the lifecycle records for a fit. */
  public LocalDate end() {
    return periods.get(periods.size() - 1).end();
  }

  /** Returns the number of periods. */
  public int length() {
    return periods.size();
  }
}

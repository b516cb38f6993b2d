package dev.arbor.planning;

import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.period.PeriodCalendar;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A planning cycle: one period of the cycle grain (a fiscal quarter by default).
 *
 * @param label name shown to people: {@code FY2011/12 Q1} for a fiscal quarter when the fiscal
 *     year starts after January (the fiscal year is named by the two calendar years it spans),
 *     {@code 2011 Q1} when it starts in January, {@code 2011-04} for a month, and the first day
 *     for a week
 */
public record Cycle(Grain grain, LocalDate start, LocalDate end, String label) {

  /** Returns the cycle of {@code grain} that contains {@code day}. */
  public static Cycle containing(PeriodCalendar calendar, Grain grain, LocalDate day) {
    Period period = calendar.periodOf(grain, day);
    return new Cycle(grain, period.start(), period.end(), label(calendar, period));
  }

  /** Returns the periods of {@code grain} that make up the cycle. */
  public List<Period> periods(PeriodCalendar calendar, Grain periodGrain) {
    return calendar.periodsBetween(periodGrain, start, end);
  }

  public long days() {
    return ChronoUnit.DAYS.between(start, end) + 1;
  }

  public boolean contains(LocalDate day) {
    return !day.isBefore(start) && !day.isAfter(end);
  }

  private static String label(PeriodCalendar calendar, Period period) {
    LocalDate start = period.start();
    return switch (period.grain()) {
      case QUARTER -> {
        int fiscalStart = calendar.fiscalYearStartMonth();
        int monthsIn = Math.floorMod(start.getMonthValue() - fiscalStart, 12);
        int quarter = monthsIn / 3 + 1;
        int firstYear = start.minusMonths(monthsIn).getYear();
        yield fiscalStart == 1
            ? firstYear + " Q" + quarter
            : "FY" + firstYear + "/" + String.format("%02d", (firstYear + 1) % 100) + " Q" + quarter;
      }
      case MONTH -> String.format("%d-%02d", start.getYear(), start.getMonthValue());
      default -> start.toString();
    };
  }
}

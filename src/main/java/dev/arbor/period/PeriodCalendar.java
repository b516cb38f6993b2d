package dev.arbor.period;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps local days to periods: weeks start on {@link #weekStart()}, quarters are counted from the
 * fiscal year's first month. Days are already local to {@link #timeZone()}; the zone is kept
 * here so that the whole reporting calendar lives in one object.
 */
public record PeriodCalendar(ZoneId timeZone, DayOfWeek weekStart, int fiscalYearStartMonth) {

  public PeriodCalendar {
    if (fiscalYearStartMonth < 1 || fiscalYearStartMonth > 12) {
      throw new IllegalArgumentException(
          "Invalid fiscal year start month: " + fiscalYearStartMonth + " (expected 1 to 12)");
    }
  }

  /** UTC, ISO weeks starting on Monday, fiscal year equal to the calendar year. */
  public static PeriodCalendar iso() {
    return new PeriodCalendar(ZoneId.of("UTC"), DayOfWeek.MONDAY, 1);
  }

  /** Returns the period of {@code grain} that contains {@code day}. */
  public Period periodOf(Grain grain, LocalDate day) {
    LocalDate start = startOf(grain, day);
    return new Period(grain, start, next(grain, start).minusDays(1));
  }

  /** Returns the period just before {@code period}. */
  public Period previous(Period period) {
    return periodOf(period.grain(), period.start().minusDays(1));
  }

  /** Returns the period just after {@code period}. */
  public Period following(Period period) {
    return periodOf(period.grain(), period.end().plusDays(1));
  }

  /** Returns every period of {@code grain} that overlaps the days {@code from} to {@code to}. */
  public List<Period> periodsBetween(Grain grain, LocalDate from, LocalDate to) {
    List<Period> periods = new ArrayList<>();
    if (to.isBefore(from)) {
      return periods;
    }
    Period period = periodOf(grain, from);
    while (!period.start().isAfter(to)) {
      periods.add(period);
      period = following(period);
    }
    return periods;
  }

  private LocalDate startOf(Grain grain, LocalDate day) {
    return switch (grain) {
      case DAY -> day;
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(weekStart));
      case MONTH -> day.withDayOfMonth(1);
      case QUARTER -> {
        // Months since the fiscal year started, rounded down to a multiple of three.
        int offset = Math.floorMod(day.getMonthValue() - fiscalYearStartMonth, 12);
        yield day.withDayOfMonth(1).minusMonths(offset % 3);
      }
    };
  }

  private static LocalDate next(Grain grain, LocalDate start) {
    return switch (grain) {
      case DAY -> start.plusDays(1);
      case WEEK -> start.plusWeeks(1);
      case MONTH -> start.plusMonths(1);
      case QUARTER -> start.plusMonths(3);
    };
  }
}

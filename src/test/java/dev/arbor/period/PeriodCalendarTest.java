package dev.arbor.period;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class PeriodCalendarTest {
  private static final ZoneId UTC = ZoneId.of("UTC");

  private static LocalDate day(String text) {
    return LocalDate.parse(text);
  }

  @Test
  void isoWeekStartsOnMonday() {
    PeriodCalendar calendar = PeriodCalendar.iso();
    // 2024-01-07 is a Sunday: it belongs to the ISO week that started on Monday 2024-01-01.
    Period week = calendar.periodOf(Grain.WEEK, day("2024-01-07"));
    assertThat(week.start()).isEqualTo(day("2024-01-01"));
    assertThat(week.end()).isEqualTo(day("2024-01-07"));
    assertThat(calendar.periodOf(Grain.WEEK, day("2024-01-08")).start()).isEqualTo(day("2024-01-08"));
  }

  @Test
  void sundayWeekStart() {
    PeriodCalendar calendar = new PeriodCalendar(UTC, DayOfWeek.SUNDAY, 1);
    Period week = calendar.periodOf(Grain.WEEK, day("2024-01-07"));
    assertThat(week.start()).isEqualTo(day("2024-01-07"));
    assertThat(week.end()).isEqualTo(day("2024-01-13"));
    assertThat(calendar.periodOf(Grain.WEEK, day("2024-01-06")).start()).isEqualTo(day("2023-12-31"));
  }

  @Test
  void weekAcrossYearEnd() {
    Period week = PeriodCalendar.iso().periodOf(Grain.WEEK, day("2021-01-01"));
    assertThat(week.start()).isEqualTo(day("2020-12-28"));
    assertThat(week.end()).isEqualTo(day("2021-01-03"));
  }

  @Test
  void calendarQuarters() {
    PeriodCalendar calendar = PeriodCalendar.iso();
    assertThat(calendar.periodOf(Grain.QUARTER, day("2024-05-15")).start()).isEqualTo(day("2024-04-01"));
    assertThat(calendar.periodOf(Grain.QUARTER, day("2024-05-15")).end()).isEqualTo(day("2024-06-30"));
    assertThat(calendar.periodOf(Grain.QUARTER, day("2024-12-31")).start()).isEqualTo(day("2024-10-01"));
  }

  @Test
  void fiscalQuartersFromApril() {
    PeriodCalendar calendar = new PeriodCalendar(UTC, DayOfWeek.MONDAY, 4);
    // Fiscal Q1 is April to June, Q4 is January to March.
    assertThat(calendar.periodOf(Grain.QUARTER, day("2011-04-01")).start()).isEqualTo(day("2011-04-01"));
    assertThat(calendar.periodOf(Grain.QUARTER, day("2011-06-30")).start()).isEqualTo(day("2011-04-01"));
    assertThat(calendar.periodOf(Grain.QUARTER, day("2011-03-31")).start()).isEqualTo(day("2011-01-01"));
    assertThat(calendar.periodOf(Grain.QUARTER, day("2011-03-31")).end()).isEqualTo(day("2011-03-31"));
  }

  @Test
  void fiscalQuartersFromFebruary() {
    PeriodCalendar calendar = new PeriodCalendar(UTC, DayOfWeek.MONDAY, 2);
    // Quarters: Feb-Apr, May-Jul, Aug-Oct, Nov-Jan; January belongs to the quarter that began in November.
    assertThat(calendar.periodOf(Grain.QUARTER, day("2024-01-15")).start()).isEqualTo(day("2023-11-01"));
    assertThat(calendar.periodOf(Grain.QUARTER, day("2024-01-15")).end()).isEqualTo(day("2024-01-31"));
    assertThat(calendar.periodOf(Grain.QUARTER, day("2024-02-01")).start()).isEqualTo(day("2024-02-01"));
  }

  @Test
  void previousAndFollowingPeriods() {
    PeriodCalendar calendar = PeriodCalendar.iso();
    Period march = calendar.periodOf(Grain.MONTH, day("2024-03-10"));
    assertThat(calendar.previous(march).start()).isEqualTo(day("2024-02-01"));
    assertThat(calendar.previous(march).end()).isEqualTo(day("2024-02-29"));
    assertThat(calendar.following(march).start()).isEqualTo(day("2024-04-01"));
  }

  @Test
  void periodsBetweenCoverWholePeriods() {
    var weeks = PeriodCalendar.iso().periodsBetween(Grain.WEEK, day("2024-01-03"), day("2024-01-15"));
    assertThat(weeks).extracting(Period::start)
        .containsExactly(day("2024-01-01"), day("2024-01-08"), day("2024-01-15"));
  }

  @Test
  void completenessAtAsOfDate() {
    Period january = PeriodCalendar.iso().periodOf(Grain.MONTH, day("2024-01-10"));
    assertThat(january.isCompleteAt(day("2024-01-30"))).isFalse();
    assertThat(january.isCompleteAt(day("2024-01-31"))).isTrue();
  }

  @Test
  void invalidFiscalMonthIsRejected() {
    assertThatThrownBy(() -> new PeriodCalendar(UTC, DayOfWeek.MONDAY, 13))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid fiscal year start month: 13");
  }
}

package dev.arbor.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.links.WindowSeries.Observation;
import dev.arbor.period.Grain;
import dev.arbor.period.PeriodCalendar;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The window of complete periods and the alignment of node values with it. Weeks start on Monday:
 * 2024-03-04, 03-11, 03-18 and 03-25 are Mondays, 2024-03-24 and 03-31 Sundays.
 */
class WindowSeriesTest {
  private static final PeriodCalendar CALENDAR = PeriodCalendar.iso();

  private static LocalDate day(String text) {
    return LocalDate.parse(text);
  }

  @Test
  void windowEndsWithLastCompleteWeek() {
    // Wednesday 2024-03-27: its week (03-25 to 03-31) is not over, so the window ends on 03-24.
    LinkWindow window = LinkWindow.ending(CALENDAR, Grain.WEEK, day("2024-03-27"), 3);

    assertThat(window.start()).isEqualTo(day("2024-03-04"));
    assertThat(window.end()).isEqualTo(day("2024-03-24"));
    assertThat(window.length()).isEqualTo(3);
    assertThat(window.periods().get(1).start()).isEqualTo(day("2024-03-11"));
  }

  @Test
  void windowIncludesWeekEndingOnAsOfDate() {
    // Sunday 2024-03-31 is the last day of its week, so that week is complete.
    LinkWindow window = LinkWindow.ending(CALENDAR, Grain.WEEK, day("2024-03-31"), 2);

    assertThat(window.start()).isEqualTo(day("2024-03-18"));
    assertThat(window.end()).isEqualTo(day("2024-03-31"));
  }

  @Test
  void windowFollowsTheCalendar() {
    // Weeks starting on Sunday and fiscal quarters starting in April.
    PeriodCalendar calendar = new PeriodCalendar(ZoneId.of("UTC"), DayOfWeek.SUNDAY, 4);

    LinkWindow weeks = LinkWindow.ending(calendar, Grain.WEEK, day("2024-03-27"), 1);
    LinkWindow quarters = LinkWindow.ending(calendar, Grain.QUARTER, day("2024-03-27"), 2);
    LinkWindow months = LinkWindow.ending(calendar, Grain.MONTH, day("2024-03-31"), 1);

    assertThat(weeks.start()).isEqualTo(day("2024-03-17"));
    assertThat(weeks.end()).isEqualTo(day("2024-03-23"));
    // The quarter of 2024-01-01 to 03-31 is not over on 03-27.
    assertThat(quarters.start()).isEqualTo(day("2023-07-01"));
    assertThat(quarters.end()).isEqualTo(day("2023-12-31"));
    assertThat(months.start()).isEqualTo(day("2024-03-01"));
  }

  @Test
  void invalidLengthIsRejected() {
    assertThatThrownBy(() -> LinkWindow.ending(CALENDAR, Grain.WEEK, day("2024-03-27"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid window length: 0, expected at least 1");
  }

  @Test
  void alignmentKeepsGapsAndDropsIncompleteRows() {
    LinkWindow window = LinkWindow.ending(CALENDAR, Grain.WEEK, day("2024-03-31"), 4);
    List<Observation> observations =
        List.of(
            // Before the window: ignored.
            new Observation("x", day("2024-02-26"), 99.0, true),
            new Observation("x", day("2024-03-04"), 1.0, true),
            // Week 03-11 has no row for x: a gap.
            new Observation("x", day("2024-03-18"), 3.0, true),
            // Written by a run as of a day inside the week: incomplete, so missing.
            new Observation("x", day("2024-03-25"), 4.0, false),
            new Observation("y", day("2024-03-04"), null, true),
            new Observation("y", day("2024-03-11"), 2.5, true),
            new Observation("y", day("2024-03-18"), Double.NaN, true),
            new Observation("y", day("2024-03-25"), -1.0, true),
            // After the window: ignored.
            new Observation("y", day("2024-04-01"), 7.0, true));

    WindowSeries series = WindowSeries.align(window, observations);

    assertThat(series.of("x")).containsExactly(1.0, null, 3.0, null);
    assertThat(series.of("y")).containsExactly(null, 2.5, null, -1.0);
    assertThat(series.of("absent")).isEqualTo(Arrays.asList(null, null, null, null));
    assertThat(series.incompleteRows()).isEqualTo(1);
    assertThat(series.nonFiniteValues()).isEqualTo(1);
  }

  @Test
  void duplicatePeriodIsRejected() {
    LinkWindow window = LinkWindow.ending(CALENDAR, Grain.WEEK, day("2024-03-31"), 2);
    List<Observation> observations =
        List.of(
            new Observation("x", day("2024-03-25"), 1.0, true),
            new Observation("x", day("2024-03-25"), 2.0, true));

    assertThatThrownBy(() -> WindowSeries.align(window, observations))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot align node x: two values for the period starting 2024-03-25");
  }
}

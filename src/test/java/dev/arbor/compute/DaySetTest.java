package dev.arbor.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaySetTest {
  private static LocalDate day(String text) {
    return LocalDate.parse(text);
  }

  @Test
  void consecutiveDaysFormOneRange() {
    DaySet days = DaySet.range(day("2024-03-30"), day("2024-04-01"))
        .union(DaySet.of(List.of(day("2024-03-04"))));

    assertThat(days.ranges()).extracting(r -> r[0] + ".." + r[1])
        .containsExactly("2024-03-04..2024-03-04", "2024-03-30..2024-04-01");
    assertThat(days.toString()).isEqualTo("4 days [2024-03-04, 2024-03-30..2024-04-01]");
  }

  @Test
  void emptyRangeWhenToIsBeforeFrom() {
    assertThat(DaySet.range(day("2024-03-02"), day("2024-03-01")).isEmpty()).isTrue();
  }
}

package dev.arbor.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.compute.DaySet;
import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replaceWhere predicates: an incremental run replaces exactly the periods it recomputed. */
class RunJobPredicatesTest {

  @Test
  void periodsPredicateListsEachGrainsPeriods() {
    List<Period> periods = List.of(
        new Period(Grain.DAY, LocalDate.parse("2024-03-04"), LocalDate.parse("2024-03-04")),
        new Period(Grain.DAY, LocalDate.parse("2024-03-05"), LocalDate.parse("2024-03-05")),
        new Period(Grain.MONTH, LocalDate.parse("2024-03-01"), LocalDate.parse("2024-03-31")));

    assertThat(RunJob.periodsPredicate("t", periods)).isEqualTo(
        "tree_id = 't' AND ((grain = 'day' AND period_start IN (DATE'2024-03-04', DATE'2024-03-05'))"
            + " OR (grain = 'month' AND period_start IN (DATE'2024-03-01')))");
    assertThat(RunJob.periodsPredicate("t", List.of())).isEqualTo("false");
  }

  @Test
  void daysPredicateUsesRanges() {
    DaySet days = DaySet.range(LocalDate.parse("2024-03-30"), LocalDate.parse("2024-04-01"));

    assertThat(RunJob.daysPredicate("local_date", days))
        .isEqualTo("((local_date BETWEEN DATE'2024-03-30' AND DATE'2024-04-01'))");
  }
}

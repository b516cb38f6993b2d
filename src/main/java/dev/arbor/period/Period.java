package dev.arbor.period;

import java.time.LocalDate;

/**
 * One calendar period. {@code end} is the last day of the period, inclusive; a period is complete
 * when the as-of date is on or after its end.
 */
public record Period(Grain grain, LocalDate start, LocalDate end) {

  public boolean contains(LocalDate day) {
    return !day.isBefore(start) && !day.isAfter(end);
  }

  public boolean isCompleteAt(LocalDate asOf) {
    return !asOf.isBefore(end);
  }
}

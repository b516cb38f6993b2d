package dev.arbor.planning;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * One bet of the ledger after validation. A rejected bet keeps every field that could be read
 * (the others are null) and lists why it was rejected in {@link #problems()}.
 *
 * @param expectedChangeText the expected change as written in the ledger
 * @param rampUpDays days from {@code start} until the change reaches full effect; 0 for at once
 * @param effort cost of the bet, in the ledger's unit (e.g. person-weeks), greater than 0
 * @param confidence the stewards' stated probability that the bet works, 0 to 1
 * @param leadingIndicator node expected to move first when the bet ships, or null
 * @param row the ledger row the bet was read from
 * @param problems reasons for rejection; empty for a valid bet
 */
public record Bet(
    String id,
    Cycle cycle,
    String team,
    String owner,
    String title,
    String hypothesis,
    String targetNode,
    String expectedChangeText,
    ExpectedChange expectedChange,
    LocalDate start,
    LocalDate end,
    int rampUpDays,
    Double effort,
    Double confidence,
    BetStatus status,
    String leadingIndicator,
    LedgerRow row,
    List<String> problems) {

  public Bet {
    problems = List.copyOf(problems);
  }

  public boolean isRejected() {
    return !problems.isEmpty();
  }

  /**
   * Returns the share of the full effect on {@code day}: 0 outside start to end, rising linearly
   * over the ramp-up days (1/ramp on the start day, full effect from day {@code start + ramp - 1}),
   * then 1.
   */
  public double effectOn(LocalDate day) {
    if (day.isBefore(start) || day.isAfter(end)) {
      return 0.0;
    }
    if (rampUpDays <= 0) {
      return 1.0;
    }
    long daysIn = ChronoUnit.DAYS.between(start, day) + 1;
    return Math.min(1.0, (double) daysIn / rampUpDays);
  }

  /** Returns the mean of {@link #effectOn} over the days {@code from} to {@code to}. */
  public double meanEffect(LocalDate from, LocalDate to) {
    double sum = 0.0;
    long days = 0;
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      sum += effectOn(day);
      days++;
    }
    return days == 0 ? 0.0 : sum / days;
  }
}

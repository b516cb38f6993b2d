package dev.arbor.compute;

import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.spark.sql.Column;

/**
 * A set of local days that a run recomputes, kept as sorted ranges of consecutive days. Its size
 * grows with the days touched (at most one row per day of history), never with the events.
 */
public final class DaySet {
  /** Ranges beyond this many are merged into one from the first to the last day for skipping. */
  private static final int MAX_SKIPPING_RANGES = 32;

  private final NavigableSet<LocalDate> days;

  private DaySet(NavigableSet<LocalDate> days) {
    this.days = days;
  }

  public static DaySet of(Iterable<LocalDate> days) {
    NavigableSet<LocalDate> set = new TreeSet<>();
    days.forEach(set::add);
    return new DaySet(set);
  }

  /** Returns the days {@code from} to {@code to}, both included; empty when to is before from. */
  public static DaySet range(LocalDate from, LocalDate to) {
    NavigableSet<LocalDate> set = new TreeSet<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      set.add(day);
    }
    return new DaySet(set);
  }

  public DaySet union(DaySet other) {
    NavigableSet<LocalDate> set = new TreeSet<>(days);
    set.addAll(other.days);
    return new DaySet(set);
  }

  public boolean isEmpty() {
    return days.isEmpty();
  }

  public int size() {
    return days.size();
  }

  public LocalDate first() {
    return days.first();
  }

  public LocalDate last() {
    return days.last();
  }

  public boolean contains(LocalDate day) {
    return days.contains(day);
  }

  public NavigableSet<LocalDate> days() {
    return java.util.Collections.unmodifiableNavigableSet(days);
  }

  /** Returns a boolean column: whether the date column {@code localDate} is one of the days. */
  public Column contains(Column localDate) {
    if (days.isEmpty()) {
      return lit(false);
    }
    Column any = lit(false);
    for (LocalDate[] range : ranges()) {
      any =
          any.or(
              localDate
                  .geq(lit(Date.valueOf(range[0])))
                  .and(localDate.leq(lit(Date.valueOf(range[1])))));
    }
    return any;
  }

  /**
   * Returns a predicate on the instant column {@code eventTime} that keeps at least the events of
   * these local days in {@code zone}: each range is widened by a day on both sides, so no zone
   * offset can push an event out. Delta skips files whose event-time statistics miss it.
   */
  public Column eventTimeRanges(ZoneId zone, Column eventTime) {
    if (days.isEmpty()) {
      return lit(false);
    }
    List<LocalDate[]> ranges = ranges();
    if (ranges.size() > MAX_SKIPPING_RANGES) {
      ranges = List.<LocalDate[]>of(new LocalDate[] {days.first(), days.last()});
    }
    Column any = lit(false);
    for (LocalDate[] range : ranges) {
      Timestamp from = Timestamp.from(range[0].minusDays(1).atStartOfDay(zone).toInstant());
      Timestamp to = Timestamp.from(range[1].plusDays(2).atStartOfDay(zone).toInstant());
      any = any.or(eventTime.geq(lit(from)).and(eventTime.lt(lit(to))));
    }
    return any;
  }

  /** Returns the maximal runs of consecutive days as {first, last} pairs. */
  public List<LocalDate[]> ranges() {
    List<LocalDate[]> ranges = new ArrayList<>();
    LocalDate start = null;
    LocalDate previous = null;
    for (LocalDate day : days) {
      if (start == null) {
        start = day;
      } else if (!day.equals(previous.plusDays(1))) {
        ranges.add(new LocalDate[] {start, previous});
        start = day;
      }
      previous = day;
    }
    if (start != null) {
      ranges.add(new LocalDate[] {start, previous});
    }
    return ranges;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (LocalDate[] range : ranges()) {
      parts.add(range[0].equals(range[1]) ? range[0].toString() : range[0] + ".." + range[1]);
    }
    return days.size() + " days [" + String.join(", ", parts) + "]";
  }
}

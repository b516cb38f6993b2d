package dev.arbor.compute;

import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.period.PeriodCalendar;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The periods of a run's calendar as plain arrays that tasks can look up without a join: for each
 * grain, the period that contains each day, and which period follows which. Days are epoch days
 * (days since 1970-01-01). It is shipped to the executors with the task, so its size follows the
 * days covered (a few KB per year and grain), never the events.
 */
final class PeriodIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Returned by the look-ups for a day or period outside the calendar. */
  static final int NONE = Integer.MIN_VALUE;

  private final String[] grainKeys;
  private final int firstDay;
  /** Per grain, the start of the calendar period containing day {@code firstDay + i}, or NONE. */
  private final int[][] periodOfDay;
  /** Per grain, for each calendar period's predecessor start, the calendar period's start. */
  private final List<Map<Integer, Integer>> followerOf;
  /** Per grain, for each calendar period's start, its predecessor's start. */
  private final List<Map<Integer, Integer>> previousOf;

  private PeriodIndex(
      String[] grainKeys,
      int firstDay,
      int[][] periodOfDay,
      List<Map<Integer, Integer>> followerOf,
      List<Map<Integer, Integer>> previousOf) {
    this.grainKeys = grainKeys;
    this.firstDay = firstDay;
    this.periodOfDay = periodOfDay;
    this.followerOf = followerOf;
    this.previousOf = previousOf;
  }

  /** Indexes exactly {@code periods}; a day belongs to a grain's period only if that period is listed. */
  static PeriodIndex of(PeriodCalendar calendar, List<Period> periods) {
    Map<Grain, List<Period>> byGrain = new LinkedHashMap<>();
    int first = Integer.MAX_VALUE;
    int last = Integer.MIN_VALUE;
    for (Period period : periods) {
      byGrain.computeIfAbsent(period.grain(), grain -> new ArrayList<>()).add(period);
      first = Math.min(first, (int) period.start().toEpochDay());
      last = Math.max(last, (int) period.end().toEpochDay());
    }
    int span = byGrain.isEmpty() ? 0 : last - first + 1;

    String[] keys = new String[byGrain.size()];
    int[][] periodOfDay = new int[byGrain.size()][];
    List<Map<Integer, Integer>> followers = new ArrayList<>();
    List<Map<Integer, Integer>> previous = new ArrayList<>();
    int g = 0;
    for (Map.Entry<Grain, List<Period>> entry : byGrain.entrySet()) {
      keys[g] = entry.getKey().key();
      int[] days = new int[span];
      Arrays.fill(days, NONE);
      Map<Integer, Integer> follower = new HashMap<>();
      Map<Integer, Integer> before = new HashMap<>();
      for (Period period : entry.getValue()) {
        int start = (int) period.start().toEpochDay();
        for (int day = start; day <= (int) period.end().toEpochDay(); day++) {
          days[day - first] = start;
        }
        int previousStart = (int) calendar.previous(period).start().toEpochDay();
        follower.put(previousStart, start);
        before.put(start, previousStart);
      }

      periodOfDay[g] = days;
      followers.add(follower);
      previous.add(before);
      g++;
    }
    return new PeriodIndex(keys, first, periodOfDay, followers, previous);
  }

  int grainCount() {
    return grainKeys.length;
  }

  String grainKey(int grain) {
    return grainKeys[grain];
  }

  /** Returns the start of the calendar period of {@code grain} that contains {@code day}, or NONE. */
  int periodOf(int grain, int day) {
    int i = day - firstDay;
    int[] days = periodOfDay[grain];
    return i < 0 || i >= days.length ? NONE : days[i];
  }

  /** Returns the start of the period before the calendar period starting at {@code start}. */
  int previous(int grain, int start) {
    Integer previous = previousOf.get(grain).get(start);
    return previous == null ? NONE : previous;
  }

  /**
   * Returns the start of the calendar period that follows the period starting at {@code start},
   * or NONE when the follower is not in the calendar.
   */
  int follower(int grain, int start) {
    Integer follower = followerOf.get(grain).get(start);
    return follower == null ? NONE : follower;
  }
}

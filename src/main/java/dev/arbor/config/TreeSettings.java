package dev.arbor.config;

import dev.arbor.period.Grain;
import dev.arbor.period.PeriodCalendar;
import java.util.List;

/**
 * Per-tree run settings, after defaults from {@code arbor.calendar} and {@code arbor.checks}.
 *
 * @param formulaTolerance relative gap between a node's measured and formula values above which a
 *     run warns, e.g. 0.001 for 0.1%
 * @param planning the tree's planning settings, or null when the tree has no planning section
 */
public record TreeSettings(
    PeriodCalendar calendar, List<Grain> grains, double formulaTolerance, PlanningSettings planning) {
  public TreeSettings {
    grains = List.copyOf(grains);
  }

  /** Settings of a tree without planning. */
  public TreeSettings(PeriodCalendar calendar, List<Grain> grains, double formulaTolerance) {
    this(calendar, grains, formulaTolerance, null);
  }
}

package dev.arbor.config;

import dev.arbor.period.Grain;
import dev.arbor.period.PeriodCalendar;
import java.util.List;

/**
 * Per-tree run settings, after defaults from {@code arbor.calendar} and {@code arbor.checks}.
 *
 * @param formulaTolerance relative gap between a node's measured and formula values above which a
 *     run warns, e.g. 0.001 for 0.1%
 */
public record TreeSettings(PeriodCalendar calendar, List<Grain> grains, double formulaTolerance) {
  public TreeSettings {
    grains = List.copyOf(grains);
  }
}

package dev.arbor.config;

import dev.arbor.period.Grain;
import dev.arbor.period.PeriodCalendar;
import java.util.List;

/**
 * Per-tree run settings, after defaults from {@code arbor.calendar} and {@code arbor.checks}.
 *
 * @param formulaTolerance relative gap between a node's measured and formula values above which a
 *     run warns, e.g. 0.001 for 0.1%
 * @param linkScoring how the tree's hypothesis links are scored
 */
public record TreeSettings(
    PeriodCalendar calendar,
    List<Grain> grains,
    double formulaTolerance,
    LinkScoringSettings linkScoring) {
  public TreeSettings {
    grains = List.copyOf(grains);
  }

  /** Creates settings that score links with the defaults of reference.conf. */
  public TreeSettings(PeriodCalendar calendar, List<Grain> grains, double formulaTolerance) {
    this(calendar, grains, formulaTolerance, LinkScoringSettings.defaults());
  }
}

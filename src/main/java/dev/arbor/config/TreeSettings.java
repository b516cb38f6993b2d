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
 * @param slicing how nodes are computed per segment of the tree's dimensions
 * @param anomalies how unusual changes are flagged
 * @param planning the tree's planning settings, or null when the tree has no planning section
 */
public record TreeSettings(
    PeriodCalendar calendar,
    List<Grain> grains,
    double formulaTolerance,
    LinkScoringSettings linkScoring,
    SlicingSettings slicing,
    AnomalySettings anomalies,
    PlanningSettings planning) {
  public TreeSettings {
    grains = List.copyOf(grains);
  }

  /**
   * Creates settings with the default link scoring, slicing and anomaly settings of
   * reference.conf and the given planning settings (null for none).
   */
  public TreeSettings(
      PeriodCalendar calendar, List<Grain> grains, double formulaTolerance, PlanningSettings planning) {
    this(calendar, grains, formulaTolerance, LinkScoringSettings.defaults(), SlicingSettings.defaults(),
        AnomalySettings.defaults(), planning);
  }

  /** Creates settings with the defaults of reference.conf and no planning. */
  public TreeSettings(PeriodCalendar calendar, List<Grain> grains, double formulaTolerance) {
    this(calendar, grains, formulaTolerance, null);
  }
}

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
 */
public record TreeSettings(
    PeriodCalendar calendar,
    List<Grain> grains,
    double formulaTolerance,
    LinkScoringSettings linkScoring,
    SlicingSettings slicing,
    AnomalySettings anomalies) {
  public TreeSettings {
    grains = List.copyOf(grains);
  }

  /** Creates settings with the default link scoring, slicing and anomaly settings of reference.conf. */
  public TreeSettings(PeriodCalendar calendar, List<Grain> grains, double formulaTolerance) {
    this(calendar, grains, formulaTolerance, LinkScoringSettings.defaults(), SlicingSettings.defaults(),
        AnomalySettings.defaults());
  }
}

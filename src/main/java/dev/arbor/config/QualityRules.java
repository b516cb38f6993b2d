package dev.arbor.config;

import java.time.Duration;
import java.util.List;

/**
 * Data-quality gates of one source, from {@code arbor.quality} with the source's own {@code
 * quality} block on top. A run counts the rows each gate rejects during its one pass over the
 * events, sets them aside in the quarantine table, and fails before writing anything when a limit
 * is exceeded.
 *
 * @param maxBadShare share of the rows read for the run's days that may be rejected (no or
 *     unparsable event time, event time in the future, no entity id, a negative value where none
 *     is expected) before the run fails; 0.05 is 5%
 * @param maxDuplicateShare share of the rows that may be duplicates of another event (same event
 *     id on the same day) before the run fails; duplicates are counted once, not quarantined
 * @param nonNegative columns of the source (schema or derived) that must not be negative
 * @param futureTolerance how far past the run's start an event time may lie before it counts as
 *     in the future (clock skew of the producers)
 * @param requireEntityId whether an event without an entity id is rejected; only for sources with
 *     an entity-id column
 * @param failOnEmptiedDay whether the run fails when a day that had events in the previous output
 *     has none now (a lost partition or a bad re-ingest)
 */
public record QualityRules(
    double maxBadShare,
    double maxDuplicateShare,
    List<String> nonNegative,
    Duration futureTolerance,
    boolean requireEntityId,
    boolean failOnEmptiedDay) {

  public QualityRules {
    nonNegative = List.copyOf(nonNegative);
  }

  /** Rules that reject nothing and never fail a run; for tests of other features. */
  public static QualityRules lenient() {
    return new QualityRules(1.0, 1.0, List.of(), Duration.ofDays(36500), false, false);
  }
}

package dev.arbor.config;

/**
 * Settings that decide when a node's change is unusual against its own history.
 *
 * @param window past periods of the same grain whose changes form the history
 * @param minHistory fewest past changes (non-null, complete periods) needed for a score
 * @param threshold robust z-score above which, in absolute value, a change is an anomaly
 */
public record AnomalySettings(int window, int minHistory, double threshold) {

  /** Returns the defaults of reference.conf. */
  public static AnomalySettings defaults() {
    return new AnomalySettings(12, 6, 3.5);
  }
}

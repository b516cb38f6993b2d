package dev.arbor.config;

/**
 * Settings for computing a tree's nodes per segment of each of its dimensions.
 *
 * @param maxSegments segments kept per dimension; every other value of the dimension is grouped
 *     into the segment {@code other}
 * @param rankBy {@link #RANK_BY_EVENTS} to keep the values with the most events over the run's
 *     history, or the id of a count or sum measure node whose total over that history decides
 */
public record SlicingSettings(int maxSegments, String rankBy) {
  public static final String RANK_BY_EVENTS = "events";

  /** Returns the defaults of reference.conf. */
  public static SlicingSettings defaults() {
    return new SlicingSettings(10, RANK_BY_EVENTS);
  }
}

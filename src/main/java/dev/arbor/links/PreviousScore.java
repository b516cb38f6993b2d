package dev.arbor.links;

import dev.arbor.stats.LinkState;
import dev.arbor.stats.SeriesTransform;

/**
 * The latest link_scores row of a link and grain before a run's as-of date: the link's lifecycle
 * state, and how it was described, for a link that has since left the tree.
 */
public record PreviousScore(
    LinkScore.LinkDescription link,
    String grain,
    SeriesTransform transform,
    LinkState state,
    String ownerTeam) {

  /** Returns the key of the lifecycle: link id and grain. */
  public LinkScorer.Key key() {
    return new LinkScorer.Key(link.linkId(), grain);
  }
}

package dev.arbor.links;

import dev.arbor.stats.EvaluationStatus;
import dev.arbor.stats.LinkFit;
import dev.arbor.stats.LinkState;
import dev.arbor.stats.LinkStatus;
import dev.arbor.stats.SeriesTransform;
import java.util.List;

/**
 * The outcome for one link and grain in one run, before the run's columns are added: one row of
 * link_scores.
 *
 * @param link the link's description as scored (or, for a link that left the tree, as last scored)
 * @param grain grain key such as {@code week}
 * @param transform transform of the series
 * @param window the periods fitted
 * @param fit the fit, or null when the link was not evaluated because it was hardened or pruned
 * @param qValue Benjamini-Hochberg q-value within the run, or null when the fit has no p-value
 * @param confidence confidence score in [0, 1], or null when not evaluated
 * @param evaluationStatus verdict of this run, or null when not evaluated
 * @param reason why the link has its verdict or lifecycle status, in words
 * @param previousStatus lifecycle status before this run
 * @param state lifecycle state after this run
 * @param ownerTeam owner of the link's target node
 */
public record LinkScore(
    LinkDescription link,
    String grain,
    SeriesTransform transform,
    LinkWindow window,
    LinkFit fit,
    Double qValue,
    Double confidence,
    EvaluationStatus evaluationStatus,
    String reason,
    LinkStatus previousStatus,
    LinkState state,
    String ownerTeam) {

  /**
   * What a row says about the link itself.
   *
   * @param controls node ids used as controls, in config order
   */
  public record LinkDescription(
      String linkId,
      String fromNode,
      String toNode,
      String expectedSign,
      int lagMin,
      int lagMax,
      List<String> controls,
      boolean includeLaggedTarget) {
    public LinkDescription {
      controls = List.copyOf(controls);
    }
  }
}

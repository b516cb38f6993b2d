package dev.arbor.config;

import dev.arbor.period.Grain;
import dev.arbor.stats.ConfidenceScore;
import dev.arbor.stats.LinkEvaluator;
import dev.arbor.stats.LinkFitter;
import dev.arbor.stats.LinkLifecycle;
import dev.arbor.stats.SeriesTransform;
import dev.arbor.tree.Link;
import java.util.List;
import java.util.Map;

/**
 * How a tree's hypothesis links are scored at each run: the {@code links-scoring} section of a
 * tree, after defaults from {@code arbor.links-scoring}. docs/link-scoring.md gives the formulas.
 *
 * @param enabled whether runs score the links at all
 * @param grains grains at which each link is fitted, each one of the tree's calendar grains
 * @param window number of complete periods, ending with the last complete one, that a fit uses
 * @param transform transform of every series unless a link sets its own
 * @param minPoints smallest number of aligned points for a fit
 * @param qThreshold q-value at or below which a fit is significant
 * @param validateAfter consecutive supported evaluations that validate a link
 * @param weakenAfter consecutive evaluations without support that weaken a validated link
 * @param hardeningMinRSquared smallest R squared of a hardening candidate
 * @param hardeningMinSignStability smallest sign stability of a hardening candidate
 * @param confidenceLevel level of the slope and elasticity intervals
 * @param signStabilityWindows number of rolling sub-windows for sign stability
 * @param trendOnLevels whether fits on levels include a linear time trend
 * @param fullCreditQValue q-value at and below which the confidence score's significance is 1
 * @param halfCreditPoints number of points at which the confidence score's size term is 0.5
 * @param includeLaggedTarget whether y's own previous value is a regressor of links that do not set
 *     it themselves
 * @param linkOptions per-link options by link id ({@link Link#id()}); links not listed use {@link
 *     LinkOptions#defaults}
 */
public record LinkScoringSettings(
    boolean enabled,
    List<Grain> grains,
    int window,
    SeriesTransform transform,
    int minPoints,
    double qThreshold,
    int validateAfter,
    int weakenAfter,
    double hardeningMinRSquared,
    double hardeningMinSignStability,
    double confidenceLevel,
    int signStabilityWindows,
    boolean trendOnLevels,
    double fullCreditQValue,
    int halfCreditPoints,
    boolean includeLaggedTarget,
    Map<String, LinkOptions> linkOptions) {

  /**
   * Options of one hypothesis link.
   *
   * @param controls node ids whose series enter the regression as controls, at period t
   * @param includeLaggedTarget whether y's own previous transformed value is a regressor
   * @param transform transform of this link's series
   */
  public record LinkOptions(
      List<String> controls, boolean includeLaggedTarget, SeriesTransform transform) {
    public LinkOptions {
      controls = List.copyOf(controls);
    }
  }

  public LinkScoringSettings {
    grains = List.copyOf(grains);
    linkOptions = Map.copyOf(linkOptions);
  }

  /** Returns the settings of reference.conf, used where a tree sets nothing. */
  public static LinkScoringSettings defaults() {
    return new LinkScoringSettings(
        true,
        List.of(Grain.WEEK),
        26,
        LinkFitter.DEFAULT_TRANSFORM,
        LinkFitter.DEFAULT_MINIMUM_POINTS,
        LinkEvaluator.DEFAULT_Q_THRESHOLD,
        LinkLifecycle.DEFAULT_VALIDATE_AFTER,
        LinkLifecycle.DEFAULT_WEAKEN_AFTER,
        LinkLifecycle.DEFAULT_HARDENING_MIN_R_SQUARED,
        LinkLifecycle.DEFAULT_HARDENING_MIN_SIGN_STABILITY,
        LinkFitter.DEFAULT_CONFIDENCE_LEVEL,
        LinkFitter.DEFAULT_SIGN_STABILITY_WINDOWS,
        true,
        ConfidenceScore.DEFAULT_FULL_CREDIT_Q_VALUE,
        ConfidenceScore.DEFAULT_HALF_CREDIT_POINTS,
        false,
        Map.of());
  }

  /** Returns the options of a link: its own when the config sets any, else the tree's. */
  public LinkOptions options(Link link) {
    LinkOptions options = linkOptions.get(link.id());
    return options != null ? options : new LinkOptions(List.of(), includeLaggedTarget, transform);
  }

  /** Returns the fitter of a link. */
  public LinkFitter fitter(Link link) {
    LinkOptions options = options(link);
    return LinkFitter.builder()
        .transform(options.transform())
        .minimumPoints(minPoints)
        .trendOnLevels(trendOnLevels)
        .includeLaggedY(options.includeLaggedTarget())
        .confidenceLevel(confidenceLevel)
        .signStabilityWindows(signStabilityWindows)
        .build();
  }

  /** Returns the evaluator of every link, with its confidence score. */
  public LinkEvaluator evaluator() {
    return new LinkEvaluator(qThreshold, new ConfidenceScore(fullCreditQValue, halfCreditPoints));
  }

  /** Returns the lifecycle state machine of every link. */
  public LinkLifecycle lifecycle() {
    return new LinkLifecycle(
        validateAfter, weakenAfter, hardeningMinRSquared, hardeningMinSignStability);
  }
}

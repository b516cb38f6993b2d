package dev.arbor.links;

import dev.arbor.config.LinkScoringSettings;
import dev.arbor.config.LinkScoringSettings.LinkOptions;
import dev.arbor.period.Grain;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.stats.BenjaminiHochberg;
import dev.arbor.stats.LifecycleStep;
import dev.arbor.stats.LinkEvaluation;
import dev.arbor.stats.LinkEvaluator;
import dev.arbor.stats.LinkFit;
import dev.arbor.stats.LinkLifecycle;
import dev.arbor.stats.LinkState;
import dev.arbor.stats.LinkStatus;
import dev.arbor.stats.LinkTransition;
import dev.arbor.tree.Link;
import dev.arbor.tree.LinkKind;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores the hypothesis links of a tree for one run, on the driver and without Spark.
 *
 * <p>For each grain of the tree's links-scoring settings and each hypothesis link, it fits the link
 * on its window series ({@link dev.arbor.stats.LinkFitter}), turns the lag-adjusted p-values of
 * every link and grain of the run into q-values ({@link BenjaminiHochberg}), classifies each fit
 * ({@link LinkEvaluator}) and moves its lifecycle on from the previous state ({@link
 * LinkLifecycle}). The lifecycle key is the link and the grain, and the date the lifecycle records
 * for an evaluation is the end of the fitted window. Runs whose windows end on the same day, such
 * as daily runs scored weekly, therefore count once.
 *
 * <p>Links of the previous states that are no longer hypothesis links of the tree are hardened when
 * their pair of nodes is now a deterministic link (a formula term), and pruned otherwise. A link
 * that is a hypothesis again after being hardened or pruned starts a new lifecycle.
 */
public final class LinkScorer {
  private static final Logger LOG = LoggerFactory.getLogger(LinkScorer.class);

  /** Key of a link's lifecycle: the link id and the grain key. */
  public record Key(String linkId, String grain) {}

  /**
   * Result of a run's scoring.
   *
   * @param scores one per evaluated link and grain, then one per link hardened or pruned
   * @param changes one per lifecycle status change
   * @param warnings data problems of the input, one sentence each
   */
  public record Outcome(
      List<LinkScore> scores, List<StatusChange> changes, List<String> warnings) {}

  private final Tree tree;
  private final LinkScoringSettings settings;
  private final PeriodCalendar calendar;

  public LinkScorer(Tree tree, LinkScoringSettings settings, PeriodCalendar calendar) {
    this.tree = tree;
    this.settings = settings;
    this.calendar = calendar;
  }

  /** A link fitted at one grain, before q-values. */
  private record Fitted(
      Link link, Grain grain, LinkWindow window, LinkOptions options, LinkFit fit) {}

  /**
   * Scores every hypothesis link at every configured grain.
   *
   * @param asOf the run's as-of date
   * @param series node values over the window of each configured grain
   * @param previous latest state of each link and grain before {@code asOf}
   * @throws IllegalArgumentException if {@code series} lacks a configured grain
   */
  public Outcome score(
      LocalDate asOf, Map<Grain, WindowSeries> series, Map<Key, PreviousScore> previous) {
    List<String> warnings = new ArrayList<>();
    List<Fitted> fitted = fitAll(series, warnings);

    Double[] pValues = new Double[fitted.size()];
    for (int i = 0; i < fitted.size(); i++) {
      pValues[i] = fitted.get(i).fit().lagAdjustedPValue();
    }
    Double[] qValues = BenjaminiHochberg.qValues(pValues);

    LinkEvaluator evaluator = settings.evaluator();
    LinkLifecycle lifecycle = settings.lifecycle();
    List<LinkScore> scores = new ArrayList<>();
    List<StatusChange> changes = new ArrayList<>();
    Set<Key> evaluated = new HashSet<>();
    for (int i = 0; i < fitted.size(); i++) {
      Fitted entry = fitted.get(i);
      Key key = new Key(entry.link().id(), entry.grain().key());
      evaluated.add(key);
      LinkEvaluation evaluation =
          evaluator.evaluate(
              entry.window().end(), entry.fit(), qValues[i], entry.link().expectedSign());
      PreviousScore before = previous.get(key);
      evaluate(entry, evaluation, qValues[i], before, lifecycle, scores, changes, warnings);
    }

    List<PreviousScore> noLongerHypotheses = new ArrayList<>();
    for (PreviousScore before : previous.values()) {
      if (!evaluated.contains(before.key()) && !isHypothesis(before.link().linkId())) {
        noLongerHypotheses.add(before);
      }
    }
    noLongerHypotheses.sort(
        Comparator.comparing((PreviousScore p) -> p.link().linkId())
            .thenComparing(PreviousScore::grain));
    for (PreviousScore before : noLongerHypotheses) {
      endLifecycle(asOf, before, lifecycle, scores, changes);
    }
    return new Outcome(scores, changes, warnings);
  }

  private List<Fitted> fitAll(Map<Grain, WindowSeries> series, List<String> warnings) {
    List<Fitted> fitted = new ArrayList<>();
    for (Grain grain : settings.grains()) {
      WindowSeries values = series.get(grain);
      if (values == null) {
        throw new IllegalArgumentException(
            "Cannot score links of tree " + tree.id() + ": no series for grain " + grain.key());
      }
      if (values.incompleteRows() > 0) {
        warnings.add(
            String.format(
                Locale.ROOT,
                "Links of tree %s: %d node_values rows of the %s window %s to %s are marked"
                    + " incomplete and were left out; re-run the tree with an as-of date on or"
                    + " after %s",
                tree.id(),
                values.incompleteRows(),
                grain.key(),
                values.window().start(),
                values.window().end(),
                values.window().end()));
      }
      if (values.nonFiniteValues() > 0) {
        warnings.add(
            String.format(
                Locale.ROOT,
                "Links of tree %s: %d NaN or infinite node values in the %s window %s to %s were"
                    + " treated as missing",
                tree.id(),
                values.nonFiniteValues(),
                grain.key(),
                values.window().start(),
                values.window().end()));
      }
      for (Link link : tree.linksOfKind(LinkKind.HYPOTHESIS)) {
        LinkOptions options = settings.options(link);
        List<List<Double>> controls = new ArrayList<>();
        for (String control : options.controls()) {
          controls.add(values.of(control));
        }
        LinkFit fit =
            settings
                .fitter(link)
                .fit(
                    values.of(link.from()),
                    values.of(link.to()),
                    controls,
                    link.lagMin(),
                    link.lagMax());
        LOG.debug("Fitted {} at grain {}: {}", link.id(), grain.key(), fit.reason());
        fitted.add(new Fitted(link, grain, values.window(), options, fit));
      }
    }
    return fitted;
  }

  private void evaluate(
      Fitted entry,
      LinkEvaluation evaluation,
      Double qValue,
      PreviousScore before,
      LinkLifecycle lifecycle,
      List<LinkScore> scores,
      List<StatusChange> changes,
      List<String> warnings) {
    Link link = entry.link();
    LinkState state = before == null ? LinkState.untested() : before.state();
    LinkStatus previousStatus = state.status();
    String restart = null;
    if (state.status().isTerminal()) {
      restart =
          "the link is a hypothesis of the tree again after being "
              + state.status().code()
              + ", so its lifecycle starts over";
      state = LinkState.untested();
    }

    LifecycleStep step;
    if (state.lastAsOfDate() != null && evaluation.asOfDate().isBefore(state.lastAsOfDate())) {
      // This happens only when the calendar changed between runs, such as a new week start.
      warnings.add(
          "Link "
              + link.id()
              + " at grain "
              + entry.grain().key()
              + ": the window ends "
              + evaluation.asOfDate()
              + ", before the previous evaluation's window end "
              + state.lastAsOfDate()
              + "; the lifecycle state was kept unchanged");
      step = new LifecycleStep(state, null);
    } else {
      step = lifecycle.apply(state, evaluation);
    }
    LinkTransition transition = step.transition();
    if (restart != null && transition != null) {
      transition =
          new LinkTransition(
              previousStatus,
              transition.to(),
              transition.asOfDate(),
              restart + "; " + transition.reason());
    }
    if (step.state().hardeningCandidate()) {
      LOG.info(
          "Link {} at grain {} is a hardening candidate: R squared {}, sign stability {}",
          link.id(),
          entry.grain().key(),
          entry.fit().rSquared(),
          entry.fit().signStability());
    }

    LinkScore.LinkDescription description = describe(link, entry.options());
    String owner = ownerOf(link.to(), null);
    scores.add(
        new LinkScore(
            description,
            entry.grain().key(),
            entry.options().transform(),
            entry.window(),
            entry.fit(),
            qValue,
            evaluation.confidenceScore(),
            evaluation.status(),
            evaluation.reason(),
            previousStatus,
            step.state(),
            owner));
    if (transition != null) {
      LinkFit fit = entry.fit();
      changes.add(
          new StatusChange(
              link.id(),
              link.from(),
              link.to(),
              entry.grain().key(),
              transition,
              evaluation.status(),
              qValue,
              fit.slope(),
              fit.rSquared(),
              fit.lag(),
              evaluation.confidenceScore(),
              owner));
    }
  }

  /** Hardens or prunes a link that is no longer a hypothesis of the tree. */
  private void endLifecycle(
      LocalDate asOf,
      PreviousScore before,
      LinkLifecycle lifecycle,
      List<LinkScore> scores,
      List<StatusChange> changes) {
    LinkScore.LinkDescription link = before.link();
    LinkStatus status = before.state().status();
    boolean formulaTerm = isFormulaTerm(link.fromNode(), link.toNode());
    LifecycleStep step;
    if (formulaTerm) {
      if (status.isTerminal()) {
        return;
      }
      step = lifecycle.harden(before.state(), asOf);
    } else {
      if (status == LinkStatus.PRUNED) {
        return;
      }
      step = lifecycle.prune(before.state(), asOf);
    }
    if (!step.changed()) {
      return;
    }
    LinkTransition transition = step.transition();
    String owner = ownerOf(link.toNode(), before.ownerTeam());
    Grain grain = Grain.fromKey(before.grain());
    LinkWindow window = LinkWindow.ending(calendar, grain, asOf, settings.window());
    LOG.info(
        "Link {} at grain {}: {} -> {} ({})",
        link.linkId(),
        before.grain(),
        transition.from().code(),
        transition.to().code(),
        transition.reason());
    scores.add(
        new LinkScore(
            link,
            before.grain(),
            before.transform(),
            window,
            null,
            null,
            null,
            null,
            transition.reason(),
            status,
            step.state(),
            owner));
    changes.add(
        new StatusChange(
            link.linkId(),
            link.fromNode(),
            link.toNode(),
            before.grain(),
            transition,
            null,
            null,
            null,
            null,
            null,
            null,
            owner));
  }

  private boolean isHypothesis(String linkId) {
    for (Link link : tree.linksOfKind(LinkKind.HYPOTHESIS)) {
      if (link.id().equals(linkId)) {
        return true;
      }
    }
    return false;
  }

  private boolean isFormulaTerm(String from, String to) {
    for (Link link : tree.linksOfKind(LinkKind.DETERMINISTIC)) {
      if (link.from().equals(from) && link.to().equals(to)) {
        return true;
      }
    }
    return false;
  }

  private String ownerOf(String nodeId, String fallback) {
    return tree.nodes().containsKey(nodeId) ? tree.node(nodeId).owner() : fallback;
  }

  private static LinkScore.LinkDescription describe(Link link, LinkOptions options) {
    return new LinkScore.LinkDescription(
        link.id(),
        link.from(),
        link.to(),
        link.expectedSign().name().toLowerCase(Locale.ROOT),
        link.lagMin(),
        link.lagMax(),
        options.controls(),
        options.includeLaggedTarget());
  }
}

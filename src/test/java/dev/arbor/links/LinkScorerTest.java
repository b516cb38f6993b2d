package dev.arbor.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.TreeSettings;
import dev.arbor.links.WindowSeries.Observation;
import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.stats.BenjaminiHochberg;
import dev.arbor.stats.EvaluationStatus;
import dev.arbor.stats.LinkState;
import dev.arbor.stats.LinkStatus;
import dev.arbor.stats.SeriesTransform;
import dev.arbor.testing.TestConfigs;
import dev.arbor.tree.Tree;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver-side scoring of a run, without Spark. */
class LinkScorerTest {
  /** A Sunday, so the week ending on it is complete. */
  private static final LocalDate AS_OF = LocalDate.parse("2024-06-30");

  @TempDir Path dir;

  private ArborConfig config(String links, String scoring) {
    return TestConfigs.load(
        dir,
        TestConfigs.eventsSource("")
            + """
arbor.trees.t {
  north-star = y
  calendar { grains = [week, month] }
  nodes {
    x { unit = count, owner = Growth, measure { source = events, agg = count } }
    y { unit = count, owner = Sales, measure { source = events, agg = count_distinct, column = user_id } }
    w { unit = count, owner = Sales, measure { source = events, agg = count_distinct, column = event_id } }
  }
  links = [
%s
  ]
  links-scoring { %s }
}
"""
                .formatted(links, scoring));
  }

  private static WindowSeries series(LinkWindow window, Map<String, List<Double>> values) {
    List<Observation> observations = new ArrayList<>();
    for (Map.Entry<String, List<Double>> entry : values.entrySet()) {
      for (int i = 0; i < window.length(); i++) {
        Period period = window.periods().get(i);
        observations.add(
            new Observation(entry.getKey(), period.start(), entry.getValue().get(i), true));
      }
    }
    return WindowSeries.align(window, observations);
  }

  private static List<Double> randomWalk(Random random, int length, double drift) {
    List<Double> series = new ArrayList<>();
    double level = 100.0;
    for (int t = 0; t < length; t++) {
      level += drift + random.nextGaussian();
      series.add(level);
    }
    return series;
  }

  private static LinkScorer.Outcome scoreWeekly(
      ArborConfig config,
      Map<String, List<Double>> values,
      Map<LinkScorer.Key, PreviousScore> previous) {
    Tree tree = config.tree("t");
    TreeSettings settings = config.settings("t");
    LinkWindow window =
        LinkWindow.ending(settings.calendar(), Grain.WEEK, AS_OF, settings.linkScoring().window());
    return new LinkScorer(tree, settings.linkScoring(), settings.calendar())
        .score(AS_OF, Map.of(Grain.WEEK, series(window, values)), previous);
  }

  @Test
  void trendingRandomWalksAreNotSupportedOnDifferences() {
    // Two independent random walks with the same upward drift: no link, but a shared trend.
    Random random = new Random(1);
    Map<String, List<Double>> values =
        Map.of("x", randomWalk(random, 26, 1.0), "y", randomWalk(random, 26, 1.0));
    String link =
        "{ from = x, to = y, kind = hypothesis, expected-sign = positive, lag = \"0..2\" }";

    LinkScore onDifferences = scoreWeekly(config(link, ""), values, Map.of()).scores().get(0);
    LinkScore onLevels =
        scoreWeekly(config(link, "transform = levels, trend-on-levels = false"), values, Map.of())
            .scores()
            .get(0);

    assertThat(onDifferences.transform()).isEqualTo(SeriesTransform.DIFFERENCES);
    assertThat(onDifferences.evaluationStatus()).isEqualTo(EvaluationStatus.INCONCLUSIVE);
    assertThat(onDifferences.qValue()).isGreaterThan(0.05);
    assertThat(onDifferences.state().status()).isEqualTo(LinkStatus.INCONCLUSIVE);
    // The same pair on levels looks like a strong link: the spurious regression.
    assertThat(onLevels.evaluationStatus()).isEqualTo(EvaluationStatus.SUPPORTED);
    assertThat(onLevels.qValue()).isLessThan(1e-6);
  }

  @Test
  void qValuesSpanEveryLinkOfTheRun() {
    Random random = new Random(7);
    List<Double> x = randomWalk(random, 26, 0.0);
    List<Double> y = new ArrayList<>();
    List<Double> w = new ArrayList<>();
    for (int t = 0; t < 26; t++) {
      // y follows x one week later; w is noise.
      y.add(t == 0 ? null : 3.0 * x.get(t - 1) + random.nextGaussian());
      w.add(50.0 + random.nextGaussian());
    }
    String links =
        """
        { from = x, to = y, kind = hypothesis, expected-sign = positive, lag = "0..2" }
        { from = w, to = y, kind = hypothesis, lag = "0..1" }
        { from = x, to = w, kind = hypothesis, expected-sign = negative, lag = "1" }
        """;

    List<LinkScore> scores =
        scoreWeekly(config(links, ""), Map.of("x", x, "y", y, "w", w), Map.of()).scores();

    assertThat(scores).extracting(s -> s.link().linkId()).containsExactly("x->y", "w->y", "x->w");
    List<Double> adjusted = scores.stream().map(s -> s.fit().lagAdjustedPValue()).toList();
    List<Double> expected = BenjaminiHochberg.qValues(adjusted);
    for (int i = 0; i < scores.size(); i++) {
      assertThat(scores.get(i).qValue()).isCloseTo(expected.get(i), within(1e-15));
    }
    assertThat(scores.get(0).fit().lag()).isEqualTo(1);
    assertThat(scores.get(0).evaluationStatus()).isEqualTo(EvaluationStatus.SUPPORTED);
    assertThat(scores.get(0).ownerTeam()).isEqualTo("Sales");
  }

  @Test
  void linkBackInTheTreeStartsANewLifecycle() {
    Random random = new Random(7);
    List<Double> x = randomWalk(random, 26, 0.0);
    List<Double> y = new ArrayList<>();
    for (int t = 0; t < 26; t++) {
      y.add(t == 0 ? null : 3.0 * x.get(t - 1) + random.nextGaussian());
    }
    String link = "{ from = x, to = y, kind = hypothesis, expected-sign = positive, lag = \"1\" }";
    LinkScore.LinkDescription description =
        new LinkScore.LinkDescription("x->y", "x", "y", "positive", 1, 1, List.of(), false);
    PreviousScore pruned =
        new PreviousScore(
            description,
            "week",
            SeriesTransform.DIFFERENCES,
            new LinkState(LinkStatus.PRUNED, 0, 0, LocalDate.parse("2024-05-05"), false),
            "Sales");

    LinkScorer.Outcome outcome =
        scoreWeekly(config(link, ""), Map.of("x", x, "y", y), Map.of(pruned.key(), pruned));

    LinkScore score = outcome.scores().get(0);
    assertThat(score.previousStatus()).isEqualTo(LinkStatus.PRUNED);
    assertThat(score.state().status()).isEqualTo(LinkStatus.SUPPORTED);
    assertThat(score.state().consecutiveSupported()).isEqualTo(1);
    assertThat(outcome.changes()).hasSize(1);
    assertThat(outcome.changes().get(0).transition().from()).isEqualTo(LinkStatus.PRUNED);
    assertThat(outcome.changes().get(0).transition().to()).isEqualTo(LinkStatus.SUPPORTED);
    assertThat(outcome.changes().get(0).transition().reason())
        .startsWith("the link is a hypothesis of the tree again after being pruned");
  }

  @Test
  void incompleteAndNonFiniteRowsAreReported() {
    Tree tree = config("{ from = x, to = y, kind = hypothesis }", "").tree("t");
    TreeSettings settings = config("{ from = x, to = y, kind = hypothesis }", "").settings("t");
    LinkWindow window = LinkWindow.ending(settings.calendar(), Grain.WEEK, AS_OF, 26);
    WindowSeries series =
        WindowSeries.align(
            window,
            List.of(
                new Observation("x", window.periods().get(25).start(), 1.0, false),
                new Observation(
                    "y", window.periods().get(24).start(), Double.POSITIVE_INFINITY, true)));

    LinkScorer.Outcome outcome =
        new LinkScorer(tree, settings.linkScoring(), settings.calendar())
            .score(AS_OF, Map.of(Grain.WEEK, series), Map.of());

    assertThat(outcome.warnings())
        .containsExactly(
            "Links of tree t: 1 node_values rows of the week window 2024-01-01 to 2024-06-30 are"
                + " marked incomplete and were left out; re-run the tree with an as-of date on or"
                + " after 2024-06-30",
            "Links of tree t: 1 NaN or infinite node values in the week window 2024-01-01 to"
                + " 2024-06-30 were treated as missing");
    assertThat(outcome.scores().get(0).evaluationStatus())
        .isEqualTo(EvaluationStatus.INSUFFICIENT_DATA);
  }
}

package dev.arbor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.config.LinkScoringSettings.LinkOptions;
import dev.arbor.period.Grain;
import dev.arbor.stats.SeriesTransform;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkScoringConfigTest {
  @TempDir Path dir;

  /** A tree with two measured nodes, a formula node and the given extra text inside the tree. */
  private static String tree(String links, String extra) {
    return TestConfigs.eventsSource("")
        + """
arbor.trees.t {
  north-star = y
  nodes {
    x { unit = count, owner = Growth, measure { source = events, agg = count } }
    y { unit = count, owner = Sales, measure { source = events, agg = count_distinct, column = user_id } }
    z { unit = ratio, owner = Sales, formula = "y / x" }
  }
  links = [
%s
  ]
%s
}
"""
            .formatted(links, extra);
  }

  private static final String LINK = "{ from = x, to = y, kind = hypothesis, lag = \"0..2\" }";

  @Test
  void defaultsComeFromReferenceConf() {
    LinkScoringSettings settings =
        TestConfigs.load(dir, tree(LINK, "")).settings("t").linkScoring();

    assertThat(settings.enabled()).isTrue();
    assertThat(settings.grains()).containsExactly(Grain.WEEK);
    assertThat(settings.window()).isEqualTo(26);
    assertThat(settings.transform()).isEqualTo(SeriesTransform.DIFFERENCES);
    assertThat(settings.minPoints()).isEqualTo(8);
    assertThat(settings.qThreshold()).isEqualTo(0.05);
    assertThat(settings.validateAfter()).isEqualTo(3);
    assertThat(settings.weakenAfter()).isEqualTo(2);
    assertThat(settings.hardeningMinRSquared()).isEqualTo(0.8);
    assertThat(settings.hardeningMinSignStability()).isEqualTo(1.0);
    assertThat(settings.confidenceLevel()).isEqualTo(0.95);
    assertThat(settings.signStabilityWindows()).isEqualTo(4);
    assertThat(settings.trendOnLevels()).isTrue();
    assertThat(settings.fullCreditQValue()).isEqualTo(0.001);
    assertThat(settings.halfCreditPoints()).isEqualTo(12);
    assertThat(settings.includeLaggedTarget()).isFalse();
    assertThat(settings.linkOptions()).isEmpty();
    assertThat(settings).isEqualTo(LinkScoringSettings.defaults());
  }

  @Test
  void treeOverridesEveryKey() {
    String overrides =
        """
        links-scoring {
          enabled = true
          grains = [month, week]
          window = 12
          transform = log-differences
          min-points = 6
          q-threshold = 0.1
          validate-after = 2
          weaken-after = 3
          hardening-min-r-squared = 0.9
          hardening-min-sign-stability = 0.75
          confidence-level = 0.9
          sign-stability-windows = 3
          trend-on-levels = false
          full-credit-q-value = 0.0001
          half-credit-points = 20
          include-lagged-target = true
        }
        """;

    LinkScoringSettings settings =
        TestConfigs.load(dir, tree(LINK, overrides)).settings("t").linkScoring();

    assertThat(settings)
        .isEqualTo(
            new LinkScoringSettings(
                true,
                List.of(Grain.WEEK, Grain.MONTH),
                12,
                SeriesTransform.LOG_DIFFERENCES,
                6,
                0.1,
                2,
                3,
                0.9,
                0.75,
                0.9,
                3,
                false,
                0.0001,
                20,
                true,
                java.util.Map.of()));
  }

  @Test
  void linkOptionsAreReadFromTheLink() {
    String links =
        """
{ from = x, to = y, kind = hypothesis, lag = "1", controls = [z], include-lagged-target = true, transform = percent-changes }
""";

    ArborConfig config = TestConfigs.load(dir, tree(links, ""));

    LinkScoringSettings settings = config.settings("t").linkScoring();
    assertThat(settings.linkOptions())
        .containsEntry(
            "x->y", new LinkOptions(List.of("z"), true, SeriesTransform.PERCENT_CHANGES));
    assertThat(
            settings.options(
                config.tree("t").linksOfKind(dev.arbor.tree.LinkKind.HYPOTHESIS).get(0)))
        .isEqualTo(new LinkOptions(List.of("z"), true, SeriesTransform.PERCENT_CHANGES));
  }

  @Test
  void invalidValuesAreListedWithTheirLine() {
    String overrides =
        """
        links-scoring {
          grains = [fortnight, day]
          window = 2.5
          transform = squares
          q-threshold = 1
          validate-after = 0
          confidence-level = 0
          trend-on-levels = maybe
          unknown-key = 1
        }
        """;

    assertThatThrownBy(() -> TestConfigs.load(dir, tree(LINK, overrides)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(
            "arbor.conf:26: tree t links-scoring: invalid grain 'fortnight'; expected day, week,"
                + " month or quarter")
        .hasMessageContaining(
            "arbor.conf:27: tree t links-scoring: invalid window '2.5'; expected a whole number"
                + " from 3 to 10000")
        .hasMessageContaining(
            "arbor.conf:28: tree t links-scoring: invalid transform 'squares'; expected one of"
                + " levels, differences, percent_changes, log_differences")
        .hasMessageContaining(
            "arbor.conf:29: tree t links-scoring: invalid q-threshold '1'; expected a number"
                + " strictly between 0 and 1")
        .hasMessageContaining(
            "arbor.conf:30: tree t links-scoring: invalid validate-after 0; expected 1 to 10000")
        .hasMessageContaining("arbor.conf:31: tree t links-scoring: invalid confidence-level '0'")
        .hasMessageContaining(
            "arbor.conf:32: tree t links-scoring: invalid trend-on-levels 'maybe'; expected true"
                + " or false")
        .hasMessageContaining("arbor.conf:33: tree t links-scoring: unknown key 'unknown-key'");
  }

  @Test
  void grainOutsideTheCalendarIsRejected() {
    String overrides =
        """
        calendar { grains = [month] }
        links-scoring { grains = [week] }
        """;

    assertThatThrownBy(() -> TestConfigs.load(dir, tree(LINK, overrides)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(
            "tree t links-scoring: grain 'week' is not computed for the tree (calendar grains"
                + " [month]); add it to calendar.grains or remove it from links-scoring.grains");
  }

  @Test
  void defaultGrainOutsideTheCalendarFallsBack() {
    // The default grain is week; a tree of months and quarters scores its links monthly.
    ArborConfig config = TestConfigs.load(dir, tree(LINK, "calendar { grains = [month, quarter] }"));

    assertThat(config.settings("t").linkScoring().grains()).containsExactly(Grain.MONTH);
  }

  @Test
  void invalidControlsAreRejected() {
    String links =
        """
        { from = x, to = y, kind = hypothesis, controls = [w, y] }
        """;

    assertThatThrownBy(() -> TestConfigs.load(dir, tree(links, "")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(
            "arbor.conf:23: tree t, link x -> y: unknown control node 'w' (did you mean 'x'?)")
        .hasMessageContaining(
            "arbor.conf:23: tree t, link x -> y: control 'y' is an end of the link; controls are"
                + " other nodes that move both ends");
  }

  @Test
  void lagThatLeavesTooFewPointsIsRejected() {
    String links =
        """
        { from = x, to = y, kind = hypothesis, lag = "20..22" }
        """;

    assertThatThrownBy(() -> TestConfigs.load(dir, tree(links, "")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(
            "tree t, link x -> y: lag 20 leaves at most 5 aligned points in a links-scoring window"
                + " of 26 periods (transform differences), below min-points 8");
  }

  @Test
  void windowBelowMinPointsIsRejected() {
    String overrides = "links-scoring { window = 5, min-points = 6 }";

    assertThatThrownBy(() -> TestConfigs.load(dir, tree(LINK, overrides)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("tree t links-scoring: window 5 is smaller than min-points 6");
  }

  @Test
  void disabledScoringSkipsGrainChecks() {
    String overrides =
        """
        calendar { grains = [month] }
        links-scoring { enabled = false }
        """;

    LinkScoringSettings settings =
        TestConfigs.load(dir, tree(LINK, overrides)).settings("t").linkScoring();

    assertThat(settings.enabled()).isFalse();
  }
}

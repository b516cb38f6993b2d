package dev.arbor.links;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.config.ArborConfig;
import dev.arbor.store.BiViews;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.SparkTestBase;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle of links over a sequence of weekly runs of the links command, each on its own
 * node_values. Runs as of these Sundays (and one Monday), with an 8-week window:
 *
 * <pre>
 *   run  as-of        data          x->y (lag 1, positive)       w->y (negative)   z->y (z constant)
 *   1    2024-03-24   linked        untested -> supported        -> contradicted   -> insufficient
 *   2    2024-03-31   linked        supported (2 in a row)       contradicted      insufficient
 *   3    2024-04-07   linked        supported -> validated       contradicted      insufficient
 *   3d   2024-04-08   (Monday)      same window: nothing counted
 *   3    2024-04-07   re-run        nothing new                  nothing new       nothing new
 *   4    2024-04-14   y constant    validated (1 miss)           -> insufficient   insufficient
 *   5    2024-04-21   y constant    validated -> weakened        insufficient      insufficient
 *   6    2024-04-28   new config    weakened -> hardened         -> contradicted   -> pruned
 *   7    2024-05-05   new config    nothing                      contradicted      nothing
 * </pre>
 *
 * The new config makes x a term of y's formula and removes the link z->y. In the linked data y
 * follows x one week later with slope 2 and w equals x, so w->y is significant against its expected
 * negative sign. With y constant every fit of y is a constant series.
 */
class LinkLifecycleRunsTest extends SparkTestBase {
  private static final String NODES =
      """
north-star = y
nodes {
  x { unit = count, owner = Growth, measure { source = events, agg = count } }
  w { unit = count, owner = Growth, measure { source = events, agg = count_distinct, column = event_id } }
  z { unit = count, owner = Growth, measure { source = events, agg = count_distinct, column = country } }
  y { unit = count, owner = Sales, measure { source = events, agg = count_distinct, column = user_id }%s }
}
links-scoring { window = 8, min-points = 5 }
""";

  private static final String LINKS_BEFORE =
      """
      links = [
        { from = x, to = y, kind = hypothesis, expected-sign = positive, lag = "1" }
        { from = w, to = y, kind = hypothesis, expected-sign = negative, lag = "1" }
        { from = z, to = y, kind = hypothesis, lag = "0" }
      ]
      """;

  private static final String LINKS_AFTER =
      """
      links = [
        { from = w, to = y, kind = hypothesis, expected-sign = negative, lag = "1" }
      ]
      """;

  private static final double[] X = {10, 13, 12, 17, 15, 16, 21, 18};
  private static final double[] NOISE = {0.0, 0.1, -0.2, 0.1, 0.0, -0.1, 0.2, -0.1};

  /** Rows of link_scores and link_status_history after each run, by run label. */
  private static final Map<String, List<Row>> scoresAfter = new LinkedHashMap<>();

  private static final Map<String, List<Row>> changesAfter = new LinkedHashMap<>();
  private static final Map<String, List<String>> warningsOf = new LinkedHashMap<>();
  private static List<Row> validationRates;
  private static List<Row> latestScores;

  @BeforeAll
  static void runSequence(@TempDir Path dir) {
    ArborConfig before =
        NodeValuesFixture.config(dir, "before", NODES.formatted("") + LINKS_BEFORE);
    ArborConfig after =
        NodeValuesFixture.config(
            dir, "after", NODES.formatted(", formula = \"x * 2\"") + LINKS_AFTER);
    TableLocator locator = new TableLocator(spark, before.warehouse());

    run("1", before, "2024-03-24", true, locator);
    run("2", before, "2024-03-31", true, locator);
    run("3", before, "2024-04-07", true, locator);
    run("3d", before, "2024-04-08", true, locator);
    run("3 again", before, "2024-04-07", true, locator);
    run("4", before, "2024-04-14", false, locator);
    run("5", before, "2024-04-21", false, locator);
    run("6", after, "2024-04-28", true, locator);
    run("7", after, "2024-05-05", true, locator);

    validationRates =
        view("link_validation_rates", locator).orderBy("cycle_start", "owner_team").collectAsList();
    latestScores = view("link_scores_latest", locator).orderBy("link_id").collectAsList();
  }

  /** Writes the node values of the 8 weeks ending {@code asOf}'s week and scores the links. */
  private static void run(
      String label, ArborConfig config, String asOf, boolean linked, TableLocator locator) {
    LocalDate date = LocalDate.parse(asOf);
    LocalDate lastSunday = date.minusDays(date.getDayOfWeek().getValue() % 7);
    LocalDate firstMonday = lastSunday.minusWeeks(8).plusDays(1);
    Double[] x = new Double[8];
    Double[] y = new Double[8];
    Double[] z = new Double[8];
    for (int t = 0; t < 8; t++) {
      x[t] = X[t];
      // y(t) = 2 x(t-1) + noise; 40 in the first week, which has no x before it.
      y[t] = linked ? (t == 0 ? 40.0 : 2.0 * X[t - 1] + NOISE[t]) : 30.0;
      z[t] = 4.0;
    }
    NodeValuesFixture.write(
        spark, config, firstMonday, Map.of("x", x, "w", x.clone(), "y", y, "z", z));

    LinksJob.Result result = new LinksJob(spark, config).run(new LinksJob.Options("t", date));

    warningsOf.put(label, result.links().warnings());

    scoresAfter.put(label, locator.read("link_scores").orderBy("as_of", "link_id").collectAsList());
    changesAfter.put(
        label, locator.read("link_status_history").orderBy("as_of", "link_id").collectAsList());
  }

  /** Creates one of the views of sql/views as a temporary view over the test's tables. */
  private static org.apache.spark.sql.Dataset<Row> view(String name, TableLocator locator) {
    spark.sql(BiViews.statements(locator, true).get(name));
    return spark.table("arbor_" + name);
  }

  private static Row score(String run, String asOf, String linkId) {
    List<Row> matches = new ArrayList<>();
    for (Row row : scoresAfter.get(run)) {
      if (row.getAs("as_of").toString().equals(asOf) && row.getAs("link_id").equals(linkId)) {
        matches.add(row);
      }
    }
    assertThat(matches).as("rows of %s as of %s after run %s", linkId, asOf, run).hasSize(1);
    return matches.get(0);
  }

  private static List<String> transitions(String run, String linkId) {
    List<String> transitions = new ArrayList<>();
    for (Row row : changesAfter.get(run)) {
      if (row.getAs("link_id").equals(linkId)) {
        transitions.add(
            row.getAs("as_of") + " " + row.getAs("from_status") + "->" + row.getAs("to_status"));
      }
    }
    return transitions;
  }

  @Test
  void threeSupportedRunsValidateTheLink() {
    Row third = score("3", "2024-04-07", "x->y");

    assertThat(score("1", "2024-03-24", "x->y").<String>getAs("lifecycle_status"))
        .isEqualTo("supported");
    assertThat(score("2", "2024-03-31", "x->y").<Integer>getAs("consecutive_supported"))
        .isEqualTo(2);
    assertThat(third.<String>getAs("lifecycle_status")).isEqualTo("validated");
    assertThat(third.<Integer>getAs("consecutive_supported")).isEqualTo(3);
    assertThat(third.<Integer>getAs("lag")).isEqualTo(1);
    assertThat(third.<Double>getAs("slope")).isBetween(1.9, 2.1);
    // R squared near 1 and every sub-window agreeing in sign.
    assertThat(third.<Boolean>getAs("hardening_candidate")).isTrue();
    assertThat(transitions("3", "x->y"))
        .containsExactly("2024-03-24 untested->supported", "2024-04-07 supported->validated");
  }

  @Test
  void rerunOfADateCreatesNoDuplicate() {
    assertThat(changesAfter.get("3 again")).hasSameSizeAs(changesAfter.get("3d"));
    assertThat(scoresAfter.get("3 again")).hasSameSizeAs(scoresAfter.get("3d"));
    Row rerun = score("3 again", "2024-04-07", "x->y");
    assertThat(rerun.<String>getAs("lifecycle_status")).isEqualTo("validated");
    assertThat(rerun.<Integer>getAs("consecutive_supported")).isEqualTo(3);
    assertThat(rerun.<String>getAs("previous_lifecycle_status")).isEqualTo("supported");
    assertThat(transitions("3 again", "x->y"))
        .containsExactly("2024-03-24 untested->supported", "2024-04-07 supported->validated");
    // The Monday run after it had read the first result of 2024-04-07.
    assertThat(warningsOf.get("3 again"))
        .containsExactly(
            "Links of tree t: link_scores has evaluations up to 2024-04-08, after this run's as-of"
                + " date 2024-04-07. They do not take this run's results into account, so re-run"
                + " the dates after 2024-04-07 in date order.");
    assertThat(warningsOf.get("3")).isEmpty();
  }

  @Test
  void runInsideTheSameWeekCountsNothing() {
    Row monday = score("3d", "2024-04-08", "x->y");

    assertThat(monday.getAs("window_end").toString()).isEqualTo("2024-04-07");
    assertThat(monday.<String>getAs("evaluation_status")).isEqualTo("supported");
    assertThat(monday.<Integer>getAs("consecutive_supported")).isEqualTo(3);
    assertThat(monday.getAs("lifecycle_as_of").toString()).isEqualTo("2024-04-07");
    assertThat(changesAfter.get("3d")).hasSameSizeAs(changesAfter.get("3"));
  }

  @Test
  void validatedLinkSurvivesOneMissThenWeakens() {
    Row fourth = score("4", "2024-04-14", "x->y");
    Row fifth = score("5", "2024-04-21", "x->y");

    assertThat(fourth.<String>getAs("evaluation_status")).isEqualTo("insufficient_data");
    assertThat(fourth.<String>getAs("fit_status")).isEqualTo("constant_series");
    assertThat(fourth.<String>getAs("lifecycle_status")).isEqualTo("validated");
    assertThat(fourth.<Integer>getAs("consecutive_not_supported")).isEqualTo(1);
    assertThat(fourth.<Boolean>getAs("hardening_candidate")).isFalse();
    assertThat(fifth.<String>getAs("lifecycle_status")).isEqualTo("weakened");
    assertThat(fifth.<Integer>getAs("consecutive_not_supported")).isEqualTo(2);
    assertThat(transitions("5", "x->y"))
        .containsExactly(
            "2024-03-24 untested->supported",
            "2024-04-07 supported->validated",
            "2024-04-21 validated->weakened");
  }

  @Test
  void formulaTermIsHardenedAndRemovedLinkPruned() {
    Row hardened = score("6", "2024-04-28", "x->y");
    Row pruned = score("6", "2024-04-28", "z->y");

    assertThat(hardened.<String>getAs("lifecycle_status")).isEqualTo("hardened");
    assertThat(hardened.<String>getAs("previous_lifecycle_status")).isEqualTo("weakened");
    assertThat(hardened.<String>getAs("status_reason")).isEqualTo("link kind changed to formula");
    assertThat(hardened.isNullAt(hardened.fieldIndex("evaluation_status"))).isTrue();
    assertThat(hardened.isNullAt(hardened.fieldIndex("slope"))).isTrue();
    assertThat(hardened.<String>getAs("transform")).isEqualTo("differences");
    assertThat(pruned.<String>getAs("lifecycle_status")).isEqualTo("pruned");
    assertThat(pruned.<String>getAs("status_reason")).isEqualTo("link removed from the tree");
    assertThat(transitions("6", "x->y")).last().isEqualTo("2024-04-28 weakened->hardened");
    assertThat(transitions("6", "z->y")).last().isEqualTo("2024-04-28 insufficient_data->pruned");
  }

  @Test
  void terminalLinksGetNoFurtherRows() {
    List<String> seventh = new ArrayList<>();
    for (Row row : scoresAfter.get("7")) {
      if (row.getAs("as_of").toString().equals("2024-05-05")) {
        seventh.add(row.getAs("link_id") + " " + row.getAs("lifecycle_status"));
      }
    }

    assertThat(seventh).containsExactly("w->y contradicted");
    assertThat(changesAfter.get("7")).hasSameSizeAs(changesAfter.get("6"));
  }

  @Test
  void contradictedLinkFollowsItsVerdicts() {
    assertThat(transitions("7", "w->y"))
        .containsExactly(
            "2024-03-24 untested->contradicted",
            "2024-04-14 contradicted->insufficient_data",
            "2024-04-28 insufficient_data->contradicted");
  }

  @Test
  void stewardViewCountsPerCycle() {
    // Q1 2024 (runs 1 and 2) and Q2 2024 (the others); every link's target y is owned by Sales.
    assertThat(validationRates).hasSize(2);
    Row first = validationRates.get(0);
    Row second = validationRates.get(1);
    assertThat(first.getAs("cycle_start").toString()).isEqualTo("2024-01-01");
    assertThat(first.getAs("cycle_end").toString()).isEqualTo("2024-03-31");
    assertThat(first.<String>getAs("owner_team")).isEqualTo("Sales");
    assertThat(first.<Long>getAs("links_tested")).isEqualTo(3L);
    assertThat(first.<Long>getAs("links_validated")).isZero();
    assertThat(first.<Long>getAs("links_contradicted")).isEqualTo(1L);
    assertThat(first.<Double>getAs("validation_rate")).isEqualTo(0.0);
    assertThat(first.isNullAt(first.fieldIndex("median_days_to_validation"))).isTrue();
    assertThat(second.getAs("cycle_start").toString()).isEqualTo("2024-04-01");
    // x->y, w->y and z->y were all evaluated in Q2 before two of them left the tree.
    assertThat(second.<Long>getAs("links_tested")).isEqualTo(3L);
    assertThat(second.<Long>getAs("links_validated")).isEqualTo(1L);
    assertThat(second.<Long>getAs("links_contradicted")).isEqualTo(1L);
    assertThat(second.<Long>getAs("links_hardened")).isEqualTo(1L);
    assertThat(second.<Long>getAs("links_pruned")).isEqualTo(1L);
    assertThat(second.<Double>getAs("validation_rate")).isEqualTo(1.0 / 3.0);
    // First evaluated on 2024-03-24, validated on 2024-04-07.
    assertThat(second.<Double>getAs("median_days_to_validation")).isEqualTo(14.0);
  }

  @Test
  void latestViewHasOneRowPerLink() {
    assertThat(latestScores)
        .extracting(
            row ->
                row.getAs("link_id")
                    + " "
                    + row.getAs("as_of")
                    + " "
                    + row.getAs("lifecycle_status"))
        .containsExactly(
            "w->y 2024-05-05 contradicted", "x->y 2024-04-28 hardened", "z->y 2024-04-28 pruned");
  }

  @Test
  void noNonFiniteValueInEitherTable() {
    List<Row> rows = new ArrayList<>(scoresAfter.get("7"));
    rows.addAll(changesAfter.get("7"));

    for (Row row : rows) {
      for (int i = 0; i < row.length(); i++) {
        if (row.get(i) instanceof Double value) {
          assertThat(Double.isFinite(value)).as(row.schema().fields()[i].name()).isTrue();
        }
      }
    }
  }
}

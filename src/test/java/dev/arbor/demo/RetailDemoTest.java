package dev.arbor.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.arbor.cli.Main;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.ConfigLoader;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.ingest.IngestJob;
import dev.arbor.job.RunJob;
import dev.arbor.job.ShowJob;
import dev.arbor.period.Grain;
import dev.arbor.store.BiViews;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo tree on the real online-retail data. Expected monthly figures come from
 * src/test/resources/retail/expected_values.py, a plain-Python reading of the raw files that
 * shares no code with Arbor.
 */
class RetailDemoTest extends SparkTestBase {
  private static ArborConfig config;
  private static IngestJob.Result ingested;
  private static RunJob.Result run;
  private static final Map<String, Double> monthly = new HashMap<>();

  @BeforeAll
  static void runDemo(@TempDir Path dir) {
    config =
        ConfigLoader.load(Path.of("conf/demo.conf"))
            .withWarehouse(new WarehouseSettings(dir.resolve("wh").toString(), ""));
    ingested = new IngestJob(spark, config).run("invoice_lines", null, true);
    run = new RunJob(spark, config).run(new RunJob.Options("retail", LocalDate.parse("2011-12-09"), null));
    List<Row> rows =
        new TableLocator(spark, config.warehouse()).read("node_values")
            .where("grain = 'month' AND segment = 'all' AND dimension = 'all'")
            .select("node_id", "period_start", "value")
            .collectAsList();
    for (Row row : rows) {
      monthly.put(row.getString(0) + "/" + row.getDate(1).toString().substring(0, 7),
          row.isNullAt(2) ? null : row.getDouble(2));
    }
  }

  private static double month(String node, String yearMonth) {
    Double value = monthly.get(node + "/" + yearMonth);
    assertThat(value).as("%s in %s", node, yearMonth).isNotNull();
    return value;
  }

  @Test
  void ingestLoadsEveryLine() {
    assertThat(ingested.rowsLoaded()).isEqualTo(541_909L);
    assertThat(ingested.rowsQuarantined()).isZero();
  }

  @Test
  void november2011MatchesIndependentComputation() {
    assertThat(month("revenue", "2011-11")).isCloseTo(1_126_815.07, within(0.005));
    assertThat(month("gross_sales", "2011-11")).isCloseTo(1_156_205.61, within(0.005));
    assertThat(month("returns", "2011-11")).isCloseTo(29_390.54, within(0.005));
    assertThat(month("orders", "2011-11")).isEqualTo(2_657.0);
    assertThat(month("active_customers", "2011-11")).isEqualTo(1_664.0);
    assertThat(month("new_customers", "2011-11")).isEqualTo(323.0);
    assertThat(month("retained_customers", "2011-11")).isEqualTo(622.0);
    assertThat(month("resurrected_customers", "2011-11")).isEqualTo(719.0);
    assertThat(month("churned_customers", "2011-11")).isEqualTo(742.0);
  }

  @Test
  void earlyMonthsMatchIndependentComputation() {
    // History starts in December 2010, so every active customer is new that month.
    assertThat(month("new_customers", "2010-12")).isEqualTo(885.0);
    assertThat(month("revenue", "2010-12")).isCloseTo(552_372.86, within(0.005));
    assertThat(month("new_customers", "2011-01")).isEqualTo(417.0);
    assertThat(month("retained_customers", "2011-01")).isEqualTo(324.0);
    assertThat(month("churned_customers", "2011-01")).isEqualTo(561.0);
    assertThat(month("returns", "2011-01")).isCloseTo(94_369.41, within(0.005));
    assertThat(month("revenue", "2011-04")).isCloseTo(425_222.671, within(0.0005));
  }

  @Test
  void decompositionAddsUpInEveryPeriod() {
    long gaps =
        new TableLocator(spark, config.warehouse()).read("node_values")
            .where("dimension = 'all' AND array_contains(quality_flags, 'formula_gap')")
            .count();
    assertThat(gaps).isZero();
    // orders = active_customers * orders_per_customer differs in a segment where a customer
    // ordered from two countries in one period (docs/attribution.md); no other formula does.
    assertThat(new TableLocator(spark, config.warehouse()).read("node_values")
            .where("dimension <> 'all' AND array_contains(quality_flags, 'formula_gap')")
            .select("node_id").distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsOnly("orders");
    assertThat(run.warnings()).noneSatisfy(w -> assertThat(w).contains("formula"));
    assertThat(month("average_order_value", "2011-11"))
        .isCloseTo(1_156_205.61 / 2_657, within(1e-6));
  }

  @Test
  void duplicatesAreReportedAsWarning() {
    assertThat(run.warnings()).anySatisfy(w -> assertThat(w).contains("5225 duplicate events"));
  }

  @Test
  void showPrintsTheLatestCompleteMonth() {
    String text = new ShowJob(spark, config).render("retail", Grain.MONTH, null);

    assertThat(text).contains("month 2011-11-01 to 2011-11-30");
    assertThat(text).contains("Revenue [revenue]").contains("1,126,815.07").contains("Finance");
    assertThat(text).contains("│  │  ├─ Active customers [active_customers]");
  }

  @Test
  void viewsRunOnTheOutputs() {
    TableLocator locator = new TableLocator(spark, config.warehouse());
    assertThat(BiViews.create(spark, locator, true))
        .contains("latest_node_values", "metric_catalog", "top_drivers_latest", "segment_changes", "node_anomalies");

    Row latest = spark.sql("SELECT period_start, value FROM arbor_latest_node_values "
        + "WHERE grain = 'month' AND node_id = 'orders'").head();
    assertThat(latest.getDate(0).toString()).isEqualTo("2011-11-01");
    assertThat(latest.getDouble(1)).isEqualTo(2_657.0);
    Row catalog = spark.sql("SELECT owner, unit, is_north_star FROM arbor_metric_catalog "
        + "WHERE node_id = 'revenue'").head();
    assertThat(catalog.getString(0)).isEqualTo("Finance");
    assertThat(catalog.getString(1)).isEqualTo("currency");
    assertThat(catalog.getBoolean(2)).isTrue();
  }

  @Test
  void hypothesisLinksMatchIndependentComputation() {
    // Expected values from src/test/resources/retail/expected_links.py: differences over the 26
    // weeks from 2011-06-06 to 2011-12-04. None of the three links is significant.
    Map<String, Row> scores = new HashMap<>();
    for (Row row : new TableLocator(spark, config.warehouse()).read("link_scores").collectAsList()) {
      scores.put(row.getAs("link_id"), row);
    }

    assertThat(scores).hasSize(3);
    assertLink(scores.get("returning_customer_share->orders_per_customer"), 2, 23, 0.275517320558,
        0.0607394318256, 0.770846000091, 0.770846000091);
    assertLink(scores.get("new_customers->retained_customers"), 1, 24, 0.0703719571568,
        0.0135575420318, 0.587943001214, 0.770846000091);
    assertLink(scores.get("average_unit_price->units_per_order"), 0, 25, 110.06140812,
        0.0780123063105, 0.176334163883, 0.529002491648);
    for (Row row : scores.values()) {
      assertThat(row.getAs("window_start").toString()).isEqualTo("2011-06-06");
      assertThat(row.getAs("window_end").toString()).isEqualTo("2011-12-04");
      assertThat(row.<String>getAs("evaluation_status")).isEqualTo("inconclusive");
      assertThat(row.<String>getAs("lifecycle_status")).isEqualTo("inconclusive");
    }
    // A slope against the expected negative sign scores 0.
    assertThat(scores.get("average_unit_price->units_per_order").<Double>getAs("confidence"))
        .isEqualTo(0.0);
  }

  private static void assertLink(
      Row row, int lag, int points, double slope, double rSquared, double pAdjusted, double q) {
    assertThat(row.<Integer>getAs("lag")).isEqualTo(lag);
    assertThat(row.<Integer>getAs("points")).isEqualTo(points);
    assertThat(row.<Double>getAs("slope")).isCloseTo(slope, withinPercentage(1e-7));
    assertThat(row.<Double>getAs("r_squared")).isCloseTo(rSquared, withinPercentage(1e-7));
    assertThat(row.<Double>getAs("p_value_lag_adjusted")).isCloseTo(pAdjusted, withinPercentage(1e-7));
    assertThat(row.<Double>getAs("q_value")).isCloseTo(q, withinPercentage(1e-7));
  }

  @Test
  void showAndViewsReportTheLinks() {
    String text = new ShowJob(spark, config).render("retail", Grain.MONTH, null);
    TableLocator locator = new TableLocator(spark, config.warehouse());
    BiViews.create(spark, locator, true);

    assertThat(text)
        .contains("  new_customers -> retained_customers  expected positive, lag 1..1")
        .contains("      week: inconclusive, confidence 0.03 (latest verdict inconclusive,"
            + " q = 0.771 at lag 1, elasticity 0.10), as of 2011-12-09");
    // Fiscal quarters start in April, so 2011-12-09 is in the quarter starting 2011-10-01.
    Row crm = spark.sql("SELECT links_tested, links_validated, validation_rate, cycle_start "
        + "FROM arbor_link_validation_rates WHERE owner_team = 'CRM'").head();
    assertThat(crm.getLong(0)).isEqualTo(2L);
    assertThat(crm.getLong(1)).isZero();
    assertThat(crm.getDouble(2)).isEqualTo(0.0);
    assertThat(crm.getDate(3).toString()).isEqualTo("2011-10-01");
    assertThat(spark.sql("SELECT * FROM arbor_link_scores_latest").count()).isEqualTo(3L);
  }

  @Test
  void everyFormulaSplitIsExact() {
    // Contributions add up to the change of the parent formula within 1e-9 of its value, in
    // every period, grain, comparison and segment, whatever the method.
    var formulaRows = new TableLocator(spark, config.warehouse()).read("change_attribution")
        .where("method IN ('additive', 'lmdi', 'shapley', 'unattributed')");

    assertThat(formulaRows.count()).isPositive();
    assertThat(formulaRows.where("method = 'unattributed'").count()).isZero();
    assertThat(formulaRows.where("abs(residual) > 1e-9 * greatest(abs(parent_base_value), abs(parent_value))").count())
        .isZero();
    assertThat(run.warnings()).noneSatisfy(w -> assertThat(w).contains("do not add up"));
  }

  @Test
  void leafPathsAddUpToNorthStarChange() {
    long traces = new TableLocator(spark, config.warehouse()).read("root_cause")
        .groupBy("grain", "period_start", "comparison", "dimension", "segment")
        .agg(org.apache.spark.sql.functions.expr(
            "abs(sum(contribution) - first(explained_change)) <= 1e-9 * greatest(abs(first(north_star_base_value)), abs(first(north_star_value)))")
            .as("exact"))
        .where("NOT exact")
        .count();

    assertThat(traces).isZero();
  }

  @Test
  void countrySegmentsAddUpToTotals() {
    // Sums and lifecycle counts of the nine country segments (eight countries and other) add up
    // to the total in every month.
    Row worst = spark.sql("SELECT max(abs(t.value - s.value)) FROM "
        + "(SELECT node_id, period_start, value FROM " + new TableLocator(spark, config.warehouse()).sqlName("node_values")
        + " WHERE grain = 'month' AND dimension = 'all') t JOIN "
        + "(SELECT node_id, period_start, sum(value) AS value, count(*) AS segments FROM "
        + new TableLocator(spark, config.warehouse()).sqlName("node_values")
        + " WHERE grain = 'month' AND dimension = 'country' GROUP BY node_id, period_start) s"
        + " ON t.node_id = s.node_id AND t.period_start = s.period_start"
        + " WHERE t.node_id IN ('revenue', 'gross_sales', 'returns', 'active_customers', 'new_customers',"
        + " 'retained_customers', 'resurrected_customers', 'churned_customers') AND s.segments = 9").head();

    assertThat(worst.getDouble(0)).isLessThan(1e-6);
  }

  @Test
  void explainNamesDriversOfNovember() {
    String text = new ShowJob(spark, config).explain("retail", Grain.MONTH, null);

    assertThat(text).contains("month 2011-11-01 to 2011-11-30, compared with the month starting 2011-10-01");
    assertThat(text).contains("explained by the tree +153,508.69, formula gap 0.00");
    assertThat(text).containsPattern("1\\.\\s+-220,886\\.36 .* revenue > gross_sales > average_order_value > units_per_order");
    assertThat(text).contains("by country: United Kingdom");
  }

  @Test
  void planningCoversTheBetLedger() {
    TableLocator locator = new TableLocator(spark, config.warehouse());

    // 20 ledger rows, 3 of them rejected (unknown target, unmeasurable change, confidence 1.5).
    assertThat(locator.read("bets").where("is_current").count()).isEqualTo(20);
    assertThat(locator.read("bets").where("rejected").select("bet_id").collectAsList().stream()
        .map(r -> r.getString(0)).sorted().toList()).containsExactly("B305", "B306", "B405");
    assertThat(run.warnings()).anyMatch(w -> w.contains("retail_bets.csv:17: bet 'B305' rejected"));

    // Four cycles (FY2010/11 Q4 to FY2011/12 Q3) x 16 nodes x 3 months, all frozen at the as-of
    // date, each from history before its cycle only.
    assertThat(locator.read("forecasts").count()).isEqualTo(4 * 16 * 3);
    assertThat(locator.read("forecasts").where("NOT frozen OR history_end >= cycle_start").count()).isZero();
    Row april = locator.read("forecast_vs_actual")
        .where("node_id = 'revenue' AND period_start = DATE'2011-04-01'")
        .select("actual", "forecast").head();
    assertThat(april.getDouble(0)).isCloseTo(month("revenue", "2011-04"), within(1e-6));
    assertThat(april.isNullAt(1)).isFalse();

    Map<String, String> verdicts = new HashMap<>();
    for (Row row : locator.read("bet_outcomes").select("bet_id", "verdict").collectAsList()) {
      verdicts.put(row.getString(0), row.getString(1));
    }
    assertThat(verdicts).hasSize(16).doesNotContainKey("B205");
    assertThat(verdicts.get("B103")).as("killed").isEqualTo("execution_problem");
    assertThat(verdicts.get("B104")).as("running at its end").isEqualTo("execution_problem");
    assertThat(verdicts.get("B401")).as("runs until 2011-12-31").isEqualTo("pending");
    assertThat(locator.read("learning_velocity").where("team = 'all'").count()).isEqualTo(4);
    assertThat(BiViews.create(spark, locator, true))
        .contains("planning_board", "forecast_gap", "learning_velocity_by_cycle");
  }

  @Test
  void validateCommandAcceptsTheDemoConfig() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(new String[] {"validate", "--conf", "conf/demo.conf"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("is valid: trees [retail]");
  }
}

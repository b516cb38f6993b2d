package dev.arbor.links;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.SparkTestBase;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The links command end to end on small Delta node_values tables. */
class LinksJobTest extends SparkTestBase {
  /** Monday of the first of twelve weeks; the twelfth week ends on Sunday 2024-03-24. */
  private static final LocalDate FIRST_MONDAY = LocalDate.parse("2024-01-01");

  private static final LocalDate AS_OF = LocalDate.parse("2024-03-24");

  private static final String NODES =
      """
north-star = y
nodes {
  x { unit = count, owner = Growth, measure { source = events, agg = count } }
  y { unit = count, owner = Sales, measure { source = events, agg = count_distinct, column = user_id } }
  a { unit = count, owner = Growth, measure { source = events, agg = count_distinct, column = event_id } }
  b { unit = count, owner = Finance, measure { source = events, agg = sum, column = amount } }
}
links-scoring { window = 12, min-points = 6 }
""";

  @TempDir Path dir;

  private static Double[] values(double... values) {
    Double[] boxed = new Double[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }

  private static Row onlyRow(Dataset<Row> rows) {
    List<Row> list = rows.collectAsList();
    assertThat(list).hasSize(1);
    return list.get(0);
  }

  /**
   * x leads y by two weeks. On differences, with d the differences of x and e a noise orthogonal to
   * both the constant and d over the nine points that align at lag 2:
   *
   * <pre>
   *   x      10 12 11 14 14 12 13  9  6 10  9 11     dx(1..11) = 2 -1 3 0 -2 1 -4 -3 4 -1 2
   *   y      50 52 51 56 56 63 62 59 63 56 51 60     dy(1..11) = 2 -1 5 0 7 -1 -3 4 -7 -5 9
   *   at lag 2, t = 3..11: d = dx(t-2) = 2 -1 3 0 -2 1 -4 -3 4   (sum 0, Sxx = 60)
   *                        e           = 0  1 0 -2 0 1  0  0 0   (sum 0, sum e*d = 0)
   *                        dy(t) = 1 + 2 d + e
   *   so a = 1, b = 2, residuals e, RSS = 6, n = 9, df = 7, s^2 = 6/7
   *   se(b) = sqrt(s^2 / Sxx) = sqrt(1/70), t = 2 sqrt(70) = 16.7332
   *   TSS = sum (2d + e)^2 = 4 * 60 + 6 = 246, R^2 = 1 - 6/246 = 240/246
   *   elasticity = b * mean(x(1..9)) / mean(y(3..11)) = 2 * (101/9) / (526/9) = 202/526
   * </pre>
   */
  @Test
  void leadOfTwoWeeksIsFoundAtLagTwoAndSupported() {
    ArborConfig config =
        NodeValuesFixture.config(
            dir,
            "lead",
            NODES
                + "links = [ { from = x, to = y, kind = hypothesis, expected-sign = positive, lag ="
                + " \"0..3\" } ]");
    NodeValuesFixture.write(
        spark,
        config,
        FIRST_MONDAY,
        Map.of(
            "x", values(10, 12, 11, 14, 14, 12, 13, 9, 6, 10, 9, 11),
            "y", values(50, 52, 51, 56, 56, 63, 62, 59, 63, 56, 51, 60)));

    LinksJob.Result result = new LinksJob(spark, config).run(new LinksJob.Options("t", AS_OF));

    TableLocator locator = new TableLocator(spark, config.warehouse());
    Row row = onlyRow(locator.read("link_scores"));
    TDistribution student = new TDistribution(7);
    double t = 2.0 * Math.sqrt(70.0);
    double p = 2.0 * student.cumulativeProbability(-t);
    double halfWidth = student.inverseCumulativeProbability(0.975) * Math.sqrt(1.0 / 70.0);
    assertThat(result.links().scoreRows()).isEqualTo(1);
    assertThat(row.<String>getAs("run_id")).isEqualTo(result.runId());
    assertThat(row.<String>getAs("link_id")).isEqualTo("x->y");
    assertThat(row.<String>getAs("grain")).isEqualTo("week");
    assertThat(row.<String>getAs("transform")).isEqualTo("differences");
    assertThat(row.getAs("window_start").toString()).isEqualTo("2024-01-01");
    assertThat(row.getAs("window_end").toString()).isEqualTo("2024-03-24");
    assertThat(row.<Integer>getAs("window_periods")).isEqualTo(12);
    assertThat(row.<String>getAs("fit_status")).isEqualTo("ok");
    assertThat(row.<Integer>getAs("lag")).isEqualTo(2);
    assertThat(row.<Integer>getAs("lags_tested")).isEqualTo(4);
    assertThat(row.<Integer>getAs("points")).isEqualTo(9);
    assertThat(row.<Integer>getAs("degrees_of_freedom")).isEqualTo(7);
    assertThat(row.<Double>getAs("intercept")).isCloseTo(1.0, within(1e-12));
    assertThat(row.<Double>getAs("slope")).isCloseTo(2.0, within(1e-12));
    assertThat(row.<Double>getAs("slope_std_error"))
        .isCloseTo(Math.sqrt(1.0 / 70.0), within(1e-12));
    assertThat(row.<Double>getAs("slope_low")).isCloseTo(2.0 - halfWidth, within(1e-10));
    assertThat(row.<Double>getAs("slope_high")).isCloseTo(2.0 + halfWidth, within(1e-10));
    assertThat(row.<Double>getAs("t_statistic")).isCloseTo(t, within(1e-9));
    assertThat(row.<Double>getAs("p_value")).isCloseTo(p, within(1e-15));
    assertThat(row.<Double>getAs("p_value_lag_adjusted")).isCloseTo(4.0 * p, within(1e-15));
    // Alone in its run, the link's q-value is its lag-adjusted p-value.
    assertThat(row.<Double>getAs("q_value")).isCloseTo(4.0 * p, within(1e-15));
    assertThat(row.<Double>getAs("r_squared")).isCloseTo(240.0 / 246.0, within(1e-12));
    assertThat(row.<Double>getAs("elasticity")).isCloseTo(202.0 / 526.0, within(1e-12));
    assertThat(row.<Double>getAs("elasticity_low"))
        .isCloseTo((2.0 - halfWidth) * 101.0 / 526.0, within(1e-10));
    assertThat(row.<Double>getAs("elasticity_high"))
        .isCloseTo((2.0 + halfWidth) * 101.0 / 526.0, within(1e-10));
    assertThat(row.<Double>getAs("confidence_level")).isEqualTo(0.95);
    assertThat(row.<String>getAs("evaluation_status")).isEqualTo("supported");
    assertThat(row.<String>getAs("previous_lifecycle_status")).isEqualTo("untested");
    assertThat(row.<String>getAs("lifecycle_status")).isEqualTo("supported");
    assertThat(row.getAs("lifecycle_as_of").toString()).isEqualTo("2024-03-24");
    assertThat(row.<Integer>getAs("consecutive_supported")).isEqualTo(1);
    assertThat(row.<Boolean>getAs("hardening_candidate")).isFalse();
    assertThat(row.<String>getAs("owner_team")).isEqualTo("Sales");
    assertThat(row.getAs("cycle_start").toString()).isEqualTo("2024-01-01");
    assertThat(row.getList(row.fieldIndex("lag_fits")))
        .extracting(fit -> ((Row) fit).getInt(0) + ":" + ((Row) fit).getInt(2))
        .containsExactly("0:11", "1:10", "2:9", "3:8");

    // q < 0.001 gives full significance and every sub-window agrees in sign, so the confidence is
    // 1 * (0.5 + 0.3 * 1 + 0.2 * 9 / (9 + 12)).
    assertThat(row.<Double>getAs("sign_stability")).isEqualTo(1.0);
    assertThat(row.<Double>getAs("confidence")).isCloseTo(0.8 + 0.2 * 9.0 / 21.0, within(1e-12));
    assertThat(LinkScoreSummaries.latest(locator, "t"))
        .containsExactly(
            Map.entry(
                "x->y",
                List.of(
                    String.format(
                        java.util.Locale.ROOT,
                        "week: supported, confidence 0.89 (latest verdict supported, q = %.3g at"
                            + " lag 2, elasticity 0.38), as of 2024-03-24",
                        4.0 * p))));

    Row change = onlyRow(locator.read("link_status_history"));
    assertThat(change.<String>getAs("from_status")).isEqualTo("untested");
    assertThat(change.<String>getAs("to_status")).isEqualTo("supported");
    assertThat(change.<Integer>getAs("lag")).isEqualTo(2);
    assertThat(change.<String>getAs("reason")).startsWith("evaluated as supported: q = ");

    Row run = onlyRow(locator.read("runs").where(col("run_id").equalTo(result.runId())));
    assertThat(run.<String>getAs("command")).isEqualTo("links");
    assertThat(run.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(run.getAs("as_of").toString()).isEqualTo("2024-03-24");
  }

  @Test
  void degenerateSeriesGiveAStatusAndNoNaN() {
    ArborConfig config =
        NodeValuesFixture.config(
            dir,
            "degenerate",
            NODES
                + """
                  links = [
                    { from = a, to = y, kind = hypothesis }
                    { from = x, to = b, kind = hypothesis, expected-sign = negative }
                  ]
                  """);
    NodeValuesFixture.write(
        spark,
        config,
        FIRST_MONDAY,
        Map.of(
            // a is the same every week, so its differences are all 0.
            "a", values(5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5),
            "y", values(50, 52, 51, 56, 56, 63, 62, 59, 63, 56, 51, 60),
            "x", values(10, 12, 11, 14, 14, 12, 13, 9, 6, 10, 9, 11),
            // b has values in five weeks only: four differences, below min-points 6.
            "b", new Double[] {null, null, 3.0, 4.0, 6.0, 5.0, 9.0, null, null, null, null, null}));

    new LinksJob(spark, config).run(new LinksJob.Options("t", AS_OF));

    TableLocator locator = new TableLocator(spark, config.warehouse());
    Row constant = onlyRow(locator.read("link_scores").where(col("link_id").equalTo("a->y")));
    Row few = onlyRow(locator.read("link_scores").where(col("link_id").equalTo("x->b")));
    assertThat(constant.<String>getAs("fit_status")).isEqualTo("constant_series");
    assertThat(constant.<String>getAs("status_reason"))
        .isEqualTo("x is constant after DIFFERENCES at lag 0 (all 11 points equal 0.0)");
    assertThat(few.<String>getAs("fit_status")).isEqualTo("insufficient_data");
    assertThat(few.<String>getAs("status_reason"))
        .isEqualTo("4 aligned points after DIFFERENCES at lag 0, minimum 6");
    for (Row row : List.of(constant, few)) {
      assertThat(row.<String>getAs("evaluation_status")).isEqualTo("insufficient_data");
      assertThat(row.<String>getAs("lifecycle_status")).isEqualTo("insufficient_data");
      assertThat(row.<Double>getAs("confidence")).isEqualTo(0.0);
      for (String column :
          List.of(
              "lag",
              "intercept",
              "slope",
              "slope_std_error",
              "t_statistic",
              "p_value",
              "p_value_lag_adjusted",
              "q_value",
              "r_squared",
              "elasticity",
              "sign_stability")) {
        assertThat(row.isNullAt(row.fieldIndex(column))).as(column).isTrue();
      }
    }
    assertNoNonFiniteDoubles(locator.read("link_scores"));
    assertNoNonFiniteDoubles(locator.read("link_status_history"));
  }

  @Test
  void treeWithoutLinksCreatesNoTable() {
    ArborConfig config = NodeValuesFixture.config(dir, "nolinks", NODES);
    NodeValuesFixture.write(spark, config, FIRST_MONDAY, Map.of("x", values(1, 2, 3)));

    LinksJob.Result result = new LinksJob(spark, config).run(new LinksJob.Options("t", AS_OF));

    TableLocator locator = new TableLocator(spark, config.warehouse());
    assertThat(result.links().scored()).isFalse();
    assertThat(locator.exists("link_scores")).isFalse();
    assertThat(locator.exists("link_status_history")).isFalse();
  }

  @Test
  void missingNodeValuesTableIsAUsageError() {
    ArborConfig config =
        NodeValuesFixture.config(
            dir, "empty", NODES + "links = [ { from = x, to = y, kind = hypothesis } ]");

    assertThatThrownBy(() -> new LinksJob(spark, config).run(new LinksJob.Options("t", AS_OF)))
        .isInstanceOf(ArborException.class)
        .hasMessageStartingWith("No node_values table in ");
  }

  @Test
  void tableSchemasMatchTheirDdl() {
    ArborConfig config =
        NodeValuesFixture.config(
            dir, "ddl", NODES + "links = [ { from = x, to = y, kind = hypothesis } ]");
    TableLocator locator = new TableLocator(spark, config.warehouse());
    dev.arbor.store.OutputCommitter committer =
        new dev.arbor.store.OutputCommitter(spark, locator, "ddl-check");

    committer.ensureTable(LinkScoreTables.LINK_SCORES);
    committer.ensureTable(LinkScoreTables.LINK_STATUS_HISTORY);

    assertSameColumns(
        locator.read(LinkScoreTables.LINK_SCORES).schema().fields(),
        LinkScoreTables.LINK_SCORES_SCHEMA.fields());
    assertSameColumns(
        locator.read(LinkScoreTables.LINK_STATUS_HISTORY).schema().fields(),
        LinkScoreTables.LINK_STATUS_HISTORY_SCHEMA.fields());
  }

  private static void assertSameColumns(StructField[] table, StructField[] code) {
    assertThat(table).hasSameSizeAs(code);
    for (int i = 0; i < code.length; i++) {
      assertThat(table[i].name()).isEqualTo(code[i].name());
      assertThat(table[i].dataType().sql()).as(code[i].name()).isEqualTo(code[i].dataType().sql());
      assertThat(table[i].nullable()).as(code[i].name()).isEqualTo(code[i].nullable());
      assertThat(table[i].getComment().isDefined()).as(code[i].name() + " comment").isTrue();
    }
  }

  /** Asserts that no DOUBLE column of the rows holds NaN or an infinite value. */
  static void assertNoNonFiniteDoubles(Dataset<Row> rows) {
    for (StructField field : rows.schema().fields()) {
      if (field.dataType().equals(DataTypes.DoubleType)) {
        long bad =
            rows.where(
                    org.apache
                        .spark
                        .sql
                        .functions
                        .isnan(col(field.name()))
                        .or(
                            org.apache
                                .spark
                                .sql
                                .functions
                                .abs(col(field.name()))
                                .equalTo(Double.POSITIVE_INFINITY)))
                .count();
        assertThat(bad).as(field.name()).isZero();
      }
    }
  }
}

package dev.arbor.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.period.Grain;
import dev.arbor.store.BiViews;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nightly run with attribution and slicing, into a warehouse whose node_values table was
 * created before the attribution columns existed.
 *
 * <pre>
 * month  UK             FR      revenue  buyers  revenue per buyer
 * Jan    u1 10          u2 20     30       2        15
 * Feb    u1 30, u3 10   u2 20     60       3        20
 * Mar    u1 40, u3 20   u2 10     70       3        70 / 3
 * Apr    u1 50                    50       1        50
 * </pre>
 *
 * April against March: revenue = buyers * revenue_per_buyer goes 70 -> 50. L(50, 70) =
 * 59.44026823976924; buyers: L ln(1/3) = -65.30180912993924; revenue_per_buyer: L ln(50 / (70 /
 * 3)) = 45.30180912993923. buyers falls by 1 in the UK and by 1 in France, so each country
 * drives half of buyers' contribution.
 */
class RunAttributionTest extends SparkTestBase {
  private static final String TREE =
      """
      arbor.trees.shop {
        name = "Shop"
        north-star = revenue
        dimensions = [country]
        calendar { grains = [month] }
        nodes {
          revenue { name = "Revenue", unit = currency, owner = A, measure { source = events, agg = sum, column = amount }, formula = "buyers * revenue_per_buyer" }
          buyers { name = "Buyers", unit = count, owner = A, lifecycle { source = events, kind = active } }
          revenue_per_buyer { name = "Revenue per buyer", unit = currency, owner = A, measure { source = events, agg = ratio, numerator { agg = sum, column = amount }, denominator { agg = count_distinct, column = user_id } } }
        }
      }
      """;

  private static ArborConfig config;
  private static TableLocator locator;
  private static RunJob.Result result;

  @BeforeAll
  static void runOnce(@TempDir Path dir) throws IOException {
    String warehouse = dir.resolve("wh").toString();
    new EventTables()
        .add("u1", "2024-01-10T10:00:00Z", "purchase", "10", "UK")
        .add("u2", "2024-01-11T10:00:00Z", "purchase", "20", "FR")
        .add("u1", "2024-02-10T10:00:00Z", "purchase", "30", "UK")
        .add("u2", "2024-02-11T10:00:00Z", "purchase", "20", "FR")
        .add("u3", "2024-02-12T10:00:00Z", "purchase", "10", "UK")
        .add("u1", "2024-03-10T10:00:00Z", "purchase", "40", "UK")
        .add("u3", "2024-03-11T10:00:00Z", "purchase", "20", "UK")
        .add("u2", "2024-03-12T10:00:00Z", "purchase", "10", "FR")
        .add("u1", "2024-04-10T10:00:00Z", "purchase", "50", "UK")
        .writeDelta(spark, warehouse + "/events");
    config = TestConfigs.load(dir, TestConfigs.eventsSource("") + TREE)
        .withWarehouse(new WarehouseSettings(warehouse, ""));
    locator = new TableLocator(spark, config.warehouse());

    // A node_values table as the first release created it, with a row of another tree.
    spark.sql(resource("/sql/node_values_before_attribution.sql").replace("${table}", locator.sqlName("node_values")));
    spark.sql("INSERT INTO " + locator.sqlName("node_values") + " VALUES ('old', 'v', 'n', 'month',"
        + " DATE'2023-01-01', DATE'2023-01-31', 'all', 'all', 1.0, NULL, NULL, NULL, NULL, NULL, true,"
        + " CAST(array() AS ARRAY<STRING>), 'r', TIMESTAMP'2023-02-01 00:00:00')");

    result = new RunJob(spark, config).run(new RunJob.Options("shop", LocalDate.parse("2024-04-30"), null));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = RunAttributionTest.class.getResourceAsStream(name)) {
      StringBuilder sql = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.stripLeading().startsWith("--")) {
          sql.append(line).append('\n');
        }
      }
      return sql.toString();
    }
  }

  @Test
  void oldNodeValuesTableGetsNewColumns() {
    StructField score = locator.read("node_values").schema().apply("anomaly_score");

    assertThat(score.getComment().get()).startsWith("Robust z-score of change");
    assertThat(locator.read("node_values").schema().fieldNames())
        .endsWith("computed_at", "numerator", "denominator", "anomaly_score");
    Row old = locator.read("node_values").where("tree_id = 'old'").head();
    assertThat(old.isNullAt(old.fieldIndex("anomaly_score"))).isTrue();
  }

  @Test
  void runWritesAttributionTables() {
    assertThat(result.rowsWritten()).containsKeys("node_values", "change_attribution", "root_cause");
    Row buyers = locator.read("change_attribution")
        .where("period_start = DATE'2024-04-01' AND comparison = 'previous_period' AND segment = 'all'"
            + " AND parent_id = 'revenue' AND child_id = 'buyers'")
        .head();
    assertThat(buyers.<String>getAs("method")).isEqualTo("lmdi");
    assertThat((Double) buyers.getAs("contribution")).isCloseTo(-65.30180912993924, within(1e-9));
    assertThat(buyers.<String>getAs("run_id")).isEqualTo(result.runId());
    assertThat(buyers.<String>getAs("tree_version")).isEqualTo(result.treeVersion());
  }

  @Test
  void nodeValuesHaveSegments() {
    Row uk = locator.read("node_values")
        .where("tree_id = 'shop' AND node_id = 'revenue' AND period_start = DATE'2024-03-01' AND segment = 'UK'")
        .head();
    assertThat(uk.<String>getAs("dimension")).isEqualTo("country");
    assertThat((Double) uk.getAs("value")).isEqualTo(60.0);
  }

  @Test
  void explainPrintsTraceOfLatestCompleteMonth() {
    String text = new ShowJob(spark, config).explain("shop", Grain.MONTH, null);

    assertThat(text).contains("month 2024-04-01 to 2024-04-30, compared with the month starting 2024-03-01");
    assertThat(text).contains("Revenue [revenue]: 70.00 -> 50.00, change -20.00 (-28.6%)");
    assertThat(text).containsPattern("1\\.\\s+-65\\.30\\s+326\\.5%\\s+revenue > buyers");
    assertThat(text).containsPattern("2\\.\\s+\\+45\\.30\\s+-226\\.5%\\s+revenue > revenue_per_buyer");
    assertThat(text).contains("by country: FR -32.65, UK -32.65");
  }

  @Test
  void viewsRunOnTheOutputTables() {
    assertThat(viewRows("top_drivers_latest")).isEqualTo(2);
    assertThat(viewRows("segment_changes")).isPositive();
    assertThat(viewRows("node_anomalies")).isZero();
  }

  /** Creates a view of sql/views as a temporary view over the run's tables and counts its rows. */
  private static long viewRows(String name) {
    spark.sql(BiViews.statements(locator, true).get(name));
    return spark.table("arbor_" + name).count();
  }
}

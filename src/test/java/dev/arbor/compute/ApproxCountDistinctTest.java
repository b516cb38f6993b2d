package dev.arbor.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.job.RunJob;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distinct counts estimated by HLL sketches next to the exact ones. */
class ApproxCountDistinctTest extends SparkTestBase {
  private static final String TREE =
      """
      arbor.trees.t {
        north-star = buyers
        calendar { grains = [day, month] }
        nodes {
          buyers { unit = count, owner = A, measure { source = events, agg = count_distinct, column = user_id, filter = "event_name = 'purchase'" } }
          buyers_approx { unit = count, owner = A, measure { source = events, agg = approx_count_distinct, column = user_id, filter = "event_name = 'purchase'" } }
          users_approx { unit = count, owner = A, measure { source = events, agg = approx_count_distinct, column = user_id } }
          active { unit = count, owner = A, lifecycle { source = events, kind = active } }
          amount_per_buyer { unit = currency, owner = A, measure { source = events, agg = ratio, filter = "event_name = 'purchase'", numerator { agg = sum, column = amount }, denominator { agg = approx_count_distinct, column = user_id } } }
        }
      }
      """;

  private static Map<String, Double> compute(Path dir, String warehouse, String asOf) {
    ArborConfig config = TestConfigs.load(dir, TestConfigs.eventsSource("") + TREE)
        .withWarehouse(new WarehouseSettings(warehouse, ""));
    TableLocator locator = new TableLocator(spark, config.warehouse());
    NodeValuesComputer computer = new NodeValuesComputer(spark, new SourceScanner(spark, locator));
    Map<String, Double> values = new HashMap<>();
    for (Row row : computer.compute(config.tree("t"), config.settings("t"), config.sources(),
            LocalDate.parse(asOf), null).nodeValues()
        .select("node_id", "grain", "period_start", "value").collectAsList()) {
      values.put(row.getString(0) + "|" + row.getString(1) + "|" + row.getDate(2),
          row.isNullAt(3) ? null : row.getDouble(3));
    }
    return values;
  }

  @Test
  void smallCountsAreExact(@TempDir Path dir) {
    String warehouse = dir.resolve("wh").toString();
    // 01-01: u1 buys twice, u2 buys, u3 views. 01-02: u1 buys again, u4 buys.
    new EventTables()
        .add("u1", "2024-01-01T10:00:00Z", "purchase", "10.00", "UK")
        .add("u1", "2024-01-01T11:00:00Z", "purchase", "5.00", "UK")
        .add("u2", "2024-01-01T12:00:00Z", "purchase", "6.00", "UK")
        .add("u3", "2024-01-01T13:00:00Z", "view", null, "UK")
        .add("u1", "2024-01-02T10:00:00Z", "purchase", "4.00", "UK")
        .add("u4", "2024-01-02T11:00:00Z", "purchase", "3.00", "UK")
        .writeDelta(spark, warehouse + "/events");

    Map<String, Double> values = compute(dir, warehouse, "2024-01-02");

    assertThat(values.get("buyers_approx|day|2024-01-01")).isEqualTo(2.0);
    assertThat(values.get("buyers_approx|day|2024-01-02")).isEqualTo(2.0);
    // The month merges the two days' sketches: u1 counts once, so {u1, u2, u4}.
    assertThat(values.get("buyers_approx|month|2024-01-01")).isEqualTo(3.0);
    assertThat(values.get("users_approx|month|2024-01-01")).isEqualTo(4.0);
    // (10 + 5 + 6 + 4 + 3) / 3 buyers.
    assertThat(values.get("amount_per_buyer|month|2024-01-01")).isCloseTo(28.0 / 3, within(1e-9));
  }

  @Test
  void largeCountsStayWithinTheSketchError(@TempDir Path dir) {
    String warehouse = dir.resolve("wh").toString();
    // 20,000 purchases by 5,000 users over ten days of January: every user buys on four days.
    spark.range(20_000)
        .selectExpr(
            "CAST(id % 5000 AS STRING) AS user_id",
            "timestamp_seconds(unix_timestamp(TIMESTAMP'2024-01-01 00:00:00') + ((id DIV 5000 + id) % 10) * 86400 + 3600)"
                + " AS event_time",
            "CAST(id AS STRING) AS event_id",
            "'purchase' AS event_name",
            "CAST(1 AS DECIMAL(12,2)) AS amount",
            "'UK' AS country")
        .write().format("delta").save(warehouse + "/events");

    Map<String, Double> values = compute(dir, warehouse, "2024-01-10");

    assertThat(values.get("buyers|month|2024-01-01")).isEqualTo(5_000.0);
    // Three relative standard errors of 1.6% around the exact count.
    assertThat(values.get("buyers_approx|month|2024-01-01")).isCloseTo(5_000.0, within(240.0));
    assertThat(values.get("buyers|day|2024-01-05")).isEqualTo(2_000.0);
    assertThat(values.get("buyers_approx|day|2024-01-05")).isCloseTo(2_000.0, within(96.0));
    assertThat(values.get("active|month|2024-01-01")).isEqualTo(5_000.0);
  }
  @Test
  void sketchesPerSegmentInIncrementalRuns(@TempDir Path dir) {
    String warehouse = dir.resolve("wh").toString();
    String events = warehouse + "/events";
    ArborConfig config = TestConfigs.load(dir, TestConfigs.eventsSource("")
            + TREE.replace("north-star = buyers", "north-star = buyers\n  dimensions = [country]"))
        .withWarehouse(new WarehouseSettings(warehouse, ""));
    EventTables.createWithChangeFeed(spark, events);
    // 01-01: u1 (UK) buys twice, u2 (FR) buys. 01-02: u1 buys in FR.
    new EventTables()
        .add("u1", "2024-01-01T10:00:00Z", "purchase", "10.00", "UK")
        .add("u1", "2024-01-01T11:00:00Z", "purchase", "5.00", "UK")
        .add("u2", "2024-01-01T12:00:00Z", "purchase", "6.00", "FR")
        .add("u1", "2024-01-02T10:00:00Z", "purchase", "4.00", "FR")
        .appendDelta(spark, events);
    RunJob.Result first = new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse("2024-01-02"), null));
    // 01-03, read by the incremental run: u3 buys in UK, u2 views in UK.
    new EventTables()
        .add("u3", "2024-01-03T10:00:00Z", "purchase", "3.00", "UK")
        .add("u2", "2024-01-03T11:00:00Z", "view", null, "UK")
        .appendDelta(spark, events);
    RunJob.Result second = new RunJob(spark, config).run(new RunJob.Options("t", LocalDate.parse("2024-01-03"), null));

    assertThat(first.recompute()).startsWith("full");
    assertThat(second.recompute()).doesNotStartWith("full");
    Map<String, Double> values = new HashMap<>();
    for (Row row : new TableLocator(spark, config.warehouse()).read("node_values")
        .select("node_id", "grain", "period_start", "segment", "value").collectAsList()) {
      values.put(row.getString(0) + "|" + row.getString(1) + "|" + row.getDate(2) + "|" + row.getString(3),
          row.isNullAt(4) ? null : row.getDouble(4));
    }
    // January per segment: UK buyers {u1, u3}, FR buyers {u1, u2}; users add u2 in UK.
    assertThat(values.get("buyers_approx|month|2024-01-01|all")).isEqualTo(3.0);
    assertThat(values.get("buyers_approx|month|2024-01-01|UK")).isEqualTo(2.0);
    assertThat(values.get("buyers_approx|month|2024-01-01|FR")).isEqualTo(2.0);
    assertThat(values.get("users_approx|month|2024-01-01|UK")).isEqualTo(3.0);
    assertThat(values.get("buyers_approx|day|2024-01-03|UK")).isEqualTo(1.0);
    assertThat(values.get("buyers_approx|day|2024-01-03|FR")).isEqualTo(0.0);
    assertThat(values.get("buyers_approx|day|2024-01-01|UK")).isEqualTo(1.0);
  }
}

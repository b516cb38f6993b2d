package dev.arbor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.config.ArborConfig;
import dev.arbor.period.Grain;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The naive SQL on a tiny event table, expected values worked out by hand.
 *
 * <pre>
 * user  time (UTC)          event     amount   ISO week    month
 * u1    2024-01-01 10:00    purchase  10.00    01-01       Jan
 * u1    2024-01-01 11:00    purchase   5.00    01-01       Jan
 * u2    2024-01-02 09:00    purchase  20.00    01-01       Jan
 * u2    2024-01-02 09:30    view               01-01       Jan
 * u3    2024-01-10 12:00    purchase   7.00    01-08       Jan
 * u1    2024-01-17 08:00    purchase   3.00    01-15       Jan
 * u2    2024-02-05 08:00    purchase   1.00    02-05       Feb
 * </pre>
 *
 * The as-of date is 2024-02-07.
 */
class NaiveQueriesTest extends SparkTestBase {
  private static final String TREE =
      """
      arbor.trees.t {
        north-star = revenue
        calendar { grains = [week, month] }
        nodes {
          revenue { unit = currency, owner = A, measure { source = events, agg = sum, column = amount, filter = "event_name = 'purchase'" } }
          buyers { unit = count, owner = A, measure { source = events, agg = count_distinct, column = user_id, filter = "event_name = 'purchase'" } }
          views { unit = count, owner = A, measure { source = events, agg = count, filter = "event_name = 'view'" } }
          new_buyers { unit = count, owner = A, lifecycle { source = events, kind = new, filter = "event_name = 'purchase'" } }
          retained { unit = count, owner = A, lifecycle { source = events, kind = retained, filter = "event_name = 'purchase'" } }
          resurrected { unit = count, owner = A, lifecycle { source = events, kind = resurrected, filter = "event_name = 'purchase'" } }
          churned { unit = count, owner = A, lifecycle { source = events, kind = churned, filter = "event_name = 'purchase'" } }
          revenue_per_buyer { unit = currency, owner = A, formula = "revenue / buyers" }
          capped { unit = currency, owner = A, formula = "min(revenue, 8) - views" }
          new_share { unit = percent, owner = A, formula = "new_buyers / (new_buyers + retained + resurrected)" }
        }
      }
      """;

  private static NaiveQueries queries;

  @BeforeAll
  static void createView(@TempDir Path dir) {
    String warehouse = dir.resolve("wh").toString();
    new EventTables()
        .add("u1", "2024-01-01T10:00:00Z", "purchase", "10.00", "UK")
        .add("u1", "2024-01-01T11:00:00Z", "purchase", "5.00", "UK")
        .add("u2", "2024-01-02T09:00:00Z", "purchase", "20.00", "FR")
        .add("u2", "2024-01-02T09:30:00Z", "view", null, "FR")
        .add("u3", "2024-01-10T12:00:00Z", "purchase", "7.00", "UK")
        .add("u1", "2024-01-17T08:00:00Z", "purchase", "3.00", "UK")
        .add("u2", "2024-02-05T08:00:00Z", "purchase", "1.00", "FR")
        .writeDelta(spark, warehouse + "/events");
    ArborConfig config = TestConfigs.load(dir, TestConfigs.eventsSource("") + TREE);
    queries = new NaiveQueries(config.tree("t"), config.sources(), config.settings("t").calendar(),
        LocalDate.of(2024, 2, 7));
    spark.sql(queries.viewSql(config.sources().get("events"), "delta.`" + warehouse + "/events`"));
  }

  private static Map<String, Double> run(String nodeId, Grain grain) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (Row row : spark.sql(queries.query(nodeId, grain) + " ORDER BY period_start").collectAsList()) {
      values.put(row.getDate(0).toString(), row.isNullAt(1) ? null : row.getDouble(1));
    }
    return values;
  }

  @Test
  void measuresGroupByMonth() {
    // Jan: 10 + 5 + 20 + 7 + 3 = 45 from u1, u2, u3; Feb: 1 from u2.
    assertThat(run("revenue", Grain.MONTH)).containsExactly(
        Map.entry("2024-01-01", 45.0), Map.entry("2024-02-01", 1.0));
    assertThat(run("buyers", Grain.MONTH)).containsExactly(
        Map.entry("2024-01-01", 3.0), Map.entry("2024-02-01", 1.0));
    // Feb has no view: the count is 0, not a missing row.
    assertThat(run("views", Grain.MONTH)).containsExactly(
        Map.entry("2024-01-01", 1.0), Map.entry("2024-02-01", 0.0));
  }

  @Test
  void lifecycleStatesByWeek() {
    // Buyers per week: 01-01 {u1, u2}, 01-08 {u3}, 01-15 {u1}, 01-22 and 01-29 none, 02-05 {u2}.
    assertThat(run("new_buyers", Grain.WEEK)).containsExactly(
        Map.entry("2024-01-01", 2.0), Map.entry("2024-01-08", 1.0),
        Map.entry("2024-01-15", 0.0), Map.entry("2024-02-05", 0.0));
    assertThat(run("retained", Grain.WEEK)).containsExactly(
        Map.entry("2024-01-01", 0.0), Map.entry("2024-01-08", 0.0),
        Map.entry("2024-01-15", 0.0), Map.entry("2024-02-05", 0.0));
    // u1 is back on 01-15 after a week without purchase, u2 on 02-05 after four.
    assertThat(run("resurrected", Grain.WEEK)).containsExactly(
        Map.entry("2024-01-01", 0.0), Map.entry("2024-01-08", 0.0),
        Map.entry("2024-01-15", 1.0), Map.entry("2024-02-05", 1.0));
    // u1 and u2 churn in 01-08, u3 in 01-15, u1 in 01-22; u2 has not churned by the as-of date.
    assertThat(run("churned", Grain.WEEK)).containsExactly(
        Map.entry("2024-01-08", 2.0), Map.entry("2024-01-15", 1.0), Map.entry("2024-01-22", 1.0));
  }

  @Test
  void lifecycleStatesByMonth() {
    // Jan {u1, u2, u3} all new; Feb {u2} retained, u1 and u3 churned.
    assertThat(run("new_buyers", Grain.MONTH)).containsExactly(
        Map.entry("2024-01-01", 3.0), Map.entry("2024-02-01", 0.0));
    assertThat(run("retained", Grain.MONTH)).containsExactly(
        Map.entry("2024-01-01", 0.0), Map.entry("2024-02-01", 1.0));
    assertThat(run("churned", Grain.MONTH)).containsExactly(Map.entry("2024-02-01", 2.0));
  }

  @Test
  void formulasExpandToMeasuresInOneQuery() {
    // Jan 45 / 3 = 15; Feb 1 / 1 = 1.
    assertThat(run("revenue_per_buyer", Grain.MONTH)).containsExactly(
        Map.entry("2024-01-01", 15.0), Map.entry("2024-02-01", 1.0));
    // Jan min(45, 8) - 1 = 7; Feb min(1, 8) - 0 = 1.
    assertThat(run("capped", Grain.MONTH)).containsExactly(
        Map.entry("2024-01-01", 7.0), Map.entry("2024-02-01", 1.0));
    // Lifecycle terms join the measures on the period: Jan 3 / (3 + 0 + 0) = 1; Feb 0 / 1 = 0.
    assertThat(run("new_share", Grain.MONTH)).containsExactly(
        Map.entry("2024-01-01", 1.0), Map.entry("2024-02-01", 0.0));
  }

  @Test
  void weeksStartOnTheCalendarsWeekStart() {
    assertThat(queries.periodSql(Grain.WEEK, "d")).isEqualTo("date_sub(d, pmod(dayofweek(d) - 2, 7))");
    assertThat(queries.periodSql(Grain.QUARTER, "d")).isEqualTo("trunc(d, 'Q')");
  }
}

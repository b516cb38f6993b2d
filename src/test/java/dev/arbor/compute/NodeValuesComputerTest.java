package dev.arbor.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.config.ArborConfig;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
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
 * Node values on a tiny event table, every expected value worked out by hand in the comments.
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
 * The weeks of 01-22 and 01-29 have no events. The as-of date is 2024-02-07, so February and the
 * week of 02-05 are incomplete.
 */
class NodeValuesComputerTest extends SparkTestBase {
  private static final String TREE =
      """
      arbor.trees.t {
        north-star = revenue
        calendar { grains = [week, month] }
        nodes {
          purchases { unit = count, owner = A, measure { source = events, agg = count, filter = "event_name = 'purchase'" } }
          revenue { unit = currency, owner = A, measure { source = events, agg = sum, column = amount, filter = "event_name = 'purchase'" } }
          buyers { unit = count, owner = A, measure { source = events, agg = count_distinct, column = user_id, filter = "event_name = 'purchase'" } }
          avg_amount { unit = currency, owner = A, measure { source = events, agg = avg, column = amount, filter = "event_name = 'purchase'" } }
          active { unit = count, owner = A, lifecycle { source = events, kind = active, filter = "event_name = 'purchase'" }, formula = "new_users + retained + resurrected" }
          new_users { unit = count, owner = A, lifecycle { source = events, kind = new, filter = "event_name = 'purchase'" } }
          retained { unit = count, owner = A, lifecycle { source = events, kind = retained, filter = "event_name = 'purchase'" } }
          resurrected { unit = count, owner = A, lifecycle { source = events, kind = resurrected, filter = "event_name = 'purchase'" } }
          churned { unit = count, owner = A, lifecycle { source = events, kind = churned, filter = "event_name = 'purchase'" } }
          revenue_per_buyer { unit = currency, owner = A, formula = "revenue / buyers" }
          capped { unit = currency, owner = A, formula = "min(revenue, 8) + max(0, -purchases) * 2" }
          per_purchase { unit = currency, owner = A, measure { source = events, agg = ratio, filter = "event_name = 'purchase'", numerator { agg = sum, column = amount }, denominator { agg = count } } }
        }
      }
      """;

  private static Map<String, Row> values;

  @BeforeAll
  static void computeOnce(@TempDir Path dir) {
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
    config = config.withWarehouse(new dev.arbor.config.WarehouseSettings(warehouse, ""));
    TableLocator locator = new TableLocator(spark, config.warehouse());
    NodeValuesComputer computer = new NodeValuesComputer(spark, new SourceScanner(spark, locator));
    List<Row> rows =
        computer
            .compute(config.tree("t"), config.settings("t"), config.sources(), LocalDate.parse("2024-02-07"), null)
            .nodeValues()
            .collectAsList();
    values = new HashMap<>();
    for (Row row : rows) {
      values.put(row.getAs("node_id") + "/" + row.getAs("grain") + "/" + row.getAs("period_start"), row);
    }
  }

  private static Row row(String node, String grain, String start) {
    Row row = values.get(node + "/" + grain + "/" + start);
    assertThat(row).as("row %s/%s/%s", node, grain, start).isNotNull();
    return row;
  }

  private static Double value(String node, String grain, String start) {
    Row row = row(node, grain, start);
    return row.isNullAt(row.fieldIndex("value")) ? null : row.getAs("value");
  }

  @Test
  void countsAndSumsPerWeek() {
    assertThat(value("purchases", "week", "2024-01-01")).isEqualTo(3.0);
    assertThat(value("revenue", "week", "2024-01-01")).isEqualTo(35.0);
    assertThat(value("purchases", "week", "2024-01-08")).isEqualTo(1.0);
    assertThat(value("revenue", "week", "2024-01-15")).isEqualTo(3.0);
    assertThat(value("revenue", "week", "2024-02-05")).isEqualTo(1.0);
  }

  @Test
  void distinctAndAveragePerMonth() {
    // January: buyers u1, u2, u3; amounts 10 + 5 + 20 + 7 + 3 = 45 over 5 purchases.
    assertThat(value("buyers", "month", "2024-01-01")).isEqualTo(3.0);
    assertThat(value("avg_amount", "month", "2024-01-01")).isCloseTo(9.0, within(1e-12));
    assertThat(value("per_purchase", "month", "2024-01-01")).isCloseTo(9.0, within(1e-12));
    assertThat(value("buyers", "week", "2024-01-01")).isEqualTo(2.0);
    assertThat(value("avg_amount", "week", "2024-01-01")).isCloseTo(35.0 / 3, within(1e-12));
  }

  @Test
  void emptyWeekGivesZeroCountsAndNullAverages() {
    assertThat(value("purchases", "week", "2024-01-22")).isEqualTo(0.0);
    assertThat(value("revenue", "week", "2024-01-22")).isEqualTo(0.0);
    assertThat(value("buyers", "week", "2024-01-22")).isEqualTo(0.0);
    assertThat(value("active", "week", "2024-01-22")).isEqualTo(0.0);
    assertThat(value("avg_amount", "week", "2024-01-22")).isNull();
    assertThat(value("per_purchase", "week", "2024-01-22")).isNull();
    assertThat(row("purchases", "week", "2024-01-22").getList(row("purchases", "week", "2024-01-22").fieldIndex("quality_flags")))
        .containsExactly("no_events");
  }

  @Test
  void zeroDenominatorGivesNullAndFlag() {
    Row row = row("revenue_per_buyer", "week", "2024-01-29");
    assertThat(row.isNullAt(row.fieldIndex("value"))).isTrue();
    assertThat(row.getList(row.fieldIndex("quality_flags"))).containsExactly("division_by_zero", "no_events");
    assertThat(value("revenue_per_buyer", "week", "2024-01-01")).isCloseTo(17.5, within(1e-12));
  }

  @Test
  void formulaFunctions() {
    // Week 01-01: min(35, 8) + max(0, -3) * 2 = 8; week 01-15: min(3, 8) + 0 = 3.
    assertThat(value("capped", "week", "2024-01-01")).isEqualTo(8.0);
    assertThat(value("capped", "week", "2024-01-15")).isEqualTo(3.0);
  }

  @Test
  void lifecycleStatesPerWeek() {
    // Week 01-01: u1 and u2 buy for the first time.
    assertThat(value("active", "week", "2024-01-01")).isEqualTo(2.0);
    assertThat(value("new_users", "week", "2024-01-01")).isEqualTo(2.0);
    assertThat(value("churned", "week", "2024-01-01")).isEqualTo(0.0);
    // Week 01-08: u3 is new; u1 and u2 churn.
    assertThat(value("new_users", "week", "2024-01-08")).isEqualTo(1.0);
    assertThat(value("retained", "week", "2024-01-08")).isEqualTo(0.0);
    assertThat(value("churned", "week", "2024-01-08")).isEqualTo(2.0);
    // Week 01-15: u1 comes back after a week away; u3 churns.
    assertThat(value("resurrected", "week", "2024-01-15")).isEqualTo(1.0);
    assertThat(value("new_users", "week", "2024-01-15")).isEqualTo(0.0);
    assertThat(value("churned", "week", "2024-01-15")).isEqualTo(1.0);
    // Week 01-22: nobody buys; u1 churns. Week 01-29: nobody was active before, nobody churns.
    assertThat(value("churned", "week", "2024-01-22")).isEqualTo(1.0);
    assertThat(value("churned", "week", "2024-01-29")).isEqualTo(0.0);
    // Week 02-05: u2 is back after four weeks away.
    assertThat(value("resurrected", "week", "2024-02-05")).isEqualTo(1.0);
  }

  @Test
  void lifecycleStatesPerMonth() {
    assertThat(value("new_users", "month", "2024-01-01")).isEqualTo(3.0);
    // February: u2 bought in January too, so is retained; u1 and u3 churn.
    assertThat(value("retained", "month", "2024-02-01")).isEqualTo(1.0);
    assertThat(value("new_users", "month", "2024-02-01")).isEqualTo(0.0);
    assertThat(value("churned", "month", "2024-02-01")).isEqualTo(2.0);
  }

  @Test
  void activeEqualsItsLifecycleFormula() {
    Row row = row("active", "week", "2024-01-15");
    assertThat((Double) row.getAs("formula_value")).isEqualTo(1.0);
    assertThat((Double) row.getAs("formula_gap")).isEqualTo(0.0);
    assertThat(row.getList(row.fieldIndex("quality_flags"))).isEmpty();
  }

  @Test
  void previousValueComesFromPreviousCalendarPeriod() {
    Row emptyWeek = row("revenue", "week", "2024-01-22");
    assertThat((Double) emptyWeek.getAs("previous_value")).isEqualTo(3.0);
    assertThat((Double) emptyWeek.getAs("change")).isEqualTo(-3.0);
    assertThat((Double) emptyWeek.getAs("change_pct")).isEqualTo(-1.0);
    Row afterEmpty = row("revenue", "week", "2024-01-29");
    assertThat((Double) afterEmpty.getAs("previous_value")).isEqualTo(0.0);
    assertThat((Double) afterEmpty.getAs("change")).isEqualTo(0.0);
    assertThat(afterEmpty.isNullAt(afterEmpty.fieldIndex("change_pct"))).isTrue();
    Row first = row("revenue", "week", "2024-01-01");
    assertThat(first.isNullAt(first.fieldIndex("previous_value"))).isTrue();
  }

  @Test
  void incompletePeriodsAreMarked() {
    assertThat((Boolean) row("revenue", "month", "2024-01-01").getAs("is_complete")).isTrue();
    assertThat((Boolean) row("revenue", "month", "2024-02-01").getAs("is_complete")).isFalse();
    assertThat((Boolean) row("revenue", "week", "2024-01-29").getAs("is_complete")).isTrue();
    assertThat((Boolean) row("revenue", "week", "2024-02-05").getAs("is_complete")).isFalse();
  }

  @Test
  void everyPeriodAndNodeIsPresent() {
    // Weeks 01-01 .. 02-05 (6) and months Jan, Feb (2), for 12 nodes.
    assertThat(values).hasSize((6 + 2) * 12);
  }
}

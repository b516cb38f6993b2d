package dev.arbor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.testing.SparkTestBase;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class EventGeneratorTest extends SparkTestBase {
  private static final ZoneId ZONE = ZoneId.of("America/New_York");
  private static final EventGenerator.Spec SPEC =
      new EventGenerator.Spec(8_000, 30, LocalDate.of(2024, 1, 1), ZONE, 7);

  @Test
  void specRejectsInvalidSizes() {
    assertThatThrownBy(() -> new EventGenerator.Spec(1_001, 30, LocalDate.of(2024, 1, 1), ZONE, 1))
        .hasMessageContaining("Invalid number of events 1001");
    assertThatThrownBy(() -> new EventGenerator.Spec(1_000, 1, LocalDate.of(2024, 1, 1), ZONE, 1))
        .hasMessageContaining("Invalid number of days 1");
  }

  @Test
  void historyHasRequestedRowsAndDays() {
    Dataset<Row> history = new EventGenerator(spark, SPEC).history();
    Row summary = history.selectExpr(
            "count(*)",
            "count(DISTINCT event_id)",
            "min(to_date(from_utc_timestamp(event_time, 'America/New_York')))",
            "max(to_date(from_utc_timestamp(event_time, 'America/New_York')))")
        .head();

    assertThat(summary.getLong(0)).isEqualTo(8_000);
    assertThat(summary.getLong(1)).isEqualTo(8_000);
    assertThat(summary.getDate(2).toLocalDate()).isEqualTo(LocalDate.of(2024, 1, 1));
    assertThat(summary.getDate(3).toLocalDate()).isEqualTo(LocalDate.of(2024, 1, 30));
  }

  @Test
  void sameSpecGivesSameRowsWhateverThePartitioning() {
    EventGenerator generator = new EventGenerator(spark, SPEC);
    Dataset<Row> onePartition = generator.generate(0, 8_000, 0, 30, 1);
    Dataset<Row> fivePartitions = generator.generate(0, 8_000, 0, 30, 5);

    assertThat(onePartition.except(fivePartitions).count()).isZero();
    assertThat(fivePartitions.except(onePartition).count()).isZero();
  }

  @Test
  void otherSeedGivesOtherRows() {
    EventGenerator.Spec other = new EventGenerator.Spec(8_000, 30, LocalDate.of(2024, 1, 1), ZONE, 8);
    Dataset<Row> a = new EventGenerator(spark, SPEC).history();
    Dataset<Row> b = new EventGenerator(spark, other).history();

    assertThat(a.except(b).count()).isGreaterThan(7_000);
  }

  @Test
  void sessionsFollowTheFunnel() {
    Map<String, Long> byType = new HashMap<>();
    for (Row row : new EventGenerator(spark, SPEC).history().groupBy("event_type").count().collectAsList()) {
      byType.put(row.getString(0), row.getLong(1));
    }
    // Per block of four rows: 1.9 sessions, so 1.9 visits, 1.4 views, 0.6 add-to-carts and 0.1
    // purchases on average; 2,000 blocks give about 3,800, 2,800, 1,200 and 200.
    assertThat(byType.keySet()).containsExactlyInAnyOrder("visit", "view", "add_to_cart", "purchase");
    assertThat(byType.get("visit")).isGreaterThan(byType.get("view"));
    assertThat(byType.get("view")).isGreaterThan(byType.get("add_to_cart"));
    assertThat(byType.get("add_to_cart")).isGreaterThan(byType.get("purchase"));
    assertThat(byType.get("purchase")).isBetween(140L, 260L);

    // A session's steps come in funnel order, one minute or more apart, on one day.
    long outOfOrder = new EventGenerator(spark, SPEC).history()
        .selectExpr("session_id", "event_time",
            "CASE event_type WHEN 'visit' THEN 0 WHEN 'view' THEN 1 WHEN 'add_to_cart' THEN 2 ELSE 3 END AS step")
        .selectExpr("session_id", "event_time", "step",
            "lag(event_time) OVER (PARTITION BY session_id ORDER BY step) AS previous_time")
        .where("previous_time IS NOT NULL AND previous_time >= event_time")
        .count();
    assertThat(outOfOrder).isZero();
  }

  @Test
  void onlyPurchasesHaveAmounts() {
    Row amounts = new EventGenerator(spark, SPEC).history().selectExpr(
            "count_if(event_type = 'purchase' AND amount IS NULL)",
            "count_if(event_type <> 'purchase' AND amount IS NOT NULL)",
            "min(amount)",
            "percentile_approx(amount, 0.5)")
        .head();

    assertThat(amounts.getLong(0)).isZero();
    assertThat(amounts.getLong(1)).isZero();
    assertThat(amounts.getDecimal(2).doubleValue()).isPositive();
    // Log-normal with median e^3.4, about 30.
    assertThat(amounts.getDecimal(3).doubleValue()).isBetween(22.0, 40.0);
  }

  @Test
  void activityIsSkewedTowardsFewUsers() {
    List<Row> sessionsPerUser = new EventGenerator(spark, SPEC).history()
        .groupBy("user_id").agg(org.apache.spark.sql.functions.countDistinct("session_id").as("sessions"))
        .orderBy(org.apache.spark.sql.functions.col("sessions").desc())
        .collectAsList();
    long total = sessionsPerUser.stream().mapToLong(r -> r.getLong(1)).sum();
    int topOnePercent = Math.max(1, sessionsPerUser.size() / 100);
    long top = sessionsPerUser.subList(0, topOnePercent).stream().mapToLong(r -> r.getLong(1)).sum();

    // 20% of sessions go to the heavy 1% of the 200 users alone.
    assertThat((double) top / total).isGreaterThan(0.15);
  }

  @Test
  void nextDayFollowsTheHistory() {
    Row day = new EventGenerator(spark, SPEC).nextDay().selectExpr(
            "count(*)",
            "min(event_id)",
            "min(to_date(from_utc_timestamp(event_time, 'America/New_York')))",
            "max(to_date(from_utc_timestamp(event_time, 'America/New_York')))")
        .head();

    // The last day's traffic: 8,000 / 30 * 2 / 1.5 = 355.6, rounded to a multiple of four.
    assertThat(day.getLong(0)).isEqualTo(356);
    assertThat(day.getLong(1)).isEqualTo(8_000);
    assertThat(day.getDate(2).toLocalDate()).isEqualTo(LocalDate.of(2024, 1, 31));
    assertThat(day.getDate(3).toLocalDate()).isEqualTo(LocalDate.of(2024, 1, 31));
  }
}

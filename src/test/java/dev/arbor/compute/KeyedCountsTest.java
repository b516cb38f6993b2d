package dev.arbor.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.testing.SparkTestBase;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Distinct keys and lifecycle states from hand-made daily tables; every count is worked out in
 * the comments. Slot 1 is both counted distinct and given lifecycle states, slot 2 only counted.
 */
class KeyedCountsTest extends SparkTestBase {
  private static final PeriodCalendar ISO = PeriodCalendar.iso();

  private static final StructType DAILY =
      new StructType()
          .add("local_date", DataTypes.DateType, false)
          .add("slot", DataTypes.IntegerType, false)
          .add("key", DataTypes.StringType, true)
          .add("last_event", DataTypes.TimestampType, true)
          .add("dim_country", DataTypes.StringType, true);

  private static Row day(String date, int slot, String key) {
    return RowFactory.create(Date.valueOf(date), slot, key, null, null);
  }

  private static Row day(String date, int slot, String key, String at, String country) {
    return RowFactory.create(Date.valueOf(date), slot, key, Timestamp.valueOf(at), country);
  }

  private static Dataset<Row> daily(Row... rows) {
    return spark.createDataFrame(List.of(rows), DAILY);
  }

  private static List<Period> months(PeriodCalendar calendar, String from, String to) {
    return calendar.periodsBetween(Grain.MONTH, LocalDate.parse(from), LocalDate.parse(to));
  }

  /** Counts as "dimension/grain/period_start/segment/slot/state" to value, sorted. */
  private static Map<String, Long> counts(Dataset<Row> counted) {
    Map<String, Long> out = new TreeMap<>();
    for (Row row : counted.collectAsList()) {
      String id =
          row.getString(0) + "/" + row.getString(1) + "/" + row.getDate(2) + "/" + row.getString(3)
              + "/" + row.getInt(4) + "/" + row.getString(5);
      assertThat(out.put(id, row.getLong(6))).as("one row per count: %s", id).isNull();
    }
    return out;
  }

  private static Map<String, Long> expected(Object... idsAndValues) {
    Map<String, Long> out = new TreeMap<>();
    for (int i = 0; i < idsAndValues.length; i += 2) {
      out.put((String) idsAndValues[i], ((Number) idsAndValues[i + 1]).longValue());
    }
    return out;
  }

  /** Returns the daily rows of {@link #monthlyStatesFromDays}. */
  private static Dataset<Row> threeMonths() {
    return daily(
        day("2024-01-03", 1, "a"), day("2024-01-20", 1, "a"), day("2024-03-05", 1, "a"),
        day("2024-02-01", 1, "b"),
        day("2024-01-31", 1, "c"), day("2024-02-02", 1, "c"), day("2024-02-28", 1, "c"),
        day("2024-01-03", 2, "a"), day("2024-01-09", 2, "x"), day("2024-02-09", 2, "x"));
  }

  /** Returns the calendar of the months January to March 2024, all complete. */
  private static PeriodTables firstQuarter() {
    return PeriodTables.of(
        spark, ISO, months(ISO, "2024-01-01", "2024-03-31"), LocalDate.parse("2024-03-31"));
  }

  /**
   * Months January to March 2024; December 2023 is not in the calendar.
   *
   * <pre>
   * slot 1: a Jan 3, Jan 20, Mar 5   b Feb 1   c Jan 31, Feb 2, Feb 28
   * slot 2: a Jan 3                   x Jan 9, Feb 9
   * </pre>
   *
   * Slot 1: January has a and c, both new. February has b (new) and c (retained); a churns. March
   * has a, resurrected (active in January); b and c churn. April is not in the calendar, so a's
   * churn there is not counted. Slot 2 (distinct only): January a and x, February x.
   */
  @Test
  void monthlyStatesFromDays() {
    Map<String, Long> counted =
        counts(
            KeyedCounts.count(
                threeMonths(), null, Set.of(1, 2), Set.of(1), firstQuarter(), Segments.none()));

    assertThat(counted)
        .isEqualTo(
            expected(
                "all/month/2024-01-01/all/1/distinct", 2,
                "all/month/2024-01-01/all/1/active", 2,
                "all/month/2024-01-01/all/1/new", 2,
                "all/month/2024-02-01/all/1/distinct", 2,
                "all/month/2024-02-01/all/1/active", 2,
                "all/month/2024-02-01/all/1/new", 1,
                "all/month/2024-02-01/all/1/retained", 1,
                "all/month/2024-02-01/all/1/churned", 1,
                "all/month/2024-03-01/all/1/distinct", 1,
                "all/month/2024-03-01/all/1/active", 1,
                "all/month/2024-03-01/all/1/resurrected", 1,
                "all/month/2024-03-01/all/1/churned", 2,
                "all/month/2024-01-01/all/2/distinct", 2,
                "all/month/2024-02-01/all/2/distinct", 1));
  }

  /**
   * The same table as {@link #monthlyStatesFromDays} with tasks that return their counts after
   * every entry, so that counts of one key and one period arrive in several pieces. The sums are
   * the same.
   */
  @Test
  void countsSplitIntoBatchesAddUp() {
    Dataset<Row> rows = threeMonths();
    PeriodTables calendar = firstQuarter();

    Map<String, Long> whole =
        counts(KeyedCounts.count(rows, null, Set.of(1, 2), Set.of(1), calendar, Segments.none()));
    Map<String, Long> batched =
        counts(KeyedCounts.count(rows, null, Set.of(1, 2), Set.of(1), calendar, Segments.none(), 1));

    assertThat(batched).isEqualTo(whole);
    assertThat(batched).containsEntry("all/month/2024-03-01/all/1/churned", 2L);
  }

  /**
   * An incremental run: the daily table contains February and March only, and the stored first
   * day of d is 2024-02-15 (before its first day here, March 10). e has no stored first day. In
   * March d is resurrected, not new, and e is new.
   *
   * <p>February's predecessor is not in the calendar, so in February b (first day 2024-01-15, in
   * the store) counts as resurrected: the caller reads February only as a predecessor.
   */
  @Test
  void storedFirstDayPrecedesDaysRead() {
    Dataset<Row> rows =
        daily(day("2024-02-20", 1, "b"), day("2024-03-10", 1, "d"), day("2024-03-01", 1, "e"));
    Dataset<Row> first =
        spark.createDataFrame(
            List.of(
                RowFactory.create(1, "b", Date.valueOf("2024-01-15")),
                RowFactory.create(1, "d", Date.valueOf("2024-02-15"))),
            new StructType()
                .add("slot", DataTypes.IntegerType, false)
                .add("key", DataTypes.StringType, false)
                .add("first_day", DataTypes.DateType, false));
    PeriodTables calendar =
        PeriodTables.of(spark, ISO, months(ISO, "2024-02-01", "2024-03-31"), LocalDate.parse("2024-03-31"));

    Map<String, Long> counted =
        counts(KeyedCounts.count(rows, first, Set.of(), Set.of(1), calendar, Segments.none()));

    assertThat(counted)
        .isEqualTo(
            expected(
                "all/month/2024-02-01/all/1/active", 1,
                "all/month/2024-02-01/all/1/resurrected", 1,
                "all/month/2024-03-01/all/1/active", 2,
                "all/month/2024-03-01/all/1/new", 1,
                "all/month/2024-03-01/all/1/resurrected", 1,
                "all/month/2024-03-01/all/1/churned", 1));
  }

  /**
   * Segments UK and FR are kept, the rest is other. In January, a buys in the UK (Jan 3, 10:00)
   * and in France (Jan 20, 09:00): it counts once in each for the distinct count, and its lifecycle
   * segment is France, where its latest event is. f has two rows at the same time on Jan 5, in DE
   * (other) and the UK: the tie goes to the larger name, "other" (lower-case sorts after upper-case).
   * Neither is active in February, so each churns there in its January segment.
   */
  @Test
  void segmentsSplitDistinctAndLifecycle() {
    Dataset<Row> rows =
        daily(
            day("2024-01-03", 1, "a", "2024-01-03 10:00:00", "UK"),
            day("2024-01-20", 1, "a", "2024-01-20 09:00:00", "FR"),
            day("2024-01-05", 1, "f", "2024-01-05 12:00:00", "DE"),
            day("2024-01-05", 1, "f", "2024-01-05 12:00:00", "UK"));
    Segments segments =
        new Segments(List.of(new Segments.Dimension("country", List.of("UK", "FR"), true)));
    PeriodTables calendar =
        PeriodTables.of(spark, ISO, months(ISO, "2024-01-01", "2024-02-29"), LocalDate.parse("2024-02-29"));

    Map<String, Long> counted =
        counts(KeyedCounts.count(rows, null, Set.of(1), Set.of(1), calendar, segments));

    assertThat(counted)
        .isEqualTo(
            expected(
                "all/month/2024-01-01/all/1/distinct", 2,
                "all/month/2024-01-01/all/1/active", 2,
                "all/month/2024-01-01/all/1/new", 2,
                "all/month/2024-02-01/all/1/churned", 2,
                "country/month/2024-01-01/UK/1/distinct", 2,
                "country/month/2024-01-01/FR/1/distinct", 1,
                "country/month/2024-01-01/other/1/distinct", 1,
                "country/month/2024-01-01/FR/1/active", 1,
                "country/month/2024-01-01/FR/1/new", 1,
                "country/month/2024-01-01/other/1/active", 1,
                "country/month/2024-01-01/other/1/new", 1,
                "country/month/2024-02-01/FR/1/churned", 1,
                "country/month/2024-02-01/other/1/churned", 1));
  }

  /**
   * Segment names compare as Spark compares strings, by UTF-8 bytes, which is code point order.
   * U+1F600 (a character outside the basic plane) sorts after U+FF21, although its first UTF-16
   * unit (U+D83D) is smaller.
   */
  @Test
  void segmentTieBreakUsesCodePoints() {
    String emoji = new String(Character.toChars(0x1F600));
    String fullWidthA = "\uFF21";

    assertThat(KeyedCounts.sortsAfter(emoji, fullWidthA)).isTrue();
    assertThat(KeyedCounts.sortsAfter(fullWidthA, emoji)).isFalse();
    assertThat(KeyedCounts.sortsAfter("other", "UK")).isTrue();
    assertThat(KeyedCounts.sortsAfter("ab", "a")).isTrue();
    assertThat(KeyedCounts.sortsAfter("a", "ab")).isFalse();
    assertThat(KeyedCounts.sortsAfter("a", "a")).isFalse();
  }

  /**
   * One key with 300,000 rows over the 31 days of January (each day many times) streams through the
   * walk: it counts once as a distinct key, once as active and once as new. The rows are made in
   * Spark, so the driver never has them in memory.
   */
  @Test
  void heavyKeyCountsOnce() {
    Dataset<Row> rows =
        spark.range(300_000)
            .selectExpr(
                "date_add(DATE'2024-01-01', CAST(id % 31 AS INT)) AS local_date",
                "1 AS slot",
                "'hot' AS key",
                "CAST(NULL AS TIMESTAMP) AS last_event",
                "CAST(NULL AS STRING) AS dim_country");
    PeriodTables calendar =
        PeriodTables.of(spark, ISO, months(ISO, "2024-01-01", "2024-01-31"), LocalDate.parse("2024-01-31"));

    Map<String, Long> counted =
        counts(KeyedCounts.count(rows, null, Set.of(1), Set.of(1), calendar, Segments.none()));

    assertThat(counted)
        .isEqualTo(
            expected(
                "all/month/2024-01-01/all/1/distinct", 1,
                "all/month/2024-01-01/all/1/active", 1,
                "all/month/2024-01-01/all/1/new", 1));
  }

  /**
   * Saturday 2024-01-06 and Sunday 2024-01-07 share a Monday-start week (Jan 1 to 7) but fall in
   * two Sunday-start weeks (Dec 31 to Jan 6, Jan 7 to 13). With Sunday weeks the key is new in the
   * first week and retained in the second; with Monday weeks it is new once.
   */
  @Test
  void weekStartSplitsWeekend() {
    Dataset<Row> rows = daily(day("2024-01-06", 1, "k"), day("2024-01-07", 1, "k"));
    LocalDate from = LocalDate.parse("2024-01-01");
    LocalDate to = LocalDate.parse("2024-01-13");

    PeriodCalendar sunday = new PeriodCalendar(ZoneId.of("UTC"), DayOfWeek.SUNDAY, 1);
    PeriodTables sundayWeeks =
        PeriodTables.of(spark, sunday, sunday.periodsBetween(Grain.WEEK, from, to), to);
    assertThat(counts(KeyedCounts.count(rows, null, Set.of(), Set.of(1), sundayWeeks, Segments.none())))
        .isEqualTo(
            expected(
                "all/week/2023-12-31/all/1/active", 1,
                "all/week/2023-12-31/all/1/new", 1,
                "all/week/2024-01-07/all/1/active", 1,
                "all/week/2024-01-07/all/1/retained", 1));

    List<Period> mondayWeeks = new ArrayList<>(ISO.periodsBetween(Grain.WEEK, from, to));
    PeriodTables monday = PeriodTables.of(spark, ISO, mondayWeeks, to);
    assertThat(counts(KeyedCounts.count(rows, null, Set.of(), Set.of(1), monday, Segments.none())))
        .isEqualTo(
            expected(
                "all/week/2024-01-01/all/1/active", 1,
                "all/week/2024-01-01/all/1/new", 1,
                "all/week/2024-01-08/all/1/churned", 1));
  }
}

package dev.arbor.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Generates the events of a synthetic shop in Spark, for the benchmark's {@code shop_events}
 * source (conf/bench/bench.conf).
 *
 * <p>Rows come from {@code spark.range}, and every random draw is a hash of the seed, a row or
 * session id and a salt ({@code xxhash64}). The same spec therefore gives the same rows whatever
 * the number of partitions or executors, and the driver keeps nothing per event.
 *
 * <p>The shape of the data:
 *
 * <ul>
 *   <li>Sessions follow the funnel visit, view, add_to_cart, purchase and stop at some step. Rows
 *       come in blocks of four: a block holds one session of four events or two shorter ones,
 *       so the table has exactly the requested number of rows. 35% of first sessions stop after
 *       the visit, 40% after the view, 15% after add_to_cart and 10% buy.
 *   <li>Traffic grows linearly: the last day of the history has twice the sessions of the first.
 *       Weekend days lose 30% of their sessions to the Thursday and Friday before.
 *   <li>Users sign up over the history: 5% exist on the first day, the rest join at an even
 *       pace. 20% of sessions belong to a heavy 1% of users (quadratic skew within them); the
 *       others favour recent sign-ups (quadratic skew by sign-up rank), so activity decays with a
 *       user's age and lifecycle states (new, retained, resurrected, churned) all occur.
 *   <li>A purchase has a log-normal amount (median about 30, mean about 38). Country and device
 *       belong to the user, channel to the session, each with a skewed distribution.
 * </ul>
 */
public final class EventGenerator {

  /** Start of the user metadata of the commits that write generated tables. */
  public static final String METADATA_PREFIX = "arbor-bench ";

  /** Rows per block of sessions; see the class comment. */
  static final int BLOCK = 4;

  private static final List<String> SCHEMA_COLUMNS =
      List.of("event_id", "user_id", "session_id", "event_time", "event_type", "amount", "country",
          "channel", "device");

  /**
   * What to generate.
   *
   * @param events rows of the history table, a multiple of four
   * @param days days of history, starting at {@code firstDay}
   * @param zone zone whose wall-clock days the events fall in (the tree's time zone)
   * @param seed seed of every random draw
   */
  public record Spec(long events, int days, LocalDate firstDay, ZoneId zone, long seed) {
    public Spec {
      if (events < BLOCK || events % BLOCK != 0) {
        throw new IllegalArgumentException(
            "Invalid number of events " + events + "; use a multiple of " + BLOCK + " of at least " + BLOCK);
      }
      if (days < 2 || days > 3660) {
        throw new IllegalArgumentException("Invalid number of days " + days + "; use 2 to 3660");
      }
    }

    /** Returns the number of users that exist by the last day. */
    public long users() {
      return Math.max(20, events / 40);
    }

    /** Returns the last day of the history, the as-of date of a full run. */
    public LocalDate lastDay() {
      return firstDay.plusDays(days - 1L);
    }

    /** Returns the day after the history, whose events {@link #nextDay} generates. */
    public LocalDate nextDay() {
      return firstDay.plusDays(days);
    }

    /** Returns the number of rows of the next day: the last day's expected traffic. */
    public long nextDayEvents() {
      // The density of sessions over the history is proportional to 1 + t (t from 0 to 1), so the
      // last day has 2 / 1.5 times the mean daily traffic.
      double perDay = (double) events / days * 2.0 / 1.5;
      return Math.max(BLOCK, Math.round(perDay / BLOCK) * BLOCK);
    }

    /** Returns a one-line description, stored with the generated table. */
    public String describe() {
      return String.format(Locale.ROOT, "events=%d days=%d first-day=%s zone=%s seed=%d",
          events, days, firstDay, zone.getId(), seed);
    }
  }

  private final SparkSession spark;
  private final Spec spec;

  public EventGenerator(SparkSession spark, Spec spec) {
    this.spark = spark;
    this.spec = spec;
  }

  /** Returns the history: {@code spec.events()} rows over {@code spec.days()} days. */
  public Dataset<Row> history() {
    return generate(0, spec.events(), 0, spec.days());
  }

  /** Returns the events of the day after the history, with ids after the history's. */
  public Dataset<Row> nextDay() {
    return generate(spec.events(), spec.events() + spec.nextDayEvents(), spec.days(), spec.days() + 1);
  }

  /**
   * Writes the history to a new Delta table at {@code path}, replacing any table there. Rows are
   * range-partitioned and sorted by event time, about two million per file, as a table filled by
   * a daily ingest would be, so Delta's per-file statistics on event_time can skip files. The
   * commit stores {@link Spec#describe()} as its user metadata.
   */
  public void writeHistory(String path) {
    int files = (int) Math.max(1, (spec.events() + 1_999_999) / 2_000_000);
    history()
        .repartitionByRange(files, col("event_time"))
        .sortWithinPartitions("event_time")
        .write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        // Incremental runs find changed days in the change data feed, as for ingested tables.
        .option("delta.enableChangeDataFeed", "true")
        .option("userMetadata", METADATA_PREFIX + spec.describe())
        .save(path);
  }

  /** Writes the next day's events to a new Delta table at {@code path}, in one file. */
  public void writeNextDay(String path) {
    nextDay()
        .coalesce(1)
        .sortWithinPartitions("event_time")
        .write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .option("userMetadata", METADATA_PREFIX + "next day of " + spec.describe())
        .save(path);
  }

  /**
   * Returns rows {@code fromId} (inclusive) to {@code toId} (exclusive), on days {@code firstDay}
   * to {@code lastDay} (exclusive, counted from the spec's first day).
   */
  Dataset<Row> generate(long fromId, long toId, int firstDay, int lastDay) {
    int partitions =
        (int) Math.max(spark.sparkContext().defaultParallelism(), (toId - fromId) / 1_000_000 + 1);
    return generate(fromId, toId, firstDay, lastDay, partitions);
  }

  /** Same as {@link #generate(long, long, int, int)}, over {@code partitions} partitions. */
  Dataset<Row> generate(long fromId, long toId, int firstDay, int lastDay, int partitions) {
    long users = spec.users();
    long initialUsers = Math.max(1, users / 20);
    long heavyUsers = Math.max(1, users / 100);
    int span = lastDay - firstDay;

    Dataset<Row> rows = spark.range(fromId, toId, 1, partitions).toDF("event_id");
    rows = rows
        .withColumn("block", expr("event_id DIV " + BLOCK))
        .withColumn("position", expr("CAST(pmod(event_id, " + BLOCK + ") AS INT)"))
        .withColumn("first_length", expr(
            "CASE WHEN " + uniform("block", 1) + " < 0.35 THEN 1 WHEN " + uniform("block", 1)
                + " < 0.75 THEN 2 WHEN " + uniform("block", 1) + " < 0.90 THEN 3 ELSE 4 END"))
        .withColumn("in_first", expr("position < first_length"))
        .withColumn("session_id", expr("block * 2 + IF(in_first, 0, 1)"))
        .withColumn("step", expr("IF(in_first, position, position - first_length)"));

    // Day of the session: inverse of the distribution function of the density 1 + t on [0, 1),
    // then 30% of weekend sessions move two days earlier when that stays in range.
    rows = rows
        .withColumn("trend_day", expr(
            firstDay + " + CAST(floor((sqrt(1.0 + 3.0 * " + uniform("session_id", 2) + ") - 1.0) * "
                + span + ") AS INT)"))
        .withColumn("day_index", expr(
            "IF(dayofweek(date_add(DATE'" + spec.firstDay() + "', trend_day)) IN (1, 7) AND "
                + uniform("session_id", 3) + " < 0.3 AND trend_day - 2 >= " + firstDay
                + ", trend_day - 2, trend_day)"))
        .withColumn("event_date", expr("date_add(DATE'" + spec.firstDay() + "', day_index)"));

    // Users: ids in sign-up order; users alive on a day are 0 .. alive - 1.
    rows = rows
        .withColumn("alive", expr(
            initialUsers + " + CAST(floor(" + (users - initialUsers) + " * least(1.0, (day_index + 1) / "
                + (double) spec.days() + ")) AS BIGINT)"))
        .withColumn("skew", expr("pow(" + uniform("session_id", 5) + ", 2)"))
        .withColumn("user_id", expr(
            "IF(" + uniform("session_id", 4) + " < 0.2, CAST(floor(" + heavyUsers + " * skew) AS BIGINT),"
                + " alive - 1 - CAST(floor(alive * skew) AS BIGINT))"));

    // Wall-clock time in the zone: the session starts in the day's first 85,800 seconds and each
    // step follows the previous one within two minutes, so the session ends the same day.
    rows = rows
        .withColumn("local_seconds", expr(
            "unix_date(event_date) * 86400 + CAST(floor(" + uniform("session_id", 6) + " * 85800) AS BIGINT)"
                + " + step * 120 + CAST(floor(" + uniform("event_id", 7) + " * 100) AS BIGINT)"))
        .withColumn("event_time", expr(
            "to_utc_timestamp(timestamp_seconds(local_seconds), '" + spec.zone().getId() + "')"))
        .withColumn("event_type", expr("element_at(array('visit', 'view', 'add_to_cart', 'purchase'), step + 1)"))
        // Box-Muller: a standard normal draw from two uniform draws.
        .withColumn("amount", expr(
            "IF(step = 3, CAST(round(exp(3.4 + 0.7 * sqrt(-2.0 * ln(" + uniform("event_id", 8) + "))"
                + " * cos(2.0 * pi() * " + uniform("event_id", 9) + ")), 2) AS DECIMAL(12,2)), NULL)"))
        .withColumn("country", expr(pick(uniform("user_id", 10),
            new String[] {"US", "GB", "DE", "FR", "IN", "BR", "JP", "CA", "AU", "ES", "NL"},
            new double[] {0.35, 0.12, 0.10, 0.08, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.02})))
        .withColumn("device", expr(pick(uniform("user_id", 11),
            new String[] {"mobile", "desktop", "tablet"}, new double[] {0.55, 0.35, 0.10})))
        .withColumn("channel", expr(pick(uniform("session_id", 12),
            new String[] {"organic_search", "direct", "paid_search", "social", "email", "referral"},
            new double[] {0.30, 0.20, 0.18, 0.12, 0.10, 0.10})));
    return rows.select(SCHEMA_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /** Returns a SQL draw, uniform in (0, 1), from the seed, the column {@code key} and a salt. */
  private String uniform(String key, int salt) {
    return "((CAST(pmod(xxhash64(" + spec.seed() + "L, " + key + ", " + salt + "), 9007199254740992) AS DOUBLE)"
        + " + 0.5) / 9007199254740992.0)";
  }

  /** Returns a SQL CASE that picks {@code values[i]} with probability {@code weights[i]}. */
  private static String pick(String uniform, String[] values, double[] weights) {
    StringBuilder sql = new StringBuilder("CASE");
    double cumulative = 0;
    for (int i = 0; i < values.length - 1; i++) {
      cumulative += weights[i];
      sql.append(String.format(Locale.ROOT, " WHEN %s < %.4f THEN '%s'", uniform, cumulative, values[i]));
    }
    return sql.append(" ELSE '").append(values[values.length - 1]).append("' END").toString();
  }
}

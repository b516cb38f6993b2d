package dev.arbor.testing;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Builds small event tables for {@link TestConfigs#eventsSource} and writes them as Delta. */
public final class EventTables {
  public static final StructType SCHEMA =
      new StructType()
          .add("user_id", DataTypes.StringType)
          .add("event_time", DataTypes.TimestampType)
          .add("event_id", DataTypes.StringType)
          .add("event_name", DataTypes.StringType)
          .add("amount", DataTypes.createDecimalType(12, 2))
          .add("country", DataTypes.StringType);

  private final List<Row> rows = new ArrayList<>();

  /** Adds an event; {@code instant} is ISO-8601 such as {@code 2024-01-01T10:00:00Z}. */
  public EventTables add(String user, String instant, String name, String amount, String country) {
    rows.add(
        RowFactory.create(
            user,
            instant == null ? null : Timestamp.from(Instant.parse(instant)),
            "e" + rows.size(),
            name,
            amount == null ? null : new BigDecimal(amount),
            country));
    return this;
  }

  /** Adds an event with an explicit event id, for de-duplication tests. */
  public EventTables addWithId(String id, String user, String instant, String name, String amount) {
    rows.add(RowFactory.create(user, Timestamp.from(Instant.parse(instant)), id, name,
        amount == null ? null : new BigDecimal(amount), "UK"));
    return this;
  }

  /** Adds an event with an explicit event id and country. */
  public EventTables addWithId(
      String id, String user, String instant, String name, String amount, String country) {
    rows.add(RowFactory.create(user, Timestamp.from(Instant.parse(instant)), id, name,
        amount == null ? null : new BigDecimal(amount), country));
    return this;
  }

  public void writeDelta(SparkSession spark, String path) {
    spark.createDataFrame(rows, SCHEMA).write().format("delta").mode("overwrite").save(path);
  }

  /** Appends the rows to the Delta table at {@code path}, as a loader of new events would. */
  public void appendDelta(SparkSession spark, String path) {
    spark.createDataFrame(rows, SCHEMA).write().format("delta").mode("append").save(path);
  }

  /** Creates an empty events table with the change data feed on, as ingest leaves it. */
  public static void createWithChangeFeed(SparkSession spark, String path) {
    spark.sql("CREATE TABLE delta.`" + path + "` (user_id STRING, event_time TIMESTAMP, "
        + "event_id STRING, event_name STRING, amount DECIMAL(12,2), country STRING) USING DELTA "
        + "TBLPROPERTIES (delta.enableChangeDataFeed = true)");
  }
}

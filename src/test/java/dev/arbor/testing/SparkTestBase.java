package dev.arbor.testing;

import dev.arbor.job.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of tests that need Spark: one local SparkSession per JVM, shared by every test class, with
 * two shuffle partitions so that tiny inputs do not pay for many tasks.
 */
public abstract class SparkTestBase {
  private static SparkSession shared;

  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = session();
  }

  /** Returns the shared session, creating it on first use. */
  public static synchronized SparkSession session() {
    if (shared == null) {
      System.setProperty("spark.master", "local[2]");
      shared =
          SparkSessions.create(
              "local[2]",
              Map.of(
                  "spark.sql.shuffle.partitions", "2",
                  "spark.default.parallelism", "2",
                  "spark.driver.host", "127.0.0.1",
                  "spark.driver.bindAddress", "127.0.0.1",
                  "spark.databricks.delta.snapshotPartitions", "2",
                  "spark.sql.adaptive.coalescePartitions.initialPartitionNum", "2"));
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return shared;
  }
}

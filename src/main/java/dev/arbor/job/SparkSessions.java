package dev.arbor.job;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the SparkSession. A master set by spark-submit (or {@code -Dspark.master}) wins over the
 * config's default, so the same jar runs locally and on a cluster.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(String defaultMaster, Map<String, String> extraConf) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      conf.setMaster(defaultMaster);
    }
    conf.setIfMissing("spark.app.name", "arbor");
    conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    // Event times are bucketed by explicit zone conversions that assume a UTC session.
    conf.set("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.ui.enabled", "false");
    conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    conf.setIfMissing("spark.sql.adaptive.enabled", "true");
    if (conf.get("spark.master").startsWith("local")) {
      // Delta rebuilds a table's state with 50 tasks by default, which suits long logs on a
      // cluster. On one machine the overhead of those tasks dominates for small output logs.
      conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "4");
    }
    extraConf.forEach(conf::set);
    return SparkSession.builder().config(conf).getOrCreate();
  }
}

package dev.arbor.cluster;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;

import dev.arbor.job.SparkSessions;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares the node_values of two warehouses, ignoring the run columns: every key must be in both
 * and every value must agree within a relative 1e-9 (sums over partitions may add doubles in a
 * different order). Used by jobs/cluster-test to check a cluster run against a local one.
 *
 * <p>Usage: {@code CompareWarehouses EXPECTED_WAREHOUSE ACTUAL_WAREHOUSE}; exits 1 on a difference.
 */
public final class CompareWarehouses {
  private static final List<String> KEY =
      List.of("tree_id", "node_id", "grain", "period_start", "dimension", "segment");
  private static final List<String> NUMBERS =
      List.of("value", "previous_value", "change", "change_pct", "formula_value", "formula_gap",
          "numerator", "denominator", "anomaly_score");

  private CompareWarehouses() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: CompareWarehouses EXPECTED_WAREHOUSE ACTUAL_WAREHOUSE");
      System.exit(2);
    }
    SparkSession spark =
        SparkSessions.create(
            "local[2]",
            Map.of("spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1"));
    long differences = compare(spark, args[0] + "/node_values", args[1] + "/node_values");
    spark.stop();
    System.exit(differences == 0 ? 0 : 1);
  }

  /** Prints up to 20 differing rows and returns the number of differences. */
  static long compare(SparkSession spark, String expectedPath, String actualPath) {
    Dataset<Row> expected = spark.read().format("delta").load(expectedPath).alias("e");
    Dataset<Row> actual = spark.read().format("delta").load(actualPath).alias("a");
    Column on = lit(true);
    for (String key : KEY) {
      on = on.and(col("e." + key).equalTo(col("a." + key)));
    }
    Column differs = col("e.node_id").isNull().or(col("a.node_id").isNull());
    for (String number : NUMBERS) {
      Column e = col("e." + number);
      Column a = col("a." + number);
      Column bothNull = e.isNull().and(a.isNull());
      Column close =
          abs(e.minus(a)).leq(greatest(abs(e), abs(a), lit(1.0)).multiply(lit(1e-9)));
      differs = differs.or(bothNull.unary_$bang().and(coalesce(close, lit(false)).unary_$bang()));
    }
    differs =
        differs
            .or(col("e.is_complete").notEqual(col("a.is_complete")))
            .or(col("e.quality_flags").notEqual(col("a.quality_flags")));
    Dataset<Row> diff = expected.join(actual, on, "full_outer").where(differs);
    long rows = expected.count();
    long count = diff.count();
    if (count > 0) {
      diff.show(20, false);
    }
    System.out.println(
        "node_values: " + rows + " rows expected, " + actual.count() + " rows actual, "
            + count + " differences");
    if (rows == 0) {
      System.out.println("node_values is empty; nothing was compared");
      return 1;
    }
    return count;
  }
}

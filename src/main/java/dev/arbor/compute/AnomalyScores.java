package dev.arbor.compute;

import static org.apache.spark.sql.functions.array_append;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.arbor.config.AnomalySettings;
import dev.arbor.stats.RobustScore;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Scores each node value's change against the node's past changes with {@link RobustScore}: the
 * changes of the previous {@code window} periods of the same node, grain and segment, complete
 * periods only. An incomplete period is not scored, because its change covers part of a period.
 * Adds the column {@code anomaly_score} and the quality flag {@code anomaly}.
 */
public final class AnomalyScores {
  /** Quality flag of a change that is unusual against its history. */
  public static final String FLAG = "anomaly";

  private static final StructType RESULT =
      new StructType()
          .add("score", DataTypes.DoubleType, true)
          .add("anomaly", DataTypes.BooleanType, false);

  private AnomalyScores() {}

  /** Adds {@code anomaly_score} and the {@code anomaly} flag to node-value rows of one tree. */
  public static Dataset<Row> add(Dataset<Row> nodeValues, AnomalySettings settings) {
    WindowSpec past =
        Window.partitionBy("node_id", "grain", "dimension", "segment")
            .orderBy("period_start")
            .rowsBetween(-settings.window(), -1);
    int minHistory = settings.minHistory();
    double threshold = settings.threshold();
    UserDefinedFunction score =
        udf(
            (UDF3<scala.collection.Seq<Double>, Double, Boolean, Row>)
                (history, change, complete) -> {
                  if (change == null || !complete) {
                    return RowFactory.create(null, false);
                  }
                  List<Double> values = new ArrayList<>(CollectionConverters.asJava(history));
                  RobustScore.Result result = RobustScore.score(values, change, minHistory, threshold);
                  return RowFactory.create(result.score(), result.anomaly());
                },
            RESULT);
    // collect_list skips nulls, so periods without a change do not count towards the history.
    Column history = collect_list(when(col("is_complete"), col("change"))).over(past);
    Dataset<Row> scored =
        nodeValues.withColumn("anomaly", score.apply(history, col("change"), col("is_complete")));
    return scored
        .withColumn("anomaly_score", col("anomaly.score"))
        .withColumn(
            "quality_flags",
            when(col("anomaly.anomaly"), array_append(col("quality_flags"), lit(FLAG)))
                .otherwise(col("quality_flags")))
        .drop("anomaly");
  }
}

package dev.arbor.attribution;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.arbor.period.Period;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Computes change_attribution and root_cause from a tree's node values, in Spark.
 *
 * <p>Each period is compared with two base periods: the previous period of the same grain and
 * the same period a year earlier (364 days earlier for days and weeks, so that weekdays match,
 * and 12 months earlier for months and quarters), where node values exist for it. The node values
 * are grouped into one row per (grain, period, comparison) holding every node's values in every
 * slice, the total and each segment; the row count grows with the periods, never with the events,
 * and a row's size with the number of nodes and segments (bounded by slicing.max-segments). A
 * flatMap applies the pure-Java maths ({@link ChangeDecomposer}, {@link SegmentSplit}, {@link
 * RootCauseTrace}) to each row on the executors.
 */
public final class ChangeAttribution {
  /** Comparison with the previous period of the same grain. */
  public static final String PREVIOUS_PERIOD = "previous_period";
  /** Comparison with the same period a year earlier. */
  public static final String YEAR_AGO = "year_ago";

  private final String all;

  /** @param all the dimension and segment name of totals in node_values */
  public ChangeAttribution(String all) {
    this.all = all;
  }

  /** Rows of both tables, in their DDL column order without the run's columns. */
  public record Outputs(Dataset<Row> changeAttribution, Dataset<Row> rootCause) {}

  /**
   * Attributes every period's changes.
   *
   * @param history node values of one tree for every period since the first event, as {@link
   *     dev.arbor.compute.NodeValuesComputer} computes them
   * @param from first day to report (periods ending before it are left out), or null for all
   */
  public Outputs compute(Tree tree, Dataset<Row> history, LocalDate from) {
    return compute(tree, history, from, null);
  }

  /**
   * Attributes the changes of some periods.
   *
   * @param history node values of one tree for every period since the first event
   * @param from first day to report (periods ending before it are left out), or null for all
   * @param periods the periods to report, or null for every period from {@code from}
   */
  public Outputs compute(Tree tree, Dataset<Row> history, LocalDate from, List<Period> periods) {
    AttributionModel model = AttributionModel.of(tree);
    Dataset<Row> comparisons = comparisons(history, from);
    if (periods != null) {
      comparisons = comparisons.join(broadcast(periodKeys(history.sparkSession(), periods)),
          new String[] {"grain", "period_start"});
    }
    comparisons = comparisons.persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> changeAttribution =
        comparisons.flatMap(new ChangeAttributionRows(model, all), Encoders.row(ChangeAttributionRows.SCHEMA));
    Dataset<Row> rootCause =
        comparisons.flatMap(new RootCauseRows(model, all), Encoders.row(RootCauseRows.SCHEMA));
    return new Outputs(changeAttribution, rootCause);
  }

  /**
   * Groups node values into one row per (grain, period_start, comparison): period_end,
   * is_complete, base_period_start and slices, an array of (dimension, segment, nodes,
   * base_nodes) where nodes maps a node id to its (value, numerator, denominator).
   */
  Dataset<Row> comparisons(Dataset<Row> history, LocalDate from) {
    Dataset<Row> slices =
        history
            .groupBy("grain", "period_start", "period_end", "is_complete", "dimension", "segment")
            .agg(map_from_entries(collect_list(struct(col("node_id"),
                struct(col("value"), col("numerator"), col("denominator"))))).as("nodes"));
    Dataset<Row> bases =
        slices.select(col("grain"), col("dimension"), col("segment"),
            col("period_start").as("base_period_start"), col("nodes").as("base_nodes"));
    Dataset<Row> periods =
        slices
            .withColumn("comparison", lit(PREVIOUS_PERIOD))
            .withColumn("base_period_start", previousStart(col("grain"), col("period_start")))
            .unionByName(
                slices
                    .withColumn("comparison", lit(YEAR_AGO))
                    .withColumn("base_period_start", yearAgoStart(col("grain"), col("period_start"))));
    if (from != null) {
      periods = periods.where(col("period_end").geq(lit(java.sql.Date.valueOf(from))));
    }
    return periods
        .join(bases, new String[] {"grain", "dimension", "segment", "base_period_start"}, "inner")
        .groupBy("grain", "period_start", "period_end", "is_complete", "comparison", "base_period_start")
        .agg(collect_list(struct(col("dimension"), col("segment"), col("nodes"), col("base_nodes")))
            .as("slices"));
  }

  private static Dataset<Row> periodKeys(SparkSession spark, List<Period> periods) {
    List<Row> keys = new ArrayList<>();
    for (Period period : periods) {
      keys.add(RowFactory.create(period.grain().key(), java.sql.Date.valueOf(period.start())));
    }
    StructType schema =
        new StructType()
            .add("grain", DataTypes.StringType, false)
            .add("period_start", DataTypes.DateType, false);
    return spark.createDataFrame(keys, schema);
  }

  /** Returns the start of the period before a period of the grain. */
  static Column previousStart(Column grain, Column start) {
    return when(grain.equalTo("day"), date_sub(start, 1))
        .when(grain.equalTo("week"), date_sub(start, 7))
        .when(grain.equalTo("month"), add_months(start, -1))
        .otherwise(add_months(start, -3));
  }

  /** Returns the start of the comparable period a year earlier. */
  static Column yearAgoStart(Column grain, Column start) {
    return when(grain.isin("day", "week"), date_sub(start, 364)).otherwise(add_months(start, -12));
  }
}

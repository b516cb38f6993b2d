package dev.arbor.compute;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.arbor.config.SlicingSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The segments of each dimension of a tree: the values kept (the top ones by the tree's ranking
 * over the run's history), the segment {@link #OTHER} for the rest, and the total {@link
 * NodeValuesComputer#ALL}.
 *
 * <p>NOTE: a dimension value spelled exactly like a reserved segment name ({@code all}, {@code
 * other}, {@code (missing)}) shares that segment's rows.
 */
public final class Segments {
  /** Segment of the dimension values that are not among the kept ones. */
  public static final String OTHER = "other";
  /** Segment of events whose dimension value is null. */
  public static final String MISSING = "(missing)";

  /**
   * The kept values of one dimension.
   *
   * @param kept values kept as their own segment, by decreasing rank; null stands for {@link
   *     #MISSING}
   * @param hasOther whether some values are grouped into {@link #OTHER}
   */
  public record Dimension(String name, List<String> kept, boolean hasOther) {
    public Dimension {
      kept = java.util.Collections.unmodifiableList(new ArrayList<>(kept));
    }

    /** Returns the segment names, in rank order, then {@link #OTHER} when present. */
    public List<String> segmentNames() {
      List<String> names = new ArrayList<>();
      for (String value : kept) {
        names.add(value == null ? MISSING : value);
      }
      if (hasOther) {
        names.add(OTHER);
      }
      return names;
    }
  }

  private final List<Dimension> dimensions;

  public Segments(List<Dimension> dimensions) {
    this.dimensions = List.copyOf(dimensions);
  }

  /** Segments of a tree without dimensions: the total only. */
  public static Segments none() {
    return new Segments(List.of());
  }

  public List<Dimension> dimensions() {
    return dimensions;
  }

  /** Name of the daily-activity column that contains a dimension's value as a string. */
  public static String dimensionColumn(String dimension) {
    return "dim_" + dimension;
  }

  /**
   * Ranks each dimension's values over the compact daily tables and keeps the top ones. Collects
   * at most {@code maxSegments + 1} rows per dimension to the driver.
   *
   * @param dailyByPlan the daily table of each plan, from {@link MeasureRollup#dailyActivity}
   */
  public static Segments rank(
      Collection<ScanPlan> plans, java.util.Map<String, Dataset<Row>> dailyByPlan,
      List<String> dimensionNames, SlicingSettings settings) {
    List<Dimension> dimensions = new ArrayList<>();
    for (String name : dimensionNames) {
      Dataset<Row> weights = null;
      for (ScanPlan plan : plans) {
        Column weight = weightColumn(plan, settings.rankBy());
        if (weight == null) {
          continue;
        }
        Dataset<Row> planWeights =
            dailyByPlan.get(plan.sourceId())
                .where(col("slot").equalTo(0))
                .select(col(dimensionColumn(name)).as("value"), weight.cast("double").as("weight"));
        weights = weights == null ? planWeights : weights.unionByName(planWeights);
      }
      if (weights == null) {
        // No plan has the ranking weight: every value goes to the segment other.
        dimensions.add(new Dimension(name, List.of(), true));
        continue;
      }
      List<Row> top =
          weights
              .groupBy("value")
              .agg(coalesce(sum("weight"), lit(0.0)).as("weight"))
              .orderBy(col("weight").desc(), col("value").asc_nulls_last())
              .limit(settings.maxSegments() + 1)
              .collectAsList();
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < Math.min(top.size(), settings.maxSegments()); i++) {
        kept.add(top.get(i).isNullAt(0) ? null : top.get(i).getString(0));
      }
      dimensions.add(new Dimension(name, kept, top.size() > settings.maxSegments()));
    }
    return new Segments(dimensions);
  }

  /** Returns what a plan's day rows weigh in the ranking, or null when the plan has no such weight. */
  private static Column weightColumn(ScanPlan plan, String rankBy) {
    if (rankBy.equals(SlicingSettings.RANK_BY_EVENTS)) {
      return col(MeasureRollup.ROWS_PARTIAL);
    }
    String partial = plan.additivePartial(rankBy);
    return partial == null ? null : col(partial);
  }

  /** Returns a dimension's segment for a row of the daily table. */
  Column segmentOf(Dimension dimension) {
    Column value = col(dimensionColumn(dimension.name()));
    List<String> keptValues = dimension.kept().stream().filter(Objects::nonNull).toList();
    boolean missingKept = dimension.kept().contains(null);
    return when(value.isNull(), lit(missingKept ? MISSING : OTHER))
        .when(value.isin(keptValues.toArray()), value)
        .otherwise(lit(OTHER));
  }

  /**
   * Adds the columns {@code dimension} and {@code segment}: one row for the total and, when the
   * tree has dimensions, one more per dimension with the row's segment.
   */
  Dataset<Row> slice(Dataset<Row> rows) {
    String all = NodeValuesComputer.ALL;
    if (dimensions.isEmpty()) {
      return rows.withColumn("dimension", lit(all)).withColumn("segment", lit(all));
    }
    List<Column> slices = new ArrayList<>();
    slices.add(struct(lit(all).as("dimension"), lit(all).as("segment")));
    for (Dimension dimension : dimensions) {
      slices.add(struct(lit(dimension.name()).as("dimension"), segmentOf(dimension).as("segment")));
    }
    return rows
        .withColumn("slice", explode(array(slices.toArray(Column[]::new))))
        .withColumn("dimension", col("slice.dimension"))
        .withColumn("segment", col("slice.segment"))
        .drop("slice");
  }

  /** Returns the (dimension, segment) pairs, the total first. */
  Dataset<Row> pairs(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create(NodeValuesComputer.ALL, NodeValuesComputer.ALL));
    for (Dimension dimension : dimensions) {
      for (String segment : dimension.segmentNames()) {
        rows.add(RowFactory.create(dimension.name(), segment));
      }
    }
    StructType schema =
        new StructType()
            .add("dimension", DataTypes.StringType, false)
            .add("segment", DataTypes.StringType, false);
    return spark.createDataFrame(rows, schema);
  }

  /** Returns a line per dimension for the log, e.g. {@code country: UK, FR + other}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Dimension dimension : dimensions) {
      parts.add(dimension.name() + ": " + String.join(", ", dimension.segmentNames()));
    }
    return parts.isEmpty() ? "none" : String.join("; ", parts);
  }
}

package dev.arbor.links;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.TreeDefinition;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/** Writes hand-made weekly node_values tables and loads tree configs for the links tests. */
final class NodeValuesFixture {
  static final StructType SCHEMA =
      new StructType()
          .add("tree_id", DataTypes.StringType)
          .add("tree_version", DataTypes.StringType)
          .add("node_id", DataTypes.StringType)
          .add("grain", DataTypes.StringType)
          .add("period_start", DataTypes.DateType)
          .add("period_end", DataTypes.DateType)
          .add("dimension", DataTypes.StringType)
          .add("segment", DataTypes.StringType)
          .add("value", DataTypes.DoubleType)
          .add("previous_value", DataTypes.DoubleType)
          .add("change", DataTypes.DoubleType)
          .add("change_pct", DataTypes.DoubleType)
          .add("formula_value", DataTypes.DoubleType)
          .add("formula_gap", DataTypes.DoubleType)
          .add("is_complete", DataTypes.BooleanType)
          .add("quality_flags", DataTypes.createArrayType(DataTypes.StringType))
          .add("run_id", DataTypes.StringType)
          .add("computed_at", DataTypes.TimestampType);

  private NodeValuesFixture() {}

  /** Loads a config of tree {@code t} over the events source, with outputs under {@code dir}/wh. */
  static ArborConfig config(Path dir, String file, String treeBody) {
    ArborConfig config =
        TestConfigs.load(
            dir.resolve(file),
            TestConfigs.eventsSource("") + "arbor.trees.t {\n" + treeBody + "\n}\n");
    return config.withWarehouse(new WarehouseSettings(dir.resolve("wh").toString(), ""));
  }

  /**
   * Replaces node_values with weekly rows of tree {@code t}: series {@code values.get(node)[i]} is
   * the value of the week starting {@code firstMonday + i weeks}, and a null entry writes no row.
   * Every row is complete; another segment with different values is added to check that only the
   * totals are read.
   */
  static void write(
      SparkSession spark, ArborConfig config, LocalDate firstMonday, Map<String, Double[]> values) {
    String version =
        TreeDefinition.of(config.tree("t"), config.settings("t"), config.sources()).version();
    List<Row> rows = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    for (Map.Entry<String, Double[]> entry : values.entrySet()) {
      Double[] series = entry.getValue();
      for (int i = 0; i < series.length; i++) {
        if (series[i] == null) {
          continue;
        }
        LocalDate start = firstMonday.plusWeeks(i);
        for (String segment : List.of("all", "other")) {
          rows.add(
              RowFactory.create(
                  "t",
                  version,
                  entry.getKey(),
                  "week",
                  Date.valueOf(start),
                  Date.valueOf(start.plusDays(6)),
                  segment.equals("all") ? "all" : "country",
                  segment,
                  segment.equals("all") ? series[i] : -series[i] * 7.0,
                  null,
                  null,
                  null,
                  null,
                  null,
                  true,
                  CollectionConverters.asScala(List.<String>of()).toSeq(),
                  "fixture",
                  now));
        }
      }
    }
    spark
        .createDataFrame(rows, SCHEMA)
        .write()
        .format("delta")
        .mode("overwrite")
        .save(config.warehouse().path() + "/node_values");
  }
}

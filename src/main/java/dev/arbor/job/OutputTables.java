package dev.arbor.job;

import static org.apache.spark.sql.functions.col;

import dev.arbor.config.TreeDefinition;
import dev.arbor.tree.Link;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/** Builds output rows in the column order of their DDL in sql/ddl. */
final class OutputTables {
  private OutputTables() {}

  static Dataset<Row> nodeValuesColumns(Dataset<Row> rows) {
    return rows.select(
        col("tree_id"), col("tree_version"), col("node_id"), col("grain"), col("period_start"),
        col("period_end"), col("dimension"), col("segment"), col("value"), col("previous_value"),
        col("change"), col("change_pct"), col("formula_value"), col("formula_gap"),
        col("is_complete"), col("quality_flags"), col("run_id"), col("computed_at"),
        col("numerator"), col("denominator"), col("anomaly_score"));
  }

  static Dataset<Row> changeAttributionColumns(Dataset<Row> rows) {
    return rows.select(
        col("tree_id"), col("tree_version"), col("grain"), col("period_start"), col("period_end"),
        col("is_complete"), col("comparison"), col("base_period_start"), col("dimension"),
        col("segment"), col("parent_id"), col("child_id"), col("method"), col("contribution"),
        col("share"), col("parent_base_value"), col("parent_value"), col("parent_change"),
        col("child_base_value"), col("child_value"), col("residual"), col("note"), col("run_id"),
        col("computed_at"));
  }

  static Dataset<Row> rootCauseColumns(Dataset<Row> rows) {
    return rows.select(
        col("tree_id"), col("tree_version"), col("grain"), col("period_start"), col("period_end"),
        col("is_complete"), col("comparison"), col("base_period_start"), col("dimension"),
        col("segment"), col("north_star_id"), col("north_star_base_value"),
        col("north_star_value"), col("north_star_change"), col("explained_change"),
        col("unexplained_change"), col("rank"), col("leaf_id"), col("path"), col("steps"),
        col("contribution"), col("share"), col("leaf_change"), col("segment_drivers"),
        col("run_id"), col("computed_at"));
  }

  static Dataset<Row> treeVersionRow(SparkSession spark, Tree tree, TreeDefinition definition, String runId) {
    StructType nodeType =
        new StructType()
            .add("node_id", DataTypes.StringType)
            .add("name", DataTypes.StringType)
            .add("unit", DataTypes.StringType)
            .add("owner", DataTypes.StringType)
            .add("description", DataTypes.StringType)
            .add("kind", DataTypes.StringType)
            .add("definition", DataTypes.StringType)
            .add("formula", DataTypes.StringType);
    StructType linkType =
        new StructType()
            .add("from_id", DataTypes.StringType)
            .add("to_id", DataTypes.StringType)
            .add("kind", DataTypes.StringType)
            .add("expected_sign", DataTypes.StringType)
            .add("lag_min", DataTypes.IntegerType)
            .add("lag_max", DataTypes.IntegerType)
            .add("description", DataTypes.StringType);
    StructType schema =
        new StructType()
            .add("tree_id", DataTypes.StringType, false)
            .add("tree_version", DataTypes.StringType, false)
            .add("tree_name", DataTypes.StringType, false)
            .add("north_star", DataTypes.StringType, false)
            .add("definition", DataTypes.StringType, false)
            .add("nodes", DataTypes.createArrayType(nodeType), false)
            .add("links", DataTypes.createArrayType(linkType), false)
            .add("first_used_at", DataTypes.TimestampType, false)
            .add("first_run_id", DataTypes.StringType, false);
    List<Row> nodes = new ArrayList<>();
    for (Node node : tree.nodes().values()) {
      nodes.add(RowFactory.create(node.id(), node.name(), node.unit().name().toLowerCase(Locale.ROOT),
          node.owner(), node.description(), TreeDefinition.kind(node),
          TreeDefinition.describeValue(node), node.formulaText()));
    }
    List<Row> links = new ArrayList<>();
    for (Link link : tree.links()) {
      links.add(RowFactory.create(link.from(), link.to(), link.kind().name().toLowerCase(Locale.ROOT),
          link.expectedSign().name().toLowerCase(Locale.ROOT), link.lagMin(), link.lagMax(),
          link.description()));
    }
    Row row = RowFactory.create(tree.id(), definition.version(), tree.name(), tree.northStar(),
        definition.json(), CollectionConverters.asScala(nodes).toSeq(),
        CollectionConverters.asScala(links).toSeq(), Timestamp.from(Instant.now()), runId);
    return spark.createDataFrame(List.of(row), schema);
  }
}

package dev.arbor.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The column lists of sql/ddl, as {@link OutputCommitter#ensureTable} reads them to add missing
 * columns to an existing table on every run.
 */
class DdlColumnsTest {

  @Test
  void everyDdlParsesWithCommentOnEveryColumn() throws IOException {
    List<String> tables;
    try (Stream<Path> files = Files.list(Path.of("sql/ddl"))) {
      tables = files.map(p -> p.getFileName().toString())
          .filter(name -> name.endsWith(".sql"))
          .map(name -> name.substring(0, name.length() - ".sql".length()))
          .sorted()
          .toList();
    }
    assertThat(tables).contains("node_values", "change_attribution", "root_cause", "runs");

    for (String table : tables) {
      StructType columns = OutputCommitter.ddlColumns(table);

      assertThat(columns.fields()).as("columns of %s", table).isNotEmpty();
      for (StructField field : columns.fields()) {
        assertThat(field.getComment().isDefined() && !field.getComment().get().isBlank())
            .as("comment of %s.%s", table, field.name()).isTrue();
      }
    }
  }

  @Test
  void nodeValuesColumnsWithTypesAndNullability() {
    StructType columns = OutputCommitter.ddlColumns("node_values");

    assertThat(columns.apply("anomaly_score").dataType()).isEqualTo(DataTypes.DoubleType);
    assertThat(columns.apply("anomaly_score").nullable()).isTrue();
    assertThat(columns.apply("quality_flags").dataType()).isEqualTo(DataTypes.createArrayType(DataTypes.StringType));
    assertThat(columns.apply("quality_flags").nullable()).isFalse();
    assertThat(columns.apply("segment").getComment().get()).contains("(missing) for null");
    assertThat(columns.fieldNames()).endsWith("numerator", "denominator", "anomaly_score");
  }
}

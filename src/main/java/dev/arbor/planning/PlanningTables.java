package dev.arbor.planning;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Schemas of the planning tables, read from their DDL in sql/ddl so that the rows built here and
 * the tables OutputCommitter creates cannot drift apart.
 */
final class PlanningTables {
  static final List<String> TABLES =
      List.of("bets", "annotations", "bet_priorities", "forecasts", "forecast_vs_actual",
          "bet_progress", "bet_outcomes", "learning_velocity", "leverage");

  private static final Pattern COLUMN =
      Pattern.compile("^\\s*([a-z_][a-z0-9_]*)\\s+(.*?)\\s+(?:NOT NULL\\s+)?COMMENT '");

  private PlanningTables() {}

  /** Returns the schema of {@code table} from the column lines of its DDL. */
  static StructType schema(String table) {
    String resource = "/sql/ddl/" + table + ".sql";
    String text;
    try (InputStream in = PlanningTables.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing DDL resource " + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read DDL resource " + resource, e);
    }
    List<String> columns = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher matcher = COLUMN.matcher(line);
      if (matcher.find()) {
        columns.add(matcher.group(1) + " " + matcher.group(2));
      }
    }
    return StructType.fromDDL(String.join(", ", columns));
  }

  static Dataset<Row> frame(SparkSession spark, String table, List<Row> rows) {
    return spark.createDataFrame(rows, schema(table));
  }

  static Seq<Object> seq(List<?> values) {
    return CollectionConverters.asScala(new ArrayList<Object>(values)).toList();
  }

  static Date date(LocalDate day) {
    return day == null ? null : Date.valueOf(day);
  }

  /** Returns the value, or null when it is null, NaN or infinite: tables never hold NaN. */
  static Double finite(Double value) {
    return value == null || !Double.isFinite(value) ? null : value;
  }

  /** Returns {@code a / |b|}, or null when either is null or b is 0. */
  static Double fraction(Double a, Double b) {
    if (a == null || b == null || b == 0.0) {
      return null;
    }
    return finite(a / Math.abs(b));
  }
}

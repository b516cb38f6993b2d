package dev.arbor.planning;

import dev.arbor.ArborException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a ledger (bets or annotations) from a CSV file, through Hadoop's file system so that any
 * URI Spark can read works, or from a Delta table with the same columns.
 */
final class LedgerReader {
  /** Ledgers are written by people; more rows than this is a wrong path, not a ledger. */
  static final int MAX_ROWS = 100_000;

  private LedgerReader() {}

  /**
   * Returns the rows of the ledger at {@code location}, and adds a warning per unknown column.
   *
   * @throws ArborException (invalid input) when the ledger cannot be read, lacks a required
   *     column or is larger than {@link #MAX_ROWS}
   */
  static List<LedgerRow> read(SparkSession spark, String location, List<String> required,
      List<String> optional, List<String> warnings) {
    List<String> columns;
    List<LedgerRow> rows;
    if (location.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      String text = readText(spark, location);
      try {
        columns = LedgerCsv.header(location, text);
        rows = LedgerCsv.parse(location, text);
      } catch (IllegalArgumentException e) {
        throw ArborException.input("Cannot read ledger " + e.getMessage(), e);
      }
    } else {
      Dataset<Row> table;
      try {
        table = spark.read().format("delta").load(location);
      } catch (RuntimeException e) {
        throw ArborException.input("Cannot read ledger " + location
            + ": not a CSV file (name ending in .csv) nor a Delta table: " + firstLine(e), e);
      }
      columns = new ArrayList<>();
      for (String name : table.columns()) {
        columns.add(name.toLowerCase(Locale.ROOT));
      }
      List<Row> collected = table.limit(MAX_ROWS + 1).collectAsList();
      rows = new ArrayList<>();
      for (int i = 0; i < collected.size(); i++) {
        Map<String, String> values = new LinkedHashMap<>();
        Row row = collected.get(i);
        for (int c = 0; c < columns.size(); c++) {
          values.put(columns.get(c), row.isNullAt(c) ? "" : String.valueOf(row.get(c)));
        }
        rows.add(new LedgerRow(location, i + 1, values));
      }
    }
    if (rows.size() > MAX_ROWS) {
      throw ArborException.input("Ledger " + location + " has more than " + MAX_ROWS
          + " rows; check the planning path", null);
    }
    List<String> missing = new ArrayList<>();
    for (String column : required) {
      if (!columns.contains(column)) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      throw ArborException.input("Ledger " + location + " lacks the columns " + missing
          + "; its header must contain " + required + " (optional: " + optional + ")", null);
    }
    for (String column : columns) {
      if (!required.contains(column) && !optional.contains(column)) {
        warnings.add("Ledger " + location + ": unknown column '" + column + "' is ignored");
      }
    }
    return rows;
  }

  private static String readText(SparkSession spark, String location) {
    try {
      Path path = new Path(location);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(path)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw ArborException.input("Cannot read ledger " + location + ": " + e.getMessage()
          + "; fix the planning path in the tree config", e);
    }
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }
}

package dev.arbor.links;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import dev.arbor.store.TableLocator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** One-line text summaries of the latest link_scores rows of a tree, for the show command. */
public final class LinkScoreSummaries {
  private LinkScoreSummaries() {}

  /**
   * Returns, per link id, one line per grain describing its latest row, such as {@code week:
   * validated, confidence 0.72 (latest verdict supported, q = 0.0031 at lag 1, elasticity 0.52), as
   * of 2011-12-09}. Empty when link_scores does not exist.
   */
  public static Map<String, List<String>> latest(TableLocator locator, String treeId) {
    Map<String, List<String>> summaries = new LinkedHashMap<>();
    if (!locator.exists(LinkScoreTables.LINK_SCORES)) {
      return summaries;
    }
    List<Row> rows =
        locator
            .read(LinkScoreTables.LINK_SCORES)
            .where(col("tree_id").equalTo(treeId))
            .withColumn(
                "rank",
                row_number()
                    .over(
                        Window.partitionBy("link_id", "grain")
                            .orderBy(col("as_of").desc(), col("computed_at").desc())))
            .where(col("rank").equalTo(1))
            .select(
                "link_id",
                "grain",
                "lifecycle_status",
                "confidence",
                "evaluation_status",
                "q_value",
                "lag",
                "elasticity",
                "hardening_candidate",
                "as_of")
            .orderBy("link_id", "grain")
            .collectAsList();
    for (Row row : rows) {
      summaries.computeIfAbsent(row.getString(0), id -> new ArrayList<>()).add(describe(row));
    }
    return summaries;
  }

  private static String describe(Row row) {
    StringBuilder text = new StringBuilder();
    text.append(row.getString(1)).append(": ").append(row.getString(2));
    if (!row.isNullAt(3)) {
      text.append(String.format(Locale.ROOT, ", confidence %.2f", row.getDouble(3)));
    }
    if (!row.isNullAt(4)) {
      List<String> evidence = new ArrayList<>();
      evidence.add("latest verdict " + row.getString(4));
      if (!row.isNullAt(5)) {
        evidence.add(
            String.format(Locale.ROOT, "q = %.3g at lag %d", row.getDouble(5), row.getInt(6)));
      }
      if (!row.isNullAt(7)) {
        evidence.add(String.format(Locale.ROOT, "elasticity %.2f", row.getDouble(7)));
      }
      text.append(" (").append(String.join(", ", evidence)).append(')');
    }
    if (row.getBoolean(8)) {
      text.append(", hardening candidate");
    }
    text.append(", as of ").append(row.getDate(9));
    return text.toString();
  }
}

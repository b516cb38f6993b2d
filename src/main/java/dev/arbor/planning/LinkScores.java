package dev.arbor.planning;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.arbor.period.Grain;
import dev.arbor.store.OutputCommitter;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The latest score of each hypothesis link of a tree, from the link_scores table written by link
 * scoring, and the link status changes from link_status_history. Either table may be absent: the
 * links are then unscored, and the counts null, with a note saying so.
 *
 * @param note why scores are missing, or null
 */
record LinkScores(Map<String, LinkScore> byLink, String note, List<StatusChange> statusChanges,
    String historyNote) {

  /** One row of link_status_history. */
  record StatusChange(String linkId, String toStatus, LocalDate asOf) {}

  /**
   * Reads the latest row per link: the highest as_of, then a row at {@code grain}, then the
   * highest run_id.
   */
  static LinkScores read(OutputCommitter committer, Tree tree, Grain grain) {
    Map<String, LinkScore> scores = new LinkedHashMap<>();
    String note = null;
    Dataset<Row> linkScores = committer.readAfterCommit("link_scores");
    if (linkScores == null) {
      note = "no link_scores table in the warehouse, so every hypothesis link is unscored and "
          + "planning propagates changes through formulas only";
    } else {
      Dataset<Row> rows = linkScores.where(col("tree_id").equalTo(tree.id()));
      Dataset<Row> latest =
          rows.withColumn("arbor_rank", row_number().over(Window.partitionBy("link_id").orderBy(
                  col("as_of").desc(),
                  when(col("grain").equalTo(grain.key()), lit(0)).otherwise(lit(1)),
                  col("run_id").desc())))
              .where(col("arbor_rank").equalTo(1))
              .select(col("link_id"), col("from_node"), col("to_node"), col("grain"),
                  col("as_of").cast("date"), col("elasticity").cast("double"),
                  col("confidence").cast("double"), col("evaluation_status").cast("string"),
                  col("lifecycle_status").cast("string"));
      for (Row row : latest.collectAsList()) {
        scores.put(row.getString(0), new LinkScore(row.getString(0), row.getString(1),
            row.getString(2), row.getString(3),
            row.isNullAt(4) ? null : row.getDate(4).toLocalDate(),
            row.isNullAt(5) ? null : row.getDouble(5), row.isNullAt(6) ? null : row.getDouble(6),
            row.getString(7), row.getString(8)));
      }
    }
    List<StatusChange> changes = new ArrayList<>();
    String historyNote = null;
    Dataset<Row> history = committer.readAfterCommit("link_status_history");
    if (history == null) {
      historyNote = "no link_status_history table in the warehouse";
    } else {
      List<Row> rows =
          history
              .where(col("tree_id").equalTo(tree.id()))
              .select(col("link_id"), col("to_status").cast("string"), col("as_of").cast("date"))
              .collectAsList();
      for (Row row : rows) {
        if (!row.isNullAt(2)) {
          changes.add(new StatusChange(row.getString(0), row.getString(1), row.getDate(2).toLocalDate()));
        }
      }
    }
    return new LinkScores(scores, note, changes, historyNote);
  }

  /** Returns the links that changed to {@code status} between {@code from} and {@code to}. */
  Integer countChangesTo(String status, LocalDate from, LocalDate to) {
    if (historyNote != null) {
      return null;
    }
    return (int) statusChanges.stream()
        .filter(c -> status.equals(c.toStatus()) && !c.asOf().isBefore(from) && !c.asOf().isAfter(to))
        .map(StatusChange::linkId)
        .distinct()
        .count();
  }
}

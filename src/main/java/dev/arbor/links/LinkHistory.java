package dev.arbor.links;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;

import dev.arbor.stats.LinkState;
import dev.arbor.stats.LinkStatus;
import dev.arbor.stats.SeriesTransform;
import dev.arbor.store.TableLocator;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** Reads the lifecycle state that earlier runs left in link_scores. */
public final class LinkHistory {
  private final TableLocator locator;

  public LinkHistory(TableLocator locator) {
    this.locator = locator;
  }

  /**
   * Returns, for each link and grain of the tree ever scored before {@code asOf}, its latest row:
   * the one with the greatest as-of date before {@code asOf}. Rows of {@code asOf} itself are left
   * out, so a re-run of a date starts from the same state as the first run of it. The result has
   * one entry per link and grain, so it is small.
   */
  public Map<LinkScorer.Key, PreviousScore> latestBefore(String treeId, LocalDate asOf) {
    Map<LinkScorer.Key, PreviousScore> previous = new LinkedHashMap<>();
    if (!locator.exists(LinkScoreTables.LINK_SCORES)) {
      return previous;
    }
    Dataset<Row> earlier =
        locator
            .read(LinkScoreTables.LINK_SCORES)
            .where(col("tree_id").equalTo(treeId).and(col("as_of").lt(lit(Date.valueOf(asOf)))));
    List<Row> rows =
        earlier
            .withColumn(
                "rank",
                row_number()
                    .over(
                        Window.partitionBy("link_id", "grain")
                            .orderBy(col("as_of").desc(), col("computed_at").desc())))
            .where(col("rank").equalTo(1))
            .select(
                "link_id",
                "from_node",
                "to_node",
                "expected_sign",
                "lag_min",
                "lag_max",
                "controls",
                "include_lagged_target",
                "grain",
                "transform",
                "lifecycle_status",
                "consecutive_supported",
                "consecutive_not_supported",
                "lifecycle_as_of",
                "hardening_candidate",
                "owner_team")
            .orderBy("link_id", "grain")
            .collectAsList();
    for (Row row : rows) {
      LinkScore.LinkDescription link =
          new LinkScore.LinkDescription(
              row.getString(0),
              row.getString(1),
              row.getString(2),
              row.getString(3),
              row.getInt(4),
              row.getInt(5),
              row.getList(6),
              row.getBoolean(7));
      LinkState state =
          new LinkState(
              LinkStatus.fromCode(row.getString(10)),
              row.getInt(11),
              row.getInt(12),
              row.getDate(13).toLocalDate(),
              row.getBoolean(14));
      PreviousScore score =
          new PreviousScore(
              link,
              row.getString(8),
              SeriesTransform.valueOf(row.getString(9).toUpperCase(Locale.ROOT)),
              state,
              row.isNullAt(15) ? null : row.getString(15));
      previous.put(score.key(), score);
    }
    return previous;
  }

  /** Returns the latest as-of date of the tree's rows after {@code asOf}, or null when none. */
  public LocalDate latestAfter(String treeId, LocalDate asOf) {
    if (!locator.exists(LinkScoreTables.LINK_SCORES)) {
      return null;
    }
    Row latest =
        locator
            .read(LinkScoreTables.LINK_SCORES)
            .where(col("tree_id").equalTo(treeId).and(col("as_of").gt(lit(Date.valueOf(asOf)))))
            .agg(max("as_of"))
            .head();
    return latest.isNullAt(0) ? null : latest.getDate(0).toLocalDate();
  }
}

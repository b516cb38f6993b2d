package dev.arbor.links;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.arbor.compute.NodeValuesComputer;
import dev.arbor.config.LinkScoringSettings;
import dev.arbor.config.TreeSettings;
import dev.arbor.period.Grain;
import dev.arbor.store.OutputCommitter;
import dev.arbor.store.TableLocator;
import dev.arbor.tree.Link;
import dev.arbor.tree.LinkKind;
import dev.arbor.tree.Tree;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The links step of a run: scores the tree's hypothesis links on node values and stages link_scores
 * and link_status_history in the run's {@link OutputCommitter}, so that they are committed together
 * with the run's other outputs.
 *
 * <p>Both tables are staged with a replaceWhere on the tree and the as-of date, so re-running a
 * date replaces its rows instead of adding to them.
 */
public final class LinksStep {
  private static final Logger LOG = LoggerFactory.getLogger(LinksStep.class);

  /**
   * Outcome of the step.
   *
   * @param scored whether the step ran; false when links-scoring is disabled for the tree, or when
   *     the tree has no hypothesis links and link_scores does not exist yet
   * @param scoreRows rows staged for link_scores
   * @param statusChanges rows staged for link_status_history
   * @param lifecycleCounts number of scored links and grains per lifecycle status after the run
   * @param warnings data problems met, one sentence each
   */
  public record Result(
      boolean scored,
      long scoreRows,
      long statusChanges,
      Map<String, Long> lifecycleCounts,
      List<String> warnings) {}

  private final SparkSession spark;
  private final TableLocator locator;

  public LinksStep(SparkSession spark, TableLocator locator) {
    this.spark = spark;
    this.locator = locator;
  }

  /**
   * Returns the node values that node_values will hold once a run commits: the run's staged rows,
   * plus the committed rows that its replaceWhere predicate keeps. Scoring links on this view keeps
   * a run atomic, because nothing is read from a table that the run has not committed yet. The
   * rows keep quality_flags because the stale-source check of an incremental run reads them.
   *
   * @param staged the rows the run staged for node_values
   * @param replacePredicate the SQL predicate of the rows the run replaces
   */
  public Dataset<Row> nodeValuesAfterCommit(Dataset<Row> staged, String replacePredicate) {
    Column[] columns = {
      col("tree_id"),
      col("node_id"),
      col("grain"),
      col("period_start"),
      col("period_end"),
      col("dimension"),
      col("segment"),
      col("value"),
      col("is_complete"),
      col("quality_flags")
    };
    Dataset<Row> result = staged.select(columns);
    if (locator.exists("node_values")) {
      Dataset<Row> kept =
          locator.read("node_values").where("NOT (" + replacePredicate + ")").select(columns);
      result = result.unionByName(kept);
    }
    return result;
  }

  /**
   * Scores the links of {@code tree} as of {@code asOf} and stages the two tables.
   *
   * @param nodeValues node values with at least the columns tree_id, node_id, grain, period_start,
   *     dimension, segment, value and is_complete
   */
  public Result stage(
      OutputCommitter committer,
      Tree tree,
      TreeSettings settings,
      String treeVersion,
      String runId,
      LocalDate asOf,
      Dataset<Row> nodeValues) {
    LinkScoringSettings scoring = settings.linkScoring();
    if (!scoring.enabled()) {
      LOG.info("Links step skipped: links-scoring is disabled for tree {}", tree.id());
      return new Result(false, 0, 0, Map.of(), List.of());
    }
    if (tree.linksOfKind(LinkKind.HYPOTHESIS).isEmpty()
        && !locator.exists(LinkScoreTables.LINK_SCORES)) {
      // Without links and without history there is nothing to score, prune or replace.
      LOG.info("Links step skipped: tree {} has no hypothesis links", tree.id());
      return new Result(false, 0, 0, Map.of(), List.of());
    }
    long started = System.nanoTime();

    Map<Grain, LinkWindow> windows = new LinkedHashMap<>();
    for (Grain grain : scoring.grains()) {
      windows.put(grain, LinkWindow.ending(settings.calendar(), grain, asOf, scoring.window()));
    }
    Map<Grain, WindowSeries> series =
        readSeries(nodeValues, tree, windows, linkedNodes(tree, scoring));

    LinkHistory history = new LinkHistory(locator);
    Map<LinkScorer.Key, PreviousScore> previous = history.latestBefore(tree.id(), asOf);
    List<String> warnings = new ArrayList<>();
    LocalDate later = history.latestAfter(tree.id(), asOf);
    if (later != null) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "Links of tree %s: link_scores has evaluations up to %s, after this run's as-of date"
                  + " %s. They do not take this run's results into account, so re-run the dates"
                  + " after %s in date order.",
              tree.id(),
              later,
              asOf,
              asOf));
    }

    LinkScorer.Outcome outcome =
        new LinkScorer(tree, scoring, settings.calendar()).score(asOf, series, previous);
    warnings.addAll(outcome.warnings());

    LinkScoreTables.RunColumns run =
        new LinkScoreTables.RunColumns(
            tree.id(),
            runId,
            asOf,
            treeVersion,
            settings.calendar().periodOf(Grain.QUARTER, asOf).start(),
            Timestamp.from(Instant.now()));
    String replaced = "tree_id = '" + tree.id() + "' AND as_of = DATE'" + asOf + "'";
    long scoreRows =
        committer.stage(
            LinkScoreTables.LINK_SCORES,
            LinkScoreTables.scores(spark, run, outcome.scores()),
            new OutputCommitter.ReplaceWhere(replaced));
    long changeRows =
        committer.stage(
            LinkScoreTables.LINK_STATUS_HISTORY,
            LinkScoreTables.changes(spark, run, outcome.changes()),
            new OutputCommitter.ReplaceWhere(replaced));

    Map<String, Long> counts = new TreeMap<>();
    for (LinkScore score : outcome.scores()) {
      counts.merge(score.state().status().code(), 1L, Long::sum);
    }
    LOG.info(
        "Scored {} hypothesis links of tree {} at grains {} (windows ending {}): {} rows, {} status"
            + " changes, lifecycle {}, {} ms",
        tree.linksOfKind(LinkKind.HYPOTHESIS).size(),
        tree.id(),
        scoring.grains(),
        windows.values().stream().map(LinkWindow::end).toList(),
        scoreRows,
        changeRows,
        counts,
        (System.nanoTime() - started) / 1_000_000);
    return new Result(true, scoreRows, changeRows, counts, warnings);
  }

  /** Returns the ends and controls of every hypothesis link. */
  private static Set<String> linkedNodes(Tree tree, LinkScoringSettings scoring) {
    Set<String> nodes = new LinkedHashSet<>();
    for (Link link : tree.linksOfKind(LinkKind.HYPOTHESIS)) {
      nodes.add(link.from());
      nodes.add(link.to());
      nodes.addAll(scoring.options(link).controls());
    }
    return nodes;
  }

  /**
   * Collects the totals (segment 'all') of the linked nodes over each window: at most one row per
   * node and period of the windows, so the driver receives a few hundred rows.
   */
  private Map<Grain, WindowSeries> readSeries(
      Dataset<Row> nodeValues, Tree tree, Map<Grain, LinkWindow> windows, Set<String> nodes) {
    Map<Grain, WindowSeries> series = new LinkedHashMap<>();
    if (nodes.isEmpty()) {
      for (Map.Entry<Grain, LinkWindow> entry : windows.entrySet()) {
        series.put(entry.getKey(), WindowSeries.align(entry.getValue(), List.of()));
      }
      return series;
    }
    Column inWindows = lit(false);
    for (Map.Entry<Grain, LinkWindow> entry : windows.entrySet()) {
      LinkWindow window = entry.getValue();
      inWindows =
          inWindows.or(
              col("grain")
                  .equalTo(entry.getKey().key())
                  .and(col("period_start").geq(lit(Date.valueOf(window.start()))))
                  .and(col("period_start").leq(lit(Date.valueOf(window.end())))));
    }
    List<Row> rows =
        nodeValues
            .where(
                col("tree_id")
                    .equalTo(tree.id())
                    .and(col("dimension").equalTo(NodeValuesComputer.ALL))
                    .and(col("segment").equalTo(NodeValuesComputer.ALL))
                    .and(col("node_id").isin(nodes.toArray()))
                    .and(inWindows))
            .select("grain", "node_id", "period_start", "value", "is_complete")
            .collectAsList();

    Map<Grain, List<WindowSeries.Observation>> byGrain = new LinkedHashMap<>();
    for (Row row : rows) {
      byGrain
          .computeIfAbsent(Grain.fromKey(row.getString(0)), grain -> new ArrayList<>())
          .add(
              new WindowSeries.Observation(
                  row.getString(1),
                  row.getDate(2).toLocalDate(),
                  row.isNullAt(3) ? null : row.getDouble(3),
                  row.getBoolean(4)));
    }
    for (Map.Entry<Grain, LinkWindow> entry : windows.entrySet()) {
      series.put(
          entry.getKey(),
          WindowSeries.align(entry.getValue(), byGrain.getOrDefault(entry.getKey(), List.of())));
    }
    LOG.info(
        "Read {} node values for {} linked nodes over the links windows",
        rows.size(),
        nodes.size());
    return series;
  }
}

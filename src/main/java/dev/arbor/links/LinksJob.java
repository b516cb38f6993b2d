package dev.arbor.links;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.TreeDefinition;
import dev.arbor.config.TreeSettings;
import dev.arbor.job.RunContext;
import dev.arbor.job.RunIds;
import dev.arbor.store.OutputCommitter;
import dev.arbor.store.RunRecord;
import dev.arbor.store.RunsTable;
import dev.arbor.store.TableLocator;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code links} command: scores a tree's hypothesis links on the committed node_values, without
 * recomputing them, and commits link_scores and link_status_history. Useful after editing the links
 * or their links-scoring settings. The nightly {@code run} does the same with the values it has
 * just computed.
 */
public final class LinksJob {
  private static final Logger LOG = LoggerFactory.getLogger(LinksJob.class);

  /**
   * Options of one scoring.
   *
   * @param treeId tree whose links to score, or null for the only tree of the config
   * @param asOf as-of date, or null for the as-of date of the tree's latest successful run
   */
  public record Options(String treeId, LocalDate asOf) {}

  /** Outcome of a successful scoring. */
  public record Result(
      String runId, LocalDate asOf, LinksStep.Result links, Map<String, Long> rowsWritten) {}

  private final SparkSession spark;
  private final ArborConfig config;
  private final TableLocator locator;

  public LinksJob(SparkSession spark, ArborConfig config) {
    this.spark = spark;
    this.config = config;
    this.locator = new TableLocator(spark, config.warehouse());
  }

  public Result run(Options options) {
    Tree tree = config.tree(options.treeId());
    TreeSettings settings = config.settings(tree.id());
    if (!locator.exists("node_values")) {
      throw ArborException.usage(
          "No node_values table in "
              + config.warehouse().path()
              + "; run 'jobs/arbor run' first, or pass the --warehouse that the run used");
    }
    if (!settings.linkScoring().enabled()) {
      throw ArborException.usage(
          "links-scoring is disabled for tree "
              + tree.id()
              + "; set links-scoring.enabled = true in the tree to score its links");
    }
    LocalDate asOf = options.asOf() != null ? options.asOf() : latestRunAsOf(tree.id());
    TreeDefinition definition = TreeDefinition.of(tree, settings, config.sources());
    String runId = RunIds.next(tree.id() + "-links", asOf);
    RunRecord.Builder record =
        RunRecord.builder(runId, "links").tree(tree.id(), definition.version()).range(asOf, null);

    try (RunContext ignored = RunContext.enter(runId)) {
      LOG.info(
          "Links scoring started: tree {} (version {}), as-of {}, warehouse {}",
          tree.id(),
          definition.version().substring(0, 12),
          asOf,
          config.warehouse().path());
      try {
        Result result = execute(tree, settings, definition, runId, asOf, record);
        new RunsTable(spark, locator).append(record.succeeded(result.links().warnings()));
        LOG.info(
            "Links scoring succeeded: rows written {}, {} warnings",
            result.rowsWritten(),
            result.links().warnings().size());
        return result;
      } catch (RuntimeException e) {
        ArborException failure = ArborException.classify(e);
        LOG.error("Links scoring failed ({}): {}", failure.category(), failure.getMessage());
        try {
          new RunsTable(spark, locator).append(record.failed(failure));
        } catch (RuntimeException recordFailure) {
          LOG.error("Cannot record the failed links scoring in the runs table", recordFailure);
        }
        throw failure;
      }
    }
  }

  private Result execute(
      Tree tree,
      TreeSettings settings,
      TreeDefinition definition,
      String runId,
      LocalDate asOf,
      RunRecord.Builder record) {
    long started = System.nanoTime();
    Dataset<Row> nodeValues = locator.read("node_values").where(col("tree_id").equalTo(tree.id()));
    List<String> versionWarnings = checkTreeVersion(nodeValues, tree, definition);

    OutputCommitter committer = new OutputCommitter(spark, locator, runId);
    LinksStep.Result links =
        new LinksStep(spark, locator)
            .stage(committer, tree, settings, definition.version(), runId, asOf, nodeValues);
    List<String> warnings = new ArrayList<>(versionWarnings);
    warnings.addAll(links.warnings());
    record.step("links", (System.nanoTime() - started) / 1_000_000);
    for (String warning : warnings) {
      LOG.warn("Data quality: {}", warning);
    }

    started = System.nanoTime();
    committer.commitAll();
    record.step("commit", (System.nanoTime() - started) / 1_000_000);
    record.rowsWritten(committer.rowsWritten());
    LinksStep.Result reported =
        new LinksStep.Result(
            links.scored(),
            links.scoreRows(),
            links.statusChanges(),
            links.lifecycleCounts(),
            warnings);
    return new Result(runId, asOf, reported, committer.rowsWritten());
  }

  /** Warns when node_values was computed from another definition of the tree than the config's. */
  private static List<String> checkTreeVersion(
      Dataset<Row> nodeValues, Tree tree, TreeDefinition definition) {
    List<String> versions =
        nodeValues
            .select("tree_version")
            .distinct()
            .limit(10)
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    List<String> others = new ArrayList<>();
    for (String version : versions) {
      if (!version.equals(definition.version())) {
        others.add(version.substring(0, 12));
      }
    }
    if (others.isEmpty()) {
      return List.of();
    }
    return List.of(
        "Links of tree "
            + tree.id()
            + ": node_values contains values of tree versions "
            + others
            + ", not the config's "
            + definition.version().substring(0, 12)
            + "; run 'jobs/arbor run' to recompute them with the current definition");
  }

  /** Returns the as-of date of the tree's latest successful run. */
  private LocalDate latestRunAsOf(String treeId) {
    if (!locator.exists("runs")) {
      throw ArborException.usage(
          "No runs table in "
              + config.warehouse().path()
              + "; run 'jobs/arbor run' first, or pass --as-of");
    }
    Row latest =
        locator
            .read("runs")
            .where(
                col("tree_id")
                    .equalTo(treeId)
                    .and(col("command").equalTo("run"))
                    .and(col("status").equalTo("succeeded")))
            .agg(max("as_of"))
            .head();
    if (latest.isNullAt(0)) {
      throw ArborException.usage(
          "No successful run of tree "
              + treeId
              + " in the runs table of "
              + config.warehouse().path()
              + "; run 'jobs/arbor run' first, or pass --as-of");
    }
    return latest.getDate(0).toLocalDate();
  }
}

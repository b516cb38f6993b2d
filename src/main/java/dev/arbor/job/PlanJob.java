package dev.arbor.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.TreeDefinition;
import dev.arbor.config.TreeSettings;
import dev.arbor.planning.PlanningJob;
import dev.arbor.store.OutputCommitter;
import dev.arbor.store.RunRecord;
import dev.arbor.store.RunsTable;
import dev.arbor.store.TableLocator;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code plan} command: runs the planning step of a tree on the node_values already in the
 * warehouse, without scanning events, and records itself in the runs table. The nightly run does
 * the same step after computing node values.
 */
public final class PlanJob {
  private static final Logger LOG = LoggerFactory.getLogger(PlanJob.class);

  /** Outcome of a successful plan. */
  public record Result(String runId, LocalDate asOf, Map<String, Long> rowsWritten, List<String> warnings) {}

  private final SparkSession spark;
  private final ArborConfig config;
  private final TableLocator locator;

  public PlanJob(SparkSession spark, ArborConfig config) {
    this.spark = spark;
    this.config = config;
    this.locator = new TableLocator(spark, config.warehouse());
  }

  /**
   * Plans {@code treeId}.
   *
   * @param asOf as-of date, or null for the as-of date of the tree's latest successful run
   * @param replan a re-plan of one cycle, or null
   */
  public Result run(String treeId, LocalDate asOf, PlanningJob.Replan replan) {
    Tree tree = config.tree(treeId);
    TreeSettings settings = config.settings(tree.id());
    if (settings.planning() == null) {
      throw ArborException.usage("Tree " + tree.id() + " has no planning section; add "
          + "planning { bets = \"path/to/bets.csv\" } under arbor.trees." + tree.id());
    }
    if (!locator.exists("node_values")) {
      throw ArborException.usage("No node_values table in " + config.warehouse().path()
          + "; run 'jobs/arbor run' first, or pass the --warehouse that the run used");
    }
    LocalDate day = asOf != null ? asOf : latestRunAsOf(tree);
    TreeDefinition definition = TreeDefinition.of(tree, settings, config.sources());
    String runId = RunIds.next(tree.id(), day);
    RunRecord.Builder record = RunRecord.builder(runId, "plan").tree(tree.id(), definition.version()).range(day, null);
    try (RunContext ignored = RunContext.enter(runId)) {
      LOG.info("Plan started: tree {}, as-of {}, re-plan {}", tree.id(), day, replan);
      try {
        long started = System.nanoTime();
        OutputCommitter committer = new OutputCommitter(spark, locator, runId);
        PlanningJob.Result planned = new PlanningJob(spark, locator)
            .stage(tree, settings, day, locator.read("node_values"), committer, runId, replan);
        record.step("plan", (System.nanoTime() - started) / 1_000_000);
        started = System.nanoTime();
        committer.commitAll();
        record.step("commit", (System.nanoTime() - started) / 1_000_000);
        record.rowsWritten(committer.rowsWritten());
        for (String warning : planned.warnings()) {
          LOG.warn("Planning: {}", warning);
        }
        new RunsTable(spark, locator).append(record.succeeded(planned.warnings()));
        LOG.info("Plan succeeded: rows written {}", committer.rowsWritten());
        return new Result(runId, day, committer.rowsWritten(), planned.warnings());
      } catch (RuntimeException e) {
        ArborException failure = e instanceof IllegalArgumentException
            ? ArborException.usage(e.getMessage())
            : ArborException.classify(e);
        LOG.error("Plan failed ({}): {}", failure.category(), failure.getMessage());
        try {
          new RunsTable(spark, locator).append(record.failed(failure));
        } catch (RuntimeException recordFailure) {
          LOG.error("Cannot record the failed plan in the runs table", recordFailure);
        }
        throw failure;
      }
    }
  }

  private LocalDate latestRunAsOf(Tree tree) {
    Row latest = locator.exists("runs")
        ? locator.read("runs")
            .where(col("tree_id").equalTo(tree.id()).and(col("command").equalTo("run"))
                .and(col("status").equalTo("succeeded")))
            .agg(max("as_of"))
            .head()
        : null;
    if (latest == null || latest.isNullAt(0)) {
      throw ArborException.usage("No successful run of tree " + tree.id()
          + " in the runs table; pass --as-of DATE");
    }
    return latest.getDate(0).toLocalDate();
  }
}

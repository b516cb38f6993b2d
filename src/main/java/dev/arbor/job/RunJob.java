package dev.arbor.job;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import dev.arbor.ArborException;
import dev.arbor.attribution.ChangeAttribution;
import dev.arbor.compute.NodeValuesComputer;
import dev.arbor.compute.SourceScanner;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.TreeDefinition;
import dev.arbor.config.TreeSettings;
import dev.arbor.links.LinksStep;
import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.planning.PlanningJob;
import dev.arbor.store.OutputCommitter;
import dev.arbor.store.RunRecord;
import dev.arbor.store.RunsTable;
import dev.arbor.store.TableLocator;
import dev.arbor.tree.Tree;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly run of one tree: computes every node for every period up to the as-of date,
 * attributes each period's changes, scores the hypothesis links on those values, and commits
 * node_values, change_attribution, root_cause, link_scores, link_status_history and
 * tree_versions, then records the run in the runs table.
 */
public final class RunJob {
  private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);

  /** Days without events before the as-of date after which a run warns that data stopped. */
  private static final int STALE_SOURCE_DAYS = 2;

  /**
   * Scope of a run.
   *
   * @param treeId tree to compute, or null for the only tree of the config
   * @param asOf last local day to include; periods ending after it are incomplete
   * @param from first local day to write, or null to write all history
   */
  public record Options(String treeId, LocalDate asOf, LocalDate from) {}

  /** Outcome of a successful run. */
  public record Result(
      String runId, String treeVersion, Map<String, Long> rowsWritten, List<String> warnings) {}

  private final SparkSession spark;
  private final ArborConfig config;
  private final TableLocator locator;
  private OutputCommitter.CommitListener commitListener = table -> {};

  public RunJob(SparkSession spark, ArborConfig config) {
    this.spark = spark;
    this.config = config;
    this.locator = new TableLocator(spark, config.warehouse());
  }

  /** Sets a hook called after each output commit; tests use it to fail a run midway. */
  public void setCommitListener(OutputCommitter.CommitListener listener) {
    this.commitListener = listener;
  }

  public Result run(Options options) {
    Tree tree = config.tree(options.treeId());
    TreeSettings settings = config.settings(tree.id());
    if (options.from() != null && options.from().isAfter(options.asOf())) {
      throw ArborException.usage(
          "Invalid range: --from " + options.from() + " is after the as-of date " + options.asOf());
    }
    TreeDefinition definition = TreeDefinition.of(tree, settings, config.sources());
    String runId = RunIds.next(tree.id(), options.asOf());
    RunRecord.Builder record =
        RunRecord.builder(runId, "run")
            .tree(tree.id(), definition.version())
            .range(options.asOf(), options.from());
    try (RunContext ignored = RunContext.enter(runId)) {
      LOG.info(
          "Run started: tree {} (version {}), as-of {}, from {}, grains {}, warehouse {}",
          tree.id(), definition.version().substring(0, 12), options.asOf(),
          options.from() == null ? "the first event" : options.from(), settings.grains(),
          config.warehouse().path());
      try {
        Result result = execute(tree, settings, definition, runId, options, record);
        new RunsTable(spark, locator).append(record.succeeded(result.warnings()));
        LOG.info("Run succeeded: rows written {}, {} warnings", result.rowsWritten(), result.warnings().size());
        return result;
      } catch (Exception e) {
        ArborException failure = ArborException.classify(e);
        LOG.error("Run failed ({}): {}", failure.category(), failure.getMessage());
        try {
          new RunsTable(spark, locator).append(record.failed(failure));
        } catch (RuntimeException recordFailure) {
          LOG.error("Cannot record the failed run in the runs table", recordFailure);
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
      Options options,
      RunRecord.Builder record) {
    List<String> warnings = new ArrayList<>();

    long started = System.nanoTime();
    NodeValuesComputer computer = new NodeValuesComputer(spark, new SourceScanner(spark, locator));
    NodeValuesComputer.Result computed =
        computer.compute(tree, settings, config.sources(), options.asOf(), options.from());
    record.step("scan", millisSince(started));
    for (SourceScanner.Scan scan : computed.scans()) {
      SourceScanner.ScanCounts counts = scan.counts();
      record.input(scan.sourceId(), scan.inputVersion(), counts.rowsRead());
      warnings.addAll(DataQualityWarnings.forScan(scan.sourceId(), counts));
    }
    if (computed.firstEventDay() == null) {
      warnings.add("No events on or before the as-of date " + options.asOf()
          + " in any source of tree " + tree.id() + "; every count is 0");
    }

    started = System.nanoTime();
    OutputCommitter committer = new OutputCommitter(spark, locator, runId);
    committer.setListener(commitListener);
    Dataset<Row> nodeValues = stamp(computed.nodeValues(), definition, runId);
    committer.stage("node_values", OutputTables.nodeValuesColumns(nodeValues),
        new OutputCommitter.ReplaceWhere(nodeValuesPredicate(tree, settings, options)));
    record.step("compute", millisSince(started));

    started = System.nanoTime();
    ChangeAttribution.Outputs attribution =
        new ChangeAttribution(NodeValuesComputer.ALL).compute(tree, computed.history(), options.from());
    committer.stage("change_attribution",
        OutputTables.changeAttributionColumns(stamp(attribution.changeAttribution(), definition, runId)),
        new OutputCommitter.ReplaceWhere(nodeValuesPredicate(tree, settings, options)));
    committer.stage("root_cause",
        OutputTables.rootCauseColumns(stamp(attribution.rootCause(), definition, runId)),
        new OutputCommitter.ReplaceWhere(nodeValuesPredicate(tree, settings, options)));
    record.step("attribute", millisSince(started));

    started = System.nanoTime();
    Dataset<Row> staged = spark.read().format("delta").load(locator.warehousePath("_staging/" + runId + "/node_values"));
    warnings.addAll(DataQualityWarnings.forNodeValues(staged, settings.formulaTolerance()));
    warnings.addAll(DataQualityWarnings.forStaleSources(staged, tree, options.asOf(), STALE_SOURCE_DAYS));
    warnings.addAll(DataQualityWarnings.forAttribution(spark.read().format("delta")
        .load(locator.warehousePath("_staging/" + runId + "/change_attribution"))));
    record.step("checks", millisSince(started));

    started = System.nanoTime();
    LinksStep links = new LinksStep(spark, locator);
    Dataset<Row> nodeValuesAfterRun =
        links.nodeValuesAfterCommit(staged, nodeValuesPredicate(tree, settings, options));
    LinksStep.Result scored = links.stage(
        committer, tree, settings, definition.version(), runId, options.asOf(), nodeValuesAfterRun);
    warnings.addAll(scored.warnings());
    record.step("links", millisSince(started));

    for (String warning : warnings) {
      LOG.warn("Data quality: {}", warning);
    }

    committer.stage("tree_versions", OutputTables.treeVersionRow(spark, tree, definition, runId),
        new OutputCommitter.InsertNew(List.of("tree_id", "tree_version")));

    if (settings.planning() != null) {
      started = System.nanoTime();
      PlanningJob.Result planned = new PlanningJob(spark, locator)
          .stage(tree, settings, options.asOf(), nodeValuesAfterRun, committer, runId, null);
      for (String warning : planned.warnings()) {
        LOG.warn("Planning: {}", warning);
      }
      warnings.addAll(planned.warnings());
      record.step("plan", millisSince(started));
    }

    started = System.nanoTime();
    committer.commitAll();
    record.step("commit", millisSince(started));
    record.rowsWritten(committer.rowsWritten());
    return new Result(runId, definition.version(), committer.rowsWritten(), warnings);
  }

  private static Dataset<Row> stamp(Dataset<Row> rows, TreeDefinition definition, String runId) {
    return rows
        .withColumn("tree_version", lit(definition.version()))
        .withColumn("run_id", lit(runId))
        .withColumn("computed_at", current_timestamp());
  }

  /**
   * Rows of node_values, change_attribution and root_cause that this run replaces: its tree,
   * grains and (with --from) periods.
   */
  static String nodeValuesPredicate(Tree tree, TreeSettings settings, Options options) {
    List<String> grains = new ArrayList<>();
    for (Grain grain : settings.grains()) {
      if (options.from() == null) {
        grains.add("grain = '" + grain.key() + "'");
      } else {
        // Each grain from the start of its period that contains --from: the rows the run rewrote.
        Period first = settings.calendar().periodOf(grain, options.from());
        grains.add("(grain = '" + grain.key() + "' AND period_start >= DATE'" + first.start() + "')");
      }
    }
    return "tree_id = '" + tree.id() + "' AND (" + String.join(" OR ", grains) + ")";
  }

  private static long millisSince(long nanoStart) {
    return (System.nanoTime() - nanoStart) / 1_000_000;
  }

  /** Returns yesterday in the tree's time zone, the default as-of date of a nightly run. */
  public static LocalDate defaultAsOf(TreeSettings settings) {
    return LocalDate.ofInstant(Instant.now(), settings.calendar().timeZone()).minus(1, ChronoUnit.DAYS);
  }
}

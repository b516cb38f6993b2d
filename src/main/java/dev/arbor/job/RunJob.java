package dev.arbor.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import dev.arbor.ArborException;
import dev.arbor.attribution.ChangeAttribution;
import dev.arbor.compute.DaySet;
import dev.arbor.compute.NodeValuesComputer;
import dev.arbor.compute.SourceScanner;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.SourceDef;
import dev.arbor.config.TreeDefinition;
import dev.arbor.config.TreeSettings;
import dev.arbor.links.LinksStep;
import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.planning.PlanningJob;
import dev.arbor.store.OutputCommitter;
import dev.arbor.store.RunRecord;
import dev.arbor.store.RunsTable;
import dev.arbor.store.StateTables;
import dev.arbor.store.TableLocator;
import dev.arbor.store.TreeLeases;
import dev.arbor.tree.Tree;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly run of one tree: computes node values for the periods that changed events affect
 * (or for every period, on the first run and with {@code --full}), applies the data-quality gates,
 * attributes the changes, scores the hypothesis links, updates the plan when the tree has one,
 * and commits node_values, change_attribution, root_cause, link_scores, link_status_history, the
 * planning tables, tree_versions and the tree's state in one staged commit, then records the run
 * in the runs table. Runs of one tree are serialized by a lease in the warehouse.
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
   * @param from first local day to recompute whatever changed, or null
   * @param full whether to recompute all history instead of what changed
   * @param runId id to give the run, or null for a new one. A retry with the id of a run that
   *     succeeded does nothing.
   * @param chunk the backfill chunk this run recomputes, or null
   */
  public record Options(
      String treeId, LocalDate asOf, LocalDate from, boolean full, String runId, Chunk chunk) {

    public Options(String treeId, LocalDate asOf, LocalDate from) {
      this(treeId, asOf, from, false, null, null);
    }
  }

  /** A backfill chunk: the days {@code first} to {@code last} of backfill {@code backfillId}. */
  public record Chunk(LocalDate first, LocalDate last, String backfillId) {}

  /**
   * Outcome of a successful run.
   *
   * @param recompute full or incremental, and why
   * @param periodsRecomputed the number of periods written, over all grains
   * @param rowsRead event rows read over all sources
   */
  public record Result(
      String runId,
      String treeVersion,
      Map<String, Long> rowsWritten,
      List<String> warnings,
      String recompute,
      int periodsRecomputed,
      long rowsRead) {}

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
    String command = options.chunk() == null ? "run" : "backfill";
    String runId = options.runId() != null ? options.runId() : RunIds.next(tree.id(), options.asOf());
    RunRecord.Builder record =
        RunRecord.builder(runId, command)
            .tree(tree.id(), definition.version())
            .range(options.asOf(), options.chunk() != null ? options.chunk().first() : options.from());
    if (options.chunk() != null) {
      record.chunk(options.chunk().last(), options.chunk().backfillId());
    }
    try (RunContext ignored = RunContext.enter(runId)) {
      LOG.info(
          "Run started: tree {} (version {}), as-of {}, {}, grains {}, warehouse {}",
          tree.id(), definition.version().substring(0, 12), options.asOf(),
          options.full() ? "full recompute requested" : "incremental where possible",
          settings.grains(), config.warehouse().path());
      RunsTable runs = new RunsTable(spark, locator);
      if (options.runId() != null && runs.succeeded(runId)) {
        LOG.info("Run {} already succeeded; nothing to do", runId);
        return new Result(runId, definition.version(), Map.of(), List.of(), "already succeeded", 0, 0);
      }
      try {
        long started = System.nanoTime();
        Result result;
        try (TreeLeases.Lease lease =
            new TreeLeases(spark, locator).acquire(tree.id(), runId, command,
                config.runs().lockTimeout(), config.runs().lockWait())) {
          record.step("lease", millisSince(started));
          result = execute(tree, settings, definition, runId, options, record, lease);
        }
        runs.append(record.succeeded(result.warnings()));
        LOG.info("Run succeeded ({}): {} periods, rows written {}, {} warnings",
            result.recompute().startsWith("full") ? "full" : "incremental",
            result.periodsRecomputed(), result.rowsWritten(), result.warnings().size());
        return result;
      } catch (Exception e) {
        ArborException failure = ArborException.classify(e);
        LOG.error("Run failed ({}): {}", failure.category(), failure.getMessage());
        try {
          runs.append(record.failed(failure));
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
      RunRecord.Builder record,
      TreeLeases.Lease lease) {
    List<String> warnings = new ArrayList<>();

    // Plan: everything, or the days that changed events and the restatement window touch.
    long started = System.nanoTime();
    StateTables state = new StateTables(spark, locator, tree.id());
    StateTables.Manifest manifest = state.manifest();
    DaySet forced =
        options.chunk() != null
            ? DaySet.range(options.chunk().first(), options.chunk().last())
            : options.from() != null ? DaySet.range(options.from(), options.asOf()) : null;
    RecomputePlanner.Plan plan =
        new RecomputePlanner(spark, config, locator)
            .plan(tree, definition.version(), options.asOf(), forced, options.full(), state, manifest);
    String recompute = (plan.full() ? "full: " : "incremental: ") + plan.reason();
    record.recompute(recompute);
    record.step("plan", millisSince(started));
    LOG.info("Plan: {}", recompute);

    // Compute: scan the planned days once, roll up, evaluate; staging runs it.
    started = System.nanoTime();
    SourceScanner scanner = new SourceScanner(spark, locator);
    scanner.pinVersions(plan.versions());
    NodeValuesComputer computer = new NodeValuesComputer(spark, scanner);
    NodeValuesComputer.Request request = request(tree, options, plan, state, manifest);
    NodeValuesComputer.Result computed =
        computer.compute(tree, settings, config.sources(), request);
    record.step("scan", millisSince(started));
    if (computed.recomputedAll() && !plan.full()) {
      recompute += "; segments changed from " + manifest.segments() + " to "
          + computed.segments().describe() + ", so every period is recomputed from the state";
      record.recompute(recompute);
    }
    started = System.nanoTime();
    try {
      return writeOutputs(tree, settings, definition, runId, options, record, lease, plan, state,
          manifest, recompute, computed, started, warnings);
    } finally {
      // A backfill runs many chunks in one session; each chunk's cached tables go with it.
      computed.history().unpersist();
      computed.dailyActivity().values().forEach(Dataset::unpersist);
      computed.firstActivity().values().forEach(Dataset::unpersist);
    }
  }

  private Result writeOutputs(
      Tree tree,
      TreeSettings settings,
      TreeDefinition definition,
      String runId,
      Options options,
      RunRecord.Builder record,
      TreeLeases.Lease lease,
      RecomputePlanner.Plan plan,
      StateTables state,
      StateTables.Manifest manifest,
      String recompute,
      NodeValuesComputer.Result computed,
      long started,
      List<String> warnings) {
    // Gates: the scans already ran (computing the daily tables), so their observed counts are
    // final; fail before anything is staged or written.
    long gatesStarted = System.nanoTime();
    List<String> problems = new ArrayList<>();
    List<SourceScanner.Scan> withRejected = new ArrayList<>();
    long rowsRead = 0;
    for (SourceScanner.Scan scan : computed.scans()) {
      SourceScanner.ScanCounts counts = scan.counts();
      rowsRead += counts.rowsRead();
      SourceDef source = config.sources().get(scan.sourceId());
      record.input(scan.sourceId(), scan.inputVersion(), counts.rowsRead());
      warnings.addAll(DataQualityWarnings.forScan(scan.sourceId(), counts));
      problems.addAll(DataQualityGates.check(source, counts, tree.id(), record));
      if (counts.rowsRejected() > 0) {
        withRejected.add(scan);
      }
      Dataset<Row> previousDaily = state.daily(source.id());
      if (source.quality().failOnEmptiedDay() && manifest != null && previousDaily != null
          && manifest.treeVersion().equals(definition.version())) {
        List<LocalDate> emptied =
            DataQualityGates.emptiedDays(previousDaily, computed.dailyActivity().get(source.id()),
                plan.days(), options.asOf());
        record.qualityCount(source.id() + ".emptied_days", emptied.size());
        if (!emptied.isEmpty()) {
          problems.add(DataQualityGates.emptiedDaysProblem(source, emptied));
        }
      }
    }
    quarantine(tree, runId, plan, computed.scans(), withRejected);
    record.step("gates", millisSince(gatesStarted));
    if (!problems.isEmpty()) {
      throw ArborException.data(
          "Data-quality gates failed; no output was written:\n  " + String.join("\n  ", problems), null);
    }
    if (computed.firstEventDay() == null) {
      warnings.add("No events on or before the as-of date " + options.asOf()
          + " in any source of tree " + tree.id() + "; every count is 0");
    }

    OutputCommitter committer = new OutputCommitter(spark, locator, runId);
    committer.setListener(commitListener);
    try {
      return stageAndCommit(committer, tree, settings, definition, runId, options, record, lease,
          plan, state, recompute, computed, started, warnings, rowsRead);
    } finally {
      committer.discard();
    }
  }

  private Result stageAndCommit(
      OutputCommitter committer,
      Tree tree,
      TreeSettings settings,
      TreeDefinition definition,
      String runId,
      Options options,
      RunRecord.Builder record,
      TreeLeases.Lease lease,
      RecomputePlanner.Plan plan,
      StateTables state,
      String recompute,
      NodeValuesComputer.Result computed,
      long started,
      List<String> warnings,
      long rowsRead) {
    Dataset<Row> nodeValues = stamp(computed.nodeValues(), definition, runId);
    String predicate =
        computed.recomputedAll()
            ? nodeValuesPredicate(tree, settings, options.chunk() == null ? options.from() : null)
            : periodsPredicate(tree.id(), computed.periods());
    committer.stage("node_values", OutputTables.nodeValuesColumns(nodeValues),
        new OutputCommitter.ReplaceWhere(predicate));
    record.step("compute", millisSince(started));
    record.periodsRecomputed(periodsByGrain(computed.periods()));

    started = System.nanoTime();
    ChangeAttribution.Outputs attribution = new ChangeAttribution(NodeValuesComputer.ALL)
        .compute(tree, computed.history(), computed.recomputedAll() ? options.from() : null,
            computed.recomputedAll() ? null : computed.attributed());
    String attributed =
        computed.recomputedAll()
            ? predicate
            : periodsPredicate(tree.id(), computed.attributed());
    committer.stage("change_attribution",
        OutputTables.changeAttributionColumns(stamp(attribution.changeAttribution(), definition, runId)),
        new OutputCommitter.ReplaceWhere(attributed));
    committer.stage("root_cause",
        OutputTables.rootCauseColumns(stamp(attribution.rootCause(), definition, runId)),
        new OutputCommitter.ReplaceWhere(attributed));
    record.step("attribute", millisSince(started));

    started = System.nanoTime();
    Dataset<Row> staged = committer.staged("node_values");
    warnings.addAll(DataQualityWarnings.forNodeValues(staged, settings.formulaTolerance()));
    LinksStep links = new LinksStep(spark, locator);
    Dataset<Row> nodeValuesAfterRun = links.nodeValuesAfterCommit(tree.id(), staged, predicate);
    // An incremental run stages a few days; the latest event may be in an earlier one.
    warnings.addAll(DataQualityWarnings.forStaleSources(
        plan.full() ? staged : nodeValuesAfterRun, tree, options.asOf(), STALE_SOURCE_DAYS));
    warnings.addAll(DataQualityWarnings.forAttribution(committer.staged("change_attribution")));
    record.step("checks", millisSince(started));

    started = System.nanoTime();
    LinksStep.Result scored = links.stage(
        committer, tree, settings, definition.version(), runId, options.asOf(), nodeValuesAfterRun);
    warnings.addAll(scored.warnings());
    record.step("links", millisSince(started));
    for (String warning : warnings) {
      LOG.warn("Data quality: {}", warning);
    }

    if (settings.planning() != null) {
      started = System.nanoTime();
      PlanningJob.Result planned = new PlanningJob(spark, locator)
          .stage(tree, settings, options.asOf(), nodeValuesAfterRun, committer, runId, null);
      for (String warning : planned.warnings()) {
        LOG.warn("Planning: {}", warning);
      }
      warnings.addAll(planned.warnings());
      record.step("planning", millisSince(started));
    }

    // Stage the rest; the state last, so that a run killed midway leaves the old manifest.
    committer.stage("tree_versions", OutputTables.treeVersionRow(spark, tree, definition, runId),
        new OutputCommitter.InsertNew(List.of("tree_id", "tree_version")));
    stageState(committer, state, computed, plan, definition, runId, options.asOf());

    started = System.nanoTime();
    lease.check();
    committer.commitAll();
    record.step("commit", millisSince(started));
    record.rowsWritten(committer.rowsWritten());
    return new Result(runId, definition.version(), committer.rowsWritten(), warnings, recompute,
        computed.periods().size(), rowsRead);
  }

  private static Dataset<Row> stamp(Dataset<Row> rows, TreeDefinition definition, String runId) {
    return rows
        .withColumn("tree_version", lit(definition.version()))
        .withColumn("run_id", lit(runId))
        .withColumn("computed_at", current_timestamp());
  }

  private NodeValuesComputer.Request request(
      Tree tree, Options options, RecomputePlanner.Plan plan, StateTables state,
      StateTables.Manifest manifest) {
    Instant runStart = Instant.now();
    if (plan.full()) {
      return new NodeValuesComputer.Request(options.asOf(),
          options.chunk() == null ? options.from() : null, runStart, null, Map.of(), null, null, null);
    }
    Map<String, NodeValuesComputer.SourceState> previous = new LinkedHashMap<>();
    for (String sourceId : plan.versions().keySet()) {
      previous.put(sourceId, new NodeValuesComputer.SourceState(state.daily(sourceId), state.first(sourceId)));
    }
    Dataset<Row> previousValues =
        locator.exists("node_values")
            ? locator.read("node_values").where(col("tree_id").equalTo(tree.id()))
            : null;
    return new NodeValuesComputer.Request(options.asOf(), null, runStart, plan.days(), previous,
        manifest.firstDay(), previousValues, manifest.segments());
  }

  /** Writes the rejected rows to the quarantine table, replacing what earlier runs found there. */
  private void quarantine(
      Tree tree, String runId, RecomputePlanner.Plan plan, List<SourceScanner.Scan> scans,
      List<SourceScanner.Scan> withRejected) {
    String foundBy = "run:" + tree.id();
    OutputCommitter committer = new OutputCommitter(spark, locator, runId + "-quarantine");
    for (SourceScanner.Scan scan : scans) {
      String predicate = "source_id = '" + scan.sourceId() + "' AND found_by = '" + foundBy + "'";
      if (!plan.full()) {
        predicate += " AND (event_date IS NULL OR " + daysPredicate("event_date", plan.days()) + ")";
      }
      if (!withRejected.contains(scan)
          && (!locator.exists("quarantine")
              || locator.read("quarantine").where(predicate).limit(1).isEmpty())) {
        // Nothing rejected now and nothing an earlier run rejected to clear: no commit.
        continue;
      }
      Dataset<Row> rows =
          scan.rejected()
              .select(
                  col("source_id"), lit(foundBy).as("found_by"), col("event_date"),
                  col("source_file"), col("raw_row"), col("reason"), lit(runId).as("run_id"),
                  current_timestamp().as("ingested_at"));
      if (!withRejected.contains(scan)) {
        rows = rows.limit(0);
      }
      committer.stage("quarantine_" + scan.sourceId(), rows, new OutputCommitter.ReplaceWhere(predicate),
          "quarantine");
    }
    committer.commitAll();
  }

  private void stageState(
      OutputCommitter committer, StateTables state, NodeValuesComputer.Result computed,
      RecomputePlanner.Plan plan, TreeDefinition definition, String runId, LocalDate asOf) {
    Map<String, Long> versions = new LinkedHashMap<>();
    for (SourceScanner.Scan scan : computed.scans()) {
      versions.put(scan.sourceId(), scan.inputVersion());
      Dataset<Row> daily = computed.dailyActivity().get(scan.sourceId());
      if (plan.full()) {
        // Files clustered by day let Delta skip all but the days a later run reads.
        committer.stageToPath("state_daily_" + scan.sourceId(), state.dailyPath(scan.sourceId()),
            daily, new OutputCommitter.Overwrite(SourceScanner.LOCAL_DATE));
      } else {
        committer.stageToPath("state_daily_" + scan.sourceId(), state.dailyPath(scan.sourceId()),
            daily, new OutputCommitter.ReplaceWhere(daysPredicate(SourceScanner.LOCAL_DATE, plan.days())));
      }
      Dataset<Row> inserted = computed.firstInserted().get(scan.sourceId());
      if (inserted != null) {
        // Usually a night adds a few entities and moves no first day: append those few rows
        // instead of rewriting one row per entity of all history.
        committer.stageToPath("state_first_" + scan.sourceId(), state.firstPath(scan.sourceId()),
            inserted, new OutputCommitter.Append());
      } else {
        committer.stageToPath("state_first_" + scan.sourceId(), state.firstPath(scan.sourceId()),
            computed.firstActivity().get(scan.sourceId()), new OutputCommitter.Overwrite());
      }
    }
    StateTables.Manifest manifest =
        new StateTables.Manifest(runId, definition.version(), asOf, computed.firstEventDay(), versions,
            computed.segments().describe());
    committer.stageToPath("state_manifest", state.manifestPath(), state.manifestRow(manifest),
        new OutputCommitter.Overwrite());
  }

  /** Rows of node_values that a full run replaces: its tree, grains and (with --from) periods. */
  static String nodeValuesPredicate(Tree tree, TreeSettings settings, LocalDate from) {
    List<String> grains = new ArrayList<>();
    for (Grain grain : settings.grains()) {
      if (from == null) {
        grains.add("grain = '" + grain.key() + "'");
      } else {
        // Each grain from the start of its period that contains --from: the rows the run rewrites.
        Period first = settings.calendar().periodOf(grain, from);
        grains.add("(grain = '" + grain.key() + "' AND period_start >= DATE'" + first.start() + "')");
      }
    }
    return "tree_id = '" + tree.id() + "' AND (" + String.join(" OR ", grains) + ")";
  }

  /** Rows of node_values that an incremental run replaces: exactly the periods it recomputed. */
  static String periodsPredicate(String treeId, List<Period> periods) {
    Map<String, List<LocalDate>> byGrain = periodsByGrain(periods);
    if (byGrain.isEmpty()) {
      return "false";
    }
    List<String> parts = new ArrayList<>();
    byGrain.forEach((grain, starts) -> parts.add("(grain = '" + grain + "' AND period_start IN ("
        + String.join(", ", starts.stream().map(d -> "DATE'" + d + "'").toList()) + "))"));
    return "tree_id = '" + treeId + "' AND (" + String.join(" OR ", parts) + ")";
  }

  /** Returns a SQL predicate: {@code column} is one of the days. */
  static String daysPredicate(String column, DaySet days) {
    if (days.isEmpty()) {
      return "false";
    }
    List<String> parts = new ArrayList<>();
    for (LocalDate[] range : days.ranges()) {
      parts.add("(" + column + " BETWEEN DATE'" + range[0] + "' AND DATE'" + range[1] + "')");
    }
    return "(" + String.join(" OR ", parts) + ")";
  }

  private static Map<String, List<LocalDate>> periodsByGrain(List<Period> periods) {
    Map<String, List<LocalDate>> byGrain = new LinkedHashMap<>();
    for (Period period : periods) {
      byGrain.computeIfAbsent(period.grain().key(), g -> new ArrayList<>()).add(period.start());
    }
    return byGrain;
  }

  private static long millisSince(long nanoStart) {
    return (System.nanoTime() - nanoStart) / 1_000_000;
  }

  /** Returns yesterday in the tree's time zone, the default as-of date of a nightly run. */
  public static LocalDate defaultAsOf(TreeSettings settings) {
    return LocalDate.ofInstant(Instant.now(), settings.calendar().timeZone()).minus(1, ChronoUnit.DAYS);
  }
}

package dev.arbor.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.arbor.ArborException;
import dev.arbor.compute.SourceScanner;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.ConfigLoader;
import dev.arbor.config.InvalidConfigException;
import dev.arbor.config.SourceDef;
import dev.arbor.config.SqlExpressions;
import dev.arbor.config.TreeSettings;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.job.RunJob;
import dev.arbor.job.SparkSessions;
import dev.arbor.period.Grain;
import dev.arbor.store.TableLocator;
import dev.arbor.tree.Lifecycle;
import dev.arbor.tree.Measure;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark: generates events, then times in one process the floor, Arbor's runs and the
 * naive SQL, and writes the results as JSON. BENCHMARKS.md describes every phase.
 *
 * <p>Phases, in the order they run:
 *
 * <ol>
 *   <li>a, floor: one pass over the events table that reads the columns the tree needs and
 *       aggregates each per local day;
 *   <li>b, full run: Arbor's RunJob over all history, every node and grain, totals only;
 *   <li>c, naive: one Spark SQL query per node and grain ({@link NaiveQueries}), checked against
 *       the values of b;
 *   <li>d, incremental: the next day is appended to the events, then RunJob runs for that day;
 *   <li>sketch: b again with every distinct count estimated by HLL sketches, checked against b;
 *   <li>e, sliced: b and d with the tree's dimensions, when the runs compute segments.
 * </ol>
 *
 * A warm-up pass of the floor runs first, untimed, so that class loading, code generation and the
 * file cache do not count against the first timed phase.
 */
public final class Benchmark {
  private static final Logger LOG = LoggerFactory.getLogger(Benchmark.class);

  /** Relative tolerance between the naive queries' values and Arbor's (decimal averages round). */
  private static final double NAIVE_TOLERANCE = 1e-6;

  private final SparkSession spark;
  private final BenchmarkOptions options;
  private final ArborConfig config;
  private final Tree tree;
  private final TreeSettings settings;
  private final SourceDef source;
  private final TableLocator locator;
  private final HeapMonitor heap;
  private final SparkProfile profile = new SparkProfile();
  private final Map<String, Object> phases = new LinkedHashMap<>();
  private final List<String> missing = new ArrayList<>();

  Benchmark(SparkSession spark, ArborConfig loaded, BenchmarkOptions options, HeapMonitor heap) {
    this.spark = spark;
    this.options = options;
    this.heap = heap;
    ArborConfig config = loaded.withWarehouse(
        new WarehouseSettings(options.work().resolve("warehouse").toString(), ""));
    Tree tree = config.tree(options.treeId());
    if (!options.grains().isEmpty()) {
      config = TreeVariants.withGrains(config, tree.id(), options.grains());
    }
    this.config = config;
    this.tree = tree;
    this.settings = config.settings(tree.id());
    Set<String> sourceIds = new LinkedHashSet<>();
    for (Node node : tree.nodes().values()) {
      if (node.measure() != null) {
        sourceIds.add(node.measure().source());
      }
      if (node.lifecycle() != null) {
        sourceIds.add(node.lifecycle().source());
      }
    }
    if (sourceIds.size() != 1) {
      throw ArborException.usage("The benchmark needs a tree over exactly one source; tree " + tree.id()
          + " reads " + sourceIds);
    }
    this.source = config.sources().get(sourceIds.iterator().next());
    if (!"delta".equals(source.table().format())) {
      throw ArborException.usage("The benchmark writes its events as Delta; source " + source.id()
          + " has format " + source.table().format() + ". Set table.format = delta.");
    }
    this.locator = new TableLocator(spark, config.warehouse());
    spark.sparkContext().addSparkListener(profile);
  }

  /** Runs the benchmark with {@code jobs/benchmark}'s command line; exits with 0, 1 or 2. */
  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err));
  }

  /** Runs the benchmark and returns the exit code, creating and stopping a SparkSession. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    if (BenchmarkOptions.requestsHelp(args)) {
      out.print(BenchmarkOptions.USAGE);
      return 0;
    }
    return reportFailures(() -> runCommandLine(args, out), err);
  }

  /** Runs the benchmark that {@code args} describe, prints its summary and returns 0. */
  private static int runCommandLine(String[] args, PrintStream out) {
    BenchmarkOptions options = BenchmarkOptions.parse(args);
    options.prepareOutFolder();
    ArborConfig config = ConfigLoader.load(options.conf());
    SparkSession spark = SparkSessions.create(config.sparkMaster(), config.sparkConf());
    try {
      Map<String, Object> results = run(spark, config, options);
      out.print(summary(results));
      out.println("Results written to " + options.out());
      return 0;
    } finally {
      spark.stop();
    }
  }

  /**
   * Runs {@code command} and returns its exit code. A failure is printed on {@code err} as one line,
   * and the exit code is that of its {@link ArborException.Category}. An unexpected failure also
   * goes to the log with its stack trace.
   */
  static int reportFailures(IntSupplier command, PrintStream err) {
    try {
      return command.getAsInt();
    } catch (InvalidConfigException e) {
      err.println(e.getMessage());
      return 2;
    } catch (ArborException e) {
      err.println("benchmark: " + e.getMessage());
      return e.category().exitCode();
    } catch (Exception e) {
      // Catches Exception rather than RuntimeException because Scala code in Spark and Delta
      // throws checked exceptions, such as IOException, that no Java signature declares.
      ArborException failure = ArborException.classify(e);
      LOG.error("Benchmark failed", e);
      String cause = describeRootCause(e, failure.getMessage());
      err.println("benchmark failed: " + failure.getMessage() + cause);
      return failure.category().exitCode();
    }
  }

  /**
   * Returns " (cause: TYPE: MESSAGE)" for the innermost cause of {@code e}, or an empty string
   * when {@code e} has no cause or {@code message} already contains the cause's message.
   */
  private static String describeRootCause(Throwable e, String message) {
    Throwable root = e;
    // The depth limit ends a cycle of causes, because Throwable.initCause rejects only a throwable
    // that would be its own cause.
    for (int depth = 0; depth < 100 && root.getCause() != null; depth++) {
      root = root.getCause();
    }
    if (root == e) {
      return "";
    }
    String rootMessage = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    if (message.contains(rootMessage)) {
      return "";
    }
    return " (cause: " + root.getClass().getSimpleName() + ": " + rootMessage + ")";
  }

  /** Runs every phase on {@code spark} and writes the results file; returns the results. */
  public static Map<String, Object> run(SparkSession spark, ArborConfig config, BenchmarkOptions options) {
    options.prepareOutFolder();
    try (HeapMonitor heap = new HeapMonitor()) {
      Benchmark benchmark = new Benchmark(spark, config, options, heap);
      Map<String, Object> results;
      try {
        results = benchmark.runPhases();
      } finally {
        spark.sparkContext().removeSparkListener(benchmark.profile);
      }
      try {
        Files.createDirectories(options.out().getParent());
        Files.writeString(options.out(), Json.write(results));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the results file " + options.out(), e);
      }
      return results;
    }
  }

  private Map<String, Object> runPhases() {
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("started_at", Instant.now().toString());
    results.put("options", options.toResults());
    results.put("machine", Environment.machine());
    results.put("load_average_at_start", Environment.loadAverage());
    results.put("spark", Environment.spark(spark));

    EventGenerator.Spec spec = new EventGenerator.Spec(options.events(), options.days(),
        options.firstDay(), settings.calendar().timeZone(), options.seed());
    String historyPath = locator.sourceLocation(source.table());
    String nextDayPath = options.work().resolve("next_day").toString();
    BenchmarkData data = new BenchmarkData(spark, spec, historyPath, nextDayPath);
    Map<String, Object> dataFacts = new LinkedHashMap<>();
    dataFacts.put("events", spec.events());
    dataFacts.put("days", spec.days());
    dataFacts.put("first_day", spec.firstDay().toString());
    dataFacts.put("last_day", spec.lastDay().toString());
    dataFacts.put("users", spec.users());
    dataFacts.put("seed", spec.seed());
    dataFacts.put("next_day_events", spec.nextDayEvents());
    dataFacts.putAll(data.prepare(options.regenerate()));
    dataFacts.putAll(data.describeHistory());
    dataFacts.put("path", historyPath);
    results.put("data", dataFacts);
    deleteOutputs();

    Map<String, Object> treeFacts = new LinkedHashMap<>();
    treeFacts.put("id", tree.id());
    treeFacts.put("conf", options.conf().toString());
    treeFacts.put("nodes", tree.nodes().size());
    treeFacts.put("grains", settings.grains().stream().map(Grain::key).toList());
    treeFacts.put("dimensions", tree.dimensions());
    results.put("tree", treeFacts);

    Tree totalsTree = TreeVariants.withoutDimensions(tree);
    ArborConfig totals = TreeVariants.withTree(config, totalsTree);
    LocalDate lastDay = spec.lastDay();
    LocalDate nextDay = spec.nextDay();
    long events = spec.events();

    floor(historyPath);
    Map<String, Object> floor = measure("a", "floor: one pass over the columns the tree needs, aggregated per day",
        events, () -> floor(historyPath));

    Map<String, Object> full = arborRun("b", "Arbor full run: all history, every node and grain, totals only",
        totals, lastDay, null, events);
    Map<String, Double> exactValues = nodeValues((String) full.get("run_id"));

    Map<String, Object> checks = new LinkedHashMap<>();
    if (!options.skip().contains("naive")) {
      Map<String, Double> naiveValues = new LinkedHashMap<>();
      measure("c", "naive: one hand-written Spark SQL query per node and grain", events,
          () -> naive(totalsTree, lastDay, naiveValues));
      checks.put("naive_vs_arbor", ValueComparison.agreement(exactValues, naiveValues, NAIVE_TOLERANCE));
    }

    if (!options.skip().contains("incremental")) {
      long started = System.nanoTime();
      data.appendNextDay();
      dataFacts.put("append_next_day_ms", (System.nanoTime() - started) / 1_000_000);
      arborRun("d", "incremental: the day appended to the history, run with --from that day",
          totals, nextDay, nextDay, spec.nextDayEvents());
    }

    if (!options.skip().contains("sketch")) {
      Tree sketched = TreeVariants.withSketchedDistinctCounts(totalsTree);
      Map<String, Object> sketchRun = arborRun("sketch",
          "Arbor full run with every distinct count estimated by HLL sketches",
          TreeVariants.withTree(config, sketched), lastDay, null, events);
      Map<String, Double> sketchValues = nodeValues((String) sketchRun.get("run_id"));
      checks.put("sketch_vs_exact", ValueComparison.relativeErrors(exactValues, sketchValues,
          TreeVariants.nodesWithDistinctCounts(totalsTree),
          settings.grains().stream().map(Grain::key).toList()));
    }

    if (!options.skip().contains("sliced")) {
      sliced(lastDay, nextDay, events, spec.nextDayEvents());
    }

    results.put("phases", phases);
    results.put("ratios", ratios());
    results.put("checks", checks);
    results.put("missing", missing);
    results.put("load_average_at_end", Environment.loadAverage());
    results.put("ended_at", Instant.now().toString());
    return results;
  }

  /** Runs the full run sliced by the tree's dimensions, then the sliced incremental run. */
  private void sliced(LocalDate lastDay, LocalDate nextDay, long events, long nextDayEvents) {
    if (tree.dimensions().isEmpty()) {
      missing.add("e (sliced runs): tree " + tree.id() + " declares no dimensions");
      return;
    }
    Map<String, Object> full = arborRun("e_full",
        "Arbor full run sliced by " + tree.dimensions(), config, lastDay, null, events);
    long segmentRows = locator.read("node_values")
        .where(col("run_id").equalTo(full.get("run_id")).and(col("dimension").notEqual("all")))
        .count();
    if (segmentRows == 0) {
      throw new IllegalStateException("The sliced run " + full.get("run_id") + " wrote no row per"
          + " segment of " + tree.dimensions() + "; its time would not measure slicing");
    }
    full.put("segment_rows", segmentRows);
    if (!options.skip().contains("incremental")) {
      arborRun("e_incremental", "incremental run sliced by " + tree.dimensions(), config, nextDay,
          nextDay, nextDayEvents);
    }
  }

  /** Times one phase: wall clock, heap peaks and load; {@code work} returns extra facts or null. */
  private Map<String, Object> measure(String id, String description, long events, Supplier<Map<String, Object>> work) {
    Map<String, Object> phase = new LinkedHashMap<>();
    phase.put("description", description);
    phase.put("status", "measured");
    // Each phase starts as a fresh nightly job would: without data cached by an earlier phase.
    spark.catalog().clearCache();
    Double loadBefore = Environment.loadAverage();
    System.gc();
    heap.reset();
    profile.reset();
    LOG.info("Benchmark phase {} started: {}", id, description);
    long cpuStarted = Environment.processCpuNanos();
    long started = System.nanoTime();
    Map<String, Object> facts = work.get();
    long wallMillis = (System.nanoTime() - started) / 1_000_000;
    long cpuMillis = (Environment.processCpuNanos() - cpuStarted) / 1_000_000;
    HeapMonitor.Peak peak = heap.peak();
    phase.put("wall_ms", wallMillis);
    phase.put("process_cpu_ms", cpuStarted < 0 ? null : cpuMillis);
    phase.put("events", events);
    phase.put("events_per_second", wallMillis == 0 ? null : Math.round(events * 1000.0 / wallMillis));
    phase.put("heap_max_used_mb", peak.maxUsed() / (1024 * 1024));
    phase.put("heap_max_after_gc_mb", peak.maxAfterGc() < 0 ? null : peak.maxAfterGc() / (1024 * 1024));
    phase.put("gc_count", peak.collections());
    phase.put("load_average_before", loadBefore);
    phase.put("load_average_after", Environment.loadAverage());
    phase.put("spark_tasks", profile.snapshot());
    if (facts != null) {
      phase.putAll(facts);
    }
    LOG.info("Benchmark phase {} took {} ms", id, wallMillis);
    phases.put(id, phase);
    return phase;
  }

  /** Runs the floor: reads each column the tree needs once and aggregates it per local day. */
  private Map<String, Object> floor(String historyPath) {
    List<String> needed = neededColumns();
    List<Column> aggregates = new ArrayList<>();
    for (String column : needed) {
      String type = source.schema().get(column).toLowerCase(Locale.ROOT);
      boolean numeric = type.matches("(tiny|small|big)?int|integer|long|short|byte|float|double|decimal.*");
      aggregates.add(numeric ? expr("try_sum(`" + column + "`)") : count(col("`" + column + "`")));
    }
    String localDate = "to_date(from_utc_timestamp(" + source.eventTime() + ", '"
        + settings.calendar().timeZone().getId() + "'))";
    List<Row> days = spark.read().format("delta").load(historyPath)
        .select(needed.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new))
        .groupBy(expr(localDate).as(SourceScanner.LOCAL_DATE))
        .agg(count(lit(1)).as("events"), aggregates.toArray(Column[]::new))
        .collectAsList();
    long total = days.stream().mapToLong(row -> row.getLong(1)).sum();
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("columns_read", needed);
    facts.put("days_aggregated", days.size());
    facts.put("events_counted", total);
    return facts;
  }

  /** Returns the schema columns that the tree's measures, lifecycles and the source read. */
  private List<String> neededColumns() {
    List<String> expressions = new ArrayList<>();
    expressions.add(source.eventTime());
    if (source.entityId() != null) {
      expressions.add(source.entityId());
    }
    if (source.eventId() != null) {
      expressions.add(source.eventId());
    }
    if (source.filter() != null) {
      expressions.add(source.filter());
    }
    for (Node node : tree.nodes().values()) {
      addMeasureExpressions(node.measure(), expressions);
      Lifecycle lifecycle = node.lifecycle();
      if (lifecycle != null && lifecycle.filter() != null) {
        expressions.add(lifecycle.filter());
      }
    }
    Set<String> columns = new LinkedHashSet<>();
    for (String expression : expressions) {
      addSchemaColumns(expression, columns);
    }
    return List.copyOf(columns);
  }

  private static void addMeasureExpressions(Measure measure, List<String> into) {
    if (measure == null) {
      return;
    }
    if (measure.expression() != null) {
      into.add(measure.expression());
    }
    if (measure.filter() != null) {
      into.add(measure.filter());
    }
    addMeasureExpressions(measure.numerator(), into);
    addMeasureExpressions(measure.denominator(), into);
  }

  /** Adds the schema columns an expression reads, through derived columns. */
  private void addSchemaColumns(String expression, Set<String> into) {
    Set<String> references;
    try {
      references = SqlExpressions.columnReferences(expression);
    } catch (SqlExpressions.InvalidExpressionException e) {
      throw new IllegalStateException("Invalid expression in a validated config: " + expression, e);
    }
    for (String reference : references) {
      if (source.schema().containsKey(reference)) {
        into.add(reference);
      } else {
        for (Map.Entry<String, String> derived : source.derived().entrySet()) {
          if (derived.getKey().equalsIgnoreCase(reference)) {
            addSchemaColumns(derived.getValue(), into);
          }
        }
      }
    }
  }

  /** Times RunJob and records its steps, as the runs table has them. */
  private Map<String, Object> arborRun(
      String id, String description, ArborConfig runConfig, LocalDate asOf, LocalDate from, long events) {
    String treeId = tree.id();
    String[] runId = new String[1];
    Map<String, Object> phase = measure(id, description, events, () -> {
      RunJob.Result result = new RunJob(spark, runConfig).run(new RunJob.Options(treeId, asOf, from));
      runId[0] = result.runId();
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("run_id", result.runId());
      facts.put("as_of", asOf.toString());
      facts.put("from", from == null ? null : from.toString());
      facts.put("recompute", result.recompute());
      facts.put("periods_recomputed", result.periodsRecomputed());
      facts.put("rows_written", new LinkedHashMap<>(result.rowsWritten()));
      facts.put("warnings", result.warnings().size());
      return facts;
    });
    Row run = locator.read("runs").where(col("run_id").equalTo(runId[0]))
        .select("rows_read", "step_millis").head();
    phase.put("rows_read", new LinkedHashMap<>(run.getJavaMap(0)));
    phase.put("step_ms", new LinkedHashMap<>(run.getJavaMap(1)));
    return phase;
  }

  /** Returns the totals of node_values written by a run, keyed by {@link ValueComparison#key}. */
  private Map<String, Double> nodeValues(String runId) {
    Map<String, Double> values = new LinkedHashMap<>();
    List<Row> rows = locator.read("node_values")
        .where(col("run_id").equalTo(runId).and(col("dimension").equalTo("all")))
        .select("node_id", "grain", "period_start", "value")
        .collectAsList();
    for (Row row : rows) {
      values.put(ValueComparison.key(row.getString(0), row.getString(1), row.getDate(2)),
          row.isNullAt(3) ? null : row.getDouble(3));
    }
    return values;
  }

  /** Runs one query per node and grain, sequentially, as a dashboard refresh would issue them. */
  private Map<String, Object> naive(Tree totalsTree, LocalDate asOf, Map<String, Double> values) {
    NaiveQueries queries = new NaiveQueries(totalsTree, config.sources(), settings.calendar(), asOf);
    spark.sql(queries.viewSql(source, "delta.`" + locator.sourceLocation(source.table()) + "`"));
    List<Map<String, Object>> timings = new ArrayList<>();
    for (Grain grain : settings.grains()) {
      for (String nodeId : totalsTree.nodes().keySet()) {
        long started = System.nanoTime();
        List<Row> rows = spark.sql(queries.query(nodeId, grain)).collectAsList();
        long millis = (System.nanoTime() - started) / 1_000_000;
        for (Row row : rows) {
          values.put(ValueComparison.key(nodeId, grain.key(), row.getDate(0)),
              row.isNullAt(1) ? null : row.getDouble(1));
        }
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("node", nodeId);
        timing.put("grain", grain.key());
        timing.put("ms", millis);
        timings.add(timing);
      }
    }
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("queries", timings.size());
    facts.put("query_ms", timings);
    return facts;
  }

  /**
   * Deletes everything in the benchmark's warehouse but the events folder: output tables, state
   * (_state), leases and staging, so that every benchmark starts with a first run.
   */
  private void deleteOutputs() {
    String warehouse = config.warehouse().path();
    String events = locator.sourceLocation(source.table());
    try {
      Path folder = new Path(warehouse);
      FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(folder)) {
        return;
      }
      String eventsRoot = new Path(events).toUri().getPath();
      for (org.apache.hadoop.fs.FileStatus entry : fs.listStatus(folder)) {
        String entryPath = entry.getPath().toUri().getPath();
        if (!eventsRoot.equals(entryPath) && !eventsRoot.startsWith(entryPath + "/")) {
          fs.delete(entry.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the earlier benchmark output in " + warehouse, e);
    }
  }

  private Map<String, Object> ratios() {
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("b/a", ratio("b", "a"));
    ratios.put("c/b", ratio("c", "b"));
    ratios.put("d/b", ratio("d", "b"));
    ratios.put("sketch/b", ratio("sketch", "b"));
    ratios.put("e_full/b", ratio("e_full", "b"));
    ratios.put("e_incremental/b", ratio("e_incremental", "b"));
    return ratios;
  }

  private Double ratio(String numerator, String denominator) {
    Object top = phases.get(numerator) instanceof Map<?, ?> phase ? phase.get("wall_ms") : null;
    Object bottom = phases.get(denominator) instanceof Map<?, ?> phase ? phase.get("wall_ms") : null;
    if (!(top instanceof Long t) || !(bottom instanceof Long b) || b == 0) {
      return null;
    }
    return Math.round(1000.0 * t / b) / 1000.0;
  }

  /** Returns a few lines for the console: each phase's time and the ratios. */
  static String summary(Map<String, Object> results) {
    StringBuilder text = new StringBuilder();
    Map<?, ?> data = (Map<?, ?>) results.get("data");
    text.append(String.format(Locale.ROOT, "Benchmark on %s events over %s days%n",
        data.get("events"), data.get("days")));
    Map<?, ?> phases = (Map<?, ?>) results.get("phases");
    for (Map.Entry<?, ?> entry : phases.entrySet()) {
      Map<?, ?> phase = (Map<?, ?>) entry.getValue();
      Object wall = phase.get("wall_ms");
      text.append(String.format(Locale.ROOT, "  %-14s %10s ms  %12s events/s  heap max %s MiB, after GC %s MiB%n",
          entry.getKey(), wall == null ? phase.get("status") : wall, phase.get("events_per_second"),
          phase.get("heap_max_used_mb"), phase.get("heap_max_after_gc_mb")));
    }
    text.append("  ratios: ").append(results.get("ratios")).append('\n');
    for (Object gap : (List<?>) results.get("missing")) {
      text.append("  missing: ").append(gap).append('\n');
    }
    return text.toString();
  }
}

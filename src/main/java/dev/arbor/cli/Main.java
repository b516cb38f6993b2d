package dev.arbor.cli;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.ConfigLoader;
import dev.arbor.config.InvalidConfigException;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.ingest.IngestJob;
import dev.arbor.job.BackfillJob;
import dev.arbor.job.PlanJob;
import dev.arbor.job.PlanView;
import dev.arbor.job.RunJob;
import dev.arbor.job.ShowJob;
import dev.arbor.links.LinksJob;
import dev.arbor.job.SparkSessions;
import dev.arbor.period.Grain;
import dev.arbor.planning.PlanningJob;
import dev.arbor.store.BiViews;
import dev.arbor.store.TableLocator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command-line entry point: {@code arbor COMMAND [options]}. Exit codes: 0 success, 2 invalid
 * config, arguments or input tables, 1 any other failure.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  static final String USAGE =
      """
      Usage: arbor COMMAND [options]

      Commands:
        validate   Check the config (trees, sources, formulas) without running Spark.
        ingest     Load a source's raw CSV or Parquet files into its Delta events table.
        run        Compute a tree up to the as-of date: the periods that new, changed or late
                   events affect (every period on the first run, or with --full).
        backfill   Recompute a range of days chunk by chunk; resumes after a failure.
        show       Print a tree's values for one period as an indented tree, or with
                   --explain, which leaves drove the North Star's change.
        views      Print the BI views of sql/views for the warehouse, or create them.
        links      Score a tree's hypothesis links on the node values already computed.
        plan       Load the bet ledger, forecast each cycle and judge bets, on the stored
                   node values (the nightly run does the same after computing them).

      Options (all commands):
        --conf FILE        HOCON config file (default: conf/application.conf)
        --warehouse DIR    folder or URI of the output tables (default: the config's
                           arbor.warehouse.path, which defaults to ./warehouse)
        --tree ID          tree to use; needed when the config defines several
      ingest:
        --source ID        source to load (required)
        --path PATH        file or folder to read instead of the source's ingest.path
        --replace          replace the whole events table instead of only the files read
      run:
        --as-of DATE       last day to include, YYYY-MM-DD (default: yesterday in the tree's zone)
        --from DATE        also recompute the days from DATE to the as-of date, YYYY-MM-DD
        --to DATE          same as --as-of
        --full             recompute all history instead of what changed
        --run-id ID        id of the run; a retry with the id of a run that succeeded does nothing
      backfill:
        --from DATE        first day to recompute (required)
        --to DATE          last day to recompute (required)
        --chunk SIZE       day, week or month (default: month)
        --as-of DATE       as-of date of every chunk (default: the later of the chunk's last day
                           and the as-of date of the tree's latest run)
        --restart          redo chunks that already succeeded instead of resuming
      views:
        --create           create the views in the catalog database (arbor.warehouse.catalog-database)
      show:
        --grain GRAIN      day, week, month or quarter (default: month)
        --period DATE      first day of the period to show (default: the latest complete one);
                           with --plan, a day of the cycle to show
        --explain          print the root-cause trace of the North Star's change from the
                           previous period instead of the tree's values
        --plan             print the plan instead: the North Star's gap to its forecast, the
                           lagging nodes, the input changes that would close the gap, the bets
      links:
        --as-of DATE       as-of date of the scores, YYYY-MM-DD (default: that of the tree's
                           latest successful run)
      plan:
        --as-of DATE       as-of date (default: that of the tree's latest successful run)
        --replan DATE      write a new forecast version for the cycle starting DATE
        --reason TEXT      why the cycle is re-planned (required with --replan)
      """;

  private static final Map<String, Set<String>> OPTIONS =
      Map.of(
          "validate", Set.of("--conf", "--warehouse", "--tree"),
          "ingest", Set.of("--conf", "--warehouse", "--tree", "--source", "--path", "--replace"),
          "run", Set.of("--conf", "--warehouse", "--tree", "--as-of", "--from", "--to", "--full", "--run-id"),
          "backfill", Set.of("--conf", "--warehouse", "--tree", "--from", "--to", "--chunk", "--as-of", "--restart"),
          "show", Set.of("--conf", "--warehouse", "--tree", "--grain", "--period", "--explain", "--plan"),
          "views", Set.of("--conf", "--warehouse", "--create"),
          "links", Set.of("--conf", "--warehouse", "--tree", "--as-of"),
          "plan", Set.of("--conf", "--warehouse", "--tree", "--as-of", "--replan", "--reason"));
  private static final Set<String> FLAGS =
      Set.of("--replace", "--create", "--explain", "--plan", "--full", "--restart");

  private Main() {}

  public static void main(String[] args) {
    int code = execute(args, System.out, System.err);
    System.exit(code);
  }

  /** Runs a command and returns its exit code; never calls System.exit, so tests can call it. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    try {
      return dispatch(args, out, err);
    } catch (InvalidConfigException e) {
      err.println(e.getMessage());
      return 2;
    } catch (ArborException e) {
      err.println("arbor: " + e.getMessage());
      return e.category().exitCode();
    } catch (Exception e) {
      ArborException failure = ArborException.classify(e);
      LOG.error("Unexpected failure", e);
      err.println("arbor: " + failure.getMessage());
      return failure.category().exitCode();
    }
  }

  private static int dispatch(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    if (!OPTIONS.containsKey(command)) {
      err.println("arbor: unknown command '" + command + "'");
      err.print(USAGE);
      return 2;
    }
    Map<String, String> options = parseOptions(command, args);
    ArborConfig config = ConfigLoader.load(Path.of(options.getOrDefault("--conf", "conf/application.conf")));
    if (options.containsKey("--warehouse")) {
      config = config.withWarehouse(new WarehouseSettings(
          absoluteIfLocal(options.get("--warehouse")), config.warehouse().catalogDatabase()));
    } else {
      config = config.withWarehouse(new WarehouseSettings(
          absoluteIfLocal(config.warehouse().path()), config.warehouse().catalogDatabase()));
    }
    String treeId = options.get("--tree");
    if (command.equals("validate")) {
      if (treeId != null) {
        config.tree(treeId);
      }
      out.println("Config " + config.file() + " is valid: trees " + config.trees().keySet()
          + ", sources " + config.sources().keySet());
      return 0;
    }

    if (command.equals("views") && !options.containsKey("--create")) {
      TableLocator locator = new TableLocator(null, config.warehouse());
      for (Map.Entry<String, String> view : BiViews.statements(locator, false).entrySet()) {
        out.println("-- " + view.getKey());
        out.println(view.getValue() + ";");
        out.println();
      }
      return 0;
    }

    // Arguments are checked before Spark starts, so that a typo fails in a second.
    RunJob.Options runOptions = command.equals("run") ? runOptions(config, treeId, options) : null;
    BackfillJob.Options backfillOptions =
        command.equals("backfill") ? backfillOptions(config, treeId, options) : null;
    Grain showGrain = Grain.fromKey(options.getOrDefault("--grain", "month"));
    if (showGrain == null) {
      throw ArborException.usage(
          "Invalid --grain '" + options.get("--grain") + "'; expected day, week, month or quarter");
    }
    LocalDate showPeriod = options.containsKey("--period") ? date(options.get("--period"), "--period") : null;
    if (options.containsKey("--explain") && options.containsKey("--plan")) {
      throw ArborException.usage("show takes --explain or --plan, not both; run it once for each");
    }
    if (command.equals("show") || command.equals("links")) {
      config.tree(treeId);
    }
    LocalDate linksAsOf =
        command.equals("links") && options.containsKey("--as-of")
            ? date(options.get("--as-of"), "--as-of")
            : null;
    PlanningJob.Replan replan = command.equals("plan") ? replan(options) : null;
    LocalDate planAsOf = command.equals("plan") && options.containsKey("--as-of")
        ? date(options.get("--as-of"), "--as-of")
        : null;

    SparkSession spark = SparkSessions.create(config.sparkMaster(), config.sparkConf());
    try {
      switch (command) {
        case "ingest" -> {
          String source = options.get("--source");
          if (source == null) {
            throw ArborException.usage("ingest needs --source ID (the config defines " + config.sources().keySet() + ")");
          }
          IngestJob.Result result = new IngestJob(spark, config)
              .run(source, options.get("--path"), options.containsKey("--replace"));
          out.println("Ingested source " + source + ": " + result.rowsLoaded() + " rows loaded, "
              + result.rowsQuarantined() + " rows quarantined (run " + result.runId() + ")");
        }
        case "run" -> {
          RunJob.Result result = new RunJob(spark, config).run(runOptions);
          out.println("Run " + result.runId() + " succeeded (" + result.recompute() + "): "
              + result.periodsRecomputed() + " periods, " + result.rowsWritten() + " rows written, "
              + result.warnings().size() + " warnings");
          for (String warning : result.warnings()) {
            out.println("  warning: " + warning);
          }
        }
        case "backfill" -> {
          BackfillJob.Result result = new BackfillJob(spark, config).run(backfillOptions);
          out.println("Backfill " + result.backfillId() + " succeeded: " + result.chunksRun()
              + " chunks run, " + result.chunksSkipped() + " already done, " + result.rowsWritten()
              + " node_values rows written");
        }
        case "show" -> {
          ShowJob show = new ShowJob(spark, config);
          out.print(options.containsKey("--plan")
              ? new PlanView(spark, config).render(treeId, showPeriod)
              : options.containsKey("--explain")
                  ? show.explain(treeId, showGrain, showPeriod)
                  : show.render(treeId, showGrain, showPeriod));
        }
        case "plan" -> {
          PlanJob.Result result = new PlanJob(spark, config).run(treeId, planAsOf, replan);
          out.println("Plan " + result.runId() + " (as of " + result.asOf() + ") succeeded: "
              + result.rowsWritten() + " rows written, " + result.warnings().size() + " warnings");
          for (String warning : result.warnings()) {
            out.println("  warning: " + warning);
          }
        }
        case "views" -> {
          if (!config.warehouse().usesCatalog()) {
            throw ArborException.usage("views --create needs a catalog warehouse: set "
                + "arbor.warehouse.catalog-database; for a folder warehouse, run 'views' and "
                + "create the printed statements in your SQL engine");
          }
          List<String> created = BiViews.create(spark, new TableLocator(spark, config.warehouse()), false);
          out.println("Created views " + created + " in " + config.warehouse().catalogDatabase());
        }
        case "links" -> {
          var tree = config.tree(treeId);
          LinksJob.Result result =
              new LinksJob(spark, config).run(new LinksJob.Options(tree.id(), linksAsOf));
          out.println("Links of tree " + tree.id() + " scored as of " + result.asOf() + " (run "
              + result.runId() + "): " + result.links().scoreRows() + " scores, "
              + result.links().statusChanges() + " status changes, lifecycle "
              + result.links().lifecycleCounts() + ", " + result.links().warnings().size() + " warnings");
          for (String warning : result.links().warnings()) {
            out.println("  warning: " + warning);
          }
        }
        default -> throw new IllegalStateException("Unhandled command " + command);
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  private static PlanningJob.Replan replan(Map<String, String> options) {
    if (!options.containsKey("--replan")) {
      if (options.containsKey("--reason")) {
        throw ArborException.usage("--reason goes with --replan DATE");
      }
      return null;
    }
    String reason = options.get("--reason");
    if (reason == null || reason.isBlank()) {
      throw ArborException.usage("--replan needs --reason TEXT saying why the cycle is re-planned");
    }
    return new PlanningJob.Replan(date(options.get("--replan"), "--replan"), reason);
  }

  private static RunJob.Options runOptions(ArborConfig config, String treeId, Map<String, String> options) {
    var tree = config.tree(treeId);
    if (options.containsKey("--as-of") && options.containsKey("--to")
        && !options.get("--as-of").equals(options.get("--to"))) {
      throw ArborException.usage("--as-of and --to differ; pass one of them");
    }
    String asOfText = options.getOrDefault("--as-of", options.get("--to"));
    LocalDate asOf = asOfText == null ? RunJob.defaultAsOf(config.settings(tree.id())) : date(asOfText, "--as-of");
    LocalDate from = options.containsKey("--from") ? date(options.get("--from"), "--from") : null;
    if (from != null && from.isAfter(asOf)) {
      throw ArborException.usage("Invalid range: --from " + from + " is after the as-of date " + asOf);
    }
    String runId = options.get("--run-id");
    if (runId != null && !runId.matches("[A-Za-z0-9_.:-]+")) {
      throw ArborException.usage("Invalid --run-id '" + runId + "'; use letters, digits and _ . : -");
    }
    return new RunJob.Options(tree.id(), asOf, from, options.containsKey("--full"), runId, null);
  }

  private static BackfillJob.Options backfillOptions(
      ArborConfig config, String treeId, Map<String, String> options) {
    var tree = config.tree(treeId);
    if (!options.containsKey("--from") || !options.containsKey("--to")) {
      throw ArborException.usage("backfill needs --from DATE and --to DATE");
    }
    return new BackfillJob.Options(
        tree.id(), date(options.get("--from"), "--from"), date(options.get("--to"), "--to"),
        BackfillJob.ChunkSize.fromKey(options.getOrDefault("--chunk", "month")),
        options.containsKey("--as-of") ? date(options.get("--as-of"), "--as-of") : null,
        options.containsKey("--restart"));
  }

  private static Map<String, String> parseOptions(String command, String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String name = args[i];
      String value = null;
      int equals = name.indexOf('=');
      if (equals > 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      if (!OPTIONS.get(command).contains(name)) {
        throw ArborException.usage("unknown option '" + name + "' for " + command
            + "; valid options: " + String.join(", ", new java.util.TreeSet<>(OPTIONS.get(command))));
      }
      if (FLAGS.contains(name)) {
        options.put(name, "true");
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw ArborException.usage("option " + name + " needs a value");
        }
        value = args[++i];
      }
      options.put(name, value);
    }
    return options;
  }

  private static LocalDate date(String text, String option) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw ArborException.usage("Invalid " + option + " '" + text + "'; expected a date such as 2011-12-09");
    }
  }

  /** Makes a local relative path absolute, so that Spark does not resolve it elsewhere. */
  private static String absoluteIfLocal(String path) {
    if (path.contains("://") || path.startsWith("/")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toString();
  }
}

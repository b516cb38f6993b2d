package dev.arbor.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.arbor.period.Grain;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.stats.SeriesTransform;
import dev.arbor.tree.Aggregation;
import dev.arbor.tree.ExpectedSign;
import dev.arbor.tree.Lifecycle;
import dev.arbor.tree.LifecycleKind;
import dev.arbor.tree.Link;
import dev.arbor.tree.LinkKind;
import dev.arbor.tree.Measure;
import dev.arbor.tree.Node;
import dev.arbor.tree.Origin;
import dev.arbor.tree.Tree;
import dev.arbor.tree.TreeGraph;
import dev.arbor.tree.Unit;
import dev.arbor.tree.formula.Expr;
import dev.arbor.tree.formula.FormulaParser;
import dev.arbor.tree.formula.FormulaSyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads an Arbor HOCON file and validates it completely before any Spark work.
 *
 * <p>Every problem is collected with its file, line and subject, and all of them are thrown at
 * once in an {@link InvalidConfigException}. Defaults come from {@code reference.conf}.
 */
public final class ConfigLoader {
  private static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern LAG = Pattern.compile("\\s*(\\d+)\\s*(?:\\.\\.\\s*(\\d+)\\s*)?");
  private static final Set<String> FORMATS = Set.of("delta", "parquet", "csv", "table");
  private static final Set<String> RESERVED_COLUMNS =
      Set.of("local_date", "segment", "arbor_event_time");
  private static final String LINKS_SCORING = "links-scoring";

  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Path baseDir;
  private Config planningDefaults;
  /** Ids of sources that exist but failed validation; their own problems are reported once. */
  private final Set<String> invalidSources = new LinkedHashSet<>();
  /** Formula references of every node whose formula parsed, valid or not. */
  private final Map<String, List<String>> parsedFormulaRefs = new LinkedHashMap<>();

  private ConfigLoader(Path baseDir) {
    this.baseDir = baseDir;
  }

  /** Loads and validates {@code file}; throws {@link InvalidConfigException} with every problem. */
  public static ArborConfig load(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      throw new InvalidConfigException(
          List.of(
              new ConfigProblem(
                  new Origin(file.toString(), -1),
                  "config file",
                  "is a folder, not a file; pass a HOCON config file with --conf")));
    }
    if (!Files.isRegularFile(absolute)) {
      throw new InvalidConfigException(
          List.of(
              new ConfigProblem(
                  new Origin(file.toString(), -1),
                  "config file",
                  "not found; pass an existing HOCON file with --conf")));
    }
    Config config;
    try {
      Config parsed =
          ConfigFactory.parseFile(absolute.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      config =
          parsed
              .withFallback(ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader()))
              .resolve(ConfigResolveOptions.defaults());
    } catch (ConfigException e) {
      throw new InvalidConfigException(
          List.of(new ConfigProblem(origin(e.origin()), "syntax", stripOrigin(e.getMessage()))));
    }
    ConfigLoader loader = new ConfigLoader(absolute.getParent());
    ArborConfig result = loader.read(absolute, config);
    if (!loader.problems.isEmpty()) {
      throw new InvalidConfigException(loader.problems);
    }
    return result;
  }

  /** Returns the folder of the top-level config file, against which ingest paths resolve. */
  public static Path baseDirectory(ArborConfig config) {
    return config.file().getParent();
  }

  private ArborConfig read(Path file, Config root) {
    if (!root.hasPath("arbor")) {
      problem(origin(root.origin()), "config", "missing the 'arbor' section");
      return null;
    }
    Config arbor = root.getConfig("arbor");
    checkKeys(arbor.root(), "arbor",
        Set.of("warehouse", "calendar", "checks", "quality", "runs", "slicing", "spark", "sources",
            "trees", LINKS_SCORING, "planning"));

    WarehouseSettings warehouse = readWarehouse(arbor.getConfig("warehouse"));
    Config calendarDefaults = arbor.getConfig("calendar");
    planningDefaults = arbor.getConfig("planning");
    double defaultTolerance = readDouble(arbor.getConfig("checks"), "formula-tolerance", "checks", 0.0, 1e9);
    checkKeys(arbor.getConfig("checks").root(), "checks", Set.of("formula-tolerance", "anomaly"));

    Config qualityDefaults = arbor.getConfig("quality");
    RunSettings runs = readRuns(arbor.getConfig("runs"));

    Config spark = arbor.getConfig("spark");
    checkKeys(spark.root(), "spark", Set.of("master", "conf"));
    String sparkMaster = spark.getString("master");
    Map<String, String> sparkConf = stringMap(spark, "conf", "spark.conf");

    Map<String, SourceDef> sources = new LinkedHashMap<>();
    ConfigObject sourcesObject = arbor.getObject("sources");
    for (String sourceId : sourcesObject.keySet()) {
      ConfigValue value = sourcesObject.get(sourceId);
      if (checkId(sourceId, value, "source")
          && expectObject(value, "source " + sourceId)) {
        SourceDef source = readSource(sourceId, ((ConfigObject) value).toConfig(), qualityDefaults);
        if (source != null) {
          sources.put(sourceId, source);
        } else {
          invalidSources.add(sourceId);
        }
      }
    }

    Map<String, Tree> trees = new LinkedHashMap<>();
    Map<String, TreeSettings> settings = new LinkedHashMap<>();
    ConfigObject treesObject = arbor.getObject("trees");
    if (treesObject.isEmpty()) {
      problem(origin(treesObject.origin()), "trees", "no tree defined; add one under arbor.trees");
    }
    for (String treeId : treesObject.keySet()) {
      ConfigValue value = treesObject.get(treeId);
      if (checkId(treeId, value, "tree") && expectObject(value, "tree " + treeId)) {
        Config treeConfig = ((ConfigObject) value).toConfig();
        TreeSettings treeSettings =
            readTreeSettings(treeId, treeConfig, calendarDefaults, defaultTolerance);
        Tree tree = readTree(treeId, treeConfig, sources);
        LinkScoringSettings linkScoring =
            readLinkScoring(treeId, treeConfig, arbor, tree, treeSettings);
        SlicingSettings slicing = readSlicing(treeId, treeConfig, arbor.getConfig("slicing"), tree);
        AnomalySettings anomalies = readAnomalies(treeId, treeConfig, arbor.getConfig("checks"));
        if (tree != null && treeSettings != null && linkScoring != null && slicing != null
            && anomalies != null) {
          trees.put(treeId, tree);
          settings.put(treeId, new TreeSettings(treeSettings.calendar(), treeSettings.grains(),
              treeSettings.formulaTolerance(), linkScoring, slicing, anomalies,
              treeSettings.planning()));
        }
      }
    }
    return new ArborConfig(file, warehouse, sources, trees, settings, runs, sparkMaster, sparkConf);
  }

  private WarehouseSettings readWarehouse(Config config) {
    checkKeys(config.root(), "warehouse", Set.of("path", "catalog-database"));
    String path = config.getString("path");
    String database = config.hasPath("catalog-database") ? config.getString("catalog-database") : null;
    if (database != null && !database.isBlank() && !ID.matcher(database).matches()) {
      problem(origin(config.getValue("catalog-database").origin()), "warehouse",
          "invalid catalog-database '" + database + "'; use letters, digits and underscores");
    }
    return new WarehouseSettings(path, database);
  }

  // ---------------------------------------------------------------- sources

  private RunSettings readRuns(Config config) {
    checkKeys(config.root(), "runs", Set.of("incremental", "restatement-days", "lock-timeout", "lock-wait"));
    boolean incremental = readBoolean(config, "incremental", "runs");
    int restatementDays = (int) readDouble(config, "restatement-days", "runs", 0, 366);
    java.time.Duration lockTimeout = readDuration(config, "lock-timeout", "runs");
    java.time.Duration lockWait = readDuration(config, "lock-wait", "runs");
    if (lockTimeout.compareTo(java.time.Duration.ofSeconds(10)) < 0) {
      problem(origin(config, "lock-timeout"), "runs",
          "invalid lock-timeout " + lockTimeout + "; use at least 10s, or a run could lose its lease while it commits");
    }
    return new RunSettings(incremental, restatementDays, lockTimeout, lockWait);
  }

  private QualityRules readQuality(Config source, Config defaults, String subject, Set<String> columns) {
    Config config = source.hasPath("quality") ? source.getConfig("quality").withFallback(defaults) : defaults;
    String where = subject + " quality";
    checkKeys(config.root(), where, Set.of("max-bad-share", "max-duplicate-share", "non-negative",
        "future-tolerance", "require-entity-id", "fail-on-emptied-day"));
    double maxBad = readDouble(config, "max-bad-share", where, 0.0, 1.0);
    double maxDuplicates = readDouble(config, "max-duplicate-share", where, 0.0, 1.0);
    List<String> nonNegative = new ArrayList<>();
    for (String column : stringList(config, "non-negative", where)) {
      String name = column.toLowerCase(Locale.ROOT);
      if (!columns.contains(name)) {
        problem(origin(config, "non-negative"), where,
            "non-negative column '" + column + "' is not a column of the source" + suggestion(name, columns));
      } else {
        nonNegative.add(name);
      }
    }
    java.time.Duration tolerance = readDuration(config, "future-tolerance", where);
    boolean requireEntity = readBoolean(config, "require-entity-id", where);
    boolean failOnEmptied = readBoolean(config, "fail-on-emptied-day", where);
    return new QualityRules(maxBad, maxDuplicates, nonNegative, tolerance, requireEntity, failOnEmptied);
  }

  private SourceDef readSource(String id, Config config, Config qualityDefaults) {
    String subject = "source " + id;
    checkKeys(
        config.root(),
        subject,
        Set.of("table", "schema", "entity-id", "event-time", "event-id", "event-name", "derived",
            "filter", "ingest", "quality"));
    int before = problems.size();

    TableRef table = null;
    if (require(config, "table", subject)) {
      Config tableConfig = config.getConfig("table");
      checkKeys(tableConfig.root(), subject + " table", Set.of("format", "path", "name", "options"));
      String format = optionalString(tableConfig, "format", "delta").toLowerCase(Locale.ROOT);
      if (!FORMATS.contains(format)) {
        problem(origin(tableConfig, "format"), subject,
            "invalid table format '" + format + "'; expected one of delta, parquet, csv, table");
      }
      String location;
      if ("table".equals(format)) {
        location = require(tableConfig, "name", subject + " table") ? tableConfig.getString("name") : null;
      } else {
        location = require(tableConfig, "path", subject + " table") ? tableConfig.getString("path") : null;
      }
      table = new TableRef(format, location, stringMap(tableConfig, "options", subject + " table options"));
    }

    Map<String, String> schema = new LinkedHashMap<>();
    if (require(config, "schema", subject)) {
      ConfigObject schemaObject = config.getObject("schema");
      for (String column : schemaObject.keySet()) {
        ConfigValue type = schemaObject.get(column);
        if (!ID.matcher(column).matches()) {
          problem(origin(type.origin()), subject, "invalid column name '" + column + "'");
        } else if (RESERVED_COLUMNS.contains(column.toLowerCase(Locale.ROOT))) {
          problem(origin(type.origin()), subject, "column name '" + column + "' is reserved by Arbor; rename it");
        }
        if (type.valueType() != ConfigValueType.STRING) {
          problem(origin(type.origin()), subject,
              "invalid type of column " + column + "; write a Spark SQL type such as \"bigint\" or \"decimal(18,2)\"");
        } else {
          schema.put(column.toLowerCase(Locale.ROOT), String.valueOf(type.unwrapped()));
        }
      }
      if (schema.isEmpty()) {
        problem(origin(schemaObject.origin()), subject, "schema lists no column");
      }
    }

    Map<String, String> derived = stringMap(config, "derived", subject + " derived");
    Set<String> columns = new LinkedHashSet<>(schema.keySet());
    for (Map.Entry<String, String> entry : derived.entrySet()) {
      String name = entry.getKey().toLowerCase(Locale.ROOT);
      Origin where = origin(config.getObject("derived").get(entry.getKey()).origin());
      if (!ID.matcher(name).matches() || schema.containsKey(name)) {
        problem(where, subject, "invalid derived column '" + entry.getKey()
            + "': names must be identifiers and must not repeat a schema column");
      }
      checkExpression(entry.getValue(), columns, where, subject + ", derived column " + name);
      columns.add(name);
    }

    String entityId = columnRef(config, "entity-id", columns, subject, false);
    String eventTime = columnRef(config, "event-time", columns, subject, true);
    String eventId = columnRef(config, "event-id", columns, subject, false);
    String eventName = columnRef(config, "event-name", columns, subject, false);
    if (eventTime != null && schema.containsKey(eventTime)
        && !schema.get(eventTime).toLowerCase(Locale.ROOT).startsWith("timestamp")) {
      problem(origin(config, "event-time"), subject, "event-time column '" + eventTime
          + "' has type " + schema.get(eventTime) + "; it must be a timestamp");
    }
    String filter = optionalString(config, "filter", null);
    if (filter != null) {
      checkExpression(filter, columns, origin(config, "filter"), subject + " filter");
    }

    IngestSpec ingest = config.hasPath("ingest") ? readIngest(config.getConfig("ingest"), subject, schema, eventTime) : null;

    QualityRules quality = readQuality(config, qualityDefaults, subject, columns);

    if (problems.size() > before) {
      return null;
    }
    return new SourceDef(id, table, schema, entityId, eventTime, eventId, eventName, derived,
        filter, ingest, quality, origin(config.origin()));
  }

  private IngestSpec readIngest(Config config, String subject, Map<String, String> schema, String eventTime) {
    String where = subject + " ingest";
    checkKeys(config.root(), where,
        Set.of("path", "format", "options", "columns", "event-time-format", "event-time-zone"));
    String path = require(config, "path", where) ? config.getString("path") : null;
    String format = optionalString(config, "format", "csv").toLowerCase(Locale.ROOT);
    if (!Set.of("csv", "parquet").contains(format)) {
      problem(origin(config, "format"), where, "invalid format '" + format + "'; expected csv or parquet");
    }
    Map<String, String> columns = stringMap(config, "columns", where + " columns");
    for (String column : columns.keySet()) {
      if (!schema.containsKey(column.toLowerCase(Locale.ROOT))) {
        problem(origin(config.getObject("columns").get(column).origin()), where,
            "column '" + column + "' is not in the source schema " + schema.keySet());
      }
    }
    for (String column : schema.keySet()) {
      if (!columns.containsKey(column)) {
        problem(origin(config.origin()), where,
            "no expression for schema column '" + column + "'; add it under columns");
      }
    }
    String timeFormat = optionalString(config, "event-time-format", null);
    if (timeFormat != null) {
      try {
        DateTimeFormatter.ofPattern(timeFormat);
      } catch (IllegalArgumentException e) {
        problem(origin(config, "event-time-format"), where,
            "invalid event-time-format '" + timeFormat + "': " + e.getMessage());
      }
    }
    String zone = optionalString(config, "event-time-zone", "UTC");
    checkZone(zone, origin(config.hasPath("event-time-zone") ? config.getValue("event-time-zone").origin() : config.origin()), where);
    return new IngestSpec(path, format, stringMap(config, "options", where + " options"), columns, timeFormat, zone);
  }

  // ---------------------------------------------------------------- trees

  private TreeSettings readTreeSettings(String treeId, Config tree, Config defaults, double defaultTolerance) {
    String subject = "tree " + treeId;
    Config calendar = tree.hasPath("calendar")
        ? tree.getConfig("calendar").withFallback(defaults)
        : defaults;
    checkKeys(calendar.root(), subject + " calendar",
        Set.of("time-zone", "week-start", "fiscal-year-start-month", "grains"));
    int before = problems.size();

    String zoneText = calendar.getString("time-zone");
    ZoneId zone = checkZone(zoneText, origin(calendar, "time-zone"), subject);
    String weekText = calendar.getString("week-start");
    DayOfWeek weekStart = null;
    try {
      weekStart = DayOfWeek.valueOf(weekText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem(origin(calendar, "week-start"), subject,
          "invalid week-start '" + weekText + "'; expected a day name such as monday or sunday");
    }
    int fiscalStart = (int) readDouble(calendar, "fiscal-year-start-month", subject, 1, 12);
    List<Grain> grains = new ArrayList<>();
    for (String grainText : stringList(calendar, "grains", subject)) {
      Grain grain = Grain.fromKey(grainText);
      if (grain == null) {
        problem(origin(calendar, "grains"), subject,
            "invalid grain '" + grainText + "'; expected day, week, month or quarter");
      } else if (!grains.contains(grain)) {
        grains.add(grain);
      }
    }
    if (grains.isEmpty() && problems.size() == before) {
      problem(origin(calendar, "grains"), subject, "grains is empty; list at least one grain");
    }
    double tolerance = defaultTolerance;
    if (tree.hasPath("checks")) {
      checkKeys(tree.getConfig("checks").root(), subject + " checks", Set.of("formula-tolerance", "anomaly"));
      if (tree.hasPath("checks.formula-tolerance")) {
        tolerance = readDouble(tree.getConfig("checks"), "formula-tolerance", subject, 0.0, 1e9);
      }
    }
    PlanningSettings planning =
        tree.hasPath("planning") && expectObject(tree.getValue("planning"), subject + " planning")
            ? readPlanning(tree.getConfig("planning"), subject + " planning", grains)
            : null;
    if (problems.size() > before) {
      return null;
    }
    grains.sort(null);
    return new TreeSettings(
        new PeriodCalendar(zone, weekStart, fiscalStart), grains, tolerance, planning);
  }

  private PlanningSettings readPlanning(Config section, String subject, List<Grain> grains) {
    Config config = section.withFallback(planningDefaults);
    checkKeys(config.root(), subject,
        Set.of("bets", "annotations", "cycle", "forecast-grain", "interval-level",
            "annotation-window-days", "verdict"));
    int before = problems.size();
    String bets = ledgerLocation(config, "bets", subject);
    if (bets == null && problems.size() == before) {
      problem(origin(section.origin()), subject,
          "missing key 'bets'; set it to the bet ledger, e.g. bets = \"../data/bets/bets.csv\"");
    }
    String annotations = ledgerLocation(config, "annotations", subject);
    Grain cycle = planningGrain(config, "cycle", subject, grains);
    Grain forecastGrain = planningGrain(config, "forecast-grain", subject, grains);
    if (cycle != null && forecastGrain != null && forecastGrain.compareTo(cycle) > 0) {
      problem(origin(config, "forecast-grain"), subject, "invalid forecast-grain '"
          + forecastGrain.key() + "': it must not be longer than the cycle (" + cycle.key() + ")");
    }
    double level = readDouble(config, "interval-level", subject, 0.5, 0.999);
    int window = (int) readDouble(config, "annotation-window-days", subject, 0, 366);
    Config verdict = config.getConfig("verdict");
    checkKeys(verdict.root(), subject + " verdict",
        Set.of("validated-ratio", "partial-ratio", "indicator-min-change"));
    double validated = readDouble(verdict, "validated-ratio", subject + " verdict", 0.0, 10.0);
    double partial = readDouble(verdict, "partial-ratio", subject + " verdict", 0.0, 10.0);
    double indicator = readDouble(verdict, "indicator-min-change", subject + " verdict", 0.0, 10.0);
    if (partial > validated) {
      problem(origin(verdict, "partial-ratio"), subject + " verdict", "invalid partial-ratio "
          + partial + ": it must not exceed validated-ratio " + validated);
    }
    if (problems.size() > before) {
      return null;
    }
    return new PlanningSettings(bets, annotations, cycle, forecastGrain, level, window,
        new PlanningSettings.VerdictThresholds(validated, partial, indicator),
        origin(section.origin()));
  }

  /**
   * Resolves a ledger location against the top-level config's folder; checks that a local CSV
   * file exists. Returns null when the key is unset or blank.
   */
  private String ledgerLocation(Config config, String key, String subject) {
    String text = optionalString(config, key, "");
    if (text.isBlank()) {
      return null;
    }
    if (text.contains("://") || text.startsWith("/")) {
      return text;
    }
    Path path = baseDir.resolve(text).normalize();
    if (!Files.exists(path)) {
      problem(origin(config, key), subject, key + " '" + text + "' not found (resolved to "
          + path + "); paths are relative to the folder of the config file passed with --conf");
    }
    return path.toString();
  }

  private Grain planningGrain(Config config, String key, String subject, List<Grain> grains) {
    String text = optionalString(config, key, "");
    Grain grain = Grain.fromKey(text);
    if (grain == null || grain == Grain.DAY) {
      problem(origin(config, key), subject,
          "invalid " + key + " '" + text + "'; expected week, month or quarter");
      return null;
    }
    if (!grains.isEmpty() && !grains.contains(grain)) {
      problem(origin(config, key), subject, key + " '" + text
          + "' is not a grain of the tree; add it to calendar.grains " + grainKeys(grains));
      return null;
    }
    return grain;
  }

  private static List<String> grainKeys(List<Grain> grains) {
    return grains.stream().map(Grain::key).toList();
  }

  /** Reads a tree's slicing settings over the defaults of {@code arbor.slicing}; null on a problem. */
  private SlicingSettings readSlicing(String treeId, Config tree, Config defaults, Tree parsed) {
    String subject = "tree " + treeId + " slicing";
    if (tree.hasPath("slicing") && !expectObject(tree.getValue("slicing"), subject)) {
      return null;
    }
    Config slicing = tree.hasPath("slicing") ? tree.getConfig("slicing").withFallback(defaults) : defaults;
    int before = problems.size();
    checkKeys(slicing.root(), subject, Set.of("max-segments", "rank-by"));
    int maxSegments = readInt(slicing, "max-segments", subject, 1, 1000);
    String rankBy = slicing.getString("rank-by");
    if (!rankBy.equals(SlicingSettings.RANK_BY_EVENTS) && parsed != null) {
      Node node = parsed.nodes().get(rankBy);
      if (node == null) {
        problem(origin(slicing, "rank-by"), subject, "invalid rank-by '" + rankBy
            + "'; expected events or the id of a count or sum measure node" + suggestion(rankBy, parsed.nodes().keySet()));
      } else if (node.measure() == null || !node.measure().aggregation().isAdditive()) {
        problem(origin(slicing, "rank-by"), subject, "invalid rank-by '" + rankBy
            + "': segments are ranked by a total over the run's history, so the node must be a count or sum measure");
      }
    }
    return problems.size() > before ? null : new SlicingSettings(maxSegments, rankBy);
  }

  /** Reads a tree's anomaly settings over the defaults of {@code arbor.checks.anomaly}; null on a problem. */
  private AnomalySettings readAnomalies(String treeId, Config tree, Config checkDefaults) {
    String subject = "tree " + treeId + " checks.anomaly";
    Config defaults = checkDefaults.getConfig("anomaly");
    if (tree.hasPath("checks.anomaly") && !expectObject(tree.getValue("checks.anomaly"), subject)) {
      return null;
    }
    Config anomaly =
        tree.hasPath("checks.anomaly") ? tree.getConfig("checks.anomaly").withFallback(defaults) : defaults;
    int before = problems.size();
    checkKeys(anomaly.root(), subject, Set.of("window", "min-history", "threshold"));
    int window = readInt(anomaly, "window", subject, 2, 10_000);
    int minHistory = readInt(anomaly, "min-history", subject, 2, 10_000);
    double threshold = readDouble(anomaly, "threshold", subject, 0.0, 1e6);
    if (problems.size() == before && minHistory > window) {
      problem(origin(anomaly, "min-history"), subject, "invalid min-history " + minHistory
          + "; it cannot exceed window " + window);
    }
    return problems.size() > before ? null : new AnomalySettings(window, minHistory, threshold);
  }

  private Tree readTree(String treeId, Config config, Map<String, SourceDef> sources) {
    String subject = "tree " + treeId;
    checkKeys(config.root(), subject,
        Set.of("name", "north-star", "nodes", "links", "calendar", "checks", "dimensions", "slicing",
            "description", LINKS_SCORING, "planning"));
    int before = problems.size();

    Map<String, Node> nodes = new LinkedHashMap<>();
    if (require(config, "nodes", subject)) {
      ConfigObject nodesObject = config.getObject("nodes");
      for (String nodeId : nodesObject.keySet()) {
        ConfigValue value = nodesObject.get(nodeId);
        if (checkId(nodeId, value, subject + ", node")
            && expectObject(value, subject + ", node " + nodeId)
            && checkDefinedOnce(value, subject + ", node " + nodeId)) {
          Node node = readNode(treeId, nodeId, ((ConfigObject) value).toConfig(), sources);
          if (node != null) {
            nodes.put(nodeId, node);
          }
        }
      }
      if (nodesObject.isEmpty()) {
        problem(origin(nodesObject.origin()), subject, "nodes is empty");
      }
    }
    Set<String> ids = nodeIds(config);

    String northStar = null;
    if (require(config, "north-star", subject)) {
      northStar = config.getString("north-star");
      if (!ids.contains(northStar)) {
        problem(origin(config, "north-star"), subject,
            "north-star '" + northStar + "' is not a node of the tree" + suggestion(northStar, ids));
      }
    }

    // References are checked for every parsed formula, also of nodes with other problems, so that
    // one run of validate lists them all.
    Map<String, List<String>> references = new LinkedHashMap<>();
    ConfigObject nodeObjects = config.hasPath("nodes") ? config.getObject("nodes") : null;
    for (String nodeId : ids) {
      List<String> refs = parsedFormulaRefs.getOrDefault(treeId + "/" + nodeId, List.of());
      Origin where = nodeObjects == null ? origin(config.origin()) : origin(nodeObjects.get(nodeId).origin());
      for (String ref : refs) {
        if (!ids.contains(ref)) {
          problem(where, subject + ", node " + nodeId,
              "formula refers to unknown node '" + ref + "'" + suggestion(ref, ids));
        } else if (ref.equals(nodeId)) {
          problem(where, subject + ", node " + nodeId, "formula refers to the node itself");
        }
      }
      references.put(nodeId, refs);
    }
    TreeGraph.findCycle(references).ifPresent(cycle -> problem(
        origin(nodeObjects.get(cycle.get(0)).origin()), subject,
        "formulas form a cycle: " + String.join(" -> ", cycle)
            + "; a node must not depend on itself through other formulas"));

    List<Link> links = readLinks(config, subject, ids);
    for (Node node : nodes.values()) {
      for (String child : references.getOrDefault(node.id(), List.of())) {
        links.add(new Link(child, node.id(), LinkKind.DETERMINISTIC, ExpectedSign.ANY, 0, 0,
            node.formulaText(), node.origin()));
      }
    }
    for (Node node : nodes.values()) {
      links.add(new Link(node.owner(), node.id(), LinkKind.ORGANIZATIONAL, ExpectedSign.ANY, 0, 0,
          "owned by " + node.owner(), node.origin()));
    }

    List<String> dimensions = new ArrayList<>();
    for (String dimension : config.hasPath("dimensions") ? stringList(config, "dimensions", subject) : List.<String>of()) {
      dimensions.add(dimension.toLowerCase(Locale.ROOT));
    }
    for (String dimension : dimensions) {
      for (String sourceId : usedSources(nodes.values())) {
        SourceDef source = sources.get(sourceId);
        if (source != null && !source.schema().containsKey(dimension) && !source.derived().containsKey(dimension)) {
          problem(origin(config, "dimensions"), subject,
              "dimension '" + dimension + "' is not a column of source " + sourceId);
        }
      }
    }

    if (problems.size() > before) {
      return null;
    }
    String name = optionalString(config, "name", treeId);
    return new Tree(treeId, name, northStar, nodes, links, TreeGraph.evaluationOrder(nodes),
        dimensions, origin(config.origin()));
  }

  private static Set<String> nodeIds(Config tree) {
    return tree.hasPath("nodes") ? new LinkedHashSet<>(tree.getObject("nodes").keySet()) : Set.of();
  }

  private static Set<String> usedSources(Iterable<Node> nodes) {
    Set<String> used = new LinkedHashSet<>();
    for (Node node : nodes) {
      if (node.measure() != null) {
        used.add(node.measure().source());
      }
      if (node.lifecycle() != null) {
        used.add(node.lifecycle().source());
      }
    }
    return used;
  }

  private Node readNode(String treeId, String id, Config config, Map<String, SourceDef> sources) {
    String subject = "tree " + treeId + ", node " + id;
    checkKeys(config.root(), subject,
        Set.of("name", "unit", "owner", "description", "measure", "lifecycle", "formula"));
    int before = problems.size();
    Origin where = origin(config.origin());

    Unit unit = null;
    if (require(config, "unit", subject)) {
      unit = enumValue(Unit.class, config, "unit", subject);
    }
    String owner = null;
    if (require(config, "owner", subject)) {
      owner = config.getString("owner");
      if (owner.isBlank()) {
        problem(origin(config, "owner"), subject, "owner is blank; name the team that owns the node");
      }
    }
    Measure measure = config.hasPath("measure")
        ? readMeasure(config.getConfig("measure"), subject + " measure", sources, null) : null;
    Lifecycle lifecycle = config.hasPath("lifecycle")
        ? readLifecycle(config.getConfig("lifecycle"), subject, sources) : null;
    if (measure != null && lifecycle != null) {
      problem(where, subject, "has both measure and lifecycle; keep one");
    }

    String formulaText = optionalString(config, "formula", null);
    Expr formula = null;
    if (formulaText != null) {
      try {
        formula = FormulaParser.parse(formulaText);
        parsedFormulaRefs.put(treeId + "/" + id, new ArrayList<>(formula.references()));
      } catch (FormulaSyntaxException e) {
        problem(origin(config, "formula"), subject, "invalid formula \"" + formulaText + "\": "
            + e.reason() + " at position " + (e.position() + 1) + System.lineSeparator()
            + "      " + formulaText + System.lineSeparator()
            + "      " + " ".repeat(e.position()) + "^");
      }
    }
    if (!config.hasPath("measure") && !config.hasPath("lifecycle") && formulaText == null) {
      problem(where, subject, "has no value: add a measure, a lifecycle or a formula");
    }
    if (problems.size() > before) {
      return null;
    }
    return new Node(id, optionalString(config, "name", id), unit, owner,
        optionalString(config, "description", ""), measure, lifecycle, formulaText, formula, where);
  }

  private Measure readMeasure(Config config, String subject, Map<String, SourceDef> sources, Measure parent) {
    checkKeys(config.root(), subject,
        Set.of("source", "agg", "column", "expr", "filter", "numerator", "denominator"));
    int before = problems.size();
    String sourceId = parent != null && !config.hasPath("source")
        ? parent.source()
        : (require(config, "source", subject) ? config.getString("source") : null);
    SourceDef source = sourceId == null ? null : sources.get(sourceId);
    if (sourceId != null && source == null && !invalidSources.contains(sourceId)) {
      problem(origin(config, parent != null && !config.hasPath("source") ? "agg" : "source"), subject,
          "unknown source '" + sourceId + "'" + suggestion(sourceId, sources.keySet()));
    }
    Aggregation aggregation = require(config, "agg", subject) ? enumValue(Aggregation.class, config, "agg", subject) : null;
    if (config.hasPath("column") && config.hasPath("expr")) {
      problem(origin(config, "expr"), subject, "has both column and expr; keep one");
    }
    String expression = config.hasPath("column") ? config.getString("column") : optionalString(config, "expr", null);
    String filter = optionalString(config, "filter", null);
    Set<String> columns = source == null ? null : columnsOf(source);
    if (expression != null && columns != null) {
      checkExpression(expression, columns, origin(config, config.hasPath("column") ? "column" : "expr"), subject);
    }
    if (filter != null && columns != null) {
      checkExpression(filter, columns, origin(config, "filter"), subject + " filter");
    }
    Measure numerator = null;
    Measure denominator = null;
    if (aggregation != null) {
      switch (aggregation) {
        case COUNT -> {
          if (expression != null) {
            problem(origin(config.origin()), subject, "agg count takes no column; use count_distinct to count values");
          }
        }
        case COUNT_DISTINCT, APPROX_COUNT_DISTINCT, SUM, AVG -> {
          if (expression == null) {
            problem(origin(config.origin()), subject,
                "agg " + aggregation.name().toLowerCase(Locale.ROOT) + " needs a column or expr");
          }
        }
        case RATIO -> {
          if (parent != null) {
            problem(origin(config.origin()), subject, "a ratio's numerator or denominator cannot be a ratio");
          } else if (expression != null) {
            problem(origin(config.origin()), subject, "agg ratio takes numerator and denominator, not a column");
          } else {
            Measure self = Measure.simple(sourceId, aggregation, null, filter);
            numerator = require(config, "numerator", subject)
                ? readMeasure(config.getConfig("numerator"), subject + " numerator", sources, self) : null;
            denominator = require(config, "denominator", subject)
                ? readMeasure(config.getConfig("denominator"), subject + " denominator", sources, self) : null;
          }
        }
      }
      if (aggregation != Aggregation.RATIO && (config.hasPath("numerator") || config.hasPath("denominator"))) {
        problem(origin(config.origin()), subject, "numerator and denominator need agg = ratio");
      }
    }
    if (problems.size() > before) {
      return null;
    }
    String combinedFilter = parent == null ? filter : andFilters(parent.filter(), filter);
    return new Measure(sourceId, aggregation, expression, combinedFilter, numerator, denominator);
  }

  private static String andFilters(String a, String b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : "(" + a + ") AND (" + b + ")";
  }

  private Lifecycle readLifecycle(Config config, String subject, Map<String, SourceDef> sources) {
    String where = subject + " lifecycle";
    checkKeys(config.root(), where, Set.of("source", "kind", "filter"));
    int before = problems.size();
    String sourceId = require(config, "source", where) ? config.getString("source") : null;
    SourceDef source = sourceId == null ? null : sources.get(sourceId);
    if (sourceId != null && source == null && !invalidSources.contains(sourceId)) {
      problem(origin(config, "source"), where, "unknown source '" + sourceId + "'" + suggestion(sourceId, sources.keySet()));
    }
    if (source != null && source.entityId() == null) {
      problem(origin(config, "source"), where,
          "source " + sourceId + " has no entity-id column; set entity-id on the source to count entities");
    }
    LifecycleKind kind = require(config, "kind", where) ? enumValue(LifecycleKind.class, config, "kind", where) : null;
    String filter = optionalString(config, "filter", null);
    if (filter != null && source != null) {
      checkExpression(filter, columnsOf(source), origin(config, "filter"), where + " filter");
    }
    return problems.size() > before ? null : new Lifecycle(sourceId, kind, filter);
  }

  private List<Link> readLinks(Config config, String subject, Set<String> ids) {
    List<Link> links = new ArrayList<>();
    if (!config.hasPath("links")) {
      return links;
    }
    List<? extends ConfigObject> list;
    try {
      list = config.getObjectList("links");
    } catch (ConfigException.WrongType e) {
      problem(origin(config, "links"), subject, "links must be a list of objects such as { from = a, to = b, kind = hypothesis }");
      return links;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (ConfigObject object : list) {
      Config link = object.toConfig();
      Origin where = origin(object.origin());
      checkKeys(object, subject + " link", Set.of("from", "to", "kind", "expected-sign", "lag", "description",
          "controls", "include-lagged-target", "transform"));
      int before = problems.size();
      String from = require(link, "from", subject + " link") ? link.getString("from") : null;
      String to = require(link, "to", subject + " link") ? link.getString("to") : null;
      String linkSubject = subject + ", link " + from + " -> " + to;
      LinkKind kind = link.hasPath("kind") ? enumValue(LinkKind.class, link, "kind", linkSubject) : LinkKind.HYPOTHESIS;
      if (kind == LinkKind.DETERMINISTIC) {
        problem(origin(link, "kind"), linkSubject,
            "deterministic links come from formulas; write the formula on node '" + to + "' instead");
      }
      if (kind == LinkKind.ORGANIZATIONAL) {
        problem(origin(link, "kind"), linkSubject,
            "organizational links come from each node's owner; set owner on node '" + to + "' instead");
      }
      if (from != null && !ids.contains(from)) {
        problem(origin(link, "from"), linkSubject, "unknown node '" + from + "'" + suggestion(from, ids));
      }
      if (to != null && !ids.contains(to)) {
        problem(origin(link, "to"), linkSubject, "unknown node '" + to + "'" + suggestion(to, ids));
      }
      if (from != null && from.equals(to)) {
        problem(where, linkSubject, "a link must join two different nodes");
      }
      ExpectedSign sign = link.hasPath("expected-sign")
          ? enumValue(ExpectedSign.class, link, "expected-sign", linkSubject) : ExpectedSign.ANY;
      int lagMin = 0;
      int lagMax = 0;
      if (link.hasPath("lag")) {
        String lagText = String.valueOf(link.getValue("lag").unwrapped());
        Matcher matcher = LAG.matcher(lagText);
        if (!matcher.matches()) {
          problem(origin(link, "lag"), linkSubject, "invalid lag '" + lagText + "'; write a number of periods such as 1, or a range such as \"0..2\"");
        } else {
          lagMin = Integer.parseInt(matcher.group(1));
          lagMax = matcher.group(2) == null ? lagMin : Integer.parseInt(matcher.group(2));
          if (lagMax < lagMin || lagMax > 52) {
            problem(origin(link, "lag"), linkSubject, "invalid lag '" + lagText + "'; the range must be increasing and at most 52 periods");
          }
        }
      }
      if (from != null && to != null && !seen.add(from + "->" + to)) {
        problem(where, linkSubject, "duplicate link; each pair of nodes may be linked once");
      }
      if (problems.size() == before) {
        links.add(new Link(from, to, kind, sign, lagMin, lagMax, optionalString(link, "description", ""), where));
      }
    }
    return links;
  }

  // ---------------------------------------------------------------- link scoring

  /**
   * Reads a tree's links-scoring section over the defaults of arbor.links-scoring, and the
   * scoring options written on its links (controls, include-lagged-target, transform). Returns
   * null after recording problems.
   */
  private LinkScoringSettings readLinkScoring(
      String treeId, Config tree, Config arbor, Tree parsed, TreeSettings treeSettings) {
    String subject = "tree " + treeId + " " + LINKS_SCORING;
    if (!expectObject(arbor.getValue(LINKS_SCORING), "arbor " + LINKS_SCORING)
        || (tree.hasPath(LINKS_SCORING) && !expectObject(tree.getValue(LINKS_SCORING), subject))) {
      return null;
    }
    Config defaults = arbor.getConfig(LINKS_SCORING);
    Config config = tree.hasPath(LINKS_SCORING)
        ? tree.getConfig(LINKS_SCORING).withFallback(defaults)
        : defaults;
    Set<String> keys = Set.of("enabled", "grains", "window", "transform", "min-points",
        "q-threshold", "validate-after", "weaken-after", "hardening-min-r-squared",
        "hardening-min-sign-stability", "confidence-level", "sign-stability-windows", "trend-on-levels",
        "full-credit-q-value", "half-credit-points", "include-lagged-target");
    checkKeys(config.root(), subject, keys);
    int before = problems.size();
    // A key set to null hides its default, and the readers below need every key.
    for (String key : new java.util.TreeSet<>(keys)) {
      require(config, key, subject);
    }
    if (problems.size() > before) {
      return null;
    }

    boolean enabled = readBoolean(config, "enabled", subject);
    int window = readInt(config, "window", subject, 3, 10_000);
    int minPoints = readInt(config, "min-points", subject, 3, 10_000);
    if (window < minPoints && problems.size() == before) {
      problem(origin(config, "window"), subject, "window " + window + " is smaller than min-points "
          + minPoints + ", so no link could ever be fitted; raise window or lower min-points");
    }
    SeriesTransform transform = enumValue(SeriesTransform.class, config, "transform", subject);
    double qThreshold = readOpenUnitInterval(config, "q-threshold", subject);
    int validateAfter = readInt(config, "validate-after", subject, 1, 10_000);
    int weakenAfter = readInt(config, "weaken-after", subject, 1, 10_000);
    double hardeningRSquared = readDouble(config, "hardening-min-r-squared", subject, 0.0, 1.0);
    double hardeningStability = readDouble(config, "hardening-min-sign-stability", subject, 0.0, 1.0);
    double confidenceLevel = readOpenUnitInterval(config, "confidence-level", subject);
    int stabilityWindows = readInt(config, "sign-stability-windows", subject, 2, 1_000);
    boolean trendOnLevels = readBoolean(config, "trend-on-levels", subject);
    double fullCreditQ = readOpenUnitInterval(config, "full-credit-q-value", subject);
    int halfCreditPoints = readInt(config, "half-credit-points", subject, 1, 10_000);
    boolean laggedTarget = readBoolean(config, "include-lagged-target", subject);

    boolean hasHypotheses = parsed != null && !parsed.linksOfKind(LinkKind.HYPOTHESIS).isEmpty();
    // A default grain that the tree does not compute gives way to the tree's finest grain above
    // a day. A grain that the tree lists itself must be computed.
    boolean ownGrains = tree.hasPath(LINKS_SCORING + ".grains");
    List<Grain> grains = new ArrayList<>();
    for (String grainText : stringList(config, "grains", subject)) {
      Grain grain = Grain.fromKey(grainText);
      if (grain == null) {
        problem(origin(config, "grains"), subject,
            "invalid grain '" + grainText + "'; expected day, week, month or quarter");
      } else if (!ownGrains && treeSettings != null && !treeSettings.grains().isEmpty()
          && !treeSettings.grains().contains(grain)) {
        Grain fallback = treeSettings.grains().stream()
            .filter(g -> g != Grain.DAY).sorted().findFirst().orElse(Grain.DAY);
        if (!grains.contains(fallback)) {
          grains.add(fallback);
        }
      } else if (enabled && hasHypotheses && treeSettings != null
          && !treeSettings.grains().contains(grain)) {
        problem(origin(config, "grains"), subject, "grain '" + grainText
            + "' is not computed for the tree (calendar grains "
            + treeSettings.grains().stream().map(Grain::key).toList()
            + "); add it to calendar.grains or remove it from " + LINKS_SCORING + ".grains");
      } else if (!grains.contains(grain)) {
        grains.add(grain);
      }
    }
    if (grains.isEmpty() && enabled && problems.size() == before) {
      problem(origin(config, "grains"), subject,
          "grains is empty; list at least one grain, or set enabled = false");
    }

    Map<String, LinkScoringSettings.LinkOptions> options =
        readLinkOptions(treeId, tree, parsed, laggedTarget, transform);
    if (problems.size() > before || transform == null) {
      return null;
    }
    grains.sort(null);
    LinkScoringSettings settings = new LinkScoringSettings(enabled, grains, window, transform,
        minPoints, qThreshold, validateAfter, weakenAfter, hardeningRSquared, hardeningStability,
        confidenceLevel, stabilityWindows, trendOnLevels, fullCreditQ, halfCreditPoints, laggedTarget,
        options);
    if (enabled && parsed != null) {
      checkLagsFitWindow(treeId, parsed, settings);
    }
    return problems.size() > before ? null : settings;
  }

  /** Reads controls, include-lagged-target and transform from each hypothesis link of the tree. */
  private Map<String, LinkScoringSettings.LinkOptions> readLinkOptions(
      String treeId, Config tree, Tree parsed, boolean defaultLaggedTarget,
      SeriesTransform defaultTransform) {
    Map<String, LinkScoringSettings.LinkOptions> options = new LinkedHashMap<>();
    if (parsed == null || !tree.hasPath("links")) {
      return options;
    }
    Set<String> ids = parsed.nodes().keySet();
    for (ConfigObject object : tree.getObjectList("links")) {
      Config link = object.toConfig();
      if (!link.hasPath("controls") && !link.hasPath("include-lagged-target")
          && !link.hasPath("transform")) {
        continue;
      }
      String from = link.getString("from");
      String to = link.getString("to");
      String subject = "tree " + treeId + ", link " + from + " -> " + to;
      List<String> controls = new ArrayList<>();
      if (link.hasPath("controls")) {
        for (String control : stringList(link, "controls", subject)) {
          if (!ids.contains(control)) {
            problem(origin(link, "controls"), subject,
                "unknown control node '" + control + "'" + suggestion(control, ids));
          } else if (control.equals(from) || control.equals(to)) {
            problem(origin(link, "controls"), subject, "control '" + control
                + "' is an end of the link; controls are other nodes that move both ends");
          } else if (controls.contains(control)) {
            problem(origin(link, "controls"), subject, "control '" + control + "' is listed twice");
          } else {
            controls.add(control);
          }
        }
      }
      boolean laggedTarget = link.hasPath("include-lagged-target")
          ? readBoolean(link, "include-lagged-target", subject)
          : defaultLaggedTarget;
      SeriesTransform transform = link.hasPath("transform")
          ? enumValue(SeriesTransform.class, link, "transform", subject)
          : defaultTransform;
      if (transform != null) {
        options.put(from + "->" + to,
            new LinkScoringSettings.LinkOptions(controls, laggedTarget, transform));
      }
    }
    return options;
  }

  /**
   * Checks that every hypothesis link can reach min-points aligned points at its smallest lag,
   * because a window too short for the lag would report insufficient data at every run.
   */
  private void checkLagsFitWindow(String treeId, Tree tree, LinkScoringSettings settings) {
    for (Link link : tree.linksOfKind(LinkKind.HYPOTHESIS)) {
      LinkScoringSettings.LinkOptions options = settings.options(link);
      int lost = link.lagMin()
          + (options.transform() == SeriesTransform.LEVELS ? 0 : 1)
          + (options.includeLaggedTarget() ? 1 : 0);
      int reachable = settings.window() - lost;
      if (reachable < settings.minPoints()) {
        problem(link.origin(), "tree " + treeId + ", link " + link.from() + " -> " + link.to(),
            "lag " + link.lagMin() + " leaves at most " + reachable + " aligned points in a "
                + LINKS_SCORING + " window of " + settings.window() + " periods (transform "
                + options.transform().name().toLowerCase(Locale.ROOT) + "), below min-points "
                + settings.minPoints() + "; shorten the lag or raise " + LINKS_SCORING + ".window");
      }
    }
  }

  private int readInt(Config config, String key, String subject, int min, int max) {
    ConfigValue value = config.getValue(key);
    Object raw = value.unwrapped();
    if (!(raw instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      problem(origin(value.origin()), subject,
          "invalid " + key + " '" + raw + "'; expected a whole number from " + min + " to " + max);
      return min;
    }
    long whole = number.longValue();
    if (whole < min || whole > max) {
      problem(origin(value.origin()), subject,
          "invalid " + key + " " + whole + "; expected " + min + " to " + max);
      return min;
    }
    return (int) whole;
  }

  private double readOpenUnitInterval(Config config, String key, String subject) {
    ConfigValue value = config.getValue(key);
    Object raw = value.unwrapped();
    if (!(raw instanceof Number number)
        || !(number.doubleValue() > 0.0 && number.doubleValue() < 1.0)) {
      problem(origin(value.origin()), subject,
          "invalid " + key + " '" + raw + "'; expected a number strictly between 0 and 1");
      return 0.5;
    }
    return number.doubleValue();
  }

  private boolean readBoolean(Config config, String key, String subject) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException.WrongType e) {
      problem(origin(config, key), subject,
          "invalid " + key + " '" + config.getValue(key).unwrapped() + "'; expected true or false");
      return false;
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Set<String> columnsOf(SourceDef source) {
    Set<String> columns = new LinkedHashSet<>(source.schema().keySet());
    source.derived().keySet().forEach(c -> columns.add(c.toLowerCase(Locale.ROOT)));
    return columns;
  }

  private void checkExpression(String sql, Set<String> columns, Origin where, String subject) {
    try {
      for (String column : SqlExpressions.columnReferences(sql)) {
        if (!columns.contains(column)) {
          problem(where, subject, "unknown column '" + column + "' in \"" + sql + "\"" + suggestion(column, columns));
        }
      }
    } catch (SqlExpressions.InvalidExpressionException e) {
      problem(where, subject, "invalid Spark SQL \"" + sql + "\": " + e.getMessage());
    }
  }

  private String columnRef(Config config, String key, Set<String> columns, String subject, boolean required) {
    if (!config.hasPath(key)) {
      if (required) {
        problem(origin(config.origin()), subject, "missing key '" + key + "'");
      }
      return null;
    }
    String column = config.getString(key).toLowerCase(Locale.ROOT);
    if (!columns.contains(column)) {
      problem(origin(config, key), subject, key + " '" + column + "' is not a column of the source" + suggestion(column, columns));
      return null;
    }
    return column;
  }

  private ZoneId checkZone(String zone, Origin where, String subject) {
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      problem(where, subject, "invalid time zone '" + zone + "'; use a region id such as UTC or Europe/London");
      return null;
    }
  }

  private <E extends Enum<E>> E enumValue(Class<E> type, Config config, String key, String subject) {
    String text = String.valueOf(config.getValue(key).unwrapped());
    String normalized = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(normalized)) {
        return constant;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      allowed.add(constant.name().toLowerCase(Locale.ROOT));
    }
    problem(origin(config, key), subject, "invalid " + key + " '" + text + "'; expected one of " + String.join(", ", allowed));
    return null;
  }

  private double readDouble(Config config, String key, String subject, double min, double max) {
    try {
      double value = config.getDouble(key);
      if (value < min || value > max || Double.isNaN(value)) {
        problem(origin(config, key), subject, "invalid " + key + " " + value + "; expected " + min + " to " + max);
      }
      return value;
    } catch (ConfigException.WrongType e) {
      problem(origin(config, key), subject, "invalid " + key + " '" + config.getValue(key).unwrapped() + "'; expected a number");
      return min;
    }
  }

  private java.time.Duration readDuration(Config config, String key, String subject) {
    try {
      java.time.Duration value = config.getDuration(key);
      if (value.isNegative()) {
        problem(origin(config, key), subject, "invalid " + key + " " + value + "; expected a duration of 0 or more");
      }
      return value;
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      problem(origin(config, key), subject, "invalid " + key + " '" + config.getValue(key).unwrapped()
          + "'; expected a duration such as 30s, 10m or 1d");
      return java.time.Duration.ZERO;
    }
  }

  private List<String> stringList(Config config, String key, String subject) {
    try {
      return config.getStringList(key);
    } catch (ConfigException.WrongType e) {
      problem(origin(config, key), subject, key + " must be a list such as [day, week]");
      return List.of();
    }
  }

  private Map<String, String> stringMap(Config config, String key, String subject) {
    Map<String, String> map = new LinkedHashMap<>();
    if (!config.hasPath(key)) {
      return map;
    }
    ConfigValue value = config.getValue(key);
    if (value.valueType() != ConfigValueType.OBJECT) {
      problem(origin(value.origin()), subject, key + " must be an object of names to strings");
      return map;
    }
    ConfigObject object = (ConfigObject) value;
    for (String name : object.keySet()) {
      ConfigValue entry = object.get(name);
      if (entry.valueType() == ConfigValueType.OBJECT || entry.valueType() == ConfigValueType.LIST) {
        problem(origin(entry.origin()), subject, "value of '" + name + "' must be a string");
      } else if (entry.valueType() != ConfigValueType.NULL) {
        map.put(name, String.valueOf(entry.unwrapped()));
      }
    }
    return map;
  }

  private String optionalString(Config config, String key, String fallback) {
    if (!config.hasPath(key)) {
      return fallback;
    }
    ConfigValue value = config.getValue(key);
    if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
      problem(origin(value.origin()), "key " + key, "must be a string");
      return fallback;
    }
    return String.valueOf(value.unwrapped());
  }

  private boolean require(Config config, String key, String subject) {
    if (!config.hasPath(key)) {
      problem(origin(config.origin()), subject, "missing key '" + key + "'");
      return false;
    }
    return true;
  }

  private boolean checkId(String id, ConfigValue value, String kind) {
    if (!ID.matcher(id).matches()) {
      problem(origin(value.origin()), kind, "invalid id '" + id
          + "'; ids start with a letter or underscore and contain only letters, digits and underscores");
      return false;
    }
    return true;
  }

  /**
   * Rejects an id defined twice. HOCON merges objects that share a key, so a node id written
   * twice would silently combine two definitions. The merged value's origin shows the merge.
   */
  private boolean checkDefinedOnce(ConfigValue value, String subject) {
    String description = value.origin().description();
    // A merged object's origin is "merge of ..." across files, or a line range "file: 18-19"
    // within one file; an object written once has a single start line.
    if (description != null
        && (description.startsWith("merge of") || description.matches(".*:\\s*\\d+-\\d+$"))) {
      problem(origin(value.origin()), subject, "duplicate id: defined more than once ("
          + description.replace("merge of ", "") + "); give each definition its own id");
      return false;
    }
    return true;
  }

  private boolean expectObject(ConfigValue value, String subject) {
    if (value.valueType() != ConfigValueType.OBJECT) {
      problem(origin(value.origin()), subject, "must be an object { ... }, not " + value.valueType().name().toLowerCase(Locale.ROOT));
      return false;
    }
    return true;
  }

  private void checkKeys(ConfigObject object, String subject, Set<String> allowed) {
    for (String key : object.keySet()) {
      if (!allowed.contains(key)) {
        problem(origin(object.get(key).origin()), subject,
            "unknown key '" + key + "'" + suggestion(key, allowed) + " (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
      }
    }
  }

  private void problem(Origin where, String subject, String message) {
    problems.add(new ConfigProblem(where, subject, message));
  }

  private static Origin origin(Config config, String key) {
    return origin(config.hasPath(key) ? config.getValue(key).origin() : config.origin());
  }

  private static Origin origin(ConfigOrigin origin) {
    if (origin == null) {
      return Origin.UNKNOWN;
    }
    String file = origin.filename() != null ? displayPath(origin.filename()) : origin.description();
    return new Origin(file, origin.lineNumber());
  }

  private static String displayPath(String filename) {
    Path path = Path.of(filename).toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
  }

  private static String stripOrigin(String message) {
    int colon = message.indexOf(": ");
    return colon > 0 && message.substring(0, colon).matches(".*:\\s*\\d+") ? message.substring(colon + 2) : message;
  }

  /** Returns " (did you mean 'x'?)" for the closest known name within edit distance 2. */
  static String suggestion(String name, Set<String> known) {
    Optional<String> best = known.stream()
        .filter(k -> editDistance(k.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT)) <= 2)
        .min((a, b) -> editDistance(a, name) - editDistance(b, name));
    return best.map(b -> " (did you mean '" + b + "'?)").orElse("");
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

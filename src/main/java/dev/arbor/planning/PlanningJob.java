package dev.arbor.planning;

import static org.apache.spark.sql.functions.col;

import dev.arbor.compute.NodeValuesComputer;
import dev.arbor.config.PlanningSettings;
import dev.arbor.config.TreeSettings;
import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.store.OutputCommitter;
import dev.arbor.store.TableLocator;
import dev.arbor.tree.Link;
import dev.arbor.tree.Tree;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planning step of one tree: loads the bet ledger and annotations, forecasts each cycle,
 * ranks bets, compares forecasts with actuals and judges concluded bets. Every output is staged
 * in the caller's {@link OutputCommitter}, so planning commits together with the rest of the run
 * or not at all.
 */
public final class PlanningJob {
  private static final Logger LOG = LoggerFactory.getLogger(PlanningJob.class);

  /**
   * An explicit re-plan: the cycle starting {@code cycleStart} gets a new forecast version.
   *
   * @param reason why, stored in forecasts.plan_reason
   */
  public record Replan(LocalDate cycleStart, String reason) {}

  /** Rows staged per table, and the warnings to record with the run. */
  public record Result(Map<String, Long> rowsStaged, List<String> warnings) {}

  private final SparkSession spark;
  private final TableLocator locator;

  public PlanningJob(SparkSession spark, TableLocator locator) {
    this.spark = spark;
    this.locator = locator;
  }

  /**
   * Computes and stages the planning tables of {@code tree}.
   *
   * @param nodeValues node_values as they will be after the run commits (any grain; totals and
   *     segments)
   * @param replan a re-plan to apply, or null
   */
  public Result stage(Tree tree, TreeSettings settings, LocalDate asOf, Dataset<Row> nodeValues,
      OutputCommitter committer, String runId, Replan replan) {
    PlanningSettings planning = settings.planning();
    if (planning == null) {
      throw new IllegalArgumentException("Tree " + tree.id() + " has no planning section");
    }
    long started = System.nanoTime();
    List<String> warnings = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    PeriodCalendar calendar = settings.calendar();
    PlanningContext context = new PlanningContext(tree, planning, calendar, asOf, runId, now);

    List<Bet> bets = loadBets(context, warnings);
    List<Annotation> annotations = loadAnnotations(context, warnings);
    Map<String, Long> staged = new LinkedHashMap<>();
    String treePredicate = "tree_id = '" + tree.id() + "'";
    staged.put("bets", stageHistory(committer, "bets", treePredicate,
        LedgerRows.bets(context, bets), now));
    if (planning.annotations() != null) {
      staged.put("annotations", stageHistory(committer, "annotations", treePredicate,
          LedgerRows.annotations(context, annotations), now));
    }

    NodeSeries series = collectSeries(nodeValues, tree, planning.forecastGrain(), calendar);
    LinkScores scores = LinkScores.read(committer, tree, planning.forecastGrain());
    if (scores.note() != null) {
      warnings.add("Tree " + tree.id() + ": " + scores.note());
    }
    TreeImpact impact = new TreeImpact(tree, scores.byLink());
    for (Link link : impact.loopLinks()) {
      warnings.add("Link " + link.id() + " closes a loop with the formulas of tree " + tree.id()
          + "; planning does not propagate changes through it");
    }
    context.attach(bets, annotations, series, impact);
    LOG.info("Planning inputs of tree {}: {} bets ({} rejected), {} annotations, {} {} periods, "
            + "{} scored links", tree.id(), bets.size(), bets.stream().filter(Bet::isRejected).count(),
        annotations.size(), series.periodCount(), planning.forecastGrain().key(), scores.byLink().size());

    ForecastStep forecasts = new ForecastStep(spark, locator, context);
    forecasts.run(replan, warnings);
    if (forecasts.rowsToWrite() != null) {
      staged.put("forecasts", committer.stage("forecasts", forecasts.rowsToWrite(),
          new OutputCommitter.ReplaceWhere(forecasts.replacePredicate())));
    }

    EvaluationStep evaluation = new EvaluationStep(context, scores, forecasts);
    Map<String, List<Row>> tables = evaluation.run();
    for (Map.Entry<String, List<Row>> table : tables.entrySet()) {
      staged.put(table.getKey(), committer.stage(table.getKey(),
          PlanningTables.frame(spark, table.getKey(), table.getValue()),
          new OutputCommitter.ReplaceWhere(treePredicate)));
    }
    LOG.info("Planning of tree {} staged {} in {} ms", tree.id(), staged,
        (System.nanoTime() - started) / 1_000_000);
    return new Result(staged, warnings);
  }

  private List<Bet> loadBets(PlanningContext context, List<String> warnings) {
    List<LedgerRow> rows = LedgerReader.read(spark, context.planning().bets(),
        BetLedger.REQUIRED_COLUMNS, BetLedger.OPTIONAL_COLUMNS, warnings);
    List<Bet> bets = BetLedger.validate(rows, context.tree(), context.calendar(),
        context.planning().cycle());
    for (Bet bet : bets) {
      if (bet.isRejected()) {
        warnings.add("Bet ledger " + bet.row().where() + ": bet "
            + (bet.id().isEmpty() ? "without id" : "'" + bet.id() + "'") + " rejected: "
            + String.join("; ", bet.problems()));
      }
    }
    return bets;
  }

  private List<Annotation> loadAnnotations(PlanningContext context, List<String> warnings) {
    if (context.planning().annotations() == null) {
      return List.of();
    }
    List<LedgerRow> rows = LedgerReader.read(spark, context.planning().annotations(),
        Annotation.REQUIRED_COLUMNS, Annotation.OPTIONAL_COLUMNS, warnings);
    List<Annotation> annotations = Annotation.validate(rows, context.tree().nodes().keySet());
    for (Annotation annotation : annotations) {
      if (annotation.isRejected()) {
        warnings.add("Annotation ledger " + annotation.row().where() + ": annotation rejected: "
            + String.join("; ", annotation.problems()));
      }
    }
    return annotations;
  }

  private long stageHistory(OutputCommitter committer, String table, String predicate,
      List<Row> loaded, Timestamp now) {
    List<Row> stored = locator.exists(table)
        ? locator.read(table).where(predicate).collectAsList()
        : List.of();
    List<Row> merged = LedgerHistory.merge(PlanningTables.schema(table), stored, loaded, now);
    return committer.stage(table, PlanningTables.frame(spark, table, merged),
        new OutputCommitter.ReplaceWhere(predicate));
  }

  /** Collects the tree's totals at {@code grain}: one small series per node. */
  static NodeSeries collectSeries(Dataset<Row> nodeValues, Tree tree, Grain grain, PeriodCalendar calendar) {
    List<Row> rows =
        nodeValues
            .where(col("tree_id").equalTo(tree.id())
                .and(col("grain").equalTo(grain.key()))
                .and(col("dimension").equalTo(NodeValuesComputer.ALL))
                .and(col("segment").equalTo(NodeValuesComputer.ALL)))
            .select("node_id", "period_start", "period_end", "value", "is_complete")
            .collectAsList();
    NodeSeries series = new NodeSeries(grain, calendar);
    for (Row row : rows) {
      if (!tree.nodes().containsKey(row.getString(0))) {
        continue;
      }
      Period period = new Period(grain, row.getDate(1).toLocalDate(), row.getDate(2).toLocalDate());
      series.put(row.getString(0), period, row.isNullAt(3) ? null : row.getDouble(3), row.getBoolean(4));
    }
    return series;
  }

  /** Returns the SHA-256 of the values, hex encoded. */
  static String hash(List<?> values) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Object value : values) {
        digest.update(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Returns the cycles to plan: those of accepted bets and the one containing the as-of date. */
  static TreeMap<LocalDate, Cycle> cycles(PlanningContext context) {
    TreeMap<LocalDate, Cycle> cycles = new TreeMap<>();
    for (Bet bet : context.bets()) {
      if (!bet.isRejected()) {
        cycles.put(bet.cycle().start(), bet.cycle());
      }
    }
    Cycle current = Cycle.containing(context.calendar(), context.planning().cycle(), context.asOf());
    cycles.put(current.start(), current);
    return cycles;
  }
}

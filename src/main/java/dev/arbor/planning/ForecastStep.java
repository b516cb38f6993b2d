package dev.arbor.planning;

import static org.apache.spark.sql.functions.col;

import dev.arbor.store.TableLocator;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, per cycle, whether to write a forecast and which version is current.
 *
 * <ul>
 *   <li>No stored forecast: version 1 is written.
 *   <li>A stored version that is not frozen (its cycle had not started when it was written): it is
 *       rewritten with the same version number, frozen if the cycle has now started.
 *   <li>A frozen version: kept as it is, whatever changed in the data or the ledger.
 *   <li>An explicit re-plan of the cycle: a new version, one above the highest stored.
 * </ul>
 *
 * Every version is computed from the periods before the cycle starts, never from data inside it.
 */
final class ForecastStep {
  private static final Logger LOG = LoggerFactory.getLogger(ForecastStep.class);

  /** One node and period of a cycle's current forecast. */
  record ForecastValue(String nodeId, LocalDate periodStart, LocalDate periodEnd, Double forecast,
      Double low, Double high) {}

  /** The current forecast of a cycle. */
  record CurrentForecast(Cycle cycle, int version, List<ForecastValue> values) {}

  private final SparkSession spark;
  private final TableLocator locator;
  private final PlanningContext context;
  private final Map<LocalDate, CurrentForecast> current = new TreeMap<>();
  private final Map<LocalDate, CycleForecaster.Result> computed = new HashMap<>();
  private Dataset<Row> rowsToWrite;
  private String replacePredicate;

  ForecastStep(SparkSession spark, TableLocator locator, PlanningContext context) {
    this.spark = spark;
    this.locator = locator;
    this.context = context;
  }

  void run(PlanningJob.Replan replan, List<String> warnings) {
    TreeMap<LocalDate, Cycle> cycles = PlanningJob.cycles(context);
    if (replan != null) {
      Cycle cycle = Cycle.containing(context.calendar(), context.planning().cycle(), replan.cycleStart());
      if (!cycle.start().equals(replan.cycleStart())) {
        throw new IllegalArgumentException("Invalid re-plan cycle " + replan.cycleStart()
            + ": not the first day of a " + context.planning().cycle().key() + "; the one containing it starts "
            + cycle.start());
      }
      cycles.put(cycle.start(), cycle);
    }
    Map<LocalDate, StoredCycle> stored = readStored();
    CycleForecaster forecaster = new CycleForecaster(context.tree(), context.impact(),
        context.calendar(), context.planning().intervalLevel());

    List<Row> rows = new ArrayList<>();
    List<String> replaced = new ArrayList<>();
    for (Cycle cycle : cycles.values()) {
      if (context.series().historyBefore(cycle.start()).isEmpty()) {
        warnings.add("Cycle " + cycle.label() + " of tree " + context.tree().id()
            + ": no complete " + context.planning().forecastGrain().key()
            + " before it starts, so no forecast");
        continue;
      }
      List<Bet> committed = context.acceptedBets().stream()
          .filter(b -> b.cycle().equals(cycle) && b.status().isCommitted())
          .toList();
      CycleForecaster.Result result = forecaster.forecast(cycle, context.series(), committed);
      computed.put(cycle.start(), result);

      StoredCycle previous = stored.get(cycle.start());
      boolean isReplan = replan != null && replan.cycleStart().equals(cycle.start());
      int version;
      String reason;
      if (isReplan) {
        version = previous == null ? 1 : previous.version + 1;
        reason = "replan: " + replan.reason();
      } else if (previous == null) {
        version = 1;
        reason = "plan";
      } else if (!previous.frozen) {
        version = previous.version;
        reason = previous.reason;
      } else {
        current.put(cycle.start(), new CurrentForecast(cycle, previous.version, previous.values));
        LOG.info("Forecast of cycle {} version {} is frozen; kept", cycle.label(), previous.version);
        continue;
      }
      boolean frozen = !context.asOf().isBefore(cycle.start());
      List<ForecastValue> values = new ArrayList<>();
      for (CycleForecaster.Row row : result.rows()) {
        rows.add(forecastRow(cycle, version, frozen, reason, row));
        values.add(new ForecastValue(row.nodeId(), row.period().start(), row.period().end(),
            row.forecast(), row.low(), row.high()));
      }
      current.put(cycle.start(), new CurrentForecast(cycle, version, values));
      replaced.add("(cycle_start = DATE'" + cycle.start() + "' AND forecast_version = " + version + ")");
      LOG.info("Forecast of cycle {}: version {} ({}), frozen {}", cycle.label(), version, reason, frozen);
    }
    if (!rows.isEmpty()) {
      rowsToWrite = PlanningTables.frame(spark, "forecasts", rows);
      replacePredicate = "tree_id = '" + context.tree().id() + "' AND ("
          + String.join(" OR ", replaced) + ")";
    }
  }

  private Row forecastRow(Cycle cycle, int version, boolean frozen, String reason, CycleForecaster.Row row) {
    return RowFactory.create(
        context.tree().id(),
        PlanningTables.date(cycle.start()),
        PlanningTables.date(cycle.end()),
        cycle.label(),
        version,
        row.nodeId(),
        context.planning().forecastGrain().key(),
        PlanningTables.date(row.period().start()),
        PlanningTables.date(row.period().end()),
        PlanningTables.finite(row.baseline()),
        PlanningTables.finite(row.baselineLow()),
        PlanningTables.finite(row.baselineHigh()),
        PlanningTables.finite(row.uplift()),
        PlanningTables.finite(row.forecast()),
        PlanningTables.finite(row.low()),
        PlanningTables.finite(row.high()),
        context.planning().intervalLevel(),
        row.model(),
        row.modelReason(),
        row.historyPeriods(),
        PlanningTables.date(row.historyEnd()),
        PlanningTables.seq(row.betIds()),
        frozen,
        reason,
        PlanningTables.date(context.asOf()),
        context.runId(),
        context.now());
  }

  private record StoredCycle(int version, boolean frozen, String reason, List<ForecastValue> values) {}

  /** Reads the highest stored version of each cycle of the tree at the forecast grain. */
  private Map<LocalDate, StoredCycle> readStored() {
    Map<LocalDate, StoredCycle> stored = new HashMap<>();
    if (!locator.exists("forecasts")) {
      return stored;
    }
    List<Row> rows =
        locator.read("forecasts")
            .where(col("tree_id").equalTo(context.tree().id())
                .and(col("grain").equalTo(context.planning().forecastGrain().key())))
            .select("cycle_start", "forecast_version", "frozen", "plan_reason", "node_id",
                "period_start", "period_end", "forecast", "forecast_low", "forecast_high")
            .collectAsList();
    Map<LocalDate, Integer> highest = new HashMap<>();
    for (Row row : rows) {
      highest.merge(row.getDate(0).toLocalDate(), row.getInt(1), Math::max);
    }
    for (Row row : rows) {
      LocalDate cycle = row.getDate(0).toLocalDate();
      if (row.getInt(1) != highest.get(cycle)) {
        continue;
      }
      StoredCycle entry = stored.computeIfAbsent(cycle,
          k -> new StoredCycle(row.getInt(1), row.getBoolean(2), row.getString(3), new ArrayList<>()));
      entry.values.add(new ForecastValue(row.getString(4), row.getDate(5).toLocalDate(),
          row.getDate(6).toLocalDate(), nullable(row, 7), nullable(row, 8), nullable(row, 9)));
    }
    return stored;
  }

  private static Double nullable(Row row, int index) {
    return row.isNullAt(index) ? null : row.getDouble(index);
  }

  Dataset<Row> rowsToWrite() {
    return rowsToWrite;
  }

  String replacePredicate() {
    return replacePredicate;
  }

  /** Returns the current forecast of each cycle, by cycle start. */
  Map<LocalDate, CurrentForecast> current() {
    return current;
  }

  /** Returns this run's computation of a cycle (frozen or not), or null. */
  CycleForecaster.Result computed(LocalDate cycleStart) {
    return computed.get(cycleStart);
  }
}

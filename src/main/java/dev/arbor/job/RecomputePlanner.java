package dev.arbor.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.arbor.compute.DaySet;
import dev.arbor.compute.ScanPlan;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.SourceDef;
import dev.arbor.store.StateTables;
import dev.arbor.store.TableLocator;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a run recomputes: everything, or the days whose events changed since the state's
 * run plus the restatement window, the days after the state's as-of date and any days the caller
 * forces (a backfill chunk, {@code --from}).
 *
 * <p>Changed days come from each source's Delta change data feed between the version the state
 * reflects and the version this run reads, so an event that arrives late for an old day is found
 * by when it arrived, not by its event time. The feed contains deleted rows too, so a re-ingest that
 * drops events also marks their days. When the feed cannot be read (not enabled on the table, or
 * its history was vacuumed) the run falls back to a full recompute and says why.
 */
final class RecomputePlanner {
  private static final Logger LOG = LoggerFactory.getLogger(RecomputePlanner.class);

  /**
   * Days to recompute.
   *
   * @param days the days to read again, or null for a full recompute
   * @param reason why a full recompute, or a summary of the incremental days
   * @param versions the Delta version of each Delta source that the run reads (pinned, so that
   *     events committed while the run works are left for the next run)
   */
  record Plan(DaySet days, String reason, Map<String, Long> versions) {
    boolean full() {
      return days == null;
    }
  }

  private final SparkSession spark;
  private final ArborConfig config;
  private final TableLocator locator;

  RecomputePlanner(SparkSession spark, ArborConfig config, TableLocator locator) {
    this.spark = spark;
    this.config = config;
    this.locator = locator;
  }

  Plan plan(
      Tree tree,
      String treeVersion,
      LocalDate asOf,
      DaySet forced,
      boolean fullRequested,
      StateTables state,
      StateTables.Manifest manifest) {
    ZoneId zone = config.settings(tree.id()).calendar().timeZone();
    Map<String, Long> versions = new LinkedHashMap<>();
    List<SourceDef> sources = new ArrayList<>();
    for (String sourceId : ScanPlan.forTree(tree).keySet()) {
      SourceDef source = config.sources().get(sourceId);
      sources.add(source);
      if ("delta".equals(source.table().format())) {
        versions.put(sourceId, locator.deltaVersion(locator.sourceLocation(source.table())));
      }
    }

    String fullReason = fullReason(fullRequested, treeVersion, asOf, sources, state, manifest);
    if (fullReason != null) {
      return new Plan(null, fullReason, versions);
    }

    int window = config.runs().restatementDays();
    DaySet days = DaySet.range(asOf.minusDays(Math.max(0, window - 1)), window == 0 ? asOf.minusDays(1) : asOf);
    days = days.union(DaySet.range(manifest.asOf().plusDays(1), asOf));
    if (forced != null) {
      days = days.union(forced);
    }
    List<String> changedSummary = new ArrayList<>();
    for (SourceDef source : sources) {
      long from = manifest.inputVersions().get(source.id());
      long to = versions.get(source.id());
      if (to == from) {
        changedSummary.add(source.id() + ": no new commits");
        continue;
      }
      DaySet changed;
      try {
        changed = changedDays(source, zone, from + 1, to);
      } catch (RuntimeException e) {
        String reason = "the change data feed of source " + source.id() + " from version " + (from + 1)
            + " to " + to + " cannot be read (" + firstLine(e) + "); enable it with ALTER TABLE ... SET "
            + "TBLPROPERTIES (delta.enableChangeDataFeed = true), which ingest does for its tables";
        LOG.warn("Full recompute: {}", reason);
        return new Plan(null, reason, versions);
      }
      changedSummary.add(source.id() + " versions " + (from + 1) + ".." + to + " changed " + changed);
      days = days.union(changed);
    }
    // Days after the as-of date wait for a later run.
    DaySet bounded = DaySet.of(days.days().headSet(asOf, true));
    String reason = "recomputing " + bounded + " (" + String.join("; ", changedSummary) + ")";
    return new Plan(bounded, reason, versions);
  }

  private String fullReason(
      boolean fullRequested,
      String treeVersion,
      LocalDate asOf,
      List<SourceDef> sources,
      StateTables state,
      StateTables.Manifest manifest) {
    if (fullRequested) {
      return "requested with --full";
    }
    if (!config.runs().incremental()) {
      return "arbor.runs.incremental is false";
    }
    if (manifest == null) {
      return "no state from an earlier run";
    }
    if (!manifest.treeVersion().equals(treeVersion)) {
      return "the tree definition changed since run " + manifest.runId();
    }
    if (asOf.isBefore(manifest.asOf())) {
      return "the as-of date " + asOf + " is before the state's " + manifest.asOf();
    }
    for (SourceDef source : sources) {
      if (!"delta".equals(source.table().format())) {
        return "source " + source.id() + " is " + source.table().format()
            + ", and only Delta sources say which events changed";
      }
      if (!manifest.inputVersions().containsKey(source.id())
          || state.daily(source.id()) == null || state.first(source.id()) == null) {
        return "no state for source " + source.id();
      }
    }
    return null;
  }

  /** Returns the local days of the rows inserted, updated or deleted between two versions. */
  private DaySet changedDays(SourceDef source, ZoneId zone, long fromVersion, long toVersion) {
    List<Row> rows =
        spark.read().format("delta")
            .option("readChangeFeed", "true")
            .option("startingVersion", fromVersion)
            .option("endingVersion", toVersion)
            .load(locator.sourceLocation(source.table()))
            .select(expr("to_date(from_utc_timestamp(" + source.eventTime() + ", '" + zone.getId() + "'))").as("day"))
            .where(col("day").isNotNull())
            .distinct()
            .collectAsList();
    List<LocalDate> days = new ArrayList<>();
    for (Row row : rows) {
      days.add(row.getDate(0).toLocalDate());
    }
    return DaySet.of(days);
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }
}

package dev.arbor.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.arbor.compute.DaySet;
import dev.arbor.compute.MeasureRollup;
import dev.arbor.compute.SourceScanner;
import dev.arbor.config.QualityRules;
import dev.arbor.config.SourceDef;
import dev.arbor.store.RunRecord;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Applies a source's data-quality limits to the counts of a run's scan. The counts come from the
 * scan's observations and the compact daily tables, so the gates cost no extra pass over the
 * events. Each problem is one message naming the source, the counts, the limit's config key and
 * what to do.
 */
final class DataQualityGates {
  private DataQualityGates() {}

  /** Records the scan's counts in the run record and returns the limits it exceeds. */
  static List<String> check(
      SourceDef source, SourceScanner.ScanCounts counts, String treeId, RunRecord.Builder record) {
    String id = source.id();
    record.qualityCount(id + ".rows_checked", counts.rowsChecked());
    record.qualityCount(id + ".without_time", counts.rowsWithoutTime());
    record.qualityCount(id + ".in_future", counts.rowsInFuture());
    record.qualityCount(id + ".without_entity", counts.rowsWithoutEntity());
    record.qualityCount(id + ".negative", counts.rowsNegative());
    record.qualityCount(id + ".duplicates", counts.duplicatesDropped());

    QualityRules rules = source.quality();
    List<String> problems = new ArrayList<>();
    long checked = counts.rowsChecked();
    if (checked > 0 && (double) counts.rowsRejected() / checked > rules.maxBadShare()) {
      problems.add(String.format(Locale.ROOT,
          "Source %s: %d of %d rows (%.2f%%) were rejected, above the limit of %.2f%% "
              + "(arbor.sources.%s.quality.max-bad-share): %d without a parsable event time, %d in "
              + "the future, %d without an entity id, %d with a negative value in %s. The rows are "
              + "in the quarantine table (found_by = 'run:%s'); fix the source data, or raise the limit.",
          id, counts.rowsRejected(), checked, 100.0 * counts.rowsRejected() / checked,
          100.0 * rules.maxBadShare(), id, counts.rowsWithoutTime(), counts.rowsInFuture(),
          counts.rowsWithoutEntity(), counts.rowsNegative(), rules.nonNegative(), treeId));
    }
    long candidates = counts.rowsPassingFilter();
    if (candidates > 0 && (double) counts.duplicatesDropped() / candidates > rules.maxDuplicateShare()) {
      problems.add(String.format(Locale.ROOT,
          "Source %s: %d of %d rows (%.2f%%) repeat another event's %s on the same day, above the "
              + "limit of %.2f%% (arbor.sources.%s.quality.max-duplicate-share). A loader probably "
              + "appended the same data twice; remove the copies, or raise the limit.",
          id, counts.duplicatesDropped(), candidates, 100.0 * counts.duplicatesDropped() / candidates,
          source.eventId(), 100.0 * rules.maxDuplicateShare(), id));
    }
    return problems;
  }

  /**
   * Returns the days up to {@code asOf} that had kept events in the previous state and have none
   * now. Both tables are the compact daily activity (one slot-0 row per day with events).
   *
   * @param days the days read again, or null when every day was
   */
  static List<LocalDate> emptiedDays(
      Dataset<Row> previousDaily, Dataset<Row> newDaily, DaySet days, LocalDate asOf) {
    Column slotZero = col("slot").equalTo(0).and(col(MeasureRollup.ROWS_PARTIAL).gt(0));
    Column inRange = col(SourceScanner.LOCAL_DATE).leq(lit(java.sql.Date.valueOf(asOf)));
    if (days != null) {
      inRange = inRange.and(days.contains(col(SourceScanner.LOCAL_DATE)));
    }
    List<LocalDate> emptied = new ArrayList<>();
    for (Row row :
        previousDaily.where(slotZero.and(inRange)).select(SourceScanner.LOCAL_DATE)
            .join(newDaily.where(slotZero).select(SourceScanner.LOCAL_DATE),
                new String[] {SourceScanner.LOCAL_DATE}, "left_anti")
            .orderBy(SourceScanner.LOCAL_DATE)
            .collectAsList()) {
      emptied.add(row.getDate(0).toLocalDate());
    }
    return emptied;
  }

  static String emptiedDaysProblem(SourceDef source, List<LocalDate> emptied) {
    List<LocalDate> shown = emptied.subList(0, Math.min(10, emptied.size()));
    return "Source " + source.id() + ": " + emptied.size() + " day(s) that had events in the previous "
        + "run have none now: " + shown + (emptied.size() > shown.size() ? " and more" : "")
        + ". Check the source table (a lost partition or a bad re-ingest?); if the deletion is intended, "
        + "set arbor.sources." + source.id() + ".quality.fail-on-emptied-day = false for one run.";
  }
}

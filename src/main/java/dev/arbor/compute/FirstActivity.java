package dev.arbor.compute;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Keeps each entity's first active day (per keyed slot) up to date when some days are read again,
 * without reading all history: a day read again can only move an entity's first day earlier, or
 * later when it was the first day and lost its events; only the latter reads the state's later
 * days, and only from that first day on.
 */
final class FirstActivity {
  private FirstActivity() {}

  /**
   * The first-day table after a run, and the days that stopped or started being an entity's first
   * day; the periods containing them change their new and resurrected counts.
   *
   * @param first the whole table after the run, lazily evaluated
   * @param inserted the rows of entities that the stored table lacks, when they are the only
   *     change. The stored table then takes them as an append. Null when the table must be
   *     rewritten, because there is no stored table or a stored first day moved or vanished.
   */
  record Update(Dataset<Row> first, Dataset<Row> inserted, Set<LocalDate> movedDays) {}

  static Update update(NodeValuesComputer.SourceState state, Dataset<Row> daily, DaySet recomputed) {
    Dataset<Row> scannedFirst =
        MeasureRollup.firstActivity(daily).withColumnRenamed("first_day", "scanned_first");
    if (state == null || state.first() == null) {
      Dataset<Row> first = scannedFirst.withColumnRenamed("scanned_first", "first_day");
      return new Update(first, null, distinctDays(first.select("first_day")));
    }
    Column localDate = col(SourceScanner.LOCAL_DATE);
    Dataset<Row> old = state.first();
    Dataset<Row> oldReread = old.where(recomputed.contains(col("first_day")));
    // Entities whose first day was read again: their next day in the state that was not.
    Row earliest = oldReread.agg(min("first_day")).head();
    Dataset<Row> laterFirst;
    if (earliest.isNullAt(0) || state.daily() == null) {
      laterFirst = scannedFirst.limit(0).withColumnRenamed("scanned_first", "later_first");
    } else {
      laterFirst =
          state.daily()
              .where(col("slot").gt(0)
                  .and(localDate.geq(lit(earliest.getDate(0))))
                  .and(functions.not(recomputed.contains(localDate))))
              .join(oldReread.select("slot", "key"), new String[] {"slot", "key"}, "left_semi")
              .groupBy("slot", "key")
              .agg(min(localDate).as("later_first"));
    }
    // Only the entities seen in the days read, or whose first day was read again, can change.
    // The other entities keep their stored rows. The changed rows are few (at most the entities
    // of the days read), so they are materialized once for the new table, the moved days and the
    // rows to insert.
    Dataset<Row> touched =
        scannedFirst.select("slot", "key").unionByName(oldReread.select("slot", "key")).distinct();
    Column keptOld = when(functions.not(recomputed.contains(col("first_day"))), col("first_day"));
    Dataset<Row> changed =
        old.join(touched, new String[] {"slot", "key"}, "left_semi")
            .join(scannedFirst, new String[] {"slot", "key"}, "full_outer")
            .join(laterFirst, new String[] {"slot", "key"}, "left")
            .select(col("slot"), col("key"), col("first_day"),
                least(keptOld, col("scanned_first"), col("later_first")).as("new_first"))
            .where(functions.not(col("first_day").eqNullSafe(col("new_first"))))
            .localCheckpoint();
    Dataset<Row> first =
        old.join(changed.select("slot", "key"), new String[] {"slot", "key"}, "left_anti")
            .unionByName(
                changed.where(col("new_first").isNotNull())
                    .select(col("slot"), col("key"), col("new_first").as("first_day")));
    boolean onlyNew = changed.where(col("first_day").isNotNull()).isEmpty();
    Dataset<Row> inserted =
        onlyNew ? changed.select(col("slot"), col("key"), col("new_first").as("first_day")) : null;
    Set<LocalDate> days =
        distinctDays(changed.select(functions.explode(functions.array(col("first_day"), col("new_first"))).as("day")));
    return new Update(first, inserted, days);
  }

  /** Collects the distinct days of a one-column date table; at most one row per day of history. */
  private static Set<LocalDate> distinctDays(Dataset<Row> days) {
    Set<LocalDate> result = new TreeSet<>();
    List<Row> rows = new ArrayList<>(days.distinct().collectAsList());
    for (Row row : rows) {
      if (!row.isNullAt(0)) {
        result.add(row.getDate(0).toLocalDate());
      }
    }
    return result;
  }
}

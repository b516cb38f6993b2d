package dev.arbor.compute;

import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.period.PeriodCalendar;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The reporting calendar as two small DataFrames built on the driver: one row per (day, grain)
 * and one row per period. Their size grows with the days covered, never with the events.
 */
public final class PeriodTables {
  private final Dataset<Row> dayPeriods;
  private final Dataset<Row> periods;
  private final List<Period> periodList;
  private final PeriodIndex index;

  private PeriodTables(
      Dataset<Row> dayPeriods, Dataset<Row> periods, List<Period> periodList, PeriodIndex index) {
    this.dayPeriods = dayPeriods;
    this.periods = periods;
    this.periodList = periodList;
    this.index = index;
  }

  /**
   * Builds the calendar for the days {@code from} to {@code asOf}, extended back to the start of
   * the first period of each grain so that every period is whole.
   */
  public static PeriodTables build(
      SparkSession spark, PeriodCalendar calendar, List<Grain> grains, LocalDate from, LocalDate asOf) {
    List<Period> all = new ArrayList<>();
    for (Grain grain : grains) {
      all.addAll(calendar.periodsBetween(grain, from, asOf));
    }
    return of(spark, calendar, all, asOf);
  }

  /** Builds the calendar of exactly {@code periods}, complete or not as of {@code asOf}. */
  public static PeriodTables of(
      SparkSession spark, PeriodCalendar calendar, List<Period> periods, LocalDate asOf) {
    List<Row> dayRows = new ArrayList<>();
    List<Row> periodRows = new ArrayList<>();
    for (Period period : periods) {
      Period previous = calendar.previous(period);
      Period next = calendar.following(period);
      periodRows.add(
          RowFactory.create(
              period.grain().key(),
              Date.valueOf(period.start()),
              Date.valueOf(period.end()),
              Date.valueOf(previous.start()),
              Date.valueOf(next.start()),
              period.isCompleteAt(asOf)));
      for (LocalDate day = period.start(); !day.isAfter(period.end()); day = day.plusDays(1)) {
        dayRows.add(RowFactory.create(Date.valueOf(day), period.grain().key(), Date.valueOf(period.start())));
      }
    }
    StructType daySchema =
        new StructType()
            .add("local_date", DataTypes.DateType, false)
            .add("grain", DataTypes.StringType, false)
            .add("period_start", DataTypes.DateType, false);
    StructType periodSchema =
        new StructType()
            .add("grain", DataTypes.StringType, false)
            .add("period_start", DataTypes.DateType, false)
            .add("period_end", DataTypes.DateType, false)
            .add("previous_start", DataTypes.DateType, false)
            .add("next_start", DataTypes.DateType, false)
            .add("is_complete", DataTypes.BooleanType, false);
    return new PeriodTables(
        spark.createDataFrame(dayRows, daySchema),
        spark.createDataFrame(periodRows, periodSchema),
        List.copyOf(periods),
        PeriodIndex.of(calendar, periods));
  }

  /** Columns local_date, grain, period_start. */
  public Dataset<Row> dayPeriods() {
    return dayPeriods;
  }

  /** Columns grain, period_start, period_end, previous_start, next_start, is_complete. */
  public Dataset<Row> periods() {
    return periods;
  }

  public List<Period> periodList() {
    return periodList;
  }

  /** Returns the same periods as arrays in which tasks look up days. */
  PeriodIndex index() {
    return index;
  }
}

package dev.arbor.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.config.AnomalySettings;
import dev.arbor.testing.SparkTestBase;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anomaly scores of one node's monthly changes, window 8 and at least 6 past changes:
 *
 * <pre>
 * month    01    02  03  04  05  06  07  08  09  10  11   12 (incomplete)
 * change   null  10  12   9  11  10  13   8  10  40  11   90
 * </pre>
 *
 * October's history is Feb..Sep: sorted 8 9 10 10 10 11 12 13, median 10, MAD 1, so its score is
 * 30 / 1.4826 = 20.23: flagged. November's history is Mar..Oct (the outlier included): sorted
 * 8 9 10 10 11 12 13 40, median 10.5, deviations 2.5 1.5 0.5 0.5 0.5 1.5 2.5 29.5, MAD 1.5, score
 * 0.5 / (1.4826 * 1.5) = 0.22. December is incomplete, so it is not scored.
 */
class AnomalyScoresTest extends SparkTestBase {
  private static final StructType SCHEMA =
      new StructType()
          .add("node_id", DataTypes.StringType)
          .add("grain", DataTypes.StringType)
          .add("period_start", DataTypes.DateType)
          .add("dimension", DataTypes.StringType)
          .add("segment", DataTypes.StringType)
          .add("change", DataTypes.DoubleType)
          .add("is_complete", DataTypes.BooleanType)
          .add("quality_flags", DataTypes.createArrayType(DataTypes.StringType));

  private static final Map<Integer, Row> scored = new HashMap<>();

  @BeforeAll
  static void scoreOnce() {
    List<Double> changes = Arrays.asList(null, 10.0, 12.0, 9.0, 11.0, 10.0, 13.0, 8.0, 10.0, 40.0, 11.0, 90.0);
    List<Row> rows = new ArrayList<>();
    for (int month = 1; month <= 12; month++) {
      rows.add(RowFactory.create("n", "month", Date.valueOf(LocalDate.of(2024, month, 1)), "all", "all",
          changes.get(month - 1), month < 12, scala.jdk.javaapi.CollectionConverters.asScala(List.of("no_events")).toSeq()));
    }

    List<Row> result =
        AnomalyScores.add(spark.createDataFrame(rows, SCHEMA), new AnomalySettings(8, 6, 3.5)).collectAsList();

    for (Row row : result) {
      scored.put(row.<Date>getAs("period_start").toLocalDate().getMonthValue(), row);
    }
  }

  private static Double score(int month) {
    return scored.get(month).getAs("anomaly_score");
  }

  private static List<String> flags(int month) {
    Row row = scored.get(month);
    return row.getList(row.fieldIndex("quality_flags"));
  }

  @Test
  void outlierIsFlagged() {
    assertThat(score(10)).isCloseTo(30 / 1.4826, within(1e-12));
    assertThat(flags(10)).containsExactly("no_events", "anomaly");
  }

  @Test
  void changeAfterOutlierIsOrdinary() {
    assertThat(score(11)).isCloseTo(0.5 / (1.4826 * 1.5), within(1e-12));
    assertThat(flags(11)).containsExactly("no_events");
  }

  @Test
  void tooLittleHistoryOrIncompletePeriodGivesNoScore() {
    // July has 5 past changes (Feb..Jun), August the first 6.
    assertThat(score(7)).isNull();
    assertThat(score(8)).isNotNull();
    assertThat(score(12)).isNull();
    assertThat(flags(12)).containsExactly("no_events");
    assertThat(score(1)).isNull();
  }
}

package dev.arbor.links;

import dev.arbor.stats.LagFit;
import dev.arbor.stats.LinkFit;
import dev.arbor.stats.LinkState;
import dev.arbor.stats.LinkTransition;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Builds the rows of link_scores and link_status_history in the column order and types of their DDL
 * in sql/ddl.
 */
public final class LinkScoreTables {
  public static final String LINK_SCORES = "link_scores";
  public static final String LINK_STATUS_HISTORY = "link_status_history";

  private static final ArrayType LAG_FITS =
      DataTypes.createArrayType(
          new StructType()
              .add("lag", DataTypes.IntegerType)
              .add("fit_status", DataTypes.StringType)
              .add("points", DataTypes.IntegerType)
              .add("slope", DataTypes.DoubleType)
              .add("p_value", DataTypes.DoubleType)
              .add("r_squared", DataTypes.DoubleType));

  /** Schema of link_scores, as in sql/ddl/link_scores.sql. */
  public static final StructType LINK_SCORES_SCHEMA =
      new StructType()
          .add("tree_id", DataTypes.StringType, false)
          .add("run_id", DataTypes.StringType, false)
          .add("as_of", DataTypes.DateType, false)
          .add("tree_version", DataTypes.StringType, false)
          .add("link_id", DataTypes.StringType, false)
          .add("from_node", DataTypes.StringType, false)
          .add("to_node", DataTypes.StringType, false)
          .add("expected_sign", DataTypes.StringType, false)
          .add("lag_min", DataTypes.IntegerType, false)
          .add("lag_max", DataTypes.IntegerType, false)
          .add("controls", DataTypes.createArrayType(DataTypes.StringType), false)
          .add("include_lagged_target", DataTypes.BooleanType, false)
          .add("grain", DataTypes.StringType, false)
          .add("transform", DataTypes.StringType, false)
          .add("window_start", DataTypes.DateType, false)
          .add("window_end", DataTypes.DateType, false)
          .add("window_periods", DataTypes.IntegerType, false)
          .add("fit_status", DataTypes.StringType)
          .add("lag", DataTypes.IntegerType)
          .add("lags_tested", DataTypes.IntegerType)
          .add("points", DataTypes.IntegerType)
          .add("degrees_of_freedom", DataTypes.IntegerType)
          .add("intercept", DataTypes.DoubleType)
          .add("slope", DataTypes.DoubleType)
          .add("slope_std_error", DataTypes.DoubleType)
          .add("slope_low", DataTypes.DoubleType)
          .add("slope_high", DataTypes.DoubleType)
          .add("t_statistic", DataTypes.DoubleType)
          .add("p_value", DataTypes.DoubleType)
          .add("p_value_lag_adjusted", DataTypes.DoubleType)
          .add("q_value", DataTypes.DoubleType)
          .add("r_squared", DataTypes.DoubleType)
          .add("elasticity", DataTypes.DoubleType)
          .add("elasticity_low", DataTypes.DoubleType)
          .add("elasticity_high", DataTypes.DoubleType)
          .add("sign_stability", DataTypes.DoubleType)
          .add("confidence_level", DataTypes.DoubleType)
          .add("confidence", DataTypes.DoubleType)
          .add("evaluation_status", DataTypes.StringType)
          .add("status_reason", DataTypes.StringType, false)
          .add("previous_lifecycle_status", DataTypes.StringType, false)
          .add("lifecycle_status", DataTypes.StringType, false)
          .add("lifecycle_as_of", DataTypes.DateType, false)
          .add("consecutive_supported", DataTypes.IntegerType, false)
          .add("consecutive_not_supported", DataTypes.IntegerType, false)
          .add("hardening_candidate", DataTypes.BooleanType, false)
          .add("owner_team", DataTypes.StringType)
          .add("cycle_start", DataTypes.DateType, false)
          .add("lag_fits", LAG_FITS, false)
          .add("computed_at", DataTypes.TimestampType, false);

  /** Schema of link_status_history, as in sql/ddl/link_status_history.sql. */
  public static final StructType LINK_STATUS_HISTORY_SCHEMA =
      new StructType()
          .add("tree_id", DataTypes.StringType, false)
          .add("run_id", DataTypes.StringType, false)
          .add("as_of", DataTypes.DateType, false)
          .add("link_id", DataTypes.StringType, false)
          .add("from_node", DataTypes.StringType, false)
          .add("to_node", DataTypes.StringType, false)
          .add("grain", DataTypes.StringType, false)
          .add("from_status", DataTypes.StringType, false)
          .add("to_status", DataTypes.StringType, false)
          .add("lifecycle_as_of", DataTypes.DateType, false)
          .add("evaluation_status", DataTypes.StringType)
          .add("q_value", DataTypes.DoubleType)
          .add("slope", DataTypes.DoubleType)
          .add("r_squared", DataTypes.DoubleType)
          .add("lag", DataTypes.IntegerType)
          .add("confidence", DataTypes.DoubleType)
          .add("reason", DataTypes.StringType, false)
          .add("owner_team", DataTypes.StringType)
          .add("cycle_start", DataTypes.DateType, false)
          .add("recorded_at", DataTypes.TimestampType, false);

  /**
   * Columns that every row of a run shares.
   *
   * @param cycleStart first day of the quarter that contains {@code asOf}
   */
  public record RunColumns(
      String treeId,
      String runId,
      LocalDate asOf,
      String treeVersion,
      LocalDate cycleStart,
      Timestamp computedAt) {}

  private LinkScoreTables() {}

  /** Returns the link_scores rows of a run. */
  public static Dataset<Row> scores(SparkSession spark, RunColumns run, List<LinkScore> scores) {
    List<Row> rows = new ArrayList<>(scores.size());
    for (LinkScore score : scores) {
      rows.add(scoreRow(run, score));
    }
    return spark.createDataFrame(rows, LINK_SCORES_SCHEMA);
  }

  /** Returns the link_status_history rows of a run. */
  public static Dataset<Row> changes(
      SparkSession spark, RunColumns run, List<StatusChange> changes) {
    List<Row> rows = new ArrayList<>(changes.size());
    for (StatusChange change : changes) {
      LinkTransition transition = change.transition();
      rows.add(
          RowFactory.create(
              run.treeId(),
              run.runId(),
              Date.valueOf(run.asOf()),
              change.linkId(),
              change.fromNode(),
              change.toNode(),
              change.grain(),
              transition.from().code(),
              transition.to().code(),
              Date.valueOf(transition.asOfDate()),
              change.evaluationStatus() == null ? null : code(change.evaluationStatus()),
              change.qValue(),
              change.slope(),
              change.rSquared(),
              change.lag(),
              change.confidence(),
              transition.reason(),
              change.ownerTeam(),
              Date.valueOf(run.cycleStart()),
              run.computedAt()));
    }
    return spark.createDataFrame(rows, LINK_STATUS_HISTORY_SCHEMA);
  }

  private static Row scoreRow(RunColumns run, LinkScore score) {
    LinkScore.LinkDescription link = score.link();
    LinkFit fit = score.fit();
    LinkState state = score.state();
    boolean fitted = fit != null;
    List<Row> lagFits = new ArrayList<>();
    if (fitted) {
      for (LagFit lagFit : fit.lagFits()) {
        lagFits.add(
            RowFactory.create(
                lagFit.lag(),
                code(lagFit.status()),
                lagFit.numberOfPoints(),
                lagFit.slope(),
                lagFit.pValue(),
                lagFit.rSquared()));
      }
    }
    return RowFactory.create(
        run.treeId(),
        run.runId(),
        Date.valueOf(run.asOf()),
        run.treeVersion(),
        link.linkId(),
        link.fromNode(),
        link.toNode(),
        link.expectedSign(),
        link.lagMin(),
        link.lagMax(),
        CollectionConverters.asScala(link.controls()).toSeq(),
        link.includeLaggedTarget(),
        score.grain(),
        code(score.transform()),
        Date.valueOf(score.window().start()),
        Date.valueOf(score.window().end()),
        score.window().length(),
        fitted ? code(fit.status()) : null,
        fitted ? fit.lag() : null,
        fitted ? fit.lagsTested() : null,
        fitted ? fit.numberOfPoints() : null,
        fitted ? fit.degreesOfFreedom() : null,
        fitted ? fit.intercept() : null,
        fitted ? fit.slope() : null,
        fitted ? fit.slopeStandardError() : null,
        fitted ? fit.slopeLower() : null,
        fitted ? fit.slopeUpper() : null,
        fitted ? fit.tStatistic() : null,
        fitted ? fit.pValue() : null,
        fitted ? fit.lagAdjustedPValue() : null,
        score.qValue(),
        fitted ? fit.rSquared() : null,
        fitted ? fit.elasticity() : null,
        fitted ? fit.elasticityLower() : null,
        fitted ? fit.elasticityUpper() : null,
        fitted ? fit.signStability() : null,
        fitted ? fit.confidenceLevel() : null,
        score.confidence(),
        score.evaluationStatus() == null ? null : code(score.evaluationStatus()),
        score.reason(),
        score.previousStatus().code(),
        state.status().code(),
        Date.valueOf(state.lastAsOfDate()),
        state.consecutiveSupported(),
        state.consecutiveNotSupported(),
        state.hardeningCandidate(),
        score.ownerTeam(),
        Date.valueOf(run.cycleStart()),
        CollectionConverters.asScala(lagFits).toSeq(),
        run.computedAt());
  }

  private static String code(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}

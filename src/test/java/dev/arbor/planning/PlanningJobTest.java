package dev.arbor.planning;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.TreeSettings;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.period.Grain;
import dev.arbor.period.Period;
import dev.arbor.store.OutputCommitter;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import dev.arbor.tree.Tree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planning step end to end on hand-made monthly node values of the fixture tree.
 *
 * <p>December 2010 to March 2011 every input is constant: new_users 60, retained 40, opc 2, aov
 * 25, returns 100, so orders 200, gross 5000, revenue 4900. A constant history gives the mean
 * model with a zero-width interval. Bet B1 (shipped, +10% on aov over FY2011/12 Q1, effort 4,
 * confidence 0.5) lifts the forecast of aov to 27.5, gross to 5500 and revenue to 5400 a month.
 * In April aov is 26 (gross 5200, revenue 5100); May and June are as planned.
 */
class PlanningJobTest extends SparkTestBase {
  private static final String HEADER =
      "bet_id,cycle,team,owner,title,hypothesis,target_node,expected_change,start_date,end_date,"
          + "ramp_up_days,effort,confidence,status,leading_indicator\n";
  private static final String B1 =
      "B1,2011-04-01,Merch,Priya,Bundles,We believe bundles will change aov by +10%,aov,+10%,"
          + "2011-04-01,2011-06-30,0,4,0.5,shipped,\n";

  @TempDir Path dir;

  private ArborConfig config(String ledger) {
    write("bets.csv", ledger);
    write("notes.csv", "annotation_id,date,kind,text,nodes\n"
        + "N1,2011-04-12,launch,Bundles on the shop,aov\n"
        + "N2,2011-05-20,external,Heat wave,\n");
    ArborConfig config = PlanningFixtures.retailConfig(dir,
        "planning { bets = \"bets.csv\", annotations = \"notes.csv\", annotation-window-days = 3 }");
    return config.withWarehouse(new WarehouseSettings(dir.resolve("wh").toString(), ""));
  }

  private void write(String name, String text) {
    try {
      Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Node values Dec 2010 - Jun 2011 at month grain; aovByMonth overrides aov per month start. */
  private Dataset<Row> nodeValues(ArborConfig config, LocalDate asOf, Map<LocalDate, Double> aovByMonth) {
    Tree tree = config.tree("t");
    var calendar = config.settings("t").calendar();
    List<Row> rows = new ArrayList<>();
    for (Period month : calendar.periodsBetween(Grain.MONTH, LocalDate.of(2010, 12, 1), LocalDate.of(2011, 6, 30))) {
      if (month.start().isAfter(asOf)) {
        break;
      }
      Map<String, Double> values = new HashMap<>();
      values.put("new_users", 60.0);
      values.put("retained", 40.0);
      values.put("opc", 2.0);
      values.put("aov", aovByMonth.getOrDefault(month.start(), 25.0));
      values.put("returns", 100.0);
      for (String id : List.of("active", "orders", "gross", "revenue", "share", "return_rate")) {
        values.put(id, tree.node(id).formula().evaluate(values));
      }
      for (Map.Entry<String, Double> value : values.entrySet()) {
        rows.add(RowFactory.create("t", "month", "all", "all", value.getKey(), Date.valueOf(month.start()),
            Date.valueOf(month.end()), value.getValue(), month.isCompleteAt(asOf)));
      }
    }
    StructType schema = new StructType()
        .add("tree_id", DataTypes.StringType).add("grain", DataTypes.StringType)
        .add("dimension", DataTypes.StringType).add("segment", DataTypes.StringType)
        .add("node_id", DataTypes.StringType).add("period_start", DataTypes.DateType)
        .add("period_end", DataTypes.DateType).add("value", DataTypes.DoubleType)
        .add("is_complete", DataTypes.BooleanType);
    return spark.createDataFrame(rows, schema);
  }

  private PlanningJob.Result plan(ArborConfig config, LocalDate asOf, Map<LocalDate, Double> aov,
      PlanningJob.Replan replan) {
    TableLocator locator = new TableLocator(spark, config.warehouse());
    String runId = "run-" + asOf + "-" + System.nanoTime();
    OutputCommitter committer = new OutputCommitter(spark, locator, runId);
    TreeSettings settings = config.settings("t");
    PlanningJob.Result result = new PlanningJob(spark, locator)
        .stage(config.tree("t"), settings, asOf, nodeValues(config, asOf, aov), committer, runId, replan);
    committer.commitAll();
    return result;
  }

  private Dataset<Row> table(ArborConfig config, String name) {
    return new TableLocator(spark, config.warehouse()).read(name);
  }

  private static List<String> strings(Row row, String column) {
    return row.getList(row.fieldIndex(column));
  }

  private Row row(Dataset<Row> rows) {
    List<Row> list = rows.collectAsList();
    assertThat(list).hasSize(1);
    return list.get(0);
  }

  @Test
  void planComparesForecastWithActualAndClosesTheGap() {
    ArborConfig config = config(HEADER + B1
        + "B2,2011-04-01,Merch,Priya,Bigger baskets,We believe x,basket_size,+6%,2011-04-01,2011-06-30,0,4,0.5,funded,\n"
        + "B3,2011-07-01,CRM,Tom,Win-back,We believe y,retained,+5%,2011-07-01,2011-09-30,0,2,0.5,proposed,\n");

    PlanningJob.Result result =
        plan(config, LocalDate.of(2011, 5, 5), Map.of(LocalDate.of(2011, 4, 1), 26.0), null);

    Dataset<Row> fva = table(config, "forecast_vs_actual").where(col("period_start").equalTo(Date.valueOf("2011-04-01")));
    Row revenue = row(fva.where(col("node_id").equalTo("revenue")));
    assertThat(revenue.<Double>getAs("forecast")).isCloseTo(5400.0, within(1e-9));
    assertThat(revenue.<Double>getAs("actual")).isEqualTo(5100.0);
    assertThat(revenue.<Double>getAs("gap")).isCloseTo(-300.0, within(1e-9));
    assertThat(revenue.<Double>getAs("gap_pct")).isCloseTo(-300.0 / 5400.0, within(1e-12));
    assertThat(revenue.<Double>getAs("cumulative_forecast")).isCloseTo(5400.0, within(1e-9));
    assertThat(revenue.<String>getAs("status")).isEqualTo("below_interval");
    assertThat(revenue.<Boolean>getAs("is_lagging")).isTrue();
    assertThat(strings(revenue, "annotations")).containsExactly("2011-04-12 launch: Bundles on the shop");

    // At April's actuals, revenue needs +300: aov +300 / 200 orders = +1.5; returns -300;
    // new_users +300 / (2 opc x 26 aov) = +5.769231.
    Row aov = row(fva.where(col("node_id").equalTo("aov")));
    assertThat(aov.<Double>getAs("forecast")).isCloseTo(27.5, within(1e-12));
    assertThat(aov.<Boolean>getAs("is_lagging")).isTrue();
    assertThat(aov.<Double>getAs("north_star_elasticity")).isCloseTo(5000.0 / 4900.0, within(1e-9));
    assertThat(aov.<Double>getAs("change_to_close_gap")).isCloseTo(1.5, within(1e-9));
    assertThat(aov.<Double>getAs("cumulative_forecast")).as("aov is an average, not additive").isNull();
    Row returns = row(fva.where(col("node_id").equalTo("returns")));
    assertThat(returns.<Double>getAs("change_to_close_gap")).isCloseTo(-300.0, within(1e-9));
    assertThat(returns.<Double>getAs("north_star_elasticity")).isCloseTo(-100.0 / 4900.0, within(1e-9));
    Row newUsers = row(fva.where(col("node_id").equalTo("new_users")));
    assertThat(newUsers.<Double>getAs("change_to_close_gap")).isCloseTo(300.0 / 52.0, within(1e-9));
    assertThat(newUsers.<String>getAs("status")).isEqualTo("within_interval");

    // Priority: base March, aov 25 -> 27.5 moves revenue 4900 -> 5400: impact 500, score
    // 500 x 0.5 / 4 = 62.5; over the quarter the bet adds 3 x 500 = 1500.
    // B3 is proposed for the next cycle, so it is ranked there, alone.
    Row proposed = row(table(config, "bet_priorities").where(col("bet_id").equalTo("B3")));
    assertThat(proposed.<Integer>getAs("priority_rank")).isEqualTo(1);
    Row priority = row(table(config, "bet_priorities").where(col("bet_id").equalTo("B1")));
    assertThat(priority.<Double>getAs("impact")).isCloseTo(500.0, within(1e-9));
    assertThat(priority.<Double>getAs("priority_score")).isCloseTo(62.5, within(1e-9));
    assertThat(priority.<Integer>getAs("priority_rank")).isEqualTo(1);
    assertThat(priority.<Double>getAs("impact_in_cycle")).isCloseTo(1500.0, within(1e-9));
    assertThat(strings(priority, "paths")).containsExactly("aov -formula-> gross -formula-> revenue");

    Row outcome = row(table(config, "bet_outcomes"));
    assertThat(outcome.<String>getAs("verdict")).isEqualTo("pending");
    assertThat(outcome.<Double>getAs("realized_change")).isCloseTo(1.0, within(1e-12));

    // B2 is rejected with its reason and line; B3's cycle has not started, so its forecast is
    // provisional and it has no outcome (proposed). Its history is December to April (May is
    // incomplete): aov 25, 25, 25, 25, 26 has slope 0.2 with p = 0.18, so the mean 25.2, and
    // revenue = 200 x 25.2 - 100 = 4940.
    Row rejected = row(table(config, "bets").where(col("bet_id").equalTo("B2")));
    assertThat(rejected.<Boolean>getAs("rejected")).isTrue();
    assertThat(rejected.<String>getAs("reject_reason")).isEqualTo("target_node 'basket_size' is not a node of tree t");
    assertThat(rejected.<Integer>getAs("source_line")).isEqualTo(3);
    assertThat(result.warnings()).anyMatch(w -> w.contains("bets.csv:3: bet 'B2' rejected: target_node 'basket_size'"));
    Row provisional = row(table(config, "forecasts").where(col("node_id").equalTo("revenue")
        .and(col("period_start").equalTo(Date.valueOf("2011-07-01")))));
    assertThat(provisional.<Boolean>getAs("frozen")).isFalse();
    assertThat(provisional.<Double>getAs("baseline")).isCloseTo(4940.0, within(1e-9));
    assertThat(table(config, "bet_priorities").count()).isEqualTo(2);
  }

  @Test
  void frozenForecastIsKeptAndReplanAddsAVersion() {
    ArborConfig config = config(HEADER + B1);
    plan(config, LocalDate.of(2011, 4, 5), Map.of(), null);
    Row frozen = row(table(config, "forecasts").where(col("node_id").equalTo("revenue")
        .and(col("period_start").equalTo(Date.valueOf("2011-04-01")))));
    assertThat(frozen.<Boolean>getAs("frozen")).isTrue();
    assertThat(frozen.<Integer>getAs("forecast_version")).isEqualTo(1);

    // History restated and the bet killed: a re-run must not touch the frozen forecast, while
    // the ledger change closes the first version of B1 and adds a second.
    write("bets.csv", HEADER + B1.replace("shipped", "killed"));
    plan(config, LocalDate.of(2011, 5, 5), Map.of(LocalDate.of(2011, 3, 1), 40.0), null);
    Row kept = row(table(config, "forecasts").where(col("node_id").equalTo("revenue")
        .and(col("period_start").equalTo(Date.valueOf("2011-04-01")))));
    assertThat(kept.<String>getAs("run_id")).isEqualTo(frozen.<String>getAs("run_id"));
    assertThat(kept.<Double>getAs("forecast")).isCloseTo(5400.0, within(1e-9));
    List<Row> versions = table(config, "bets").orderBy("valid_from").collectAsList();
    assertThat(versions).hasSize(2);
    assertThat(versions.get(0).<String>getAs("status")).isEqualTo("shipped");
    assertThat(versions.get(0).<Boolean>getAs("is_current")).isFalse();
    assertThat(versions.get(0).<Object>getAs("valid_to")).isNotNull();
    assertThat(versions.get(1).<String>getAs("status")).isEqualTo("killed");
    assertThat(versions.get(1).<String>getAs("change_type")).isEqualTo("changed");
    assertThat(versions.get(1).<Boolean>getAs("is_current")).isTrue();

    // The re-plan sees the killed bet (no uplift) and the restated March: aov history 25, 25,
    // 25, 40 has mean 28.75, so revenue = 200 x 28.75 - 100 = 5650.
    plan(config, LocalDate.of(2011, 5, 5), Map.of(LocalDate.of(2011, 3, 1), 40.0),
        new PlanningJob.Replan(LocalDate.of(2011, 4, 1), "bet killed"));
    List<Row> forecasts = table(config, "forecasts").where(col("node_id").equalTo("revenue")
        .and(col("period_start").equalTo(Date.valueOf("2011-04-01")))).orderBy("forecast_version").collectAsList();
    assertThat(forecasts).hasSize(2);
    assertThat(forecasts.get(0).<Double>getAs("forecast")).isCloseTo(5400.0, within(1e-9));
    assertThat(forecasts.get(1).<Integer>getAs("forecast_version")).isEqualTo(2);
    assertThat(forecasts.get(1).<Double>getAs("forecast")).isCloseTo(5650.0, within(1e-9));
    assertThat(forecasts.get(1).<String>getAs("plan_reason")).isEqualTo("replan: bet killed");
    Row compared = row(table(config, "forecast_vs_actual").where(col("node_id").equalTo("revenue")
        .and(col("period_start").equalTo(Date.valueOf("2011-04-01")))));
    assertThat(compared.<Integer>getAs("forecast_version")).isEqualTo(2);
  }

  @Test
  void pastCycleForecastIgnoresDataInsideTheCycle() {
    ArborConfig quiet = config(HEADER + B1);
    Map<LocalDate, Double> spike = new LinkedHashMap<>();
    spike.put(LocalDate.of(2011, 4, 1), 90.0);
    spike.put(LocalDate.of(2011, 5, 1), 95.0);
    spike.put(LocalDate.of(2011, 6, 1), 99.0);

    // Backfill of FY2011/12 Q1 long after it ended, with wild April-June values of aov.
    plan(quiet, LocalDate.of(2011, 7, 10), spike, null);

    List<Row> rows = table(quiet, "forecasts")
        .where(col("node_id").equalTo("aov").and(col("cycle_start").equalTo(Date.valueOf("2011-04-01"))))
        .orderBy("period_start")
        .collectAsList();
    assertThat(rows).hasSize(3);
    for (Row row : rows) {
      assertThat(row.<Double>getAs("baseline")).isEqualTo(25.0);
      assertThat(row.<String>getAs("model")).isEqualTo("mean");
      assertThat(row.<Date>getAs("history_end")).isEqualTo(Date.valueOf("2011-03-31"));
    }
    Row outcome = row(table(quiet, "bet_outcomes"));
    assertThat(outcome.<String>getAs("verdict")).isEqualTo("validated");
    assertThat(strings(outcome, "annotations")).containsExactly(
        "2011-04-12 launch: Bundles on the shop", "2011-05-20 external: Heat wave");
    Row velocity = row(table(quiet, "learning_velocity").where(col("team").equalTo("all")));
    assertThat(velocity.<Integer>getAs("validated")).isEqualTo(1);
    assertThat(velocity.<Object>getAs("links_validated")).isNull();
    assertThat(velocity.<String>getAs("note")).contains("no link_status_history table");
  }

  @Test
  void missingLedgerColumnFailsWithTheFile() {
    ArborConfig config = config("bet_id,cycle\nB1,2011-04-01\n");

    assertThatThrownBy(() -> plan(config, LocalDate.of(2011, 5, 5), Map.of(), null))
        .hasMessageContaining("bets.csv lacks the columns [team, owner, title, hypothesis, target_node");
  }
}

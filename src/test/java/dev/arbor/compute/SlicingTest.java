package dev.arbor.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.store.TableLocator;
import dev.arbor.testing.EventTables;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Node values per country, every expected value worked out by hand. Months only; the as-of date
 * 2024-02-29 completes February.
 *
 * <pre>
 * user  day      country  amount
 * u1    Jan 5    UK        10
 * u2    Jan 6    FR        20
 * u3    Jan 7    DE         1
 * u1    Feb 3    UK        30
 * u2    Feb 10   FR        15
 * u4    Feb 11   (null)     2
 * u1    Feb 20   FR         5     u1 buys in the UK and in France in February
 * </pre>
 *
 * Ranked by revenue over the history: FR 40, UK 40 (tie, so alphabetical), null 2, DE 1. With
 * max-segments = 2 the segments are FR, UK and other (DE and the null country).
 */
class SlicingTest extends SparkTestBase {
  private static final String TREE =
      """
      arbor.trees.t {
        north-star = revenue
        dimensions = [country]
        slicing { max-segments = 2, rank-by = revenue }
        calendar { grains = [month] }
        nodes {
          purchases { unit = count, owner = A, measure { source = events, agg = count } }
          revenue { unit = currency, owner = A, measure { source = events, agg = sum, column = amount } }
          buyers { unit = count, owner = A, measure { source = events, agg = count_distinct, column = user_id } }
          avg_amount { unit = currency, owner = A, measure { source = events, agg = avg, column = amount } }
          per_buyer { unit = currency, owner = A, formula = "revenue / buyers" }
          active { unit = count, owner = A, lifecycle { source = events, kind = active }, formula = "new_users + retained + resurrected" }
          new_users { unit = count, owner = A, lifecycle { source = events, kind = new } }
          retained { unit = count, owner = A, lifecycle { source = events, kind = retained } }
          resurrected { unit = count, owner = A, lifecycle { source = events, kind = resurrected } }
          churned { unit = count, owner = A, lifecycle { source = events, kind = churned } }
        }
      }
      """;

  private static final List<QueryExecution> executions = new ArrayList<>();
  private static final QueryExecutionListener LISTENER =
      new QueryExecutionListener() {
        @Override
        public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
          synchronized (executions) {
            executions.add(qe);
          }
        }

        @Override
        public void onFailure(String funcName, QueryExecution qe, Exception exception) {}
      };

  private static Map<String, Row> values;
  private static Segments segments;

  @BeforeAll
  static void computeOnce(@TempDir Path dir) throws java.util.concurrent.TimeoutException {
    String warehouse = dir.resolve("wh").toString();
    new EventTables()
        .add("u1", "2024-01-05T10:00:00Z", "purchase", "10", "UK")
        .add("u2", "2024-01-06T10:00:00Z", "purchase", "20", "FR")
        .add("u3", "2024-01-07T10:00:00Z", "purchase", "1", "DE")
        .add("u1", "2024-02-03T10:00:00Z", "purchase", "30", "UK")
        .add("u2", "2024-02-10T10:00:00Z", "purchase", "15", "FR")
        .add("u4", "2024-02-11T10:00:00Z", "purchase", "2", null)
        .add("u1", "2024-02-20T10:00:00Z", "purchase", "5", "FR")
        .writeDelta(spark, warehouse + "/events");
    ArborConfig config = TestConfigs.load(dir, TestConfigs.eventsSource("") + TREE)
        .withWarehouse(new WarehouseSettings(warehouse, ""));
    NodeValuesComputer computer =
        new NodeValuesComputer(spark, new SourceScanner(spark, new TableLocator(spark, config.warehouse())));

    spark.listenerManager().register(LISTENER);
    NodeValuesComputer.Result result =
        computer.compute(config.tree("t"), config.settings("t"), config.sources(), LocalDate.parse("2024-02-29"), null);
    List<Row> rows = result.nodeValues().collectAsList();
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.listenerManager().unregister(LISTENER);

    segments = result.segments();
    values = new HashMap<>();
    for (Row row : rows) {
      values.put(row.getAs("node_id") + "/" + row.getAs("period_start") + "/" + row.getAs("segment"), row);
    }
  }

  @AfterAll
  static void forgetExecutions() {
    executions.clear();
  }

  private static Row row(String node, String month, String segment) {
    Row row = values.get(node + "/2024-" + month + "-01/" + segment);
    assertThat(row).as("row %s/%s/%s", node, month, segment).isNotNull();
    return row;
  }

  private static Double value(String node, String month, String segment) {
    return (Double) row(node, month, segment).getAs("value");
  }

  @Test
  void topSegmentsByMeasureAndOther() {
    assertThat(segments.dimensions()).singleElement().satisfies(d -> {
      assertThat(d.name()).isEqualTo("country");
      assertThat(d.segmentNames()).containsExactly("FR", "UK", "other");
    });
    assertThat(row("revenue", "01", "FR").<String>getAs("dimension")).isEqualTo("country");
    assertThat(row("revenue", "01", "all").<String>getAs("dimension")).isEqualTo("all");
    // 2 months x (total + 3 segments) x 10 nodes.
    assertThat(values).hasSize(2 * 4 * 10);
  }

  @Test
  void sumsAndCountsPerSegmentAddUpToTotal() {
    assertThat(value("revenue", "01", "FR")).isEqualTo(20.0);
    assertThat(value("revenue", "01", "UK")).isEqualTo(10.0);
    assertThat(value("revenue", "01", "other")).isEqualTo(1.0);
    assertThat(value("revenue", "01", "all")).isEqualTo(31.0);
    assertThat(value("revenue", "02", "FR")).isEqualTo(20.0);
    assertThat(value("revenue", "02", "UK")).isEqualTo(30.0);
    assertThat(value("revenue", "02", "other")).isEqualTo(2.0);
    assertThat(value("purchases", "02", "FR")).isEqualTo(2.0);
    assertThat(value("purchases", "02", "all")).isEqualTo(4.0);
    // Changes add up too: 0 + 20 + 1 = 21 = 52 - 31.
    assertThat((Double) row("revenue", "02", "UK").getAs("change")).isEqualTo(20.0);
    assertThat((Double) row("revenue", "02", "FR").getAs("change")).isEqualTo(0.0);
    assertThat((Double) row("revenue", "02", "all").getAs("change")).isEqualTo(21.0);
  }

  @Test
  void distinctCountsCountKeyInEverySegment() {
    // February: u1 in the UK and in France, u2 in France, u4 in other; 3 buyers in total.
    assertThat(value("buyers", "02", "UK")).isEqualTo(1.0);
    assertThat(value("buyers", "02", "FR")).isEqualTo(2.0);
    assertThat(value("buyers", "02", "other")).isEqualTo(1.0);
    assertThat(value("buyers", "02", "all")).isEqualTo(3.0);
  }

  @Test
  void lifecycleFollowsSegmentOfLatestEvent() {
    // February: u1's latest event is in France (Feb 20), so u1 is active, and retained, there.
    assertThat(value("active", "02", "FR")).isEqualTo(2.0);
    assertThat(value("active", "02", "UK")).isEqualTo(0.0);
    assertThat(value("active", "02", "other")).isEqualTo(1.0);
    assertThat(value("active", "02", "all")).isEqualTo(3.0);
    assertThat(value("retained", "02", "FR")).isEqualTo(2.0);
    assertThat(value("retained", "02", "UK")).isEqualTo(0.0);
    assertThat(value("new_users", "02", "other")).isEqualTo(1.0);
    // January: u1 was in the UK, so the UK loses an active customer to France.
    assertThat((Double) row("active", "02", "UK").getAs("change")).isEqualTo(-1.0);
    // u3 (DE, grouped as other) churns in February, in the segment of its last active month.
    assertThat(value("churned", "02", "other")).isEqualTo(1.0);
    assertThat(value("churned", "02", "FR")).isEqualTo(0.0);
    assertThat(value("churned", "02", "all")).isEqualTo(1.0);
    // The lifecycle identity active = new + retained + resurrected is true per segment.
    assertThat(row("active", "02", "FR").getList(row("active", "02", "FR").fieldIndex("quality_flags"))).isEmpty();
  }

  @Test
  void ratiosCarryNumeratorAndDenominator() {
    Row total = row("avg_amount", "02", "all");
    assertThat((Double) total.getAs("value")).isEqualTo(13.0);
    assertThat((Double) total.getAs("numerator")).isEqualTo(52.0);
    assertThat((Double) total.getAs("denominator")).isEqualTo(4.0);
    Row france = row("per_buyer", "02", "FR");
    assertThat((Double) france.getAs("value")).isEqualTo(10.0);
    assertThat((Double) france.getAs("numerator")).isEqualTo(20.0);
    assertThat((Double) france.getAs("denominator")).isEqualTo(2.0);
    assertThat((Double) row("per_buyer", "02", "all").getAs("value")).isCloseTo(52.0 / 3, within(1e-12));
    assertThat((Object) row("revenue", "02", "all").getAs("numerator")).isNull();
  }

  @Test
  void eventsAreScannedOnce() {
    // Scans of the events' data files, directly in a query or inside a cached relation; a
    // cached relation that many queries read is counted once.
    int direct = 0;
    Map<Object, Integer> cached = new IdentityHashMap<>();
    synchronized (executions) {
      for (QueryExecution qe : executions) {
        direct += eventScans(qe.executedPlan(), cached);
      }
    }
    int inCaches = cached.values().stream().mapToInt(Integer::intValue).sum();

    assertThat(direct).isZero();
    assertThat(inCaches).isEqualTo(1);
  }

  private static int eventScans(SparkPlan plan, Map<Object, Integer> cached) {
    if (plan instanceof FileSourceScanExec scan) {
      String files = scan.relation().location().rootPaths().mkString(",");
      return files.contains("/events") && !files.contains("_delta_log") ? 1 : 0;
    }
    if (plan instanceof InMemoryTableScanExec memory) {
      Object cache = memory.relation().cacheBuilder();
      if (!cached.containsKey(cache)) {
        cached.put(cache, 0);
        cached.put(cache, eventScans(memory.relation().cachedPlan(), cached));
      }
      return 0;
    }
    List<SparkPlan> children = new ArrayList<>(CollectionConverters.asJava(plan.children()));
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      children.add(adaptive.executedPlan());
    }
    if (plan instanceof QueryStageExec stage) {
      children.add(stage.plan());
    }
    int scans = 0;
    for (SparkPlan child : children) {
      scans += eventScans(child, cached);
    }
    return scans;
  }
}

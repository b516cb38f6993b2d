package dev.arbor.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.config.ArborConfig;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import dev.arbor.tree.Tree;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change attribution in Spark over hand-made node values of the tree revenue = gross - returns,
 * gross = orders * aov, orders = customers * opc, with the totals of {@link RootCauseTraceTest}
 * (January 2024 is its "before", February its "after") and two countries:
 *
 * <pre>
 * node        Feb 2023 | Jan 2024: all   UK     FR   | Feb 2024: all   UK     FR
 * customers       8    |          10     6      4    |          12.5   7.5    5
 * opc (ratio)     2    |          20/10  12/6   8/4  |          30/12.5 18/7.5 12/5
 * aov (ratio)    50    |        1000/20 600/12 400/8 |        1260/30 756/18 504/12
 * returns        80    |         100    60     40    |          150    90     60
 * </pre>
 *
 * orders, gross and revenue follow from their formulas.
 */
class ChangeAttributionTest extends SparkTestBase {
  private static final String TREE =
      """
      arbor.trees.t {
        north-star = revenue
        dimensions = [country]
        nodes {
          revenue { unit = currency, owner = A, formula = "gross - returns" }
          gross { unit = currency, owner = A, formula = "orders * aov" }
          orders { unit = count, owner = A, formula = "customers * opc" }
          customers { unit = count, owner = A, lifecycle { source = events, kind = active } }
          opc { unit = ratio, owner = A, measure { source = events, agg = ratio, numerator { agg = count }, denominator { agg = count_distinct, column = user_id } } }
          aov { unit = currency, owner = A, measure { source = events, agg = ratio, numerator { agg = sum, column = amount }, denominator { agg = count } } }
          returns { unit = currency, owner = A, measure { source = events, agg = sum, column = amount } }
        }
      }
      """;

  private static final StructType HISTORY =
      new StructType()
          .add("node_id", DataTypes.StringType)
          .add("grain", DataTypes.StringType)
          .add("period_start", DataTypes.DateType)
          .add("period_end", DataTypes.DateType)
          .add("dimension", DataTypes.StringType)
          .add("segment", DataTypes.StringType)
          .add("value", DataTypes.DoubleType)
          .add("numerator", DataTypes.DoubleType)
          .add("denominator", DataTypes.DoubleType)
          .add("is_complete", DataTypes.BooleanType);

  private static final List<Row> history = new ArrayList<>();
  private static final Map<String, Row> attribution = new HashMap<>();
  private static List<Row> rootCause;

  /** Adds one period's node values of a slice. */
  private static void slice(String month, String dimension, String segment, double customers,
      double ordersCount, double sales, double returns) {
    String start = month + "-01";
    String end = Date.valueOf(start).toLocalDate().plusMonths(1).minusDays(1).toString();
    double orders = ordersCount;
    double opc = orders / customers;
    double aov = sales / orders;
    Object[][] nodes = {
      {"customers", customers, null, null},
      {"opc", opc, orders, customers},
      {"orders", customers * opc, null, null},
      {"aov", aov, sales, orders},
      {"gross", customers * opc * aov, null, null},
      {"returns", returns, null, null},
      {"revenue", customers * opc * aov - returns, null, null},
    };
    for (Object[] node : nodes) {
      history.add(RowFactory.create(node[0], "month", Date.valueOf(start), Date.valueOf(end),
          dimension, segment, node[1], node[2], node[3], true));
    }
  }

  @BeforeAll
  static void attributeOnce(@TempDir Path dir) {
    slice("2023-02", "all", "all", 8, 16, 800, 80);
    slice("2024-01", "all", "all", 10, 20, 1000, 100);
    slice("2024-01", "country", "UK", 6, 12, 600, 60);
    slice("2024-01", "country", "FR", 4, 8, 400, 40);
    slice("2024-02", "all", "all", 12.5, 30, 1260, 150);
    slice("2024-02", "country", "UK", 7.5, 18, 756, 90);
    slice("2024-02", "country", "FR", 5, 12, 504, 60);
    ArborConfig config = TestConfigs.load(dir, TestConfigs.eventsSource("") + TREE);
    Tree tree = config.tree("t");

    ChangeAttribution.Outputs outputs =
        new ChangeAttribution("all").compute(tree, spark.createDataFrame(history, HISTORY), null);

    for (Row row : outputs.changeAttribution().collectAsList()) {
      String key = String.join("/", row.<String>getAs("comparison"), row.getAs("period_start").toString(),
          row.getAs("segment"), row.getAs("parent_id"), row.getAs("child_id"), row.getAs("method"));
      assertThat(attribution.put(key, row)).as("duplicate row %s", key).isNull();
    }
    rootCause = outputs.rootCause().collectAsList();
  }

  private static Row row(String comparison, String segment, String parent, String child, String method) {
    Row row = attribution.get(String.join("/", comparison, "2024-02-01", segment, parent, child, method));
    assertThat(row).as("%s %s %s -> %s (%s)", comparison, segment, parent, child, method).isNotNull();
    return row;
  }

  private static double contribution(Row row) {
    return row.getAs("contribution");
  }

  @Test
  void formulaRowsOfTotal() {
    assertThat(contribution(row("previous_period", "all", "revenue", "gross", "additive"))).isCloseTo(260.0, within(1e-9));
    assertThat(contribution(row("previous_period", "all", "revenue", "returns", "additive"))).isCloseTo(-50.0, within(1e-9));
    assertThat(contribution(row("previous_period", "all", "gross", "orders", "lmdi"))).isCloseTo(456.147042948219, within(1e-9));
    assertThat(contribution(row("previous_period", "all", "gross", "aov", "lmdi"))).isCloseTo(-196.14704294821908, within(1e-9));
    assertThat(contribution(row("previous_period", "all", "orders", "customers", "lmdi"))).isCloseTo(5.503397132132085, within(1e-12));
    Row gross = row("previous_period", "all", "revenue", "gross", "additive");
    assertThat((Double) gross.getAs("parent_change")).isCloseTo(210.0, within(1e-9));
    assertThat((Double) gross.getAs("share")).isCloseTo(260.0 / 210, within(1e-12));
    assertThat((Double) gross.getAs("child_base_value")).isCloseTo(1000.0, within(1e-9));
    assertThat((Double) gross.getAs("child_value")).isCloseTo(1260.0, within(1e-9));
    assertThat(gross.<java.sql.Date>getAs("base_period_start")).isEqualTo(Date.valueOf("2024-01-01"));
  }

  @Test
  void everyFormulaSplitIsExact() {
    for (Row row : attribution.values()) {
      String method = row.getAs("method");
      if (method.equals("additive") || method.equals("lmdi") || method.equals("shapley")) {
        double scale = Math.max(Math.abs((Double) row.getAs("parent_base_value")), Math.abs((Double) row.getAs("parent_value")));
        assertThat(Math.abs((Double) row.getAs("residual"))).as("%s", row).isLessThanOrEqualTo(1e-9 * scale);
      }
    }
  }

  @Test
  void formulasAreAlsoSplitPerSegment() {
    // UK: revenue 540 -> 666, gross 600 -> 756, returns 60 -> 90.
    assertThat(contribution(row("previous_period", "UK", "revenue", "gross", "additive"))).isCloseTo(156.0, within(1e-9));
    assertThat(contribution(row("previous_period", "UK", "revenue", "returns", "additive"))).isCloseTo(-30.0, within(1e-9));
    assertThat(row("previous_period", "UK", "revenue", "gross", "additive").<String>getAs("dimension")).isEqualTo("country");
  }

  @Test
  void additiveSegmentsAddUpToTotalChange() {
    // customers: UK 6 -> 7.5, FR 4 -> 5; returns: UK 60 -> 90, FR 40 -> 60.
    assertThat(contribution(row("previous_period", "UK", "customers", "customers", "segment"))).isEqualTo(1.5);
    assertThat(contribution(row("previous_period", "FR", "customers", "customers", "segment"))).isEqualTo(1.0);
    assertThat(contribution(row("previous_period", "FR", "returns", "returns", "segment"))).isEqualTo(20.0);
    Row uk = row("previous_period", "UK", "customers", "customers", "segment");
    assertThat((Double) uk.getAs("parent_change")).isEqualTo(2.5);
    assertThat((Double) uk.getAs("residual")).isEqualTo(0.0);
    assertThat((Double) uk.getAs("child_base_value")).isEqualTo(6.0);
  }

  @Test
  void ratioSegmentsSplitIntoMixAndRate() {
    // opc: both countries go from 2 to 2.4 with unchanged weights 0.6 and 0.4: all rate.
    assertThat(contribution(row("previous_period", "UK", "opc", "opc", "rate"))).isCloseTo(0.24, within(1e-12));
    assertThat(contribution(row("previous_period", "FR", "opc", "opc", "rate"))).isCloseTo(0.16, within(1e-12));
    assertThat(contribution(row("previous_period", "UK", "opc", "opc", "mix"))).isCloseTo(0.0, within(1e-12));
    assertThat(Math.abs((Double) row("previous_period", "UK", "opc", "opc", "mix").getAs("residual"))).isLessThan(1e-12);
  }

  @Test
  void productNodesAreNotSplitOverSegments() {
    assertThat(attribution).doesNotContainKey("previous_period/2024-02-01/UK/orders/orders/segment");
  }

  @Test
  void yearAgoWhereBasePeriodExists() {
    // Feb 2023 -> Feb 2024: gross 800 -> 1260, returns 80 -> 150.
    assertThat(contribution(row("year_ago", "all", "revenue", "gross", "additive"))).isCloseTo(460.0, within(1e-9));
    assertThat(contribution(row("year_ago", "all", "revenue", "returns", "additive"))).isCloseTo(-70.0, within(1e-9));
    assertThat(row("year_ago", "all", "revenue", "gross", "additive").<java.sql.Date>getAs("base_period_start"))
        .isEqualTo(Date.valueOf("2023-02-01"));
    // No segments in Feb 2023, and no base period at all for January 2024 or February 2023.
    assertThat(attribution).doesNotContainKey("year_ago/2024-02-01/UK/revenue/gross/additive");
    assertThat(attribution.keySet()).allMatch(key -> key.contains("/2024-02-01/"));
  }

  @Test
  void rootCauseRanksLeafPathsAndNamesSegments() {
    List<Row> total = rootCause.stream()
        .filter(r -> r.getAs("comparison").equals("previous_period") && r.getAs("segment").equals("all"))
        .sorted(java.util.Comparator.comparingInt(r -> r.<Integer>getAs("rank")))
        .toList();

    assertThat(total).extracting(r -> r.<String>getAs("leaf_id")).containsExactly("customers", "opc", "aov", "returns");
    assertThat((Double) total.get(0).getAs("contribution")).isCloseTo(251.03583279917598, within(1e-9));
    assertThat((Double) total.get(0).getAs("north_star_change")).isCloseTo(210.0, within(1e-9));
    assertThat((Double) total.get(0).getAs("explained_change")).isCloseTo(210.0, within(1e-9));
    assertThat(total.get(0).<String>getList(total.get(0).fieldIndex("path")))
        .containsExactly("revenue", "gross", "orders", "customers");
    double sum = total.stream().mapToDouble(r -> r.<Double>getAs("contribution")).sum();
    assertThat(sum).isCloseTo(210.0, within(1e-9));
    // customers' change 2.5 splits UK 1.5 : FR 1.0, so UK gets 251.036 * 0.6 of the path.
    List<Row> drivers = total.get(0).getList(total.get(0).fieldIndex("segment_drivers"));
    assertThat(drivers).extracting(d -> d.getString(1)).containsExactly("UK", "FR");
    assertThat(drivers.get(0).getDouble(2)).isCloseTo(251.03583279917598 * 0.6, within(1e-9));
    assertThat(drivers.get(0).getDouble(3)).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void rootCauseOfEachSegment() {
    List<Row> uk = rootCause.stream()
        .filter(r -> r.getAs("comparison").equals("previous_period") && r.getAs("segment").equals("UK"))
        .toList();

    assertThat(uk).hasSize(4);
    double sum = uk.stream().mapToDouble(r -> r.<Double>getAs("contribution")).sum();
    assertThat(sum).isCloseTo(126.0, within(1e-9));
    assertThat(uk).allSatisfy(r -> assertThat(r.getList(r.fieldIndex("segment_drivers"))).isEmpty());
  }
}

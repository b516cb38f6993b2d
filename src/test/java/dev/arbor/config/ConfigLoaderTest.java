package dev.arbor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.period.Grain;
import dev.arbor.testing.TestConfigs;
import dev.arbor.tree.LinkKind;
import dev.arbor.tree.Tree;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static final String BROKEN =
      String.join(
          "\n",
          "arbor {",
          "  sources.events {",
          "    table { format = delta, path = \"events\" }",
          "    schema { user_id = string, event_time = timestamp, amount = \"decimal(12,2)\" }",
          "    entity-id = user_id",
          "    event-time = event_time",
          "  }",
          "  sources.clicks = ${arbor.sources.events} { filter = \"amount >\" }",
          "  trees.t {",
          "    north-star = revenu",
          "    nodes {",
          "      revenue { unit = currency, owner = A, measure { source = events, agg = sum, column = amout } }",
          "      orders { unit = count, owner = A, formula = \"revenue +* 2\" }",
          "      x { unit = count, owner = A, formula = \"y + 1\" }",
          "      y { unit = count, owner = A, formula = \"x * 2\" }",
          "      z { unit = dollars, owner = A, formula = \"missing_node\" }",
          "      w { unit = count, owner = A, measure { source = nope, agg = count }, colour = red }",
          "      v { unit = count, owner = A, measure { source = events, agg = sum, column = amount } }",
          "      v { unit = count, owner = B }",
          "    }",
          "    links = [ { from = revenue, to = ghost, kind = hypothesis, lag = \"3..1\" } ]",
          "  }",
          "}");

  private List<String> problems(String hocon) {
    try {
      TestConfigs.load(dir, hocon);
    } catch (InvalidConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
    throw new AssertionError("config was accepted");
  }

  @Test
  void reportsEveryProblemWithFileAndLine() {
    List<String> problems = problems(BROKEN);
    String file = "arbor.conf";

    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains(file + ":8").contains("source clicks filter").contains("invalid Spark SQL \"amount >\""));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains(file + ":10").contains("north-star 'revenu' is not a node of the tree (did you mean 'revenue'?)"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains(file + ":12").contains("node revenue measure").contains("unknown column 'amout'")
        .contains("did you mean 'amount'?"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains(file + ":13").contains("node orders").contains("invalid formula \"revenue +* 2\"")
        .contains("unexpected '*' at position 10"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains("formulas form a cycle: x -> y -> x"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains(file + ":16").contains("node z").contains("invalid unit 'dollars'; expected one of count, currency, ratio, percent"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains("node z").contains("formula refers to unknown node 'missing_node'"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains(file + ":17").contains("node w measure").contains("unknown source 'nope'"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains(file + ":17").contains("node w").contains("unknown key 'colour'"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains("node v").contains("duplicate id"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains(file + ":21").contains("link revenue -> ghost").contains("unknown node 'ghost'"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .contains(file + ":21").contains("invalid lag '3..1'"));
  }

  @Test
  void missingNorthStarIsReported() {
    List<String> problems = problems(TestConfigs.eventsSource("") + """
        arbor.trees.t.nodes.a { unit = count, owner = A, measure { source = events, agg = count } }
        """);
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("tree t").contains("missing key 'north-star'"));
  }

  @Test
  void missingFileIsReported() {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.conf")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("nope.conf: config file: not found");
  }

  @Test
  void folderIsReportedAsFolder() {
    assertThatThrownBy(() -> ConfigLoader.load(dir))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(dir + ": config file: is a folder")
        .hasMessageContaining("pass a HOCON config file")
        .hasMessageNotContaining("not found");
  }

  @Test
  void hoconSyntaxErrorIsReportedWithLine() {
    List<String> problems = problems("arbor {\n  trees {\n    t = { nodes = \n}\n");
    assertThat(problems).singleElement().satisfies(p -> assertThat(p).contains("arbor.conf:").contains("syntax"));
  }

  @Test
  void invalidCalendarValuesAreReported() {
    List<String> problems = problems(TestConfigs.eventsSource("") + """
        arbor.calendar { time-zone = "Mars/Olympus", week-start = funday, grains = [day, fortnight] }
        arbor.trees.t {
          north-star = a
          nodes.a { unit = count, owner = A, measure { source = events, agg = count } }
        }
        """);
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("invalid time zone 'Mars/Olympus'"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("invalid week-start 'funday'"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("invalid grain 'fortnight'"));
  }

  @Test
  void measureShapeErrors() {
    List<String> problems = problems(TestConfigs.eventsSource("") + """
        arbor.trees.t {
          north-star = a
          nodes {
            a { unit = count, owner = A, measure { source = events, agg = sum } }
            b { unit = count, owner = A, measure { source = events, agg = count, column = amount } }
            c { unit = ratio, owner = A, measure { source = events, agg = ratio, numerator { agg = count } } }
            d { unit = count, owner = " " }
            e { unit = count, owner = A, lifecycle { source = events, kind = zombie } }
            f { unit = count, owner = A, measure { source = events, agg = approx_count_distinct } }
          }
        }
        """);
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("node a measure").contains("agg sum needs a column or expr"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("node b measure").contains("agg count takes no column"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("node c measure").contains("missing key 'denominator'"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("node d").contains("owner is blank"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("node d").contains("has no value"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("node e lifecycle").contains("invalid kind 'zombie'"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("node f measure")
        .contains("agg approx_count_distinct needs a column or expr"));
  }

  @Test
  void validConfigAppliesDefaultsAndDerivesLinks() {
    ArborConfig config = TestConfigs.load(dir, TestConfigs.eventsSource("") + """
        arbor.trees.t {
          north-star = revenue
          calendar { week-start = sunday, fiscal-year-start-month = 4 }
          nodes {
            revenue { unit = currency, owner = Finance, formula = "orders * aov" }
            orders { unit = count, owner = Sales, measure { source = events, agg = count } }
            aov { unit = currency, owner = Sales, measure { source = events, agg = avg, column = amount } }
          }
          links = [ { from = orders, to = aov, expected-sign = negative, lag = 1 } ]
        }
        """);
    Tree tree = config.tree(null);
    TreeSettings settings = config.settings("t");

    assertThat(settings.calendar().weekStart()).isEqualTo(DayOfWeek.SUNDAY);
    assertThat(settings.calendar().fiscalYearStartMonth()).isEqualTo(4);
    assertThat(settings.calendar().timeZone().getId()).isEqualTo("UTC");
    assertThat(settings.grains()).containsExactly(Grain.DAY, Grain.WEEK, Grain.MONTH, Grain.QUARTER);
    assertThat(settings.formulaTolerance()).isEqualTo(0.001);
    assertThat(tree.evaluationOrder()).containsSubsequence("orders", "revenue");
    assertThat(tree.evaluationOrder()).containsSubsequence("aov", "revenue");
    assertThat(tree.linksOfKind(LinkKind.DETERMINISTIC)).extracting(l -> l.from() + ">" + l.to())
        .containsExactly("orders>revenue", "aov>revenue");
    assertThat(tree.linksOfKind(LinkKind.HYPOTHESIS)).singleElement()
        .satisfies(l -> assertThat(l.lagMin()).isEqualTo(1))
        .satisfies(l -> assertThat(l.lagMax()).isEqualTo(1));
    assertThat(tree.linksOfKind(LinkKind.ORGANIZATIONAL)).extracting(l -> l.from())
        .containsExactly("Finance", "Sales", "Sales");
    assertThat(config.warehouse().path()).isEqualTo("warehouse");
  }

  @Test
  void demoConfigIsValid() {
    ArborConfig config = ConfigLoader.load(Path.of("conf/demo.conf"));
    assertThat(config.trees()).containsOnlyKeys("retail");
    assertThat(config.tree("retail").northStar()).isEqualTo("revenue");
    assertThat(config.tree("retail").nodes().values()).allSatisfy(n -> assertThat(n.owner()).isNotBlank());
  }

  @Test
  void treeVersionChangesWithDefinitionOnly() {
    String base = TestConfigs.eventsSource("") + """
        arbor.trees.t {
          north-star = a
          nodes.a { unit = count, owner = A, measure { source = events, agg = count } }
        }
        """;
    ArborConfig first = TestConfigs.load(dir, base);
    ArborConfig same = TestConfigs.load(dir, "# a comment\n" + base);
    ArborConfig changed = TestConfigs.load(dir, base.replace("agg = count", "agg = count, filter = \"amount > 0\""));
    String v1 = TreeDefinition.of(first.tree("t"), first.settings("t"), first.sources()).version();
    String v2 = TreeDefinition.of(same.tree("t"), same.settings("t"), same.sources()).version();
    String v3 = TreeDefinition.of(changed.tree("t"), changed.settings("t"), changed.sources()).version();
    assertThat(v2).isEqualTo(v1);
    assertThat(v3).isNotEqualTo(v1);
  }
}

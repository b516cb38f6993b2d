package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the command line, for the cases that need no Spark session. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void noArgumentsPrintsUsageAndExits2() {
    assertThat(run()).isEqualTo(2);
    assertThat(errors()).contains("Usage: arbor COMMAND");
  }

  @Test
  void helpExits0() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("validate", "ingest", "run", "show", "views");
  }

  @Test
  void unknownCommandExits2() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(errors()).contains("unknown command 'frobnicate'");
  }

  @Test
  void unknownOptionExits2() {
    assertThat(run("run", "--conf", "conf/demo.conf", "--asof", "2011-12-09")).isEqualTo(2);
    assertThat(errors()).contains("unknown option '--asof' for run").contains("--as-of");
  }

  @Test
  void optionWithoutValueExits2() {
    assertThat(run("show", "--grain")).isEqualTo(2);
    assertThat(errors()).contains("option --grain needs a value");
  }

  @Test
  void invalidConfigExits2WithEveryProblem(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "arbor.trees.t { north-star = x, nodes { a { unit = count } } }\n");

    assertThat(run("validate", "--conf", conf.toString())).isEqualTo(2);
    assertThat(errors()).contains("Invalid config: 3 problems")
        .contains("bad.conf:1: tree t, node a: missing key 'owner'")
        .contains("node a: has no value")
        .contains("north-star 'x' is not a node of the tree");
  }

  @Test
  void missingConfigExits2() {
    assertThat(run("validate", "--conf", "no/such.conf")).isEqualTo(2);
    assertThat(errors()).contains("no/such.conf: config file: not found");
  }

  @Test
  void unknownTreeExits2() {
    assertThat(run("validate", "--conf", "conf/demo.conf", "--tree", "shop")).isEqualTo(2);
    assertThat(errors()).contains("Unknown tree: shop (the config defines [retail])");
  }

  @Test
  void viewsPrintsStatementsForTheWarehouse() {
    assertThat(run("views", "--conf", "conf/demo.conf", "--warehouse", "/data/wh")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("CREATE OR REPLACE VIEW arbor_latest_node_values")
        .contains("FROM delta.`/data/wh/node_values`");
  }

  @Test
  void invalidDateExits2BeforeSparkStarts() {
    assertThat(run("run", "--conf", "conf/demo.conf", "--as-of", "2011-13-01")).isEqualTo(2);
    assertThat(errors()).contains("Invalid --as-of '2011-13-01'; expected a date such as 2011-12-09");
  }

  @Test
  void linksWithInvalidDateExits2BeforeSparkStarts() {
    assertThat(run("links", "--conf", "conf/demo.conf", "--as-of", "2011-12-32")).isEqualTo(2);
    assertThat(errors()).contains("Invalid --as-of '2011-12-32'; expected a date such as 2011-12-09");
  }

  @Test
  void invalidGrainExits2() {
    assertThat(run("show", "--conf", "conf/demo.conf", "--grain", "fortnight")).isEqualTo(2);
    assertThat(errors()).contains("Invalid --grain 'fortnight'");
  }
}

package dev.arbor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arbor.config.ConfigLoader;
import dev.arbor.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole benchmark on a tiny table, so that it keeps working; the timings themselves
 * mean nothing at this size.
 */
class BenchmarkSmokeTest extends SparkTestBase {

  @Test
  void benchmarkRunsEveryPhase(@TempDir Path dir) throws Exception {
    BenchmarkOptions options = BenchmarkOptions.parse(new String[] {
        "--events", "2k", "--days", "40", "--grains", "month", "--work", dir.toString()});

    Map<String, Object> results = Benchmark.run(spark, ConfigLoader.load(options.conf()), options);

    JsonNode json = new ObjectMapper().readTree(Files.readString(options.out()));
    assertThat(json.at("/data/events").asLong()).isEqualTo(2_000);
    assertThat(json.at("/data/next_day_events").asLong()).isEqualTo(68);
    assertThat(json.at("/options/skipped_phases").isArray()).isTrue();
    assertThat(json.at("/options/skipped_phases").size()).isZero();
    assertThat(json.at("/machine/cores").asInt()).isPositive();
    assertThat(json.at("/spark/settings").size()).isPositive();
    for (String phase : new String[] {"a", "b", "c", "d", "sketch", "e_full", "e_incremental"}) {
      assertThat(json.at("/phases/" + phase + "/status").asText()).as(phase).isEqualTo("measured");
      assertThat(json.at("/phases/" + phase + "/wall_ms").asLong()).as(phase).isPositive();
      assertThat(json.at("/phases/" + phase + "/heap_max_used_mb").asLong()).as(phase).isPositive();
    }
    assertThat(json.at("/phases/a/events_counted").asLong()).isEqualTo(2_000);
    assertThat(json.at("/phases/b/rows_read/shop_events").asLong()).isEqualTo(2_000);
    assertThat(json.at("/phases/c/queries").asInt()).isEqualTo(21);
    assertThat(json.at("/ratios/b~1a").isNumber()).isTrue();
    assertThat(json.at("/phases/d/recompute").asText()).startsWith("incremental");
    assertThat(json.at("/phases/e_incremental/recompute").asText()).startsWith("incremental");
    assertThat(json.at("/phases/e_full/segment_rows").asLong()).isPositive();

    // The naive SQL and Arbor agree on every value both compute: 21 nodes in January and
    // February, but no churned row in January, the first month of the history.
    assertThat(json.at("/checks/naive_vs_arbor/values_compared").asLong()).isEqualTo(41);
    assertThat(json.at("/checks/naive_vs_arbor/mismatches").asLong()).isZero();
    // With a few hundred users a month, sketches stay within a few percent.
    assertThat(json.at("/checks/sketch_vs_exact/values_compared").asLong()).isPositive();
    assertThat(json.at("/checks/sketch_vs_exact/max_relative_error").asDouble()).isLessThan(0.05);
    assertThat(json.at("/missing").size()).isZero();
    assertThat(results).containsKey("missing");
  }

  @Test
  void benchConfigIsValid() {
    var config = ConfigLoader.load(Path.of("conf/bench/bench.conf"));
    var tree = config.tree(null);

    assertThat(tree.nodes()).hasSize(21);
    assertThat(tree.dimensions()).containsExactly("country");
    assertThat(TreeVariants.nodesWithDistinctCounts(tree)).containsExactlyInAnyOrder(
        "buyers", "revenue_per_buyer", "orders_per_buyer", "buyer_conversion", "sessions",
        "sessions_per_user", "mobile_buyers");
  }

  @Test
  void invalidOptionsExitWithUsageError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Benchmark.execute(new String[] {"--events", "1001"}, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid --events 1001");
  }
}

package dev.arbor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What jobs/benchmark prints on the console, for the cases that need no Spark session. */
class BenchmarkConsoleTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int execute(String... args) {
    return Benchmark.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpAfterOtherOptionsPrintsUsage() {
    assertThat(execute("--events", "1m", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(BenchmarkOptions.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void shortHelpAfterInvalidOptionPrintsUsage() {
    assertThat(execute("--events", "ten", "-h")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(BenchmarkOptions.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void helpWordCountsOnlyFirst() {
    assertThat(BenchmarkOptions.requestsHelp(new String[] {"help"})).isTrue();
    // A later "help" is an option value, such as a tree named help.
    assertThat(BenchmarkOptions.requestsHelp(new String[] {"--tree", "help"})).isFalse();
  }
}

package dev.arbor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.ArborException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What jobs/benchmark prints on the console, for the cases that need no Spark session. */
class BenchmarkConsoleTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private PrintStream errors() {
    return new PrintStream(err, true, StandardCharsets.UTF_8);
  }

  /**
   * Throws {@code e} without declaring it, as Scala code in Spark and Delta throws checked
   * exceptions that no Java signature declares.
   */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> int throwUndeclared(Throwable e) throws E {
    throw (E) e;
  }

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

  @Test
  void unwritableOutExitsWithUsageError(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("plain"), "x");
    Path out = file.resolve("sub/results.json");

    // The check runs before the config is loaded and Spark starts, so this test needs no Spark.
    assertThat(execute("--out", out.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("benchmark: Invalid --out " + out);
  }

  @Test
  void checkedExceptionIsReportedInOneLine() {
    int code = Benchmark.reportFailures(() -> throwUndeclared(new IOException("disk gone")), errors());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("benchmark failed: IOException: disk gone" + System.lineSeparator());
  }

  @Test
  void failureLineNamesRootCause() {
    int code = Benchmark.reportFailures(() -> {
      throw new UncheckedIOException("Cannot write the results file /x/results.json",
          new IOException("No space left on device"));
    }, errors());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("benchmark failed: UncheckedIOException: Cannot write the results file /x/results.json"
            + " (cause: IOException: No space left on device)" + System.lineSeparator());
  }

  @Test
  void usageErrorKeepsItsExitCode() {
    int code = Benchmark.reportFailures(() -> {
      throw ArborException.usage("Invalid --days 1; use 2 to 3660");
    }, errors());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("benchmark: Invalid --days 1; use 2 to 3660" + System.lineSeparator());
  }

  @Test
  void summaryPrintsHeapInMebibytes() {
    Map<String, Object> phase = new LinkedHashMap<>();
    phase.put("wall_ms", 2300L);
    phase.put("events_per_second", 438404L);
    phase.put("heap_max_used_mb", 344L);
    phase.put("heap_max_after_gc_mb", 171L);
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("data", Map.of("events", 1_000_000L, "days", 365));
    results.put("phases", Map.of("a", phase));
    results.put("ratios", Map.of());
    results.put("missing", List.of());

    String summary = Benchmark.summary(results);

    assertThat(summary).contains("heap max 344 MiB, after GC 171 MiB");
    assertThat(summary).doesNotContain(" MB");
  }
}

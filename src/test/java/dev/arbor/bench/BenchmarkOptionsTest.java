package dev.arbor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arbor.ArborException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line parsing of jobs/benchmark, without Spark. */
class BenchmarkOptionsTest {

  @Test
  void sizesTakeSuffixes() {
    BenchmarkOptions options = BenchmarkOptions.parse(new String[] {"--events", "10m", "--days", "730"});

    assertThat(options.events()).isEqualTo(10_000_000L);
    assertThat(options.days()).isEqualTo(730);
    assertThat(options.work().toString()).endsWith("target/bench/10m");
    assertThat(options.out().toString()).endsWith("target/bench/10m/results.json");
  }

  @Test
  void invalidValuesNameTheValueAndTheFix() {
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--events", "1001"}))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Invalid --events 1001")
        .hasMessageContaining("multiple of 4");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--events", "ten"}))
        .hasMessageContaining("Invalid --events 'ten'")
        .hasMessageContaining("such as 10m");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--days", "99999999999"}))
        .hasMessageContaining("Invalid --days 99999999999")
        .hasMessageContaining("use 2 to 3660");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--skip", "floor"}))
        .hasMessageContaining("Invalid phase 'floor'")
        .hasMessageContaining("incremental, naive, sketch, sliced");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--grains", "year"}))
        .hasMessageContaining("Invalid grain 'year'");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--events"}))
        .hasMessageContaining("Missing value for option --events");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--size", "1m"}))
        .hasMessageContaining("Unknown option '--size'");
  }

  @Test
  void zeroEventsAndBadSeedsAreRejected() {
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--events", "0"}))
        .hasMessageContaining("Invalid --events 0")
        .hasMessageContaining("positive multiple of 4");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--seed", "x"}))
        .hasMessageContaining("Invalid --seed 'x'")
        .hasMessageContaining("such as 42");
    assertThat(BenchmarkOptions.parse(new String[] {"--seed", "7"}).seed()).isEqualTo(7L);
  }

  @Test
  void workAndOutMustNotBeFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("plain"), "x");

    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--work", file.toString()}))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Invalid --work " + file)
        .hasMessageContaining("not a folder");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--out", file + "/results.json"}))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Invalid --out")
        .hasMessageContaining("not a folder");
  }

  @Test
  void outMustNotBeFolder(@TempDir Path dir) {
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--out", dir.toString()}))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Invalid --out " + dir + ": it is a folder")
        .hasMessageContaining(dir.resolve("results.json").toString());
  }

  @Test
  void outFolderIsCreated(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("a/b/results.json");
    BenchmarkOptions options = BenchmarkOptions.parse(new String[] {"--out", out.toString()});

    options.prepareOutFolder();

    assertThat(out.getParent()).isDirectory();
    // The write check leaves no file behind.
    try (var entries = Files.list(out.getParent())) {
      assertThat(entries).isEmpty();
    }
  }

  @Test
  void outUnderFileIsRejected(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("plain"), "x");
    Path out = file.resolve("sub/results.json");
    BenchmarkOptions options = BenchmarkOptions.parse(new String[] {"--out", out.toString()});

    assertThatThrownBy(options::prepareOutFolder)
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Invalid --out " + out + ": cannot create its folder " + out.getParent())
        .hasMessageContaining("pass a path in a folder that exists or that you can create");
  }

  @Test
  void outUnderProcIsRejected() {
    // /proc accepts no new files or folders, even from root. For root, Files.isWritable returns true.
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    BenchmarkOptions inProc = BenchmarkOptions.parse(new String[] {"--out", "/proc/results.json"});
    BenchmarkOptions underProc = BenchmarkOptions.parse(new String[] {"--out", "/proc/arbor-bench/results.json"});

    assertThatThrownBy(inProc::prepareOutFolder)
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Invalid --out /proc/results.json: cannot create a file in /proc")
        .hasMessageContaining("pass a path in a writable folder");
    assertThatThrownBy(underProc::prepareOutFolder)
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("cannot create its folder /proc/arbor-bench");
  }

  @Test
  void daysTakeNoSuffix() {
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--days", "2k"}))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Invalid --days '2k'")
        .hasMessageContaining("such as 365")
        .hasMessageNotContaining("10m");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--days", "1_000"}))
        .hasMessageContaining("Invalid --days '1_000'");
    assertThat(BenchmarkOptions.parse(new String[] {"--days", "30"}).days()).isEqualTo(30);
  }

  @Test
  void firstDayYearOutOfRangeIsRejected() {
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--first-day", "+10000-01-01"}))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Invalid --first-day +10000-01-01")
        .hasMessageContaining("from 1900-01-01 to 9998-12-31");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--first-day", "1899-12-31"}))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Invalid --first-day 1899-12-31");
    assertThat(BenchmarkOptions.parse(new String[] {"--first-day", "1900-01-01"}).firstDay())
        .hasToString("1900-01-01");
  }

  @Test
  void historyPastYear9999IsRejected() {
    // The history's last day is first day + days - 1, and the incremental phase appends one more.
    assertThat(BenchmarkOptions.parse(new String[] {"--first-day", "9999-12-01", "--days", "30"}).firstDay())
        .hasToString("9999-12-01");
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--days", "31", "--first-day", "9999-12-01"}))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Invalid --first-day 9999-12-01")
        .hasMessageContaining("from 1900-01-01 to 9999-11-30")
        .hasMessageContaining("31 days");
  }

  @Test
  void emptyListItemsAreRejected() {
    for (String grains : new String[] {"week,", ",week", "week,,month", "week, ", ""}) {
      assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--grains", grains}))
          .as(grains)
          .isInstanceOf(ArborException.class)
          .hasMessageContaining("Invalid --grains '" + grains + "'")
          .hasMessageContaining("empty item");
    }
    for (String phases : new String[] {"naive,", "naive,,sketch"}) {
      assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--skip", phases}))
          .as(phases)
          .isInstanceOf(ArborException.class)
          .hasMessageContaining("Invalid --skip '" + phases + "'")
          .hasMessageContaining("empty item");
    }
    assertThat(BenchmarkOptions.parse(new String[] {"--skip", "naive, sketch"}).skip())
        .containsExactlyInAnyOrder("naive", "sketch");
  }

  @Test
  void resultsRecordSkippedPhases() {
    BenchmarkOptions skipping = BenchmarkOptions.parse(new String[] {"--skip", "sliced,naive", "--grains", "month"});
    BenchmarkOptions complete = BenchmarkOptions.parse(new String[] {});

    assertThat(skipping.toResults().get("skipped_phases")).isEqualTo(List.of("naive", "sliced"));
    assertThat(skipping.toResults().get("grains")).isEqualTo(List.of("month"));
    assertThat(complete.toResults().get("skipped_phases")).isEqualTo(List.of());
    assertThat(Json.write(skipping.toResults())).contains("\"skipped_phases\": [\"naive\", \"sliced\"]");
  }

  @Test
  void unknownFlagWithoutValueIsNamed() {
    assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--frobnicate"}))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Unknown option '--frobnicate'");
  }
}

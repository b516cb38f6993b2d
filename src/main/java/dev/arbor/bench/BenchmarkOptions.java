package dev.arbor.bench;

import dev.arbor.ArborException;
import dev.arbor.period.Grain;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Options of {@code jobs/benchmark}.
 *
 * @param events rows of the generated history
 * @param days days of history
 * @param firstDay first day of the history
 * @param seed seed of the generator
 * @param conf the benchmark's config file (source and tree)
 * @param treeId tree to run, or null for the config's only tree
 * @param work folder for the generated events and Arbor's output tables
 * @param out results file (JSON)
 * @param grains grains to compute instead of the tree's, or empty to keep the tree's
 * @param skip phases not to run, by id (naive, sketch, incremental, sliced)
 * @param regenerate generate the events even when the work folder contains the same data
 */
public record BenchmarkOptions(
    long events,
    int days,
    LocalDate firstDay,
    long seed,
    Path conf,
    String treeId,
    Path work,
    Path out,
    List<Grain> grains,
    Set<String> skip,
    boolean regenerate) {

  /** Earliest first day of the history that {@code --first-day} accepts. */
  static final LocalDate EARLIEST_FIRST_DAY = LocalDate.of(1900, 1, 1);

  /**
   * Last day on which generated events may fall, which is the day that the incremental phase
   * appends after the history. A first day in year 10000 makes the run fail in Spark with an
   * overflow error that blames the data.
   *
   * <p>NOTE: no benchmark has run with a history that ends near this day, where the last week
   * period and, in zones west of UTC, the events' UTC times reach into year 10000.
   */
  static final LocalDate LATEST_EVENT_DAY = LocalDate.of(9999, 12, 31);

  /** Phases that {@code --skip} may name. */
  public static final Set<String> SKIPPABLE = Set.of("naive", "sketch", "incremental", "sliced");

  static final String USAGE =
      """
      Usage: jobs/benchmark [options]

      Generates a synthetic event table, then times on it, in one process: the floor (one pass
      that reads the columns the tree needs and aggregates them per day), Arbor's full run, the
      same tree with sketched distinct counts, one hand-written SQL query per node and grain, an
      incremental run after one more day, and runs sliced by the tree's dimensions. See
      BENCHMARKS.md.

      Options:
        --events N        rows of the generated history; k and m suffixes allowed (default 1m)
        --days N          days of history, 2 to 3660 (default 365)
        --first-day DATE  first day of the history, YYYY-MM-DD, from 1900-01-01 to 9999-12-31
                          minus the days (default 2023-01-01)
        --seed N          seed of the generator (default 1)
        --conf FILE       config with the source and tree (default conf/bench/bench.conf)
        --tree ID         tree to run; needed when the config defines several
        --work DIR        folder for the events and output tables (default target/bench/EVENTS)
        --out FILE        results file, JSON (default WORK/results.json)
        --grains LIST     comma-separated grains to compute instead of the tree's, e.g. month
        --skip LIST       comma-separated phases to leave out: naive, sketch, incremental, sliced
        --regenerate      generate the events even when WORK holds a table of the same spec
        -h, --help        print this text and exit, wherever it appears on the command line
      """;

  /** Options that take a value, as {@code --help} lists them. */
  private static final Set<String> VALUED_OPTIONS =
      Set.of("--events", "--days", "--first-day", "--seed", "--conf", "--tree", "--work", "--out",
          "--grains", "--skip");

  /** Returns whether {@code args} request the usage text, by -h or --help anywhere or help first. */
  static boolean requestsHelp(String[] args) {
    if (args.length > 0 && args[0].equals("help")) {
      return true;
    }
    return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
  }

  /** Parses the command line; throws a usage error naming the invalid option. */
  public static BenchmarkOptions parse(String[] args) {
    long events = 1_000_000;
    long days = 365;
    LocalDate firstDay = LocalDate.of(2023, 1, 1);
    long seed = 1;
    Path conf = Path.of("conf/bench/bench.conf");
    String treeId = null;
    Path work = null;
    Path out = null;
    List<Grain> grains = List.of();
    Set<String> skip = new LinkedHashSet<>();
    boolean regenerate = false;

    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--regenerate")) {
        regenerate = true;
        continue;
      }
      if (!VALUED_OPTIONS.contains(name)) {
        throw ArborException.usage("Unknown option '" + name + "'; jobs/benchmark --help lists the options");
      }
      if (i + 1 >= args.length) {
        throw ArborException.usage("Missing value for option " + name + "; pass it as " + name
            + " VALUE (jobs/benchmark --help lists the options)");
      }
      String value = args[++i];
      switch (name) {
        case "--events" -> events = count(value, name);
        case "--days" -> days = parseDays(value, name);
        case "--first-day" -> firstDay = date(value, name);
        case "--seed" -> seed = seed(value, name);
        case "--conf" -> conf = Path.of(value);
        case "--tree" -> treeId = value;
        case "--work" -> work = Path.of(value);
        case "--out" -> out = Path.of(value);
        case "--grains" -> grains = grains(value, name);
        case "--skip" -> skip.addAll(phases(value, name));
        default -> throw new IllegalStateException("Option " + name + " is listed but not parsed");
      }
    }

    if (events < EventGenerator.BLOCK || events % EventGenerator.BLOCK != 0) {
      throw ArborException.usage("Invalid --events " + events + "; use a positive multiple of "
          + EventGenerator.BLOCK + ", such as 1m");
    }
    if (days < 2 || days > 3660) {
      throw ArborException.usage("Invalid --days " + days + "; use 2 to 3660");
    }
    // The incremental phase appends one day after the history, which is firstDay + days.
    LocalDate latestFirstDay = LATEST_EVENT_DAY.minusDays(days);
    if (firstDay.isBefore(EARLIEST_FIRST_DAY) || firstDay.isAfter(latestFirstDay)) {
      throw ArborException.usage("Invalid --first-day " + firstDay + "; use a day from " + EARLIEST_FIRST_DAY
          + " to " + latestFirstDay + " for " + days + " days of history, so that the history and the day"
          + " appended after it end by " + LATEST_EVENT_DAY);
    }

    if (work == null) {
      work = Path.of("target", "bench", label(events));
    }
    work = work.toAbsolutePath().normalize();
    if (java.nio.file.Files.exists(work) && !java.nio.file.Files.isDirectory(work)) {
      throw ArborException.usage("Invalid --work " + work + ": it is a file, not a folder; pass a folder"
          + " (it is created when missing)");
    }
    if (out == null) {
      out = work.resolve("results.json");
    }
    if (Files.isDirectory(out)) {
      throw ArborException.usage("Invalid --out " + out + ": it is a folder; pass the path of a file, such as "
          + out.resolve("results.json"));
    }
    Path outFolder = out.toAbsolutePath().getParent();
    if (outFolder != null && java.nio.file.Files.exists(outFolder) && !java.nio.file.Files.isDirectory(outFolder)) {
      throw ArborException.usage("Invalid --out " + out + ": " + outFolder + " is a file, not a folder;"
          + " pass a path in a folder");
    }
    return new BenchmarkOptions(events, (int) days, firstDay, seed, conf, treeId, work, out.toAbsolutePath(),
        grains, Set.copyOf(skip), regenerate);
  }

  /**
   * Returns the options as the results file records them. {@code skipped_phases} lists the phases
   * that {@code --skip} left out, in alphabetical order, and {@code grains} is empty when the run
   * computes the tree's own grains.
   */
  Map<String, Object> toResults() {
    Map<String, Object> recorded = new LinkedHashMap<>();
    recorded.put("events", events);
    recorded.put("days", days);
    recorded.put("first_day", firstDay.toString());
    recorded.put("seed", seed);
    recorded.put("conf", conf.toString());
    recorded.put("tree", treeId);
    recorded.put("work", work.toString());
    recorded.put("out", out.toString());
    recorded.put("grains", grains.stream().map(Grain::key).toList());
    recorded.put("skipped_phases", List.copyOf(new TreeSet<>(skip)));
    recorded.put("regenerate", regenerate);
    return recorded;
  }

  /**
   * Creates the folder of the results file when missing and checks that a file can be created in
   * it. Benchmark calls it before Spark starts and again before the first phase, so that an
   * invalid {@code --out} fails before the phases run rather than after them, losing the figures.
   */
  void prepareOutFolder() {
    Path folder = out.getParent();
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw ArborException.usage("Invalid --out " + out + ": cannot create its folder " + folder + " ("
          + describe(e) + "); pass a path in a folder that exists or that you can create");
    }
    // Files.isWritable is not enough, because for root it returns true even in /proc, where no file
    // can be created. So a temporary file is created and deleted.
    try {
      Path probe = Files.createTempFile(folder, ".arbor-bench-", ".tmp");
      Files.delete(probe);
    } catch (IOException e) {
      throw ArborException.usage("Invalid --out " + out + ": cannot create a file in " + folder + " ("
          + describe(e) + "); pass a path in a writable folder");
    }
    if (Files.exists(out) && !Files.isWritable(out)) {
      throw ArborException.usage("Invalid --out " + out + ": the file exists and is read-only; make it"
          + " writable or pass another path");
    }
  }

  /** Returns the operating system's reason for a file error, or the exception's type and message. */
  private static String describe(IOException e) {
    if (e instanceof FileSystemException failure && failure.getReason() != null) {
      return failure.getReason();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** Returns a short label of an event count: 1m for a million, 250k, or the number itself. */
  static String label(long events) {
    if (events % 1_000_000 == 0) {
      return events / 1_000_000 + "m";
    }
    if (events % 1_000 == 0) {
      return events / 1_000 + "k";
    }
    return Long.toString(events);
  }

  private static long count(String text, String option) {
    String lower = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
    long multiplier = 1;
    if (lower.endsWith("m")) {
      multiplier = 1_000_000;
      lower = lower.substring(0, lower.length() - 1);
    } else if (lower.endsWith("k")) {
      multiplier = 1_000;
      lower = lower.substring(0, lower.length() - 1);
    }
    try {
      long value = Math.multiplyExact(Long.parseLong(lower), multiplier);
      if (value < 0) {
        throw new NumberFormatException("negative");
      }
      return value;
    } catch (NumberFormatException | ArithmeticException e) {
      throw ArborException.usage("Invalid " + option + " '" + text + "'; expected a positive whole number such as 10m");
    }
  }

  /** Parses a plain number of days, which unlike {@code --events} takes no k or m suffix. */
  private static long parseDays(String text, String option) {
    String digits = text.trim();
    // 18 digits always fit in a long, and parse rejects any value above 3660 afterwards.
    if (digits.matches("[0-9]{1,18}")) {
      return Long.parseLong(digits);
    }
    throw ArborException.usage("Invalid " + option + " '" + text + "'; expected a whole number of days such as 365");
  }

  private static long seed(String text, String option) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw ArborException.usage("Invalid " + option + " '" + text + "'; expected a whole number such as 42");
    }
  }

  private static LocalDate date(String text, String option) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw ArborException.usage("Invalid " + option + " '" + text + "'; expected a date such as 2023-01-01");
    }
  }

  private static List<Grain> grains(String text, String option) {
    List<Grain> grains = new ArrayList<>();
    for (String part : splitList(text, option, "week,month")) {
      Grain grain = Grain.fromKey(part);
      if (grain == null) {
        throw ArborException.usage("Invalid grain '" + part + "' in " + option + "; expected day, week, month or quarter");
      }
      if (!grains.contains(grain)) {
        grains.add(grain);
      }
    }
    grains.sort(null);
    return grains;
  }

  private static List<String> phases(String text, String option) {
    List<String> phases = new ArrayList<>();
    for (String part : splitList(text, option, "naive,sketch")) {
      String phase = part.toLowerCase(Locale.ROOT);
      if (!SKIPPABLE.contains(phase)) {
        throw ArborException.usage("Invalid phase '" + part + "' in " + option + "; expected some of "
            + String.join(", ", new java.util.TreeSet<>(SKIPPABLE)));
      }
      phases.add(phase);
    }
    return phases;
  }

  /** Splits a comma-separated option value into trimmed items and rejects empty items, as in "week,". */
  private static List<String> splitList(String text, String option, String example) {
    List<String> items = new ArrayList<>();
    // The limit -1 keeps trailing empty strings, which split would otherwise drop silently.
    for (String part : text.split(",", -1)) {
      String item = part.trim();
      if (item.isEmpty()) {
        throw ArborException.usage("Invalid " + option + " '" + text + "'; the list contains an empty item."
            + " Separate the items with single commas, such as " + example);
      }
      items.add(item);
    }
    return items;
  }
}

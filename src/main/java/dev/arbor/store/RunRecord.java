package dev.arbor.store;

import dev.arbor.ArborException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One row of the runs table. */
public record RunRecord(
    String runId,
    String command,
    String treeId,
    String treeVersion,
    LocalDate asOf,
    LocalDate from,
    LocalDate to,
    String backfillId,
    String recompute,
    Map<String, List<LocalDate>> periodsRecomputed,
    String status,
    Instant startedAt,
    Instant endedAt,
    Map<String, Long> inputVersions,
    Map<String, Long> rowsRead,
    Map<String, Long> rowsWritten,
    Map<String, Long> stepMillis,
    Map<String, Long> qualityCounts,
    List<String> warnings,
    String errorCategory,
    String errorMessage) {

  public static Builder builder(String runId, String command) {
    return new Builder(runId, command);
  }

  /** Collects a run's facts as it goes; {@link #succeeded} or {@link #failed} ends it. */
  public static final class Builder {
    private final String runId;
    private final String command;
    private final Instant startedAt = Instant.now();
    private String treeId;
    private String treeVersion;
    private LocalDate asOf;
    private LocalDate from;
    private LocalDate to;
    private String backfillId;
    private String recompute;
    private final Map<String, List<LocalDate>> periodsRecomputed = new LinkedHashMap<>();
    private final Map<String, Long> qualityCounts = new LinkedHashMap<>();
    private final Map<String, Long> inputVersions = new LinkedHashMap<>();
    private final Map<String, Long> rowsRead = new LinkedHashMap<>();
    private final Map<String, Long> rowsWritten = new LinkedHashMap<>();
    private final Map<String, Long> stepMillis = new LinkedHashMap<>();

    private Builder(String runId, String command) {
      this.runId = runId;
      this.command = command;
    }

    public Builder tree(String id, String version) {
      this.treeId = id;
      this.treeVersion = version;
      return this;
    }

    public Builder range(LocalDate asOf, LocalDate from) {
      this.asOf = asOf;
      this.from = from;
      return this;
    }

    /** Sets the last day of a backfill chunk and the backfill it belongs to. */
    public Builder chunk(LocalDate last, String backfill) {
      this.to = last;
      this.backfillId = backfill;
      return this;
    }

    /** Records whether the run recomputed everything or some days, and why. */
    public Builder recompute(String summary) {
      this.recompute = summary;
      return this;
    }

    public Builder periodsRecomputed(Map<String, List<LocalDate>> periods) {
      periodsRecomputed.putAll(periods);
      return this;
    }

    /** Records the count of one data-quality gate, keyed {@code source.gate}. */
    public Builder qualityCount(String key, long count) {
      qualityCounts.put(key, count);
      return this;
    }

    public Builder input(String sourceId, long version, long rows) {
      inputVersions.put(sourceId, version);
      rowsRead.put(sourceId, rows);
      return this;
    }

    public Builder step(String name, long millis) {
      stepMillis.put(name, millis);
      return this;
    }

    public Builder rowsWritten(Map<String, Long> rows) {
      rowsWritten.putAll(rows);
      return this;
    }

    public RunRecord succeeded(List<String> warnings) {
      return build("succeeded", warnings, null, null);
    }

    public RunRecord failed(ArborException error) {
      return build("failed", List.of(), error.category().name(), error.getMessage());
    }

    private RunRecord build(String status, List<String> warnings, String category, String message) {
      return new RunRecord(runId, command, treeId, treeVersion, asOf, from, to, backfillId,
          recompute, Map.copyOf(periodsRecomputed), status, startedAt, Instant.now(),
          Map.copyOf(inputVersions), Map.copyOf(rowsRead), Map.copyOf(rowsWritten),
          Map.copyOf(stepMillis), Map.copyOf(qualityCounts), List.copyOf(warnings), category,
          message);
    }
  }
}

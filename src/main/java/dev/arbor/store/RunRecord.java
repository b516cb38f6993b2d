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
    String status,
    Instant startedAt,
    Instant endedAt,
    Map<String, Long> inputVersions,
    Map<String, Long> rowsRead,
    Map<String, Long> rowsWritten,
    Map<String, Long> stepMillis,
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
      return new RunRecord(runId, command, treeId, treeVersion, asOf, from, status, startedAt,
          Instant.now(), Map.copyOf(inputVersions), Map.copyOf(rowsRead), Map.copyOf(rowsWritten),
          Map.copyOf(stepMillis), List.copyOf(warnings), category, message);
    }
  }
}

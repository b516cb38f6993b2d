package dev.arbor.planning;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A dated note about something that may explain a metric's move: a launch, an experiment, an
 * external event or a decision.
 *
 * @param nodes nodes the annotation concerns; empty means the whole tree
 * @param problems reasons for rejection; empty for a valid annotation
 */
public record Annotation(
    String id,
    LocalDate date,
    String kind,
    String text,
    List<String> nodes,
    String team,
    LedgerRow row,
    List<String> problems) {

  /** Kinds an annotation may have. */
  public static final List<String> KINDS = List.of("launch", "experiment", "external", "decision");

  /** Columns every annotation ledger must have. */
  public static final List<String> REQUIRED_COLUMNS = List.of("annotation_id", "date", "kind", "text");

  /** Columns an annotation ledger may have. */
  public static final List<String> OPTIONAL_COLUMNS = List.of("nodes", "team");

  public Annotation {
    nodes = List.copyOf(nodes);
    problems = List.copyOf(problems);
  }

  public boolean isRejected() {
    return !problems.isEmpty();
  }

  /** Returns whether the annotation concerns {@code nodeId} (an empty node list concerns all). */
  public boolean concerns(String nodeId) {
    return nodes.isEmpty() || nodes.contains(nodeId);
  }

  /** Returns whether the annotation's date is within {@code days} of {@code from} to {@code to}. */
  public boolean isNear(LocalDate from, LocalDate to, int days) {
    return !date.isBefore(from.minusDays(days)) && !date.isAfter(to.plusDays(days));
  }

  /** Returns the text listed next to a gap or bet: {@code 2011-09-05 launch: text}. */
  public String describe() {
    return date + " " + kind + ": " + text;
  }

  /** Returns the days between the annotation and the nearest day of {@code from} to {@code to}. */
  public long distanceTo(LocalDate from, LocalDate to) {
    if (date.isBefore(from)) {
      return ChronoUnit.DAYS.between(date, from);
    }
    return date.isAfter(to) ? ChronoUnit.DAYS.between(to, date) : 0;
  }

  /** Validates ledger rows; every row becomes an annotation, rejected ones with their reasons. */
  public static List<Annotation> validate(List<LedgerRow> rows, Set<String> nodeIds) {
    List<Annotation> annotations = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (LedgerRow row : rows) {
      List<String> problems = new ArrayList<>();
      String id = row.get("annotation_id");
      if (id.isEmpty()) {
        problems.add("missing annotation_id");
      } else if (!seen.add(id)) {
        problems.add("duplicate annotation_id '" + id + "'");
      }
      LocalDate date = BetLedger.date(row, "date", problems);
      String kind = row.get("kind").toLowerCase(Locale.ROOT);
      if (kind.isEmpty()) {
        problems.add("missing kind");
      } else if (!KINDS.contains(kind)) {
        problems.add("invalid kind '" + row.get("kind") + "'; expected one of " + String.join(", ", KINDS));
      }
      if (row.get("text").isEmpty()) {
        problems.add("missing text");
      }
      List<String> nodes = new ArrayList<>();
      String nodesText = row.get("nodes");
      if (!nodesText.isEmpty() && !nodesText.equals("*")) {
        for (String part : nodesText.split(";")) {
          String node = part.trim();
          if (node.isEmpty()) {
            continue;
          }
          if (!nodeIds.contains(node)) {
            problems.add("node '" + node + "' is not a node of the tree"
                + NodeNames.suggestion(node, nodeIds));
          } else {
            nodes.add(node);
          }
        }
      }
      annotations.add(new Annotation(id, date, kind, row.get("text"), nodes, row.get("team"), row, problems));
    }
    return annotations;
  }
}

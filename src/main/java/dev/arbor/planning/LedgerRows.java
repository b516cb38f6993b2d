package dev.arbor.planning;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Rows of the bets and annotations tables for one load, in their DDL column order. */
final class LedgerRows {
  private LedgerRows() {}

  static List<Row> bets(PlanningContext context, List<Bet> bets) {
    List<Row> rows = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (Bet bet : bets) {
      LedgerRow row = bet.row();
      String key = ledgerKey(bet.id(), row, keys);
      String reason = bet.isRejected() ? String.join("; ", bet.problems()) : null;
      List<Object> content = new ArrayList<>(row.values().entrySet().stream()
          .sorted(java.util.Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue()).toList());
      content.add(reason);
      rows.add(RowFactory.create(
          context.tree().id(),
          key,
          bet.id().isEmpty() ? null : bet.id(),
          bet.cycle() == null ? null : PlanningTables.date(bet.cycle().start()),
          bet.cycle() == null ? null : PlanningTables.date(bet.cycle().end()),
          bet.cycle() == null ? null : bet.cycle().label(),
          blankToNull(bet.team()),
          blankToNull(bet.owner()),
          blankToNull(bet.title()),
          blankToNull(bet.hypothesis()),
          blankToNull(row.get("target_node")),
          blankToNull(bet.expectedChangeText()),
          bet.expectedChange() == null ? null : bet.expectedChange().kind().code(),
          bet.expectedChange() == null ? null : bet.expectedChange().value(),
          PlanningTables.date(bet.start()),
          PlanningTables.date(bet.end()),
          bet.rampUpDays(),
          bet.effort(),
          bet.confidence(),
          blankToNull(row.get("status")),
          blankToNull(row.get("leading_indicator")),
          row.source(),
          row.line(),
          bet.isRejected(),
          reason,
          PlanningJob.hash(content),
          context.now(),
          null,
          true,
          "added",
          context.runId()));
    }
    return rows;
  }

  static List<Row> annotations(PlanningContext context, List<Annotation> annotations) {
    List<Row> rows = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (Annotation annotation : annotations) {
      LedgerRow row = annotation.row();
      String key = ledgerKey(annotation.id(), row, keys);
      String reason = annotation.isRejected() ? String.join("; ", annotation.problems()) : null;
      List<Object> content = new ArrayList<>(row.values().entrySet().stream()
          .sorted(java.util.Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue()).toList());
      content.add(reason);
      rows.add(RowFactory.create(
          context.tree().id(),
          key,
          annotation.id().isEmpty() ? null : annotation.id(),
          PlanningTables.date(annotation.date()),
          blankToNull(row.get("kind")),
          blankToNull(annotation.text()),
          PlanningTables.seq(annotation.nodes()),
          blankToNull(annotation.team()),
          row.source(),
          row.line(),
          annotation.isRejected(),
          reason,
          PlanningJob.hash(content),
          context.now(),
          null,
          true,
          "added",
          context.runId()));
    }
    return rows;
  }

  /**
   * Returns the id, or {@code file:line} when the id is missing or repeats an earlier row's, so
   * that every row of a load has its own key in the history.
   */
  private static String ledgerKey(String id, LedgerRow row, Set<String> keys) {
    String key = id.isEmpty() || keys.contains(id) ? row.where() : id;
    keys.add(key);
    return key;
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}

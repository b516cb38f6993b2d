package dev.arbor.planning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Rows of the bets and annotations tables for one load, in their DDL column order. */
final class LedgerRows {
  private LedgerRows() {}

  static List<Row> bets(PlanningContext context, List<Bet> bets) {
    List<Row> rows = new ArrayList<>();
    for (Bet bet : bets) {
      LedgerRow row = bet.row();
      String key = bet.id().isEmpty() ? row.where() : bet.id();
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
    for (Annotation annotation : annotations) {
      LedgerRow row = annotation.row();
      String key = annotation.id().isEmpty() ? row.where() : annotation.id();
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

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  static List<Object> list(Object... values) {
    return Arrays.asList(values);
  }
}

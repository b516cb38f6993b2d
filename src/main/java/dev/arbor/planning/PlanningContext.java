package dev.arbor.planning;

import dev.arbor.config.PlanningSettings;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.tree.Tree;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Inputs shared by the steps of one planning run of one tree. */
final class PlanningContext {
  private final Tree tree;
  private final PlanningSettings planning;
  private final PeriodCalendar calendar;
  private final LocalDate asOf;
  private final String runId;
  private final Timestamp now;
  private List<Bet> bets = List.of();
  private List<Annotation> annotations = List.of();
  private NodeSeries series;
  private TreeImpact impact;

  PlanningContext(Tree tree, PlanningSettings planning, PeriodCalendar calendar, LocalDate asOf,
      String runId, Timestamp now) {
    this.tree = tree;
    this.planning = planning;
    this.calendar = calendar;
    this.asOf = asOf;
    this.runId = runId;
    this.now = now;
  }

  void attach(List<Bet> bets, List<Annotation> annotations, NodeSeries series, TreeImpact impact) {
    this.bets = List.copyOf(bets);
    this.annotations = List.copyOf(annotations);
    this.series = series;
    this.impact = impact;
  }

  Tree tree() {
    return tree;
  }

  PlanningSettings planning() {
    return planning;
  }

  PeriodCalendar calendar() {
    return calendar;
  }

  LocalDate asOf() {
    return asOf;
  }

  String runId() {
    return runId;
  }

  Timestamp now() {
    return now;
  }

  List<Bet> bets() {
    return bets;
  }

  /** Returns the bets without problems, in ledger order. */
  List<Bet> acceptedBets() {
    return bets.stream().filter(b -> !b.isRejected()).toList();
  }

  NodeSeries series() {
    return series;
  }

  TreeImpact impact() {
    return impact;
  }

  /**
   * Returns the accepted annotations on any of {@code nodes} (or on the whole tree) within the
   * configured window of {@code from} to {@code to}, nearest first, as {@code date kind: text}.
   */
  List<String> annotationsNear(Set<String> nodes, LocalDate from, LocalDate to) {
    int window = planning.annotationWindowDays();
    List<Annotation> near = new ArrayList<>();
    for (Annotation annotation : annotations) {
      if (annotation.isRejected() || !annotation.isNear(from, to, window)) {
        continue;
      }
      if (annotation.nodes().isEmpty() || nodes.stream().anyMatch(annotation::concerns)) {
        near.add(annotation);
      }
    }
    near.sort(Comparator.comparingLong((Annotation a) -> a.distanceTo(from, to))
        .thenComparing(Annotation::date));
    return near.stream().map(Annotation::describe).toList();
  }
}

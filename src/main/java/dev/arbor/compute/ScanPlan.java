package dev.arbor.compute;

import dev.arbor.tree.Aggregation;
import dev.arbor.tree.LifecycleKind;
import dev.arbor.tree.Measure;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one scan of a source must produce for a tree: the additive partial aggregates per day and
 * the keyed activity (distinct values, lifecycle entities) per day.
 *
 * <p>Measures that share a key expression and filter share one keyed slot, so that two nodes that
 * count the same customers do not double the compact activity table.
 */
public final class ScanPlan {

  /** A per-day partial aggregate: the sum of {@code expression} over the source's events. */
  public record Partial(String column, String expression) {}

  /**
   * A keyed slot: the distinct values of {@code keyExpression} among events that pass {@code
   * filter}, per day. Slot numbers start at 1; slot 0 carries the additive partials.
   */
  public record KeySlot(int slot, String keyExpression, String filter) {}

  /**
   * How a measured column's period value is obtained.
   *
   * @param id column id: a node id, or {@code node#num} and {@code node#den} for ratios
   * @param kind ADDITIVE (sum of {@code partial}), AVERAGE (sum of {@code partial} divided by the sum
   *     of {@code countPartial}), DISTINCT (distinct keys of {@code slot}), SKETCH (distinct keys of
   *     {@code slot} estimated by an HLL sketch) or LIFECYCLE
   */
  public record MeasuredColumn(
      String id,
      String kind,
      String partial,
      String countPartial,
      int slot,
      LifecycleKind lifecycle,
      boolean zeroWhenEmpty) {}

  private final String sourceId;
  private final List<String> dimensions;
  private final Map<String, Partial> partials = new LinkedHashMap<>();
  private final List<KeySlot> slots = new ArrayList<>();
  private final List<MeasuredColumn> columns = new ArrayList<>();

  private ScanPlan(String sourceId, List<String> dimensions) {
    this.sourceId = sourceId;
    this.dimensions = List.copyOf(dimensions);
  }

  /**
   * Builds one plan per source that the tree's measures and lifecycles use. Each plan groups its
   * daily activity by the tree's dimensions too, so that slicing needs no second scan.
   */
  public static Map<String, ScanPlan> forTree(Tree tree) {
    Map<String, ScanPlan> plans = new LinkedHashMap<>();
    java.util.function.Function<String, ScanPlan> newPlan = id -> new ScanPlan(id, tree.dimensions());
    for (Node node : tree.nodes().values()) {
      if (node.measure() != null) {
        Measure measure = node.measure();
        ScanPlan plan = plans.computeIfAbsent(measure.source(), newPlan);
        if (measure.aggregation() == Aggregation.RATIO) {
          plan.addMeasure(node.id() + "#num", measure.numerator());
          plan.addMeasure(node.id() + "#den", measure.denominator());
        } else {
          plan.addMeasure(node.id(), measure);
        }
      } else if (node.lifecycle() != null) {
        ScanPlan plan = plans.computeIfAbsent(node.lifecycle().source(), newPlan);
        int slot = plan.slotFor(ENTITY_KEY, node.lifecycle().filter());
        plan.columns.add(
            new MeasuredColumn(node.id(), "LIFECYCLE", null, null, slot, node.lifecycle().kind(), true));
      }
    }
    return plans;
  }

  /** Placeholder key expression that stands for the source's entity-id column. */
  public static final String ENTITY_KEY = "<entity>";

  private void addMeasure(String id, Measure measure) {
    String filter = measure.filter();
    switch (measure.aggregation()) {
      case COUNT -> {
        String partial = partial(conditional("1", filter, "0"));
        columns.add(new MeasuredColumn(id, "ADDITIVE", partial, null, 0, null, true));
      }
      case SUM -> {
        String partial = partial(conditional(measure.expression(), filter, null));
        columns.add(new MeasuredColumn(id, "ADDITIVE", partial, null, 0, null, true));
      }
      case AVG -> {
        String sum = partial(conditional(measure.expression(), filter, null));
        String count =
            partial(
                conditional(
                    "1",
                    andFilter(filter, "(" + measure.expression() + ") IS NOT NULL"),
                    "0"));
        columns.add(new MeasuredColumn(id, "AVERAGE", sum, count, 0, null, false));
        // The average's numerator and denominator, for node_values and the mix and rate split.
        columns.add(new MeasuredColumn(id + "#num", "ADDITIVE", sum, null, 0, null, true));
        columns.add(new MeasuredColumn(id + "#den", "ADDITIVE", count, null, 0, null, true));
      }
      case COUNT_DISTINCT -> {
        int slot = slotFor(measure.expression(), filter);
        columns.add(new MeasuredColumn(id, "DISTINCT", null, null, slot, null, true));
      }
      case APPROX_COUNT_DISTINCT -> {
        int slot = slotFor(measure.expression(), filter);
        columns.add(new MeasuredColumn(id, "SKETCH", null, null, slot, null, true));
      }
      case RATIO -> throw new IllegalStateException("Nested ratio in " + id);
    }
  }

  private static String conditional(String value, String filter, String otherwise) {
    if (filter == null) {
      return value;
    }
    return "CASE WHEN " + filter + " THEN " + value + (otherwise == null ? "" : " ELSE " + otherwise) + " END";
  }

  private static String andFilter(String a, String b) {
    return a == null ? b : "(" + a + ") AND (" + b + ")";
  }

  private String partial(String expression) {
    for (Partial existing : partials.values()) {
      if (existing.expression().equals(expression)) {
        return existing.column();
      }
    }
    String column = "p" + partials.size();
    partials.put(column, new Partial(column, expression));
    return column;
  }

  private int slotFor(String keyExpression, String filter) {
    for (KeySlot slot : slots) {
      if (slot.keyExpression().equals(keyExpression) && Objects.equals(slot.filter(), filter)) {
        return slot.slot();
      }
    }
    KeySlot slot = new KeySlot(slots.size() + 1, keyExpression, filter);
    slots.add(slot);
    return slot.slot();
  }

  public String sourceId() {
    return sourceId;
  }

  /** Returns the source columns (lower case) that the daily activity is also grouped by. */
  public List<String> dimensions() {
    return dimensions;
  }

  /** Returns the partial column summed by an additive measured column, or null if there is none. */
  public String additivePartial(String columnId) {
    for (MeasuredColumn column : columns) {
      if (column.id().equals(columnId) && column.kind().equals("ADDITIVE")) {
        return column.partial();
      }
    }
    return null;
  }

  public List<Partial> partials() {
    return List.copyOf(partials.values());
  }

  public List<KeySlot> slots() {
    return List.copyOf(slots);
  }

  public List<MeasuredColumn> columns() {
    return List.copyOf(columns);
  }
}

package dev.arbor.attribution;

import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * One period compared with one base period, with every node's values in every slice (the total
 * and each segment): the Java view of a row of {@link ChangeAttribution}'s grouped input.
 */
record PeriodComparison(
    String grain,
    Date periodStart,
    Date periodEnd,
    boolean complete,
    String comparison,
    Date baseStart,
    List<Slice> slices) {

  /** A node's value, with its numerator and denominator for ratio nodes; fields may be null. */
  record NodeValue(Double value, Double numerator, Double denominator) {
    static final NodeValue MISSING = new NodeValue(null, null, null);
  }

  /** One slice (the total, or one segment of a dimension) in the base period and the period. */
  record Slice(String dimension, String segment, Map<String, NodeValue> base, Map<String, NodeValue> current) {
    Map<String, Double> baseValues() {
      return values(base);
    }

    Map<String, Double> currentValues() {
      return values(current);
    }

    NodeValue base(String nodeId) {
      return base.getOrDefault(nodeId, NodeValue.MISSING);
    }

    NodeValue current(String nodeId) {
      return current.getOrDefault(nodeId, NodeValue.MISSING);
    }

    /** Returns each node's change; null where either value is null. */
    Map<String, Double> changes() {
      Map<String, Double> changes = new HashMap<>();
      for (String nodeId : current.keySet()) {
        Double before = base(nodeId).value();
        Double after = current(nodeId).value();
        changes.put(nodeId, before == null || after == null ? null : after - before);
      }
      return changes;
    }

    private static Map<String, Double> values(Map<String, NodeValue> nodes) {
      Map<String, Double> values = new HashMap<>();
      nodes.forEach((id, value) -> values.put(id, value.value()));
      return values;
    }
  }

  /** Reads a row of the grouped input. */
  static PeriodComparison of(Row row) {
    List<Slice> slices = new ArrayList<>();
    for (Row slice : row.<Row>getList(row.fieldIndex("slices"))) {
      slices.add(new Slice(
          slice.getString(slice.fieldIndex("dimension")),
          slice.getString(slice.fieldIndex("segment")),
          nodes(slice.getJavaMap(slice.fieldIndex("base_nodes"))),
          nodes(slice.getJavaMap(slice.fieldIndex("nodes")))));
    }
    // collect_list gives no order; sort so that outputs do not depend on the shuffle.
    slices.sort(java.util.Comparator.comparing(Slice::dimension).thenComparing(Slice::segment));
    return new PeriodComparison(
        row.getString(row.fieldIndex("grain")),
        row.getDate(row.fieldIndex("period_start")),
        row.getDate(row.fieldIndex("period_end")),
        row.getBoolean(row.fieldIndex("is_complete")),
        row.getString(row.fieldIndex("comparison")),
        row.getDate(row.fieldIndex("base_period_start")),
        slices);
  }

  private static Map<String, NodeValue> nodes(Map<Object, Object> map) {
    Map<String, NodeValue> nodes = new LinkedHashMap<>();
    map.forEach((id, value) -> {
      Row v = (Row) value;
      nodes.put((String) id, new NodeValue(
          v.isNullAt(0) ? null : v.getDouble(0),
          v.isNullAt(1) ? null : v.getDouble(1),
          v.isNullAt(2) ? null : v.getDouble(2)));
    });
    return nodes;
  }

  /** Returns the total's slice, or null if the group has none. */
  Slice total(String all) {
    for (Slice slice : slices) {
      if (slice.dimension().equals(all)) {
        return slice;
      }
    }
    return null;
  }

  /** Returns the segments of each dimension, by dimension in order of first appearance. */
  Map<String, List<Slice>> segmentsByDimension(String all) {
    Map<String, List<Slice>> byDimension = new LinkedHashMap<>();
    for (Slice slice : slices) {
      if (!slice.dimension().equals(all)) {
        byDimension.computeIfAbsent(slice.dimension(), d -> new ArrayList<>()).add(slice);
      }
    }
    return byDimension;
  }
}

package dev.arbor.attribution;

import dev.arbor.attribution.AttributionModel.SegmentKind;
import dev.arbor.attribution.PeriodComparison.NodeValue;
import dev.arbor.attribution.PeriodComparison.Slice;
import dev.arbor.attribution.SegmentSplit.SegmentValues;
import dev.arbor.attribution.SegmentSplit.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The decompositions and segment splits of one period comparison. */
final class PeriodAttribution {
  private PeriodAttribution() {}

  /** Decomposes every formula node of a slice whose formula has a value in both periods. */
  static Map<String, Decomposition> decompose(AttributionModel model, Slice slice) {
    Map<String, Double> before = slice.baseValues();
    Map<String, Double> after = slice.currentValues();
    Map<String, Decomposition> decompositions = new LinkedHashMap<>();
    model.decomposers().forEach((node, decomposer) ->
        decomposer.decompose(before, after).ifPresent(d -> decompositions.put(node, d)));
    return decompositions;
  }

  /**
   * Splits each node's total change over the segments of each dimension: by dimension, then by
   * node; nodes that cannot be split are absent.
   */
  static Map<String, Map<String, Split>> segmentSplits(
      AttributionModel model, PeriodComparison comparison, String all) {
    Slice total = comparison.total(all);
    Map<String, Map<String, Split>> splits = new LinkedHashMap<>();
    if (total == null) {
      return splits;
    }
    comparison.segmentsByDimension(all).forEach((dimension, segments) -> {
      Map<String, Split> byNode = new LinkedHashMap<>();
      model.segmentKinds().forEach((node, kind) -> {
        Split split = split(node, kind, total, segments);
        if (split != null) {
          byNode.put(node, split);
        }
      });
      splits.put(dimension, byNode);
    });
    return splits;
  }

  private static Split split(String node, SegmentKind kind, Slice total, List<Slice> segments) {
    if (kind == SegmentKind.NONE) {
      return null;
    }
    List<SegmentValues> values = new ArrayList<>();
    for (Slice segment : segments) {
      NodeValue before = segment.base(node);
      NodeValue after = segment.current(node);
      values.add(new SegmentValues(segment.segment(), before.value(), after.value(),
          before.numerator(), after.numerator(), before.denominator(), after.denominator()));
    }
    Double total0 = total.base(node).value();
    Double total1 = total.current(node).value();
    return kind == SegmentKind.ADDITIVE
        ? SegmentSplit.additive(total0, total1, values)
        : SegmentSplit.mixAndRate(total0, total1, values);
  }
}

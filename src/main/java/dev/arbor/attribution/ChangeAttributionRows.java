package dev.arbor.attribution;

import dev.arbor.attribution.PeriodComparison.Slice;
import dev.arbor.attribution.SegmentSplit.SegmentEffect;
import dev.arbor.attribution.SegmentSplit.Split;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Turns one period comparison into change_attribution rows: one per formula node and child in
 * every slice, then, per dimension, one per node and segment (two, mix and rate, for ratios).
 */
final class ChangeAttributionRows implements FlatMapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Columns computed here, in the DDL's order; the run adds tree_version, run_id, computed_at. */
  static final StructType SCHEMA =
      new StructType()
          .add("tree_id", DataTypes.StringType, false)
          .add("grain", DataTypes.StringType, false)
          .add("period_start", DataTypes.DateType, false)
          .add("period_end", DataTypes.DateType, false)
          .add("is_complete", DataTypes.BooleanType, false)
          .add("comparison", DataTypes.StringType, false)
          .add("base_period_start", DataTypes.DateType, false)
          .add("dimension", DataTypes.StringType, false)
          .add("segment", DataTypes.StringType, false)
          .add("parent_id", DataTypes.StringType, false)
          .add("child_id", DataTypes.StringType, false)
          .add("method", DataTypes.StringType, false)
          .add("contribution", DataTypes.DoubleType, true)
          .add("share", DataTypes.DoubleType, true)
          .add("parent_base_value", DataTypes.DoubleType, true)
          .add("parent_value", DataTypes.DoubleType, true)
          .add("parent_change", DataTypes.DoubleType, true)
          .add("child_base_value", DataTypes.DoubleType, true)
          .add("child_value", DataTypes.DoubleType, true)
          .add("residual", DataTypes.DoubleType, true)
          .add("note", DataTypes.StringType, true);

  private final AttributionModel model;
  private final String all;

  ChangeAttributionRows(AttributionModel model, String all) {
    this.model = model;
    this.all = all;
  }

  @Override
  public Iterator<Row> call(Row input) {
    PeriodComparison comparison = PeriodComparison.of(input);
    List<Row> rows = new ArrayList<>();
    for (Slice slice : comparison.slices()) {
      PeriodAttribution.decompose(model, slice).forEach((parent, decomposition) ->
          addFormulaRows(rows, comparison, slice, parent, decomposition));
    }
    PeriodAttribution.segmentSplits(model, comparison, all).forEach((dimension, byNode) -> {
      Map<String, Slice> segments = new java.util.HashMap<>();
      for (Slice slice : comparison.segmentsByDimension(all).get(dimension)) {
        segments.put(slice.segment(), slice);
      }
      Slice total = comparison.total(all);
      byNode.forEach((node, split) -> addSegmentRows(rows, comparison, dimension, node, split, total, segments));
    });
    return rows.iterator();
  }

  private void addFormulaRows(
      List<Row> rows, PeriodComparison comparison, Slice slice, String parent, Decomposition d) {
    for (String child : model.decomposers().get(parent).children()) {
      Double contribution = d.isAttributed() ? d.contributions().get(child) : null;
      rows.add(row(comparison, slice.dimension(), slice.segment(), parent, child,
          d.method().key(), contribution, share(contribution, d.change()),
          d.before(), d.after(), d.change(),
          slice.base(child).value(), slice.current(child).value(), d.residual(), d.note()));
    }
  }

  private void addSegmentRows(
      List<Row> rows, PeriodComparison comparison, String dimension, String node, Split split,
      Slice total, Map<String, Slice> segments) {
    Double parentBase = total.base(node).value();
    Double parentValue = total.current(node).value();
    for (SegmentEffect effect : split.effects()) {
      Slice segment = segments.get(effect.segment());
      Double childBase = segment.base(node).value();
      Double childValue = segment.current(node).value();
      if (split.method() == Method.SEGMENT) {
        rows.add(row(comparison, dimension, effect.segment(), node, node, Method.SEGMENT.key(),
            effect.contribution(), share(effect.contribution(), split.totalChange()),
            parentBase, parentValue, split.totalChange(), childBase, childValue, split.residual(), null));
      } else {
        rows.add(row(comparison, dimension, effect.segment(), node, node, Method.MIX.key(),
            effect.mix(), share(effect.mix(), split.totalChange()),
            parentBase, parentValue, split.totalChange(), childBase, childValue, split.residual(), null));
        rows.add(row(comparison, dimension, effect.segment(), node, node, Method.RATE.key(),
            effect.rate(), share(effect.rate(), split.totalChange()),
            parentBase, parentValue, split.totalChange(), childBase, childValue, split.residual(), null));
      }
    }
  }

  private Row row(
      PeriodComparison c, String dimension, String segment, String parent, String child,
      String method, Double contribution, Double share, Double parentBase, Double parentValue,
      Double parentChange, Double childBase, Double childValue, Double residual, String note) {
    return RowFactory.create(model.treeId(), c.grain(), c.periodStart(), c.periodEnd(),
        c.complete(), c.comparison(), c.baseStart(), dimension, segment, parent, child, method,
        finite(contribution), finite(share), finite(parentBase), finite(parentValue),
        finite(parentChange), finite(childBase), finite(childValue), finite(residual), note);
  }

  /** Returns part / whole, or null when the whole is 0 or either is null. */
  static Double share(Double part, Double whole) {
    if (part == null || whole == null || whole == 0.0) {
      return null;
    }
    return finite(part / whole);
  }

  /** Returns the value, or null for NaN and infinities, which no output table may hold. */
  static Double finite(Double value) {
    return value == null || !Double.isFinite(value) ? null : value;
  }
}

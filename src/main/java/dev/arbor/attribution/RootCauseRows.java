package dev.arbor.attribution;

import static dev.arbor.attribution.ChangeAttributionRows.finite;
import static dev.arbor.attribution.ChangeAttributionRows.share;

import dev.arbor.attribution.PeriodComparison.Slice;
import dev.arbor.attribution.RootCauseTrace.LeafPath;
import dev.arbor.attribution.RootCauseTrace.Step;
import dev.arbor.attribution.RootCauseTrace.Trace;
import dev.arbor.attribution.SegmentSplit.SegmentEffect;
import dev.arbor.attribution.SegmentSplit.Split;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Turns one period comparison into root_cause rows: per slice, the North Star's change and one
 * row per leaf path, ranked by absolute contribution. For the total, each leaf also names the
 * segments of each dimension that drove its change.
 */
final class RootCauseRows implements FlatMapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Segments named per dimension and leaf. */
  static final int SEGMENT_DRIVERS = 3;

  static final StructType STEP =
      new StructType()
          .add("parent_id", DataTypes.StringType, false)
          .add("child_id", DataTypes.StringType, false)
          .add("local_contribution", DataTypes.DoubleType, true)
          .add("contribution", DataTypes.DoubleType, true);

  static final StructType DRIVER =
      new StructType()
          .add("dimension", DataTypes.StringType, false)
          .add("segment", DataTypes.StringType, false)
          .add("contribution", DataTypes.DoubleType, true)
          .add("share_of_leaf_change", DataTypes.DoubleType, true)
          .add("mix", DataTypes.DoubleType, true)
          .add("rate", DataTypes.DoubleType, true);

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
          .add("north_star_id", DataTypes.StringType, false)
          .add("north_star_base_value", DataTypes.DoubleType, true)
          .add("north_star_value", DataTypes.DoubleType, true)
          .add("north_star_change", DataTypes.DoubleType, true)
          .add("explained_change", DataTypes.DoubleType, true)
          .add("unexplained_change", DataTypes.DoubleType, true)
          .add("rank", DataTypes.IntegerType, false)
          .add("leaf_id", DataTypes.StringType, false)
          .add("path", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("steps", DataTypes.createArrayType(STEP, false), false)
          .add("contribution", DataTypes.DoubleType, true)
          .add("share", DataTypes.DoubleType, true)
          .add("leaf_change", DataTypes.DoubleType, true)
          .add("segment_drivers", DataTypes.createArrayType(DRIVER, false), false);

  private final AttributionModel model;
  private final String all;

  RootCauseRows(AttributionModel model, String all) {
    this.model = model;
    this.all = all;
  }

  @Override
  public Iterator<Row> call(Row input) {
    PeriodComparison comparison = PeriodComparison.of(input);
    Map<String, Map<String, Split>> splits = PeriodAttribution.segmentSplits(model, comparison, all);
    List<Row> rows = new ArrayList<>();
    for (Slice slice : comparison.slices()) {
      Map<String, Double> changes = slice.changes();
      Trace trace =
          RootCauseTrace.trace(model.northStar(), PeriodAttribution.decompose(model, slice), changes);
      if (trace == null) {
        continue;
      }
      boolean total = slice.dimension().equals(all);
      int rank = 0;
      for (LeafPath path : trace.paths()) {
        rank++;
        List<Row> drivers =
            total ? drivers(path, changes.get(path.leaf()), splits) : List.of();
        rows.add(RowFactory.create(model.treeId(), comparison.grain(), comparison.periodStart(),
            comparison.periodEnd(), comparison.complete(), comparison.comparison(),
            comparison.baseStart(), slice.dimension(), slice.segment(), model.northStar(),
            finite(slice.base(model.northStar()).value()),
            finite(slice.current(model.northStar()).value()),
            finite(trace.northStarChange()), finite(trace.explained()), finite(trace.unexplained()),
            rank, path.leaf(), seq(path.nodes()), seq(steps(path)), finite(path.contribution()),
            share(path.contribution(), trace.northStarChange()), finite(changes.get(path.leaf())),
            seq(drivers)));
      }
    }
    return rows.iterator();
  }

  private static List<Row> steps(LeafPath path) {
    List<Row> steps = new ArrayList<>();
    for (Step step : path.steps()) {
      steps.add(RowFactory.create(step.parent(), step.child(), finite(step.local()),
          finite(step.contribution())));
    }
    return steps;
  }

  /**
   * Names the segments with the largest effect on a leaf's change, per dimension, with their
   * contribution to the North Star along the path: the path's contribution split in proportion
   * to the segments' contributions to the leaf's change, as the trace splits a node among its
   * children.
   */
  private static List<Row> drivers(
      LeafPath path, Double leafChange, Map<String, Map<String, Split>> splits) {
    List<Row> drivers = new ArrayList<>();
    splits.forEach((dimension, byNode) -> {
      Split split = byNode.get(path.leaf());
      if (split == null) {
        return;
      }
      double explained = split.totalChange() - split.residual();
      double scale = 0;
      for (SegmentEffect effect : split.effects()) {
        scale = Math.max(scale, Math.abs(effect.contribution()));
      }
      if (!(Math.abs(explained) > RootCauseTrace.ZERO_CHANGE * scale)) {
        return;
      }
      double factor = path.contribution() / explained;
      List<SegmentEffect> ranked = new ArrayList<>(split.effects());
      ranked.sort(Comparator.comparingDouble((SegmentEffect e) -> -Math.abs(e.contribution()))
          .thenComparing(SegmentEffect::segment));
      for (SegmentEffect effect : ranked.subList(0, Math.min(SEGMENT_DRIVERS, ranked.size()))) {
        drivers.add(RowFactory.create(dimension, effect.segment(),
            finite(effect.contribution() * factor), share(effect.contribution(), leafChange),
            effect.mix() == null ? null : finite(effect.mix() * factor),
            effect.rate() == null ? null : finite(effect.rate() * factor)));
      }
    });
    return drivers;
  }

  private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toSeq();
  }
}

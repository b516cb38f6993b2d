package dev.arbor.job;

import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import dev.arbor.tree.Unit;
import dev.arbor.period.Grain;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/** Formats the root_cause rows of one period as text, for {@code show --explain}. */
final class ExplainText {
  private ExplainText() {}

  /** @param paths the period's root_cause rows of the total, ordered by rank */
  static String render(Tree tree, Grain grain, List<Row> paths) {
    Row first = paths.get(0);
    Node northStar = tree.node(tree.northStar());
    Unit unit = northStar.unit();
    StringBuilder out = new StringBuilder();
    out.append(tree.name()).append(" (tree ").append(tree.id()).append("), ").append(grain.key())
        .append(' ').append(date(first, "period_start")).append(" to ").append(date(first, "period_end"))
        .append(bool(first, "is_complete") ? "" : " (incomplete)")
        .append(", compared with the ").append(grain.key()).append(" starting ")
        .append(date(first, "base_period_start")).append(", run ").append(string(first, "run_id"))
        .append('\n');
    Double change = number(first, "north_star_change");
    Double base = number(first, "north_star_base_value");
    out.append(northStar.name()).append(" [").append(northStar.id()).append("]: ")
        .append(ValueFormat.value(unit, base)).append(" -> ")
        .append(ValueFormat.value(unit, number(first, "north_star_value"))).append(", change ")
        .append(ValueFormat.change(unit, change,
            change == null || base == null || base == 0 ? null : change / Math.abs(base)))
        .append('\n');
    out.append("  explained by the tree ").append(signed(unit, number(first, "explained_change")))
        .append(", formula gap ").append(signed(unit, number(first, "unexplained_change")))
        .append("\n\nLeaf paths by contribution to the change\n");
    for (Row path : paths) {
      Double share = number(path, "share");
      out.append(String.format(Locale.ROOT, "%3d. %18s %8s  %s%n", path.getInt(path.fieldIndex("rank")),
          signed(unit, number(path, "contribution")),
          share == null ? "" : String.format(Locale.ROOT, "%.1f%%", share * 100),
          String.join(" > ", path.<String>getList(path.fieldIndex("path")))));
      List<String> steps = new ArrayList<>();
      for (Row step : path.<Row>getList(path.fieldIndex("steps"))) {
        Node parent = tree.nodes().get(step.getString(0));
        steps.add(step.getString(1) + " " + signed(parent == null ? unit : parent.unit(),
            step.isNullAt(2) ? null : step.getDouble(2)));
      }
      if (steps.size() > 1) {
        out.append("       steps (change of each parent due to the child): ")
            .append(String.join(", ", steps)).append('\n');
      }
      appendDrivers(out, unit, path);
    }
    return out.toString();
  }

  private static void appendDrivers(StringBuilder out, Unit unit, Row path) {
    String dimension = null;
    List<String> segments = new ArrayList<>();
    for (Row driver : path.<Row>getList(path.fieldIndex("segment_drivers"))) {
      if (dimension != null && !dimension.equals(driver.getString(0))) {
        out.append("       by ").append(dimension).append(": ").append(String.join(", ", segments)).append('\n');
        segments.clear();
      }
      dimension = driver.getString(0);
      segments.add(driver.getString(1) + " " + signed(unit, driver.isNullAt(2) ? null : driver.getDouble(2)));
    }
    if (dimension != null) {
      out.append("       by ").append(dimension).append(": ").append(String.join(", ", segments)).append('\n');
    }
  }

  private static String signed(Unit unit, Double value) {
    if (value == null) {
      return "n/a";
    }
    String magnitude = ValueFormat.value(unit, Math.abs(value));
    // A rounding remainder such as -1e-10 prints as 0.00, without a sign.
    if (magnitude.equals(ValueFormat.value(unit, 0.0))) {
      return magnitude;
    }
    return (value < 0 ? "-" : "+") + magnitude;
  }

  private static Double number(Row row, String column) {
    int index = row.fieldIndex(column);
    return row.isNullAt(index) ? null : row.getDouble(index);
  }

  private static String string(Row row, String column) {
    return row.getString(row.fieldIndex(column));
  }

  private static boolean bool(Row row, String column) {
    return row.getBoolean(row.fieldIndex(column));
  }

  private static Object date(Row row, String column) {
    return row.getDate(row.fieldIndex(column));
  }
}

package dev.arbor.job;

import dev.arbor.tree.Unit;
import java.util.Locale;

/** Formats node values for text output according to their unit. */
final class ValueFormat {
  private ValueFormat() {}

  static String value(Unit unit, Double value) {
    if (value == null) {
      return "null";
    }
    return switch (unit) {
      case COUNT -> value == Math.rint(value)
          ? String.format(Locale.ROOT, "%,d", (long) (double) value)
          : String.format(Locale.ROOT, "%,.2f", value);
      case CURRENCY -> String.format(Locale.ROOT, "%,.2f", value);
      case RATIO -> String.format(Locale.ROOT, "%.4f", value);
      case PERCENT -> String.format(Locale.ROOT, "%.2f%%", value * 100);
    };
  }

  static String change(Unit unit, Double change, Double changePct) {
    if (change == null) {
      return "";
    }
    // A change of a percentage is shown in percentage points, so +6.84 pp is not read as +6.84%.
    String absolute = unit == Unit.PERCENT
        ? String.format(Locale.ROOT, "%.2f pp", Math.abs(change) * 100)
        : value(unit, Math.abs(change));
    String sign = change < 0 ? "-" : "+";
    String pct = changePct == null ? "" : String.format(Locale.ROOT, " (%+.1f%%)", changePct * 100);
    return sign + absolute + pct;
  }
}

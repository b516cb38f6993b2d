package dev.arbor.compute;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.arbor.tree.formula.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;

/**
 * Compiles formulas to Spark columns with the same semantics as {@link Expr#evaluate}: null
 * propagates, division by zero gives null (through {@code try_divide}, so ANSI mode cannot fail the
 * run), and results that are not finite give null.
 */
public final class FormulaColumns {
  private FormulaColumns() {}

  /** Returns the formula's value as a double column; {@code nodeColumn} maps a node id to its column. */
  public static Column value(Expr expr, Function<String, Column> nodeColumn) {
    return finiteOrNull(compile(expr, nodeColumn));
  }

  /** Returns a boolean column that is true when any division in the formula has a zero divisor. */
  public static Column divisionByZero(Expr expr, Function<String, Column> nodeColumn) {
    List<Column> zeroDivisors = new ArrayList<>();
    collectZeroDivisors(expr, nodeColumn, zeroDivisors);
    Column any = lit(false);
    for (Column zero : zeroDivisors) {
      any = any.or(coalesce(zero, lit(false)));
    }
    return any;
  }

  /** Replaces NaN and infinities by null. */
  public static Column finiteOrNull(Column value) {
    return when(
            value.isNull()
                .or(isnan(value))
                .or(abs(value).equalTo(lit(Double.POSITIVE_INFINITY))),
            lit(null).cast("double"))
        .otherwise(value);
  }

  private static Column compile(Expr expr, Function<String, Column> nodeColumn) {
    if (expr instanceof Expr.Constant constant) {
      return lit(constant.value());
    }
    if (expr instanceof Expr.NodeRef ref) {
      return nodeColumn.apply(ref.nodeId()).cast("double");
    }
    if (expr instanceof Expr.Negate negate) {
      return compile(negate.operand(), nodeColumn).multiply(lit(-1.0));
    }
    if (expr instanceof Expr.Binary binary) {
      Column left = compile(binary.left(), nodeColumn);
      Column right = compile(binary.right(), nodeColumn);
      return switch (binary.operator()) {
        case '+' -> left.plus(right);
        case '-' -> left.minus(right);
        case '*' -> left.multiply(right);
        case '/' -> org.apache.spark.sql.functions.try_divide(left, right);
        default -> throw new IllegalStateException("Unknown operator " + binary.operator());
      };
    }
    Expr.Call call = (Expr.Call) expr;
    List<Column> arguments = new ArrayList<>();
    for (Expr argument : call.arguments()) {
      arguments.add(compile(argument, nodeColumn));
    }
    Column[] args = arguments.toArray(Column[]::new);
    if (call.function() == Expr.Function.COALESCE) {
      return coalesce(args);
    }
    // Spark's least and greatest skip nulls; a formula's min and max propagate them instead.
    Column anyNull = lit(false);
    for (Column argument : args) {
      anyNull = anyNull.or(argument.isNull());
    }
    Column result = call.function() == Expr.Function.MIN ? least(args) : greatest(args);
    return when(anyNull, lit(null).cast("double")).otherwise(result);
  }

  private static void collectZeroDivisors(
      Expr expr, Function<String, Column> nodeColumn, List<Column> into) {
    if (expr instanceof Expr.Binary binary) {
      if (binary.operator() == '/') {
        into.add(compile(binary.right(), nodeColumn).equalTo(lit(0.0)));
      }
      collectZeroDivisors(binary.left(), nodeColumn, into);
      collectZeroDivisors(binary.right(), nodeColumn, into);
    } else if (expr instanceof Expr.Negate negate) {
      collectZeroDivisors(negate.operand(), nodeColumn, into);
    } else if (expr instanceof Expr.Call call) {
      call.arguments().forEach(a -> collectZeroDivisors(a, nodeColumn, into));
    }
  }
}

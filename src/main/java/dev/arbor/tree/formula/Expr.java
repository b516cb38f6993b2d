package dev.arbor.tree.formula;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Abstract syntax tree of a node formula.
 *
 * <p>Values are nullable doubles. Null propagates through arithmetic, {@code min} and {@code
 * max}; {@code coalesce} returns its first non-null argument. Division by zero and results that
 * are not finite give null, never an exception, so that one empty period cannot fail a run.
 */
public sealed interface Expr {

  /** Evaluates the formula with the node values in {@code values}; a missing id reads as null. */
  Double evaluate(Map<String, Double> values);

  /** Appends the referenced node ids, in order of first appearance. */
  void collectReferences(Set<String> into);

  /** Returns the referenced node ids, in order of first appearance. */
  default Set<String> references() {
    Set<String> ids = new LinkedHashSet<>();
    collectReferences(ids);
    return ids;
  }

  /** A numeric constant. */
  record Constant(double value) implements Expr {
    @Override
    public Double evaluate(Map<String, Double> values) {
      return value;
    }

    @Override
    public void collectReferences(Set<String> into) {}

    @Override
    public String toString() {
      return value == Math.rint(value) && Math.abs(value) < 1e15
          ? Long.toString((long) value)
          : Double.toString(value);
    }
  }

  /** A reference to another node's value; {@code position} is the 0-based offset in the text. */
  record NodeRef(String nodeId, int position) implements Expr {
    @Override
    public Double evaluate(Map<String, Double> values) {
      return values.get(nodeId);
    }

    @Override
    public void collectReferences(Set<String> into) {
      into.add(nodeId);
    }

    @Override
    public String toString() {
      return nodeId;
    }
  }

  /** Arithmetic negation. */
  record Negate(Expr operand) implements Expr {
    @Override
    public Double evaluate(Map<String, Double> values) {
      Double v = operand.evaluate(values);
      return v == null ? null : -v;
    }

    @Override
    public void collectReferences(Set<String> into) {
      operand.collectReferences(into);
    }

    @Override
    public String toString() {
      return "-(" + operand + ")";
    }
  }

  /** A binary operator: one of {@code + - * /}. */
  record Binary(char operator, Expr left, Expr right) implements Expr {
    @Override
    public Double evaluate(Map<String, Double> values) {
      Double l = left.evaluate(values);
      Double r = right.evaluate(values);
      if (l == null || r == null) {
        return null;
      }
      double result =
          switch (operator) {
            case '+' -> l + r;
            case '-' -> l - r;
            case '*' -> l * r;
            case '/' -> r == 0.0 ? Double.NaN : l / r;
            default -> throw new IllegalStateException("Unknown operator: " + operator);
          };
      return Double.isFinite(result) ? result : null;
    }

    @Override
    public void collectReferences(Set<String> into) {
      left.collectReferences(into);
      right.collectReferences(into);
    }

    @Override
    public String toString() {
      return "(" + left + " " + operator + " " + right + ")";
    }
  }

  /** A call of one of the functions in {@link Function}. */
  record Call(Function function, List<Expr> arguments) implements Expr {
    public Call {
      arguments = List.copyOf(arguments);
    }

    @Override
    public Double evaluate(Map<String, Double> values) {
      if (function == Function.COALESCE) {
        for (Expr argument : arguments) {
          Double v = argument.evaluate(values);
          if (v != null) {
            return v;
          }
        }
        return null;
      }
      Double best = null;
      for (Expr argument : arguments) {
        Double v = argument.evaluate(values);
        if (v == null) {
          return null;
        }
        if (best == null || (function == Function.MIN ? v < best : v > best)) {
          best = v;
        }
      }
      return best;
    }

    @Override
    public void collectReferences(Set<String> into) {
      arguments.forEach(a -> a.collectReferences(into));
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(function.sqlName()).append('(');
      for (int i = 0; i < arguments.size(); i++) {
        text.append(i == 0 ? "" : ", ").append(arguments.get(i));
      }
      return text.append(')').toString();
    }
  }

  /** Functions a formula may call. */
  enum Function {
    MIN,
    MAX,
    COALESCE;

    public String sqlName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}

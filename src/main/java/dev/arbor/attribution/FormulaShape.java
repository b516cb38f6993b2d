package dev.arbor.attribution;

import dev.arbor.tree.formula.Expr;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Recognizes the two formula shapes that have a closed-form change attribution: linear
 * combinations and monomials. A sub-expression without node references counts as a constant.
 */
final class FormulaShape {
  private FormulaShape() {}

  /** {@code constant + sum(coefficient_i * x_i)}, e.g. {@code a + b - 2 * c}. */
  record Linear(double constant, Map<String, Double> coefficients) {}

  /** {@code coefficient * product(x_i ^ exponent_i)}, e.g. {@code 2 * a * b / c}. */
  record Monomial(double coefficient, Map<String, Integer> exponents) {}

  /** Returns the formula as a linear combination of its references, or empty if it is not one. */
  static Optional<Linear> linear(Expr expr) {
    Optional<Double> constant = constantValue(expr);
    if (constant.isPresent()) {
      return Optional.of(new Linear(constant.get(), Map.of()));
    }
    if (expr instanceof Expr.NodeRef ref) {
      return Optional.of(new Linear(0, Map.of(ref.nodeId(), 1.0)));
    }
    if (expr instanceof Expr.Negate negate) {
      return linear(negate.operand()).map(l -> scale(l, -1));
    }
    if (!(expr instanceof Expr.Binary binary)) {
      return Optional.empty();
    }
    switch (binary.operator()) {
      case '+', '-' -> {
        Optional<Linear> left = linear(binary.left());
        Optional<Linear> right = linear(binary.right());
        if (left.isEmpty() || right.isEmpty()) {
          return Optional.empty();
        }
        double sign = binary.operator() == '+' ? 1 : -1;
        return Optional.of(add(left.get(), scale(right.get(), sign)));
      }
      case '*' -> {
        Optional<Double> leftConstant = constantValue(binary.left());
        if (leftConstant.isPresent()) {
          return linear(binary.right()).map(l -> scale(l, leftConstant.get()));
        }
        Optional<Double> rightConstant = constantValue(binary.right());
        if (rightConstant.isPresent()) {
          return linear(binary.left()).map(l -> scale(l, rightConstant.get()));
        }
        return Optional.empty();
      }
      case '/' -> {
        Optional<Double> divisor = constantValue(binary.right());
        if (divisor.isPresent() && divisor.get() != 0.0) {
          return linear(binary.left()).map(l -> scale(l, 1 / divisor.get()));
        }
        return Optional.empty();
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /** Returns the formula as a monomial of its references, or empty if it is not one. */
  static Optional<Monomial> monomial(Expr expr) {
    Optional<Double> constant = constantValue(expr);
    if (constant.isPresent()) {
      return Optional.of(new Monomial(constant.get(), Map.of()));
    }
    if (expr instanceof Expr.NodeRef ref) {
      return Optional.of(new Monomial(1, Map.of(ref.nodeId(), 1)));
    }
    if (expr instanceof Expr.Negate negate) {
      return monomial(negate.operand())
          .map(m -> new Monomial(-m.coefficient(), m.exponents()));
    }
    if (expr instanceof Expr.Binary binary
        && (binary.operator() == '*' || binary.operator() == '/')) {
      Optional<Monomial> left = monomial(binary.left());
      Optional<Monomial> right = monomial(binary.right());
      if (left.isEmpty() || right.isEmpty()) {
        return Optional.empty();
      }
      boolean divide = binary.operator() == '/';
      if (divide && right.get().coefficient() == 0.0) {
        return Optional.empty();
      }
      Map<String, Integer> exponents = new LinkedHashMap<>(left.get().exponents());
      right.get().exponents().forEach(
          (id, exponent) -> exponents.merge(id, divide ? -exponent : exponent, Integer::sum));
      double coefficient =
          divide
              ? left.get().coefficient() / right.get().coefficient()
              : left.get().coefficient() * right.get().coefficient();
      return Optional.of(new Monomial(coefficient, exponents));
    }
    return Optional.empty();
  }

  /** Returns the value of an expression without node references, or empty. */
  private static Optional<Double> constantValue(Expr expr) {
    if (!expr.references().isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(expr.evaluate(Map.of()));
  }

  private static Linear scale(Linear linear, double factor) {
    Map<String, Double> coefficients = new LinkedHashMap<>();
    linear.coefficients().forEach((id, c) -> coefficients.put(id, c * factor));
    return new Linear(linear.constant() * factor, coefficients);
  }

  private static Linear add(Linear a, Linear b) {
    Map<String, Double> coefficients = new LinkedHashMap<>(a.coefficients());
    b.coefficients().forEach((id, c) -> coefficients.merge(id, c, Double::sum));
    return new Linear(a.constant() + b.constant(), coefficients);
  }
}

package dev.arbor.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.tree.formula.Expr;
import dev.arbor.tree.formula.FormulaParser;
import dev.arbor.tree.formula.FormulaSyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormulaParserTest {
  private static Double eval(String formula, Map<String, Double> values) throws FormulaSyntaxException {
    return FormulaParser.parse(formula).evaluate(values);
  }

  @Test
  void precedenceAndParentheses() throws Exception {
    Map<String, Double> v = Map.of("a", 2.0, "b", 3.0, "c", 4.0);
    assertThat(eval("a + b * c", v)).isEqualTo(14.0);
    assertThat(eval("(a + b) * c", v)).isEqualTo(20.0);
    assertThat(eval("a - b - c", v)).isEqualTo(-5.0);
    assertThat(eval("c / a / a", v)).isEqualTo(1.0);
    assertThat(eval("-a * b", v)).isEqualTo(-6.0);
    assertThat(eval("2.5e1 - a", v)).isEqualTo(23.0);
  }

  @Test
  void divisionByZeroGivesNull() throws Exception {
    assertThat(eval("a / b", Map.of("a", 1.0, "b", 0.0))).isNull();
  }

  @Test
  void nullPropagatesExceptThroughCoalesce() throws Exception {
    Map<String, Double> v = new HashMap<>();
    v.put("a", null);
    v.put("b", 5.0);
    assertThat(eval("a + b", v)).isNull();
    assertThat(eval("min(a, b)", v)).isNull();
    assertThat(eval("coalesce(a, b, 1)", v)).isEqualTo(5.0);
    assertThat(eval("max(b, 7, 2)", v)).isEqualTo(7.0);
  }

  @Test
  void referencesInOrderOfAppearance() throws Exception {
    Expr expr = FormulaParser.parse("orders * aov + coalesce(tips, orders)");
    assertThat(List.copyOf(expr.references())).containsExactly("orders", "aov", "tips");
  }

  @Test
  void syntaxErrorsGivePosition() {
    assertThatThrownBy(() -> FormulaParser.parse("a + * b"))
        .isInstanceOf(FormulaSyntaxException.class)
        .hasMessage("unexpected '*' at position 5");
    assertThatThrownBy(() -> FormulaParser.parse("(a + b"))
        .hasMessage("missing ')' at position 7");
    assertThatThrownBy(() -> FormulaParser.parse("sqrt(a)"))
        .hasMessage("unknown function 'sqrt' (known: min, max, coalesce) at position 1");
    assertThatThrownBy(() -> FormulaParser.parse("min(a)"))
        .hasMessage("min() needs at least 2 arguments at position 1");
    assertThatThrownBy(() -> FormulaParser.parse("")).hasMessage("empty formula at position 1");
    assertThatThrownBy(() -> FormulaParser.parse("a b")).hasMessage("unexpected 'b' at position 3");
  }
}

package dev.arbor.tree.formula;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recursive-descent parser for node formulas.
 *
 * <pre>
 * expr    := term (('+' | '-') term)*
 * term    := factor (('*' | '/') factor)*
 * factor  := '-' factor | primary
 * primary := number | identifier | identifier '(' expr (',' expr)* ')' | '(' expr ')'
 * </pre>
 *
 * Identifiers are node ids ({@code [A-Za-z_][A-Za-z0-9_]*}); the function names {@code min},
 * {@code max} and {@code coalesce} are reserved. Numbers are decimal, with an optional exponent.
 */
public final class FormulaParser {
  private final String text;
  private int pos;

  private FormulaParser(String text) {
    this.text = text;
  }

  /** Parses {@code text}, or throws with the 0-based position of the first error. */
  public static Expr parse(String text) throws FormulaSyntaxException {
    FormulaParser parser = new FormulaParser(text);
    parser.skipSpaces();
    if (parser.atEnd()) {
      throw new FormulaSyntaxException("empty formula", 0);
    }
    Expr expr = parser.parseExpr();
    parser.skipSpaces();
    if (!parser.atEnd()) {
      throw new FormulaSyntaxException(
          "unexpected '" + parser.text.charAt(parser.pos) + "'", parser.pos);
    }
    return expr;
  }

  private Expr parseExpr() throws FormulaSyntaxException {
    Expr left = parseTerm();
    while (true) {
      skipSpaces();
      if (peek('+') || peek('-')) {
        char op = text.charAt(pos++);
        left = new Expr.Binary(op, left, parseTerm());
      } else {
        return left;
      }
    }
  }

  private Expr parseTerm() throws FormulaSyntaxException {
    Expr left = parseFactor();
    while (true) {
      skipSpaces();
      if (peek('*') || peek('/')) {
        char op = text.charAt(pos++);
        left = new Expr.Binary(op, left, parseFactor());
      } else {
        return left;
      }
    }
  }

  private Expr parseFactor() throws FormulaSyntaxException {
    skipSpaces();
    if (peek('-')) {
      pos++;
      return new Expr.Negate(parseFactor());
    }
    return parsePrimary();
  }

  private Expr parsePrimary() throws FormulaSyntaxException {
    skipSpaces();
    if (atEnd()) {
      throw new FormulaSyntaxException("unexpected end of formula", pos);
    }
    char c = text.charAt(pos);
    if (c == '(') {
      pos++;
      Expr inner = parseExpr();
      expect(')');
      return inner;
    }
    if (Character.isDigit(c) || c == '.') {
      return parseNumber();
    }
    if (Character.isLetter(c) || c == '_') {
      int start = pos;
      while (!atEnd() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      String name = text.substring(start, pos);
      skipSpaces();
      Expr.Function function = functionNamed(name);
      if (peek('(')) {
        if (function == null) {
          throw new FormulaSyntaxException(
              "unknown function '" + name + "' (known: min, max, coalesce)", start);
        }
        pos++;
        List<Expr> arguments = new ArrayList<>();
        arguments.add(parseExpr());
        skipSpaces();
        while (peek(',')) {
          pos++;
          arguments.add(parseExpr());
          skipSpaces();
        }
        expect(')');
        if (function != Expr.Function.COALESCE && arguments.size() < 2) {
          throw new FormulaSyntaxException(name + "() needs at least 2 arguments", start);
        }
        return new Expr.Call(function, arguments);
      }
      if (function != null) {
        throw new FormulaSyntaxException("'" + name + "' is a function and needs '('", start);
      }
      return new Expr.NodeRef(name, start);
    }
    throw new FormulaSyntaxException("unexpected '" + c + "'", pos);
  }

  private Expr parseNumber() throws FormulaSyntaxException {
    int start = pos;
    while (!atEnd() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
      pos++;
    }
    if (!atEnd() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (!atEnd() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      while (!atEnd() && Character.isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    String literal = text.substring(start, pos);
    try {
      return new Expr.Constant(Double.parseDouble(literal));
    } catch (NumberFormatException e) {
      throw new FormulaSyntaxException("invalid number '" + literal + "'", start);
    }
  }

  private static Expr.Function functionNamed(String name) {
    for (Expr.Function f : Expr.Function.values()) {
      if (f.name().equals(name.toUpperCase(Locale.ROOT))) {
        return f;
      }
    }
    return null;
  }

  private void expect(char c) throws FormulaSyntaxException {
    skipSpaces();
    if (atEnd()) {
      throw new FormulaSyntaxException("missing '" + c + "'", pos);
    }
    if (text.charAt(pos) != c) {
      throw new FormulaSyntaxException(
          "expected '" + c + "' but found '" + text.charAt(pos) + "'", pos);
    }
    pos++;
  }

  private boolean peek(char c) {
    return !atEnd() && text.charAt(pos) == c;
  }

  private boolean atEnd() {
    return pos >= text.length();
  }

  private void skipSpaces() {
    while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }
}

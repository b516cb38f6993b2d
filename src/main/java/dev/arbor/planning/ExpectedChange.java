package dev.arbor.planning;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The change a bet expects of its target node: relative ({@code +5%}, stored as the fraction
 * 0.05) or absolute ({@code +1200}, in the node's unit per forecast period, e.g. per month).
 */
public record ExpectedChange(Kind kind, double value) {
  private static final Pattern FORMAT =
      Pattern.compile("([+-]?)\\s*(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(%?)");

  /** Whether the change is a fraction of the baseline or an amount in the node's unit. */
  public enum Kind {
    RELATIVE,
    ABSOLUTE;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Parses text such as {@code +5%}, {@code -2.5%}, {@code +1200} or {@code 0.3}.
   *
   * @throws IllegalArgumentException naming the text when it is blank, not a signed number with an
   *     optional percent sign, or zero (a change of zero cannot be measured)
   */
  public static ExpectedChange parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "missing expected_change; write a relative change such as +5% or an absolute one such as +1200");
    }
    Matcher matcher = FORMAT.matcher(text.trim().replace(",", ""));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("invalid expected_change '" + text
          + "'; write a relative change such as +5% or an absolute one such as +1200");
    }
    double magnitude = Double.parseDouble(matcher.group(2));
    if (magnitude == 0.0) {
      throw new IllegalArgumentException("expected_change '" + text
          + "' is zero, so the bet has nothing to measure; state the change you expect");
    }
    double signed = "-".equals(matcher.group(1)) ? -magnitude : magnitude;
    return matcher.group(3).isEmpty()
        ? new ExpectedChange(Kind.ABSOLUTE, signed)
        : new ExpectedChange(Kind.RELATIVE, signed / 100.0);
  }

  /** Returns the change in the node's unit at full effect, given the node's baseline value. */
  public Double amount(Double baseline) {
    if (kind == Kind.ABSOLUTE) {
      return value;
    }
    return baseline == null ? null : baseline * value;
  }

  @Override
  public String toString() {
    return kind == Kind.RELATIVE
        ? String.format(Locale.ROOT, "%+.4g%%", value * 100)
        : String.format(Locale.ROOT, "%+.6g", value);
  }
}

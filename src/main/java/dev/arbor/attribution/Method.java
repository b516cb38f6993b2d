package dev.arbor.attribution;

import java.util.Locale;

/** How a contribution in change_attribution was computed; stored in lower case. */
public enum Method {
  /** A linear formula (sums, differences, constant factors): coefficient times the child's change. */
  ADDITIVE,
  /** A product or ratio of positive values: logarithmic mean Divisia index (LMDI-I). */
  LMDI,
  /** Any other formula, or a product with a zero or negative value: exact Shapley values. */
  SHAPLEY,
  /** The parent's change is known but cannot be split (see the row's note in the logs). */
  UNATTRIBUTED,
  /** A segment's change of a node that is additive over segments. */
  SEGMENT,
  /** A segment's mix effect on a ratio node: the change of its weight in the denominator. */
  MIX,
  /** A segment's rate effect on a ratio node: the change of its own ratio. */
  RATE;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}

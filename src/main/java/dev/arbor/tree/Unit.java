package dev.arbor.tree;

/** Unit of a node's value, shown by BI tools next to the number. */
public enum Unit {
  COUNT,
  CURRENCY,
  RATIO,
  PERCENT
}

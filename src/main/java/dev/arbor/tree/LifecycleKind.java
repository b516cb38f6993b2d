package dev.arbor.tree;

/**
 * Entity lifecycle counts per period. "Active" means at least one selected event in the period;
 * history starts at the first event the source holds.
 */
public enum LifecycleKind {
  /** Active in the period. */
  ACTIVE,
  /** Active in the period, and never active before it. */
  NEW,
  /** Active in the period and in the previous period. */
  RETAINED,
  /** Active in the period, not in the previous period, but in some earlier period. */
  RESURRECTED,
  /** Active in the previous period, not in this one. */
  CHURNED
}

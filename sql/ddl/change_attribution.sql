-- The change of every formula node between a period and a base period, split into one
-- contribution per child that adds up to the change (the residual column shows the rounding
-- left), and the change of every node's total split over the segments of each dimension.
-- Formula rows: one per (tree_id, grain, period_start, comparison, dimension, segment,
-- parent_id, child_id). Segment rows: child_id = parent_id and segment names the segment; one
-- row per segment (method segment), or two for ratio nodes (methods mix and rate).
-- docs/attribution.md gives the formulas. Partitioned like node_values; a re-run replaces its
-- periods.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id           STRING    NOT NULL COMMENT 'Id of the tree, as in the config.',
  tree_version      STRING    NOT NULL COMMENT 'SHA-256 of the tree definition that produced the row; joins tree_versions.',
  grain             STRING    NOT NULL COMMENT 'Period length: day, week, month or quarter.',
  period_start      DATE      NOT NULL COMMENT 'First day of the period whose change is split.',
  period_end        DATE      NOT NULL COMMENT 'Last day of the period, inclusive.',
  is_complete       BOOLEAN   NOT NULL COMMENT 'False when the period had not ended at the run as-of date; its change then covers part of a period.',
  comparison        STRING    NOT NULL COMMENT 'Base period: previous_period (the period before, same grain) or year_ago (364 days earlier for days and weeks, 12 months earlier for months and quarters). Only comparisons whose base period has node values are written.',
  base_period_start DATE      NOT NULL COMMENT 'First day of the base period.',
  dimension         STRING    NOT NULL COMMENT 'all for the total; else the dimension of a segment row, or of the segment a formula row is computed in.',
  segment           STRING    NOT NULL COMMENT 'all for the total; else the segment, as in node_values.',
  parent_id         STRING    NOT NULL COMMENT 'Node whose change is split.',
  child_id          STRING    NOT NULL COMMENT 'Formula rows: a node the parent formula references. Segment rows: the parent itself.',
  method            STRING    NOT NULL COMMENT 'additive (linear formula: coefficient times the child change), lmdi (product or ratio of positive values: logarithmic mean Divisia index), shapley (any other formula, or a product with a zero or negative value), unattributed (the change is known but could not be split, see note), segment (the segment change of an additive node), mix or rate (a segment effect on a ratio node).',
  contribution      DOUBLE             COMMENT 'Part of parent_change due to the child or segment, in the parent unit; the contributions of a parent and slice add up to parent_change - residual. Null for method unattributed.',
  share             DOUBLE             COMMENT 'contribution / parent_change; null when parent_change is 0.',
  parent_base_value DOUBLE             COMMENT 'Formula rows: the parent formula value in the base period. Segment rows: the parent total value in the base period.',
  parent_value      DOUBLE             COMMENT 'The same in the period.',
  parent_change     DOUBLE             COMMENT 'parent_value - parent_base_value. For a node with both a measure and a formula, formula rows split the change of the formula value (node_values.formula_value), segment rows the change of the measured value.',
  child_base_value  DOUBLE             COMMENT 'Formula rows: the child value in the base period, in the same slice. Segment rows: the parent value in the segment.',
  child_value       DOUBLE             COMMENT 'The same in the period.',
  residual          DOUBLE             COMMENT 'parent_change minus the sum of the contributions of the parent in this slice (and, for segment rows, this dimension): rounding for formula rows, below 1e-9 times the larger of the parent values; for segment rows also the overlap of distinct counts across segments and of ratios whose numerator or denominator is not additive.',
  note              STRING             COMMENT 'For method unattributed: why the change could not be split; else null.',
  run_id            STRING    NOT NULL COMMENT 'Id of the run that wrote the row; joins runs.',
  computed_at       TIMESTAMP NOT NULL COMMENT 'When the run computed the row (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id, grain)
COMMENT 'Arbor: exact attribution of every node change to its children and segments.'

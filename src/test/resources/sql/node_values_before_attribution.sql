-- node_values as the first release created it, before numerator, denominator and
-- anomaly_score: RunAttributionTest creates a table with it to test the schema upgrade.
-- Value of every node of a tree per grain, period and segment. One row per
-- (tree_id, node_id, grain, period_start, dimension, segment); a re-run replaces its periods.
-- Partitioned by tree and grain, so a dashboard that reads one tree at one grain reads little.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id        STRING        NOT NULL COMMENT 'Id of the tree, as in the config (arbor.trees.<id>).',
  tree_version   STRING        NOT NULL COMMENT 'SHA-256 of the normalized tree definition that produced the row; joins tree_versions.',
  node_id        STRING        NOT NULL COMMENT 'Id of the node within the tree.',
  grain          STRING        NOT NULL COMMENT 'Period length: day, week, month or quarter.',
  period_start   DATE          NOT NULL COMMENT 'First day of the period, in the tree time zone.',
  period_end     DATE          NOT NULL COMMENT 'Last day of the period, inclusive.',
  dimension      STRING        NOT NULL COMMENT 'Dimension the row is sliced by, or all for the total.',
  segment        STRING        NOT NULL COMMENT 'Segment of the dimension, or all for the total.',
  value          DOUBLE                 COMMENT 'Node value. Counts and sums are 0 in a period without events; averages and ratios are null there, and null where a divisor is 0.',
  previous_value DOUBLE                 COMMENT 'Value in the previous calendar period of the same grain (not the previous row); null for the first period.',
  change         DOUBLE                 COMMENT 'value - previous_value; null when either is null.',
  change_pct     DOUBLE                 COMMENT 'change / |previous_value|, a fraction (0.05 is +5%); null when previous_value is 0 or null.',
  formula_value  DOUBLE                 COMMENT 'For a node with both a measure and a formula: the formula value, kept as a check; else null.',
  formula_gap    DOUBLE                 COMMENT 'value - formula_value, in the node unit; null when the node has no such check.',
  is_complete    BOOLEAN       NOT NULL COMMENT 'False when the period had not ended at the run as-of date.',
  quality_flags  ARRAY<STRING> NOT NULL COMMENT 'Data-quality flags: division_by_zero (a divisor was 0, value is null), formula_gap (measured and formula values differ beyond the tolerance), no_events (the source had no events in the period).',
  run_id         STRING        NOT NULL COMMENT 'Id of the run that wrote the row; joins runs.',
  computed_at    TIMESTAMP     NOT NULL COMMENT 'When the run computed the row (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id, grain)
COMMENT 'Arbor: node values per tree, grain, period and segment.'

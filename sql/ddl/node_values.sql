-- Value of every node of a tree per grain, period and segment. One row per
-- (tree_id, node_id, grain, period_start, dimension, segment); a re-run replaces its periods.
-- Partitioned by tree and grain, so a dashboard that reads one tree at one grain reads little.
-- Columns added after the first release come last; a run adds them to an older table with
-- ALTER TABLE ADD COLUMNS, so old and new tables have the same column order.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id        STRING        NOT NULL COMMENT 'Id of the tree, as in the config (arbor.trees.<id>).',
  tree_version   STRING        NOT NULL COMMENT 'SHA-256 of the normalized tree definition that produced the row; joins tree_versions.',
  node_id        STRING        NOT NULL COMMENT 'Id of the node within the tree.',
  grain          STRING        NOT NULL COMMENT 'Period length: day, week, month or quarter.',
  period_start   DATE          NOT NULL COMMENT 'First day of the period, in the tree time zone.',
  period_end     DATE          NOT NULL COMMENT 'Last day of the period, inclusive.',
  dimension      STRING        NOT NULL COMMENT 'Dimension (a source column listed in the tree dimensions) the row is sliced by, or all for the total.',
  segment        STRING        NOT NULL COMMENT 'Segment: a value of the dimension among the top slicing.max-segments, other for the remaining values, (missing) for null; all for the total. Counts, sums and lifecycle counts of the segments add up to the total; distinct counts count a key in each segment where it occurs.',
  value          DOUBLE                 COMMENT 'Node value. Counts and sums are 0 in a period without events; averages and ratios are null there, and null where a divisor is 0.',
  previous_value DOUBLE                 COMMENT 'Value in the previous calendar period of the same grain (not the previous row); null for the first period.',
  change         DOUBLE                 COMMENT 'value - previous_value; null when either is null.',
  change_pct     DOUBLE                 COMMENT 'change / |previous_value|, a fraction (0.05 is +5%); null when previous_value is 0 or null.',
  formula_value  DOUBLE                 COMMENT 'For a node with both a measure and a formula: the formula value, kept as a check; else null.',
  formula_gap    DOUBLE                 COMMENT 'value - formula_value, in the node unit; null when the node has no such check.',
  is_complete    BOOLEAN       NOT NULL COMMENT 'False when the period had not ended at the run as-of date.',
  quality_flags  ARRAY<STRING> NOT NULL COMMENT 'Data-quality flags: division_by_zero (a divisor was 0, value is null), formula_gap (measured and formula values differ beyond the tolerance), no_events (the source had no events in the period), anomaly (change is unusual against the node history, see anomaly_score).',
  run_id         STRING        NOT NULL COMMENT 'Id of the run that wrote the row; joins runs.',
  computed_at    TIMESTAMP     NOT NULL COMMENT 'When the run computed the row (UTC).',
  numerator      DOUBLE                 COMMENT 'For a ratio or average measure, or a formula whose last operation is a division by a node: the numerator of value (value = numerator / denominator); else null. Sum it over segments to re-aggregate the ratio.',
  denominator    DOUBLE                 COMMENT 'The denominator of value, where numerator is set; else null.',
  anomaly_score  DOUBLE                 COMMENT 'Robust z-score of change against the changes of the previous complete periods (arbor.checks.anomaly.window) of the same node, grain and segment: (change - median) / (1.4826 * median absolute deviation), or 1.2533 * mean absolute deviation when the MAD is 0. Null for incomplete periods, with too little history, or when every past change was equal.'
)
USING DELTA
PARTITIONED BY (tree_id, grain)
COMMENT 'Arbor: node values per tree, grain, period and segment.'

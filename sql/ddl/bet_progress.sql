-- Running tally of every started bet: its target per period against the counterfactual baseline
-- and the expected path. Rewritten for the tree at every run.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id                    STRING    NOT NULL COMMENT 'Id of the tree.',
  bet_id                     STRING    NOT NULL COMMENT 'Id of the bet; joins bets (is_current).',
  cycle_start                DATE      NOT NULL COMMENT 'First day of the bet cycle.',
  target_node                STRING    NOT NULL COMMENT 'Node the bet expects to move.',
  grain                      STRING    NOT NULL COMMENT 'Grain of the periods.',
  period_start               DATE      NOT NULL COMMENT 'First day of a period overlapping the bet start_date to end_date.',
  period_end                 DATE      NOT NULL COMMENT 'Last day of the period.',
  baseline                   DOUBLE             COMMENT 'Counterfactual: the target forecast from the periods before the bet started.',
  expected                   DOUBLE             COMMENT 'baseline + expected_change: the expected path.',
  actual                     DOUBLE             COMMENT 'Value of the target; null until the period is complete.',
  expected_change            DOUBLE             COMMENT 'Expected change in the period: change at full effect x mean effect over its days (ramp-up included).',
  realized_change            DOUBLE             COMMENT 'actual - baseline.',
  cumulative_expected_change DOUBLE             COMMENT 'expected_change summed over the measured periods so far.',
  cumulative_realized_change DOUBLE             COMMENT 'realized_change summed over the measured periods so far.',
  is_complete                BOOLEAN   NOT NULL COMMENT 'True when the period had ended at the as-of date.',
  as_of                      DATE      NOT NULL COMMENT 'As-of date of the run.',
  run_id                     STRING    NOT NULL COMMENT 'Run that computed the row; joins runs.'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: per-period tally of each bet against its expected path.'

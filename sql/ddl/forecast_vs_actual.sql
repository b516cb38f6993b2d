-- Current forecast of every started cycle against the actual node values, per node and period,
-- with the change of each node that alone would close the North Star gap. Rewritten for the tree
-- at every run.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id                 STRING        NOT NULL COMMENT 'Id of the tree.',
  cycle_start             DATE          NOT NULL COMMENT 'First day of the cycle.',
  cycle_end               DATE          NOT NULL COMMENT 'Last day of the cycle.',
  cycle_label             STRING        NOT NULL COMMENT 'Cycle name, e.g. FY2011/12 Q1.',
  forecast_version        INT           NOT NULL COMMENT 'Forecast version compared (the highest of the cycle).',
  node_id                 STRING        NOT NULL COMMENT 'Id of the node.',
  grain                   STRING        NOT NULL COMMENT 'Grain of the periods.',
  period_start            DATE          NOT NULL COMMENT 'First day of the period.',
  period_end              DATE          NOT NULL COMMENT 'Last day of the period.',
  forecast                DOUBLE                 COMMENT 'Forecast with bets.',
  forecast_low            DOUBLE                 COMMENT 'Lower end of the prediction interval.',
  forecast_high           DOUBLE                 COMMENT 'Upper end of the prediction interval.',
  actual                  DOUBLE                 COMMENT 'Value from node_values (dimension and segment all); null until the period is complete.',
  gap                     DOUBLE                 COMMENT 'actual - forecast.',
  gap_pct                 DOUBLE                 COMMENT 'gap / |forecast|, a fraction.',
  is_complete             BOOLEAN       NOT NULL COMMENT 'True when the period had ended at the as-of date.',
  cumulative_forecast     DOUBLE                 COMMENT 'Forecast summed over the complete periods of the cycle so far; null for a node that does not add up over periods (ratios, distinct counts).',
  cumulative_actual       DOUBLE                 COMMENT 'Actual summed over the complete periods so far; null for non-additive nodes.',
  cumulative_gap          DOUBLE                 COMMENT 'cumulative_actual - cumulative_forecast.',
  status                  STRING        NOT NULL COMMENT 'pending (no actual yet), below_interval, within_interval or above_interval.',
  north_star_elasticity   DOUBLE                 COMMENT 'Percent change of the North Star for a 1% change of the node, by re-evaluating the tree at the base period.',
  is_lagging              BOOLEAN       NOT NULL COMMENT 'True when the actual is outside the interval on the side that lowers the North Star (below for a positive elasticity, above for a negative one).',
  change_to_close_gap     DOUBLE                 COMMENT 'Change of this node alone, in its unit, that would have moved the North Star of the period to its forecast, solved by re-evaluating the tree; null when the node does not move the North Star.',
  change_to_close_gap_pct DOUBLE                 COMMENT 'change_to_close_gap / |actual|, a fraction.',
  annotations             ARRAY<STRING> NOT NULL COMMENT 'Annotations on the node, a node below it through formulas, or the whole tree, within the configured days of the period, as date kind: text.',
  as_of                   DATE          NOT NULL COMMENT 'As-of date of the run.',
  run_id                  STRING        NOT NULL COMMENT 'Run that computed the row; joins runs.',
  computed_at             TIMESTAMP     NOT NULL COMMENT 'When the row was computed (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: forecast against actual per cycle, node and period.'

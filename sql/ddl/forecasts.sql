-- Forecast of every node for every period of a planning cycle, from history before the cycle.
-- A forecast is frozen once the cycle has started: later runs do not rewrite it, and a re-plan
-- (jobs/arbor plan --replan) adds a new forecast_version instead.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id          STRING        NOT NULL COMMENT 'Id of the tree.',
  cycle_start      DATE          NOT NULL COMMENT 'First day of the cycle.',
  cycle_end        DATE          NOT NULL COMMENT 'Last day of the cycle.',
  cycle_label      STRING        NOT NULL COMMENT 'Cycle name, e.g. FY2011/12 Q1.',
  forecast_version INT           NOT NULL COMMENT 'Version of the cycle forecast: 1 for the plan, +1 per re-plan. The highest is current.',
  node_id          STRING        NOT NULL COMMENT 'Id of the node.',
  grain            STRING        NOT NULL COMMENT 'Grain of the forecast periods (month by default).',
  period_start     DATE          NOT NULL COMMENT 'First day of the period.',
  period_end       DATE          NOT NULL COMMENT 'Last day of the period.',
  baseline         DOUBLE                 COMMENT 'Forecast without bets; null without history.',
  baseline_low     DOUBLE                 COMMENT 'Lower end of the baseline prediction interval; null when it cannot be estimated.',
  baseline_high    DOUBLE                 COMMENT 'Upper end of the baseline prediction interval.',
  bet_uplift       DOUBLE                 COMMENT 'Change the committed bets (funded, running, shipped) add in the period, propagated through the tree.',
  forecast         DOUBLE                 COMMENT 'baseline + bet_uplift.',
  forecast_low     DOUBLE                 COMMENT 'baseline_low + bet_uplift.',
  forecast_high    DOUBLE                 COMMENT 'baseline_high + bet_uplift.',
  interval_level   DOUBLE        NOT NULL COMMENT 'Coverage of the prediction interval, e.g. 0.9.',
  model            STRING        NOT NULL COMMENT 'none, naive, mean, linear_trend, holt_winters, or formula (the node formula applied to its children forecasts).',
  model_reason     STRING        NOT NULL COMMENT 'Why the model was chosen: history length, trend test, parameters.',
  history_periods  INT           NOT NULL COMMENT 'Periods of history the model used.',
  history_end      DATE                   COMMENT 'Last day of the history used; always before cycle_start.',
  bet_ids          ARRAY<STRING> NOT NULL COMMENT 'Committed bets whose uplift reaches this node in this period.',
  frozen           BOOLEAN       NOT NULL COMMENT 'True once the cycle has started at the as-of date of the run that wrote it; frozen rows are never rewritten.',
  plan_reason      STRING        NOT NULL COMMENT 'plan for the first version, or the reason given to the re-plan.',
  created_as_of    DATE          NOT NULL COMMENT 'As-of date of the run that wrote the version.',
  run_id           STRING        NOT NULL COMMENT 'Run that wrote the version; joins runs.',
  created_at       TIMESTAMP     NOT NULL COMMENT 'When the version was written (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: frozen per-cycle forecasts of every node, with the uplift of committed bets.'

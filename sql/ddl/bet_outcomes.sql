-- Measured effect and verdict of every funded, running, shipped or killed bet. Rewritten for the
-- tree at every run; the verdict rules are in docs/planning.md.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id             STRING        NOT NULL COMMENT 'Id of the tree.',
  bet_id              STRING        NOT NULL COMMENT 'Id of the bet; joins bets (is_current).',
  cycle_start         DATE          NOT NULL COMMENT 'First day of the bet cycle.',
  cycle_label         STRING        NOT NULL COMMENT 'Cycle name, e.g. FY2011/12 Q1.',
  team                STRING        NOT NULL COMMENT 'Team that placed the bet.',
  title               STRING        NOT NULL COMMENT 'Short name of the bet.',
  target_node         STRING        NOT NULL COMMENT 'Node the bet expected to move.',
  status              STRING        NOT NULL COMMENT 'Ledger status of the bet.',
  leading_indicator   STRING                 COMMENT 'Leading indicator node, or null.',
  start_date          DATE          NOT NULL COMMENT 'First day of the bet.',
  end_date            DATE          NOT NULL COMMENT 'Last day of the bet.',
  effort              DOUBLE        NOT NULL COMMENT 'Effort of the bet, in the ledger unit.',
  confidence          DOUBLE        NOT NULL COMMENT 'Stated confidence of the bet, 0 to 1.',
  baseline_model      STRING        NOT NULL COMMENT 'Model of the counterfactual baseline (see forecasts.model).',
  measured_periods    INT           NOT NULL COMMENT 'Complete periods of the bet window with a baseline and an actual.',
  baseline_total      DOUBLE                 COMMENT 'Counterfactual baseline of the target summed over the measured periods.',
  expected_change     DOUBLE                 COMMENT 'Expected change summed over the measured periods, in the target unit.',
  realized_change     DOUBLE                 COMMENT 'Actual minus baseline summed over the measured periods.',
  expected_change_pct DOUBLE                 COMMENT 'expected_change / |baseline_total|, a fraction.',
  realized_change_pct DOUBLE                 COMMENT 'realized_change / |baseline_total|, a fraction.',
  realized_ratio      DOUBLE                 COMMENT 'realized_change / expected_change; 1 means the bet delivered exactly what it expected.',
  beyond_interval     BOOLEAN                COMMENT 'True when realized_change lies outside the baseline prediction interval (half-widths combined in quadrature), i.e. beyond noise; null without interval.',
  indicator_change    DOUBLE                 COMMENT 'Relative move of the leading indicator against its own counterfactual baseline, a fraction.',
  indicator_moved     BOOLEAN                COMMENT 'True when |indicator_change| reached the indicator-min-change threshold; null without indicator.',
  verdict             STRING        NOT NULL COMMENT 'pending, validated, partially_validated, execution_problem, hypothesis_failure or insufficient_data.',
  verdict_reason      STRING        NOT NULL COMMENT 'The numbers behind the verdict.',
  verdict_date        DATE                   COMMENT 'Day the verdict could first be given (end of the last measured period for a shipped bet, end_date otherwise); null while pending.',
  days_to_verdict     INT                    COMMENT 'Days from end_date to verdict_date, at least 0.',
  overlapping_bets    ARRAY<STRING> NOT NULL COMMENT 'Other committed bets on the same target whose dates overlap: their effects are mixed into realized_change.',
  annotations         ARRAY<STRING> NOT NULL COMMENT 'Annotations on the target or indicator (or the whole tree) within the configured days of the bet dates.',
  as_of               DATE          NOT NULL COMMENT 'As-of date of the run.',
  run_id              STRING        NOT NULL COMMENT 'Run that computed the row; joins runs.',
  computed_at         TIMESTAMP     NOT NULL COMMENT 'When the row was computed (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: realized effect and verdict per bet.'

-- Learning speed of the organization per cycle and team (team all for the whole tree).
-- Rewritten for the tree at every run.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id                STRING    NOT NULL COMMENT 'Id of the tree.',
  cycle_start            DATE      NOT NULL COMMENT 'First day of the cycle.',
  cycle_end              DATE      NOT NULL COMMENT 'Last day of the cycle.',
  cycle_label            STRING    NOT NULL COMMENT 'Cycle name, e.g. FY2011/12 Q1.',
  team                   STRING    NOT NULL COMMENT 'Team, or all for every team of the tree.',
  bets_placed            INT       NOT NULL COMMENT 'Accepted bets of the cycle that were funded (status funded, running, shipped or killed).',
  bets_concluded         INT       NOT NULL COMMENT 'Bets with a final verdict (not pending, not insufficient_data).',
  hypotheses_tested      INT       NOT NULL COMMENT 'Shipped bets that were measured: validated + partially_validated + refuted.',
  validated              INT       NOT NULL COMMENT 'Bets with verdict validated.',
  partially_validated    INT       NOT NULL COMMENT 'Bets with verdict partially_validated.',
  refuted                INT       NOT NULL COMMENT 'Bets with verdict hypothesis_failure.',
  execution_problems     INT       NOT NULL COMMENT 'Bets with verdict execution_problem.',
  pending                INT       NOT NULL COMMENT 'Bets still pending or without enough data.',
  validation_rate        DOUBLE             COMMENT 'validated / hypotheses_tested; null when none was tested.',
  effort                 DOUBLE    NOT NULL COMMENT 'Effort of the placed bets, in the ledger unit.',
  links_validated        INT                COMMENT 'Hypothesis links that became validated during the cycle (link_status_history); on the team all row only; null when the table is absent.',
  links_hardened         INT                COMMENT 'Hypothesis links that became hardened (turned into formulas) during the cycle; team all row only.',
  median_days_to_verdict DOUBLE             COMMENT 'Median of days_to_verdict over the concluded bets; null when none concluded.',
  note                   STRING             COMMENT 'Why a column is null.',
  as_of                  DATE      NOT NULL COMMENT 'As-of date of the run.',
  run_id                 STRING    NOT NULL COMMENT 'Run that computed the row; joins runs.',
  computed_at            TIMESTAMP NOT NULL COMMENT 'When the row was computed (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: bets concluded, hypotheses tested and validated per cycle and team.'

-- Bet ledger of each tree with the history of every change (slowly changing dimension, type 2):
-- a changed ledger row closes the previous version (valid_to, is_current = false) and adds a
-- new one. The current ledger is WHERE is_current. Rejected rows are kept with their reasons.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id               STRING    NOT NULL COMMENT 'Id of the tree whose planning section names the ledger.',
  ledger_key            STRING    NOT NULL COMMENT 'Key of the row across loads: the bet_id, or file:line when bet_id is missing.',
  bet_id                STRING             COMMENT 'Id of the bet as written in the ledger; null when missing (the row is then rejected).',
  cycle_start           DATE               COMMENT 'First day of the planning cycle (a fiscal quarter by default); null when invalid.',
  cycle_end             DATE               COMMENT 'Last day of the planning cycle, inclusive.',
  cycle_label           STRING             COMMENT 'Cycle name, e.g. FY2011/12 Q1 (fiscal year named by the two calendar years it spans).',
  team                  STRING             COMMENT 'Team that placed the bet.',
  owner                 STRING             COMMENT 'Person accountable for the bet.',
  title                 STRING             COMMENT 'Short name of the bet.',
  hypothesis            STRING             COMMENT 'We believe <action> will change <node> by <amount>.',
  target_node           STRING             COMMENT 'Node the bet expects to move, as written (it must be a node of the tree).',
  expected_change       STRING             COMMENT 'Expected change as written, e.g. +5% or +1200.',
  expected_change_kind  STRING             COMMENT 'relative (a fraction of the baseline) or absolute (node unit per forecast period); null when invalid.',
  expected_change_value DOUBLE             COMMENT 'Expected change: a fraction for relative (0.05 is +5%), an amount for absolute.',
  start_date            DATE               COMMENT 'First day the change is in effect.',
  end_date              DATE               COMMENT 'Last day the change is counted; the bet is measured over start_date to end_date.',
  ramp_up_days          INT                COMMENT 'Days from start_date to full effect, rising linearly; 0 for full effect at once.',
  effort                DOUBLE             COMMENT 'Cost of the bet in the ledger unit (e.g. person-weeks), greater than 0.',
  confidence            DOUBLE             COMMENT 'Stated probability that the bet works, 0 to 1.',
  status                STRING             COMMENT 'proposed, funded, running, shipped or killed, as written.',
  leading_indicator     STRING             COMMENT 'Node expected to move first when the bet ships, or null.',
  source_file           STRING    NOT NULL COMMENT 'CSV file or Delta table the row was read from.',
  source_line           INT       NOT NULL COMMENT 'Line of the row in the CSV file (header is line 1), or row number in a Delta table.',
  rejected              BOOLEAN   NOT NULL COMMENT 'True when the row has any invalid field; rejected bets are not planned or judged.',
  reject_reason         STRING             COMMENT 'Every reason for rejection, separated by semicolons; null when accepted.',
  content_hash          STRING    NOT NULL COMMENT 'SHA-256 of the row values and rejection; a new hash makes a new version.',
  valid_from            TIMESTAMP NOT NULL COMMENT 'When this version was first loaded (UTC).',
  valid_to              TIMESTAMP          COMMENT 'When a later load changed or removed the row (UTC); null for the current version.',
  is_current            BOOLEAN   NOT NULL COMMENT 'True for the version in the ledger at the latest load.',
  change_type           STRING    NOT NULL COMMENT 'added (first version of the key) or changed (a later version).',
  run_id                STRING    NOT NULL COMMENT 'Run that loaded this version; joins runs.'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: bet ledger with the history of every change.'

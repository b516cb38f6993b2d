-- Every change of a hypothesis link's lifecycle status, with the evidence of the run that caused
-- it. One row per change: tree, link, grain and run. A re-run of the same tree and as-of date
-- replaces that date's rows, so re-running a date never duplicates a change.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id           STRING    NOT NULL COMMENT 'Id of the tree.',
  run_id            STRING    NOT NULL COMMENT 'Id of the run that saw the change; joins runs.',
  as_of             DATE      NOT NULL COMMENT 'As-of date of that run.',
  link_id           STRING    NOT NULL COMMENT 'Id of the link: from_node->to_node.',
  from_node         STRING    NOT NULL COMMENT 'Node that the hypothesis says moves to_node.',
  to_node           STRING    NOT NULL COMMENT 'Node that the hypothesis says is moved.',
  grain             STRING    NOT NULL COMMENT 'Grain whose lifecycle changed; each grain of a link has its own.',
  from_status       STRING    NOT NULL COMMENT 'Status before the change (untested for a first evaluation).',
  to_status         STRING    NOT NULL COMMENT 'Status after the change: insufficient_data, inconclusive, supported, contradicted, validated, weakened, hardened or pruned.',
  lifecycle_as_of   DATE      NOT NULL COMMENT 'Date of the event: end of the fitted window, or as_of for a hardening or pruning.',
  evaluation_status STRING             COMMENT 'Verdict of the run that caused the change; null for a hardening or pruning.',
  q_value           DOUBLE             COMMENT 'q-value of the fit of that run; null without one.',
  slope             DOUBLE             COMMENT 'Slope at the chosen lag; null without a fit.',
  r_squared         DOUBLE             COMMENT 'R squared at the chosen lag; null without a fit.',
  lag               INT                COMMENT 'Chosen lag in periods; null without a fit.',
  confidence        DOUBLE             COMMENT 'Confidence score (0 to 1) of that run; null for a hardening or pruning.',
  reason            STRING    NOT NULL COMMENT 'Why the status changed, in words, such as supported in 3 consecutive evaluations (threshold 3).',
  owner_team        STRING             COMMENT 'Owner of to_node at the change.',
  cycle_start       DATE      NOT NULL COMMENT 'First day of the quarter (fiscal quarters of the tree calendar) that contains as_of.',
  recorded_at       TIMESTAMP NOT NULL COMMENT 'When the run recorded the change (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: lifecycle status changes of hypothesis links.'

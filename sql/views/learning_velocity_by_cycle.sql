-- Learning velocity: per cycle and team, how many bets concluded, how many hypotheses were
-- tested and validated, and how long verdicts take; team = 'all' also counts links validated
-- or hardened in the cycle.
CREATE OR REPLACE VIEW ${view_prefix}learning_velocity_by_cycle AS
SELECT
  tree_id,
  cycle_label,
  cycle_start,
  team,
  bets_placed,
  bets_concluded,
  hypotheses_tested,
  validated,
  partially_validated,
  refuted,
  execution_problems,
  pending,
  validation_rate,
  effort,
  try_divide(hypotheses_tested, effort) AS hypotheses_per_effort,
  links_validated,
  links_hardened,
  median_days_to_verdict,
  note
FROM ${learning_velocity}

-- Planning board: the bets of every cycle ranked by priority, with their status, expected
-- North Star impact, verdict so far and the path their effect takes through the tree.
CREATE OR REPLACE VIEW ${view_prefix}planning_board AS
SELECT
  p.tree_id,
  p.cycle_label,
  p.cycle_start,
  p.priority_rank,
  p.bet_id,
  p.team,
  p.title,
  p.status,
  p.target_node,
  p.expected_change,
  p.impact            AS north_star_impact_per_period,
  p.impact_pct        AS north_star_impact_pct,
  p.impact_in_cycle   AS north_star_impact_in_cycle,
  p.confidence,
  p.effort,
  p.priority_score,
  p.path_confidence,
  array_join(p.paths, ' | ')          AS paths,
  array_join(p.unscored_links, ', ')  AS unscored_links,
  o.verdict,
  o.realized_ratio,
  p.note
FROM ${bet_priorities} p
LEFT JOIN ${bet_outcomes} o
  ON o.tree_id = p.tree_id AND o.bet_id = p.bet_id

-- How each segment moved each node's total: one row per tree, grain, period, comparison, node,
-- dimension and segment. For additive nodes contribution is the segment's change; for ratio
-- nodes it is mix + rate, with both effects in their own columns. The contributions of a node's
-- segments add up to total_change - residual.
CREATE OR REPLACE VIEW ${view_prefix}segment_changes AS
SELECT
  tree_id,
  grain,
  period_start,
  period_end,
  is_complete,
  comparison,
  base_period_start,
  parent_id AS node_id,
  dimension,
  segment,
  SUM(contribution) AS contribution,
  SUM(CASE WHEN method = 'mix' THEN contribution END) AS mix,
  SUM(CASE WHEN method = 'rate' THEN contribution END) AS rate,
  MAX(child_base_value) AS segment_base_value,
  MAX(child_value) AS segment_value,
  MAX(parent_base_value) AS total_base_value,
  MAX(parent_value) AS total_value,
  MAX(parent_change) AS total_change,
  MAX(residual) AS residual
FROM ${change_attribution}
WHERE method IN ('segment', 'mix', 'rate')
GROUP BY tree_id, grain, period_start, period_end, is_complete, comparison, base_period_start,
  parent_id, dimension, segment

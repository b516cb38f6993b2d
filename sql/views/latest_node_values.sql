-- Latest complete value of every node, per tree and grain, with its change versus the previous
-- period. Totals only (segment 'all'); the starting point of a KPI dashboard.
CREATE OR REPLACE VIEW ${view_prefix}latest_node_values AS
WITH latest AS (
  SELECT tree_id, grain, MAX(period_start) AS period_start
  FROM ${node_values}
  WHERE is_complete AND dimension = 'all' AND segment = 'all'
  GROUP BY tree_id, grain
)
SELECT
  v.tree_id,
  v.grain,
  v.node_id,
  v.period_start,
  v.period_end,
  v.value,
  v.previous_value,
  v.change,
  v.change_pct,
  v.quality_flags,
  v.tree_version,
  v.run_id
FROM ${node_values} v
JOIN latest l
  ON v.tree_id = l.tree_id AND v.grain = l.grain AND v.period_start = l.period_start
WHERE v.dimension = 'all' AND v.segment = 'all'

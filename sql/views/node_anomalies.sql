-- Node changes flagged as unusual against the node's own history (quality flag anomaly in
-- node_values): the robust score, the change and the values it compares.
CREATE OR REPLACE VIEW ${view_prefix}node_anomalies AS
SELECT
  tree_id,
  node_id,
  grain,
  period_start,
  period_end,
  dimension,
  segment,
  previous_value,
  value,
  change,
  change_pct,
  anomaly_score,
  quality_flags,
  run_id
FROM ${node_values}
WHERE array_contains(quality_flags, 'anomaly')

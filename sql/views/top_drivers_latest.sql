-- The top drivers of each tree's North Star change in its latest complete period, per grain,
-- compared with the previous period: one row per leaf path of the total tree, rank 1 first,
-- with the segments that drove each leaf (segment_drivers).
CREATE OR REPLACE VIEW ${view_prefix}top_drivers_latest AS
SELECT
  r.tree_id,
  r.grain,
  r.period_start,
  r.period_end,
  r.base_period_start,
  r.north_star_id,
  r.north_star_base_value,
  r.north_star_value,
  r.north_star_change,
  r.unexplained_change,
  r.rank,
  r.leaf_id,
  array_join(r.path, ' > ') AS path,
  r.contribution,
  r.share,
  r.leaf_change,
  r.segment_drivers
FROM ${root_cause} r
JOIN (
  SELECT tree_id, grain, MAX(period_start) AS period_start
  FROM ${root_cause}
  WHERE is_complete AND comparison = 'previous_period' AND dimension = 'all'
  GROUP BY tree_id, grain
) latest
  ON r.tree_id = latest.tree_id
  AND r.grain = latest.grain
  AND r.period_start = latest.period_start
WHERE r.comparison = 'previous_period'
  AND r.dimension = 'all'

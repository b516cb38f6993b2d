-- Forecast gap: every node of every started cycle against its frozen forecast, period by period,
-- with the lagging flag and the change of the node that alone would close the North Star gap.
CREATE OR REPLACE VIEW ${view_prefix}forecast_gap AS
SELECT
  f.tree_id,
  f.cycle_label,
  f.cycle_start,
  f.forecast_version,
  f.period_start,
  f.node_id,
  f.node_id = t.north_star AS is_north_star,
  f.forecast,
  f.forecast_low,
  f.forecast_high,
  f.actual,
  f.gap,
  f.gap_pct,
  f.cumulative_forecast,
  f.cumulative_actual,
  f.cumulative_gap,
  f.status,
  f.is_lagging,
  f.north_star_elasticity,
  f.change_to_close_gap,
  f.change_to_close_gap_pct,
  array_join(f.annotations, ' | ') AS annotations,
  f.as_of
FROM ${forecast_vs_actual} f
JOIN (
  SELECT tree_id, max_by(north_star, first_used_at) AS north_star
  FROM ${tree_versions}
  GROUP BY tree_id
) t ON t.tree_id = f.tree_id

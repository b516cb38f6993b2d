-- The latest link_scores row of every link and grain of every tree: the current lifecycle
-- status, confidence and elasticity of each hypothesis.
CREATE OR REPLACE VIEW ${view_prefix}link_scores_latest AS
SELECT s.*
FROM ${link_scores} s
JOIN (
  SELECT tree_id, link_id, grain, MAX(as_of) AS latest_as_of
  FROM ${link_scores}
  GROUP BY tree_id, link_id, grain
) latest
  ON s.tree_id = latest.tree_id
  AND s.link_id = latest.link_id
  AND s.grain = latest.grain
  AND s.as_of = latest.latest_as_of

-- Every node of every tree, from each tree's latest definition: what it measures, its unit and
-- its owner, so teams can find what others measure before defining a metric again.
CREATE OR REPLACE VIEW ${view_prefix}metric_catalog AS
WITH latest AS (
  SELECT tree_id, MAX_BY(tree_version, first_used_at) AS tree_version
  FROM ${tree_versions}
  GROUP BY tree_id
)
SELECT
  t.tree_id,
  t.tree_name,
  n.node_id,
  n.name,
  n.unit,
  n.owner,
  n.description,
  n.kind,
  n.definition,
  n.formula,
  n.node_id = t.north_star AS is_north_star,
  t.tree_version,
  t.first_used_at AS version_first_used_at
FROM ${tree_versions} t
JOIN latest l ON t.tree_id = l.tree_id AND t.tree_version = l.tree_version
LATERAL VIEW explode(t.nodes) exploded AS n

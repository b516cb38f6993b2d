-- Every distinct definition of a tree that a run has used. One row per (tree_id, tree_version).
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id       STRING    NOT NULL COMMENT 'Id of the tree.',
  tree_version  STRING    NOT NULL COMMENT 'SHA-256 (hex) of the normalized definition JSON below.',
  tree_name     STRING    NOT NULL COMMENT 'Display name of the tree.',
  north_star    STRING    NOT NULL COMMENT 'Node id of the North Star metric.',
  definition    STRING    NOT NULL COMMENT 'Normalized definition as JSON: nodes, links and the sources they read, with sorted keys.',
  nodes         ARRAY<STRUCT<node_id: STRING, name: STRING, unit: STRING, owner: STRING, description: STRING, kind: STRING, definition: STRING, formula: STRING>> NOT NULL
                          COMMENT 'Every node: kind is measure, lifecycle or formula; definition describes the measure or lifecycle; formula is its formula text or null.',
  links         ARRAY<STRUCT<from_id: STRING, to_id: STRING, kind: STRING, expected_sign: STRING, lag_min: INT, lag_max: INT, description: STRING>> NOT NULL
                          COMMENT 'Every link: deterministic (from a formula term to its node), hypothesis, organizational (from the owning team to the node).',
  first_used_at TIMESTAMP NOT NULL COMMENT 'When a run first used this definition (UTC).',
  first_run_id  STRING    NOT NULL COMMENT 'Run that first used this definition.'
)
USING DELTA
COMMENT 'Arbor: every distinct tree definition, for audit and for the metric catalog.'

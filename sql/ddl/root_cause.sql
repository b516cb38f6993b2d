-- The North Star's change per period traced down the tree to its leaves: one row per leaf path,
-- ranked by absolute contribution. A node's contribution splits among its children in proportion
-- to their contributions to the node's own change, so the leaf paths of a period add up to
-- explained_change. A path ends early at a node whose change is 0 or could not be split.
-- docs/attribution.md gives the rule. One row per (tree_id, grain, period_start, comparison,
-- dimension, segment, rank). Partitioned like node_values; a re-run replaces its periods.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id               STRING        NOT NULL COMMENT 'Id of the tree, as in the config.',
  tree_version          STRING        NOT NULL COMMENT 'SHA-256 of the tree definition that produced the row; joins tree_versions.',
  grain                 STRING        NOT NULL COMMENT 'Period length: day, week, month or quarter.',
  period_start          DATE          NOT NULL COMMENT 'First day of the period whose change is traced.',
  period_end            DATE          NOT NULL COMMENT 'Last day of the period, inclusive.',
  is_complete           BOOLEAN       NOT NULL COMMENT 'False when the period had not ended at the run as-of date.',
  comparison            STRING        NOT NULL COMMENT 'Base period: previous_period or year_ago, as in change_attribution.',
  base_period_start     DATE          NOT NULL COMMENT 'First day of the base period.',
  dimension             STRING        NOT NULL COMMENT 'all for the total tree; else the dimension of the segment whose own tree is traced.',
  segment               STRING        NOT NULL COMMENT 'all for the total tree; else the segment, as in node_values.',
  north_star_id         STRING        NOT NULL COMMENT 'Node id of the North Star.',
  north_star_base_value DOUBLE                 COMMENT 'North Star value in the base period.',
  north_star_value      DOUBLE                 COMMENT 'North Star value in the period.',
  north_star_change     DOUBLE                 COMMENT 'north_star_value - north_star_base_value.',
  explained_change      DOUBLE                 COMMENT 'Change of the North Star formula value, which the leaf contributions add up to; the whole change when the North Star has no formula.',
  unexplained_change    DOUBLE                 COMMENT 'north_star_change - explained_change: the change of the North Star formula gap (measured value minus formula value).',
  rank                  INT           NOT NULL COMMENT '1 for the leaf path with the largest absolute contribution, then 2, 3...',
  leaf_id               STRING        NOT NULL COMMENT 'Last node of the path: a leaf of the tree, or a node whose change is 0 or could not be split.',
  path                  ARRAY<STRING> NOT NULL COMMENT 'Node ids from the North Star to leaf_id.',
  steps                 ARRAY<STRUCT<parent_id: STRING, child_id: STRING, local_contribution: DOUBLE, contribution: DOUBLE>> NOT NULL
                                               COMMENT 'Each edge of the path: local_contribution is the child contribution to the parent change (parent unit, as in change_attribution); contribution is the child share of the North Star change along this path (North Star unit).',
  contribution          DOUBLE                 COMMENT 'The leaf contribution to the North Star change along this path, in the North Star unit.',
  share                 DOUBLE                 COMMENT 'contribution / north_star_change; null when that change is 0.',
  leaf_change           DOUBLE                 COMMENT 'Change of the leaf value, in the leaf unit.',
  segment_drivers       ARRAY<STRUCT<dimension: STRING, segment: STRING, contribution: DOUBLE, share_of_leaf_change: DOUBLE, mix: DOUBLE, rate: DOUBLE>> NOT NULL
                                               COMMENT 'For the total tree: per dimension, the 3 segments with the largest effect on the leaf change; contribution is their part of this path contribution (North Star unit), split in proportion to the segments contributions to the leaf change; mix and rate split it further for ratio leaves. Empty for segment rows and leaves that do not split over segments.',
  run_id                STRING        NOT NULL COMMENT 'Id of the run that wrote the row; joins runs.',
  computed_at           TIMESTAMP     NOT NULL COMMENT 'When the run computed the row (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id, grain)
COMMENT 'Arbor: the North Star change per period traced to the leaves of the tree and their segments.'

-- Expected North Star impact and priority of every accepted bet, ranked per cycle. Rewritten
-- for the tree at every run, since link scores and baselines change.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id           STRING        NOT NULL COMMENT 'Id of the tree.',
  cycle_start       DATE          NOT NULL COMMENT 'First day of the bet cycle.',
  cycle_end         DATE          NOT NULL COMMENT 'Last day of the bet cycle.',
  cycle_label       STRING        NOT NULL COMMENT 'Cycle name, e.g. FY2011/12 Q1.',
  bet_id            STRING        NOT NULL COMMENT 'Id of the bet; joins bets (is_current).',
  team              STRING        NOT NULL COMMENT 'Team that placed the bet.',
  title             STRING        NOT NULL COMMENT 'Short name of the bet.',
  status            STRING        NOT NULL COMMENT 'Ledger status of the bet.',
  target_node       STRING        NOT NULL COMMENT 'Node the bet expects to move.',
  expected_change   STRING        NOT NULL COMMENT 'Expected change as written, e.g. +5%.',
  base_period_start DATE                   COMMENT 'First day of the base period: the last complete forecast-grain period before the cycle; null without history.',
  target_base_value DOUBLE                 COMMENT 'Value of the target node in the base period.',
  target_change     DOUBLE                 COMMENT 'Change of the target at full effect in one forecast period, in its unit.',
  north_star        STRING        NOT NULL COMMENT 'Id of the North Star node.',
  north_star_base   DOUBLE                 COMMENT 'North Star value in the base period.',
  impact            DOUBLE                 COMMENT 'North Star change in one forecast period at full effect, from re-evaluating the tree; 0 when no path reaches the North Star.',
  impact_pct        DOUBLE                 COMMENT 'impact / |north_star_base|, a fraction.',
  impact_in_cycle   DOUBLE                 COMMENT 'North Star change this bet alone adds to the cycle forecast, over its dates and ramp: summed over periods for an additive North Star, averaged otherwise; null for a bet not committed.',
  paths             ARRAY<STRING> NOT NULL COMMENT 'Paths from the target to the North Star through formulas and scored links, as a -formula-> b -hypothesis-> c.',
  path_links        ARRAY<STRUCT<from_node: STRING, to_node: STRING, kind: STRING, elasticity: DOUBLE, confidence: DOUBLE>> NOT NULL COMMENT 'Every link on the paths: formula links have confidence 1 and no elasticity; hypothesis links carry their fitted elasticity and confidence.',
  path_confidence   DOUBLE                 COMMENT 'Highest product of link confidences over the paths; null when no path.',
  unscored_links    ARRAY<STRING> NOT NULL COMMENT 'Hypothesis links reached from the target that have no usable score in link_scores, so nothing propagates through them.',
  confidence        DOUBLE        NOT NULL COMMENT 'Stated confidence of the bet, 0 to 1.',
  effort            DOUBLE        NOT NULL COMMENT 'Effort of the bet, in the ledger unit.',
  priority_score    DOUBLE                 COMMENT 'impact x confidence / effort; null when impact is unknown.',
  priority_rank     INT                    COMMENT 'Rank of the bet in its cycle by priority_score, 1 first; null when the score is null.',
  note              STRING                 COMMENT 'Why the impact is 0 or null, or which links were left out.',
  run_id            STRING        NOT NULL COMMENT 'Run that computed the row; joins runs.',
  computed_at       TIMESTAMP     NOT NULL COMMENT 'When the row was computed (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: bets ranked by expected North Star impact per unit of effort.'

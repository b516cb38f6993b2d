-- Leverage of every node on the North Star per cycle: its sensitivity along the tree, and how
-- much the cycle's bets moved it per unit of effort. Rewritten for the tree at every run.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id                    STRING    NOT NULL COMMENT 'Id of the tree.',
  cycle_start                DATE      NOT NULL COMMENT 'First day of the cycle.',
  cycle_end                  DATE      NOT NULL COMMENT 'Last day of the cycle.',
  cycle_label                STRING    NOT NULL COMMENT 'Cycle name, e.g. FY2011/12 Q1.',
  node_id                    STRING    NOT NULL COMMENT 'Id of the node (every node but the North Star).',
  is_input                   BOOLEAN   NOT NULL COMMENT 'True for a node without a formula: an input of the tree.',
  base_period_start          DATE               COMMENT 'First day of the base period: the last complete forecast-grain period before the cycle.',
  node_base_value            DOUBLE             COMMENT 'Value of the node in the base period.',
  north_star_elasticity      DOUBLE             COMMENT 'Percent change of the North Star for a 1% change of the node, by re-evaluating the tree; 0 when no path reaches it.',
  bets                       INT       NOT NULL COMMENT 'Accepted bets of the cycle targeting the node that were funded.',
  effort                     DOUBLE    NOT NULL COMMENT 'Effort of those bets.',
  realized_change            DOUBLE             COMMENT 'Realized change of the node summed over those bets (bet_outcomes.realized_change), node unit; null when none was measured.',
  north_star_realized_change DOUBLE             COMMENT 'realized_change translated to the North Star with the elasticity: realized_change / node_base_value x elasticity x North Star base.',
  north_star_change_per_effort DOUBLE           COMMENT 'north_star_realized_change / effort.',
  as_of                      DATE      NOT NULL COMMENT 'As-of date of the run.',
  run_id                     STRING    NOT NULL COMMENT 'Run that computed the row; joins runs.',
  computed_at                TIMESTAMP NOT NULL COMMENT 'When the row was computed (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: North Star sensitivity to each node and realized movement per unit of effort.'

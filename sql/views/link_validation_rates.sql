-- Validation rates of hypothesis links for metric stewards: one row per tree, cycle (the
-- quarter, in the tree's fiscal calendar, of the runs' as-of dates), owner team (owner of the
-- link's target node) and grain.
--   links_tested        links evaluated by at least one run of the cycle
--   links_validated     links that became validated in the cycle; links_contradicted,
--                       links_hardened and links_pruned likewise
--   validation_rate     links_validated / links_tested, null without tests
--   median_days_to_validation  median, over the links validated in the cycle, of the days from
--                       the link's first evaluation ever to its first validation in the cycle
CREATE OR REPLACE VIEW ${view_prefix}link_validation_rates AS
WITH tested AS (
  SELECT tree_id, cycle_start, owner_team, grain, COUNT(DISTINCT link_id) AS links_tested
  FROM ${link_scores}
  WHERE evaluation_status IS NOT NULL
  GROUP BY tree_id, cycle_start, owner_team, grain
),
first_test AS (
  SELECT tree_id, link_id, grain, MIN(as_of) AS first_tested
  FROM ${link_scores}
  WHERE evaluation_status IS NOT NULL
  GROUP BY tree_id, link_id, grain
),
validations AS (
  SELECT h.tree_id, h.cycle_start, h.owner_team, h.grain, h.link_id,
         DATEDIFF(MIN(h.as_of), MIN(f.first_tested)) AS days_to_validation
  FROM ${link_status_history} h
  LEFT JOIN first_test f
    ON h.tree_id = f.tree_id AND h.link_id = f.link_id AND h.grain = f.grain
  WHERE h.to_status = 'validated'
  GROUP BY h.tree_id, h.cycle_start, h.owner_team, h.grain, h.link_id
),
changes AS (
  SELECT tree_id, cycle_start, owner_team, grain,
         COUNT(DISTINCT CASE WHEN to_status = 'validated' THEN link_id END) AS links_validated,
         COUNT(DISTINCT CASE WHEN to_status = 'contradicted' THEN link_id END) AS links_contradicted,
         COUNT(DISTINCT CASE WHEN to_status = 'hardened' THEN link_id END) AS links_hardened,
         COUNT(DISTINCT CASE WHEN to_status = 'pruned' THEN link_id END) AS links_pruned
  FROM ${link_status_history}
  GROUP BY tree_id, cycle_start, owner_team, grain
),
medians AS (
  SELECT tree_id, cycle_start, owner_team, grain,
         MEDIAN(days_to_validation) AS median_days_to_validation
  FROM validations
  GROUP BY tree_id, cycle_start, owner_team, grain
)
SELECT
  COALESCE(t.tree_id, c.tree_id) AS tree_id,
  COALESCE(t.cycle_start, c.cycle_start) AS cycle_start,
  DATE_SUB(ADD_MONTHS(COALESCE(t.cycle_start, c.cycle_start), 3), 1) AS cycle_end,
  COALESCE(t.owner_team, c.owner_team) AS owner_team,
  COALESCE(t.grain, c.grain) AS grain,
  COALESCE(t.links_tested, 0) AS links_tested,
  COALESCE(c.links_validated, 0) AS links_validated,
  COALESCE(c.links_contradicted, 0) AS links_contradicted,
  COALESCE(c.links_hardened, 0) AS links_hardened,
  COALESCE(c.links_pruned, 0) AS links_pruned,
  TRY_DIVIDE(COALESCE(c.links_validated, 0), t.links_tested) AS validation_rate,
  m.median_days_to_validation
FROM tested t
FULL OUTER JOIN changes c
  ON t.tree_id = c.tree_id
  AND t.cycle_start = c.cycle_start
  AND t.owner_team <=> c.owner_team
  AND t.grain = c.grain
LEFT JOIN medians m
  ON m.tree_id = COALESCE(t.tree_id, c.tree_id)
  AND m.cycle_start = COALESCE(t.cycle_start, c.cycle_start)
  AND m.owner_team <=> COALESCE(t.owner_team, c.owner_team)
  AND m.grain = COALESCE(t.grain, c.grain)

-- Evidence for every hypothesis link of a tree at every run: one row per run, link, grain and
-- transform. A re-run of the same tree and as-of date replaces that date's rows, so a date has
-- one row per link and grain. Statistics are null, never NaN or infinite, when the fit could
-- not produce them, and fit_status and status_reason give the reason. docs/link-scoring.md has
-- the formulas.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id                   STRING    NOT NULL COMMENT 'Id of the tree, as in the config (arbor.trees.<id>).',
  run_id                    STRING    NOT NULL COMMENT 'Id of the run that wrote the row; joins runs.',
  as_of                     DATE      NOT NULL COMMENT 'As-of date of the run: the last local day it included.',
  tree_version              STRING    NOT NULL COMMENT 'Tree definition hash of the run; joins tree_versions.',
  link_id                   STRING    NOT NULL COMMENT 'Id of the link: from_node->to_node.',
  from_node                 STRING    NOT NULL COMMENT 'Node that the hypothesis says moves to_node (x of the regression).',
  to_node                   STRING    NOT NULL COMMENT 'Node that the hypothesis says is moved (y of the regression).',
  expected_sign             STRING    NOT NULL COMMENT 'Expected direction of the effect: positive, negative or any.',
  lag_min                   INT       NOT NULL COMMENT 'Smallest lag tried, in periods of the grain.',
  lag_max                   INT       NOT NULL COMMENT 'Largest lag tried, in periods of the grain.',
  controls                  ARRAY<STRING> NOT NULL COMMENT 'Node ids whose series were extra regressors at period t; empty for none.',
  include_lagged_target     BOOLEAN   NOT NULL COMMENT 'Whether y(t-1), the previous transformed value of to_node, was a regressor.',
  grain                     STRING    NOT NULL COMMENT 'Grain of the series: day, week, month or quarter.',
  transform                 STRING    NOT NULL COMMENT 'Transform of every series before the fit: levels, differences, percent_changes or log_differences.',
  window_start              DATE      NOT NULL COMMENT 'First day of the first period of the fitted window.',
  window_end                DATE      NOT NULL COMMENT 'Last day of the last period of the window: the last period complete on as_of.',
  window_periods            INT       NOT NULL COMMENT 'Number of periods in the window (links-scoring.window).',
  fit_status                STRING             COMMENT 'ok, perfect_fit, insufficient_data, constant_series, singular_design or numerical_failure; null when the link was not fitted (hardened or pruned).',
  lag                       INT                COMMENT 'Chosen lag: the one with the smallest p-value, the smaller lag on ties; null without a fit.',
  lags_tested               INT                COMMENT 'Lags that produced a p-value, the m of the Bonferroni lag correction.',
  points                    INT                COMMENT 'Aligned periods used by the fit at the chosen lag (or at the failed lag with the most points).',
  degrees_of_freedom        INT                COMMENT 'points minus the number of coefficients.',
  intercept                 DOUBLE             COMMENT 'Intercept a, in units of transformed to_node.',
  slope                     DOUBLE             COMMENT 'Slope b: change in transformed to_node per unit of transformed from_node at the chosen lag.',
  slope_std_error           DOUBLE             COMMENT 'Standard error of the slope; 0 for a perfect fit.',
  slope_low                 DOUBLE             COMMENT 'Lower end of the slope confidence interval at confidence_level.',
  slope_high                DOUBLE             COMMENT 'Upper end of the slope confidence interval.',
  t_statistic               DOUBLE             COMMENT 'slope / slope_std_error; null for a perfect fit.',
  p_value                   DOUBLE             COMMENT 'Two-sided p-value of slope = 0 at the chosen lag, before any correction.',
  p_value_lag_adjusted      DOUBLE             COMMENT 'min(1, lags_tested * p_value): corrected for choosing the best lag (Bonferroni).',
  q_value                   DOUBLE             COMMENT 'Benjamini-Hochberg q-value of p_value_lag_adjusted over every link and grain of the run.',
  r_squared                 DOUBLE             COMMENT 'R squared of the whole model (trend, controls and y(t-1) included).',
  elasticity                DOUBLE             COMMENT 'Percent change of to_node per 1% change of from_node: the slope on percent_changes and log_differences, slope * mean(x) / mean(y) of the levels otherwise.',
  elasticity_low            DOUBLE             COMMENT 'Lower end of the elasticity interval at confidence_level.',
  elasticity_high           DOUBLE             COMMENT 'Upper end of the elasticity interval.',
  sign_stability            DOUBLE             COMMENT 'Share (0 to 1) of rolling sub-windows whose slope has the sign of slope; null when none could be fitted.',
  confidence_level          DOUBLE             COMMENT 'Level of the slope and elasticity intervals, such as 0.95; null when the link was not fitted.',
  confidence                DOUBLE             COMMENT 'Confidence score from 0 to 1 (agreement with the expected sign, significance, stability, points); null when not evaluated.',
  evaluation_status         STRING             COMMENT 'Verdict of this run: supported, contradicted, inconclusive or insufficient_data; null when not evaluated (hardened or pruned).',
  status_reason             STRING    NOT NULL COMMENT 'The verdict or lifecycle event in words, with the q-value, lag and slope, or why no fit was possible.',
  previous_lifecycle_status STRING    NOT NULL COMMENT 'Lifecycle status before this run; untested for a link never evaluated.',
  lifecycle_status          STRING    NOT NULL COMMENT 'Lifecycle status after this run: insufficient_data, inconclusive, supported, contradicted, validated, weakened, hardened or pruned.',
  lifecycle_as_of           DATE      NOT NULL COMMENT 'Date of the latest lifecycle event: window_end of the latest evaluation counted, or as_of of a hardening or pruning.',
  consecutive_supported     INT       NOT NULL COMMENT 'Evaluations in a row, up to this one, that were supported.',
  consecutive_not_supported INT       NOT NULL COMMENT 'Evaluations in a row, up to this one, that were not supported.',
  hardening_candidate       BOOLEAN   NOT NULL COMMENT 'True for a validated link whose latest fit is supported with high R squared and full sign stability: a formula may describe it better.',
  owner_team                STRING             COMMENT 'Owner of to_node in the tree of the run (for a pruned link whose node is gone, its last known owner).',
  cycle_start               DATE      NOT NULL COMMENT 'First day of the quarter (fiscal quarters of the tree calendar) that contains as_of.',
  lag_fits                  ARRAY<STRUCT<lag: INT, fit_status: STRING, points: INT, slope: DOUBLE, p_value: DOUBLE, r_squared: DOUBLE>> NOT NULL
                                               COMMENT 'Fit at every lag tried, in lag order; empty when not fitted.',
  computed_at               TIMESTAMP NOT NULL COMMENT 'When the run computed the row (UTC).'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: scores and lifecycle status of hypothesis links, per run, link and grain.'

-- One row per run of a command that writes outputs, successful or not.
CREATE TABLE IF NOT EXISTS ${table} (
  run_id          STRING              NOT NULL COMMENT 'Unique id of the run; node_values.run_id joins it.',
  command         STRING              NOT NULL COMMENT 'Command that ran: run, backfill (one row per chunk), links, plan or ingest.',
  tree_id         STRING                       COMMENT 'Tree computed, or null for ingest.',
  tree_version    STRING                       COMMENT 'Tree definition hash, or null.',
  as_of           DATE                         COMMENT 'Last local day included in the run.',
  from_date       DATE                         COMMENT 'First day of the range the run was asked to recompute (run --from, or the backfill chunk), or null.',
  to_date         DATE                         COMMENT 'Last day of the backfill chunk, or null.',
  backfill_id     STRING                       COMMENT 'Backfill the chunk belongs to (tree, range and chunk size); a backfill started again skips its succeeded chunks.',
  recompute       STRING                       COMMENT 'full: <reason>, or incremental: the days read again and the source versions whose changes they hold.',
  periods_recomputed MAP<STRING, ARRAY<DATE>>  COMMENT 'Start of every period written, by grain.',
  status          STRING              NOT NULL COMMENT 'succeeded or failed.',
  started_at      TIMESTAMP           NOT NULL COMMENT 'Start time (UTC).',
  ended_at        TIMESTAMP           NOT NULL COMMENT 'End time (UTC).',
  input_versions  MAP<STRING, BIGINT>          COMMENT 'Delta version read of each input, by source id; -1 for non-Delta inputs.',
  rows_read       MAP<STRING, BIGINT>          COMMENT 'Rows read per source id.',
  rows_written    MAP<STRING, BIGINT>          COMMENT 'Rows written per output table.',
  step_millis     MAP<STRING, BIGINT>          COMMENT 'Duration of each step in milliseconds.',
  quality_counts  MAP<STRING, BIGINT>          COMMENT 'Rows counted by each data-quality gate, keyed <source>.<gate>: rows_checked, without_time, in_future, without_entity, negative, duplicates, emptied_days.',
  warnings        ARRAY<STRING>       NOT NULL COMMENT 'Data-quality and consistency warnings of the run.',
  error_category  STRING                       COMMENT 'For a failed run: INVALID_CONFIG, INVALID_INPUT, DATA_QUALITY, OUTPUT, CONFLICT (another run held the tree) or INTERNAL.',
  error_message   STRING                       COMMENT 'For a failed run: the error message.'
)
USING DELTA
COMMENT 'Arbor: audit of every run.'

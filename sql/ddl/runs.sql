-- One row per run of a command that writes outputs, successful or not.
CREATE TABLE IF NOT EXISTS ${table} (
  run_id          STRING              NOT NULL COMMENT 'Unique id of the run; node_values.run_id joins it.',
  command         STRING              NOT NULL COMMENT 'Command that ran: run, links, plan or ingest.',
  tree_id         STRING                       COMMENT 'Tree computed, or null for ingest.',
  tree_version    STRING                       COMMENT 'Tree definition hash, or null.',
  as_of           DATE                         COMMENT 'Last local day included in the run.',
  from_date       DATE                         COMMENT 'First day of the reported range, or null for all history.',
  status          STRING              NOT NULL COMMENT 'succeeded or failed.',
  started_at      TIMESTAMP           NOT NULL COMMENT 'Start time (UTC).',
  ended_at        TIMESTAMP           NOT NULL COMMENT 'End time (UTC).',
  input_versions  MAP<STRING, BIGINT>          COMMENT 'Delta version read of each input, by source id; -1 for non-Delta inputs.',
  rows_read       MAP<STRING, BIGINT>          COMMENT 'Rows read per source id.',
  rows_written    MAP<STRING, BIGINT>          COMMENT 'Rows written per output table.',
  step_millis     MAP<STRING, BIGINT>          COMMENT 'Duration of each step in milliseconds.',
  warnings        ARRAY<STRING>       NOT NULL COMMENT 'Data-quality and consistency warnings of the run.',
  error_category  STRING                       COMMENT 'For a failed run: INVALID_CONFIG, INVALID_INPUT, DATA_QUALITY, OUTPUT or INTERNAL.',
  error_message   STRING                       COMMENT 'For a failed run: the error message.'
)
USING DELTA
COMMENT 'Arbor: audit of every run.'

-- Raw rows that ingest could not use, with the reason; nothing is dropped silently.
CREATE TABLE IF NOT EXISTS ${table} (
  source_id    STRING    NOT NULL COMMENT 'Source whose ingest rejected the row.',
  source_file  STRING             COMMENT 'File the row came from.',
  raw_row      STRING    NOT NULL COMMENT 'The row as read, as JSON of the raw column values.',
  reason       STRING    NOT NULL COMMENT 'Why the row was rejected, naming the column and value.',
  run_id       STRING    NOT NULL COMMENT 'Ingest run that rejected the row; joins runs.',
  ingested_at  TIMESTAMP NOT NULL COMMENT 'When the row was rejected (UTC).'
)
USING DELTA
PARTITIONED BY (source_id)
COMMENT 'Arbor: rows rejected by ingest.'

-- Rows that ingest could not load or that a run's data-quality gates rejected, with the reason;
-- nothing is dropped silently. A re-ingest of a file or a re-run of a day replaces its rows.
CREATE TABLE IF NOT EXISTS ${table} (
  source_id    STRING    NOT NULL COMMENT 'Source whose ingest or run rejected the row.',
  found_by     STRING    NOT NULL COMMENT 'ingest, or run:<tree_id> for rows rejected by a run of that tree.',
  event_date   DATE               COMMENT 'Local day of the event in the tree time zone (rows found by runs); null when the event time is missing or unparsable, and for ingest.',
  source_file  STRING             COMMENT 'File the row came from.',
  raw_row      STRING    NOT NULL COMMENT 'The row as read, as JSON of the raw column values.',
  reason       STRING    NOT NULL COMMENT 'Why the row was rejected, naming the column and value.',
  run_id       STRING    NOT NULL COMMENT 'Ingest or run that rejected the row; joins runs.',
  ingested_at  TIMESTAMP NOT NULL COMMENT 'When the row was rejected (UTC).'
)
USING DELTA
PARTITIONED BY (source_id)
COMMENT 'Arbor: rows rejected by ingest or by the data-quality gates of a run.'

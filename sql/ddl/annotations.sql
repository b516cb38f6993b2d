-- Launches, experiments, external events and decisions, loaded from the annotation ledger with
-- the history of every change (type 2, like bets). The current rows are WHERE is_current.
CREATE TABLE IF NOT EXISTS ${table} (
  tree_id         STRING        NOT NULL COMMENT 'Id of the tree whose planning section names the ledger.',
  ledger_key      STRING        NOT NULL COMMENT 'Key of the row across loads: the annotation_id, or file:line when it is missing.',
  annotation_id   STRING                 COMMENT 'Id of the annotation as written; null when missing.',
  annotation_date DATE                   COMMENT 'Day of the event; null when invalid.',
  kind            STRING                 COMMENT 'launch, experiment, external or decision, as written.',
  text            STRING                 COMMENT 'What happened.',
  nodes           ARRAY<STRING> NOT NULL COMMENT 'Nodes the annotation concerns; empty for the whole tree.',
  team            STRING                 COMMENT 'Team that wrote the annotation, or null.',
  source_file     STRING        NOT NULL COMMENT 'CSV file or Delta table the row was read from.',
  source_line     INT           NOT NULL COMMENT 'Line of the row in the CSV file, or row number in a Delta table.',
  rejected        BOOLEAN       NOT NULL COMMENT 'True when the row has any invalid field; rejected annotations are not listed next to gaps.',
  reject_reason   STRING                 COMMENT 'Every reason for rejection, separated by semicolons; null when accepted.',
  content_hash    STRING        NOT NULL COMMENT 'SHA-256 of the row values and rejection; a new hash makes a new version.',
  valid_from      TIMESTAMP     NOT NULL COMMENT 'When this version was first loaded (UTC).',
  valid_to        TIMESTAMP              COMMENT 'When a later load changed or removed the row (UTC); null for the current version.',
  is_current      BOOLEAN       NOT NULL COMMENT 'True for the version in the ledger at the latest load.',
  change_type     STRING        NOT NULL COMMENT 'added (first version of the key) or changed (a later version).',
  run_id          STRING        NOT NULL COMMENT 'Run that loaded this version; joins runs.'
)
USING DELTA
PARTITIONED BY (tree_id)
COMMENT 'Arbor: annotations of events that may explain metric moves.'

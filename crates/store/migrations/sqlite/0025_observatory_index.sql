-- The catalogue's search moved into each instance's memory (store/src/observatory/index.rs).
-- A record carries the catalogue revision of its last write, so that an instance loads
-- only the records written since the revision it holds. The full-text table goes.
ALTER TABLE observatory_records ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX observatory_records_revision ON observatory_records(revision);
DROP TABLE observatory_fts;

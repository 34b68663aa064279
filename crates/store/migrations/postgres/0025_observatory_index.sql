-- The catalogue's search moved into each instance's memory (store/src/observatory/index.rs).
-- A record carries the catalogue revision of its last write, so that an instance loads
-- only the records written since the revision it holds. The text-search column goes.
ALTER TABLE observatory_records ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX observatory_records_revision ON observatory_records(revision);
DROP INDEX observatory_records_search;
ALTER TABLE observatory_records DROP COLUMN search;
DROP TEXT SEARCH CONFIGURATION concerto_it;

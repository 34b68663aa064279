-- The notice importer's warnings stay on the draft they came with (issue 22) until
-- the office marks each one resolved: who and when are kept, nothing is deleted.
CREATE TABLE import_warnings (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    process_id   BIGINT NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    text         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    resolved_at  TIMESTAMPTZ,
    resolved_by  TEXT
);
CREATE INDEX import_warnings_process ON import_warnings(process_id);

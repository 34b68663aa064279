-- The observatory: one record per process, every version kept, proposed
-- completions waiting for a moderator, and the full-text index.

-- Italian text without accents: "nardo" finds "Nardò". unaccent ships with
-- PostgreSQL's contrib (Debian: postgresql-contrib, part of the server package).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION concerto_it (COPY = pg_catalog.italian);
ALTER TEXT SEARCH CONFIGURATION concerto_it
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, italian_stem;
CREATE TABLE observatory_records (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Set for a record derived from a process run on Concerto.
    process_id      BIGINT UNIQUE REFERENCES processes(id),
    source          TEXT NOT NULL CHECK (source IN ('concerto', 'external', 'notice')),
    -- The process revision the record was last derived from.
    source_revision INTEGER,
    -- False while the process of a derived record is back in draft.
    listed          BOOLEAN NOT NULL,
    version         INTEGER NOT NULL,
    -- The current version's facets and text, copied out of its content for search.
    title           TEXT NOT NULL,
    search_body     TEXT NOT NULL,
    region          TEXT NOT NULL,
    province        TEXT NOT NULL,
    ambito          TEXT NOT NULL,
    cycle           TEXT,
    status          TEXT NOT NULL,
    start_year      INTEGER,
    content         TEXT NOT NULL,
    search          TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('concerto_it', title), 'A') || setweight(to_tsvector('concerto_it', search_body), 'B')
    ) STORED,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX observatory_records_order ON observatory_records(listed, start_year DESC, title);
-- Covers the facets and the order, so that counting and sorting never read the
-- records' content.
CREATE INDEX observatory_records_facets ON observatory_records(listed, province, region, ambito, cycle, status, start_year, title);

CREATE TABLE observatory_record_areas (
    record_id BIGINT NOT NULL REFERENCES observatory_records(id) ON DELETE CASCADE,
    area      TEXT NOT NULL,
    PRIMARY KEY (record_id, area)
);
CREATE INDEX observatory_record_areas_area ON observatory_record_areas(area);

CREATE TABLE observatory_versions (
    record_id  BIGINT NOT NULL REFERENCES observatory_records(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    content    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    -- Why the version exists: derived, written by a moderator, an accepted completion.
    note       TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
);

CREATE TABLE observatory_corrections (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_id    BIGINT NOT NULL REFERENCES observatory_records(id) ON DELETE CASCADE,
    base_version INTEGER NOT NULL,
    completion   TEXT NOT NULL,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    decided_at   TIMESTAMPTZ,
    decided_by   TEXT,
    reason       TEXT
);
CREATE INDEX observatory_corrections_pending ON observatory_corrections(status, id);

CREATE INDEX observatory_records_search ON observatory_records USING GIN (search);

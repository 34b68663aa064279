-- Ambiti, processes and their calendars. Dates are ISO text, instants RFC 3339 UTC.
CREATE TABLE ambiti (
    id                INTEGER PRIMARY KEY,
    slug              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    number            TEXT,
    province          TEXT NOT NULL,
    region            TEXT NOT NULL,
    lead_municipality TEXT NOT NULL,
    managing_body     TEXT,
    address           TEXT,
    email             TEXT,
    pec               TEXT,
    phone             TEXT,
    website           TEXT
);

CREATE TABLE ambito_municipalities (
    ambito_id INTEGER NOT NULL REFERENCES ambiti(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (ambito_id, position)
);

CREATE TABLE regional_areas (
    code     TEXT PRIMARY KEY,
    plan     TEXT NOT NULL,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL
);

CREATE TABLE processes (
    id               INTEGER PRIMARY KEY,
    ambito_id        INTEGER NOT NULL REFERENCES ambiti(id),
    slug             TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    cycle_from       INTEGER NOT NULL,
    cycle_to         INTEGER NOT NULL,
    regional_plan    TEXT,
    legal_references TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'published', 'closed')),
    deadline_at      TEXT,
    apply_email      TEXT,
    apply_pec        TEXT,
    apply_url        TEXT,
    online_form      BOOLEAN NOT NULL,
    contact_person   TEXT,
    description      TEXT NOT NULL,
    eligibility      TEXT NOT NULL,
    signatory_role   TEXT,
    signatory_name   TEXT,
    revision         INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX processes_ambito ON processes(ambito_id);

CREATE TABLE phases (
    id          INTEGER PRIMARY KEY,
    process_id  INTEGER NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    starts_on   TEXT,
    ends_on     TEXT
);
CREATE INDEX phases_process ON phases(process_id, position);

CREATE TABLE areas (
    id             INTEGER PRIMARY KEY,
    process_id     INTEGER NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    catalogue_code TEXT REFERENCES regional_areas(code)
);
CREATE INDEX areas_process ON areas(process_id, position);

CREATE TABLE process_tables (
    id         INTEGER PRIMARY KEY,
    process_id INTEGER NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    label      TEXT NOT NULL,
    title      TEXT NOT NULL
);
CREATE INDEX process_tables_process ON process_tables(process_id, position);

CREATE TABLE table_areas (
    table_id INTEGER NOT NULL REFERENCES process_tables(id) ON DELETE CASCADE,
    area_id  INTEGER NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
    PRIMARY KEY (table_id, area_id)
);

CREATE TABLE calendar_sessions (
    id         INTEGER PRIMARY KEY,
    process_id INTEGER NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    phase_id   INTEGER REFERENCES phases(id) ON DELETE SET NULL,
    table_id   INTEGER REFERENCES process_tables(id) ON DELETE SET NULL,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    date       TEXT,
    start_time TEXT,
    end_time   TEXT,
    venue      TEXT,
    invited    TEXT,
    sequence   INTEGER NOT NULL DEFAULT 0,
    cancelled  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX calendar_sessions_process ON calendar_sessions(process_id, position);

CREATE TABLE session_areas (
    session_id INTEGER NOT NULL REFERENCES calendar_sessions(id) ON DELETE CASCADE,
    area_id    INTEGER NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, area_id)
);

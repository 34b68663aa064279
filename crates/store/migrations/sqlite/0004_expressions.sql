-- Expressions of interest with their protocol register.
ALTER TABLE processes ADD COLUMN minimum_age_years INTEGER;
ALTER TABLE processes ADD COLUMN minimum_age_reference TEXT;

-- One register per Ambito and calendar year. The row is updated inside each
-- submission's transaction: a rollback gives the number back, so numbers have no gaps.
CREATE TABLE protocol_counters (
    ambito_id   INTEGER NOT NULL REFERENCES ambiti(id),
    year        INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (ambito_id, year)
);

CREATE TABLE expressions (
    id                   INTEGER PRIMARY KEY,
    process_id           INTEGER NOT NULL REFERENCES processes(id),
    ambito_id            INTEGER NOT NULL REFERENCES ambiti(id),
    protocol_year        INTEGER NOT NULL,
    protocol_sequence    INTEGER NOT NULL,
    received_at          TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('active', 'superseded', 'withdrawn')),
    supersedes_id        INTEGER REFERENCES expressions(id),
    applicant_kind       TEXT NOT NULL,
    name                 TEXT NOT NULL,
    legal_form           TEXT,
    tax_code             TEXT NOT NULL,
    legal_representative TEXT,
    address              TEXT NOT NULL,
    municipality         TEXT NOT NULL,
    email                TEXT NOT NULL,
    pec                  TEXT,
    phone                TEXT,
    founded_on           TEXT,
    proposal_title       TEXT,
    proposal_text        TEXT,
    eligible_for_pact    BOOLEAN NOT NULL,
    canonical            TEXT NOT NULL,
    sha256               TEXT NOT NULL,
    manage_token_digest  TEXT UNIQUE,
    withdrawn_at         TEXT,
    UNIQUE (ambito_id, protocol_year, protocol_sequence)
);
-- At most one current expression per applicant and process: a second one amends.
CREATE UNIQUE INDEX expressions_one_active ON expressions(process_id, tax_code) WHERE status = 'active';
CREATE INDEX expressions_process ON expressions(process_id, status);

CREATE TABLE expression_participations (
    expression_id INTEGER NOT NULL REFERENCES expressions(id) ON DELETE CASCADE,
    area_id       INTEGER NOT NULL REFERENCES areas(id),
    rep_name      TEXT NOT NULL,
    rep_email     TEXT NOT NULL,
    rep_phone     TEXT,
    PRIMARY KEY (expression_id, area_id)
);

CREATE TABLE proposal_areas (
    expression_id INTEGER NOT NULL REFERENCES expressions(id) ON DELETE CASCADE,
    area_id       INTEGER NOT NULL REFERENCES areas(id),
    PRIMARY KEY (expression_id, area_id)
);

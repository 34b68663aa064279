-- Participation pacts (patti di partecipazione) and their life.
CREATE TABLE pacts (
    id               INTEGER PRIMARY KEY,
    process_id       INTEGER NOT NULL REFERENCES processes(id),
    ambito_id        INTEGER NOT NULL REFERENCES ambiti(id),
    -- The applicant's current expression; an amendment moves the pact to the new one.
    expression_id    INTEGER NOT NULL REFERENCES expressions(id),
    tax_code         TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('participation_pact', 'memorandum')),
    state            TEXT NOT NULL CHECK (state IN ('generated', 'signed', 'countersigned', 'withdrawn')),
    generated_at     TEXT NOT NULL,
    signed_at        TEXT,
    signature_method TEXT CHECK (signature_method IN ('online', 'upload')),
    countersigned_at TEXT,
    withdrawn_at     TEXT
);
-- One pact in force per applicant and process.
CREATE UNIQUE INDEX pacts_one_current ON pacts(process_id, tax_code) WHERE state <> 'withdrawn';
CREATE INDEX pacts_expression ON pacts(expression_id);

-- Every step: who, when, from which address, and the SHA-256 of the exact document
-- accepted or uploaded.
CREATE TABLE pact_events (
    id              INTEGER PRIMARY KEY,
    pact_id         INTEGER NOT NULL REFERENCES pacts(id),
    at              TEXT NOT NULL,
    action          TEXT NOT NULL CHECK (action IN ('generated', 'signed', 'countersigned', 'withdrawn')),
    actor           TEXT NOT NULL,
    address         TEXT,
    document_sha256 TEXT,
    detail          TEXT
);
CREATE INDEX pact_events_pact ON pact_events(pact_id, id);

-- The signed files uploaded, bytes and all (10 MB at most, checked before).
CREATE TABLE pact_files (
    id                 INTEGER PRIMARY KEY,
    pact_id            INTEGER NOT NULL REFERENCES pacts(id),
    uploaded_at        TEXT NOT NULL,
    file_kind          TEXT NOT NULL CHECK (file_kind IN ('pdf', 'p7m')),
    signature_detected BOOLEAN NOT NULL,
    size               INTEGER NOT NULL,
    sha256             TEXT NOT NULL,
    content            BLOB NOT NULL
);

-- The written declarations of withdrawal (dichiarazioni di recesso).
CREATE TABLE pact_withdrawals (
    pact_id     INTEGER PRIMARY KEY REFERENCES pacts(id),
    declared_at TEXT NOT NULL,
    declarant   TEXT NOT NULL,
    capacity    TEXT NOT NULL,
    reason      TEXT
);

-- The audit log of the workspace: append-only and hash-chained (see
-- concerto_domain::audit). The ambito is a slug, not a reference: the history must
-- outlive what it tells about.
CREATE TABLE audit_log (
    sequence      INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    ambito        TEXT,
    before_state  TEXT,
    after_state   TEXT,
    previous_hash TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_log_ambito ON audit_log(ambito, sequence);

-- The end of the chain, written with each entry: a chain whose last entries were
-- deleted is still a valid chain, and only this row shows what is missing.
CREATE TABLE audit_head (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_sequence INTEGER NOT NULL,
    last_hash     TEXT NOT NULL
);
INSERT INTO audit_head (id, last_sequence, last_hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

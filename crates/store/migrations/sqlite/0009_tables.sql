-- The work at the tables: attendance, minutes, proposals, priorities, outcomes,
-- the monitoring board and the monitoring of the plan.

-- A personal check-in code per registered representative (per organization and
-- address), unique in its process.
CREATE TABLE checkin_codes (
    id           INTEGER PRIMARY KEY,
    process_id   INTEGER NOT NULL REFERENCES processes(id),
    tax_code     TEXT NOT NULL,
    organization TEXT NOT NULL,
    rep_name     TEXT NOT NULL,
    rep_email    TEXT NOT NULL,
    code         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (process_id, code),
    UNIQUE (process_id, tax_code, rep_email)
);

-- Who was at a session: by code (once per code) or as a walk-in.
CREATE TABLE attendances (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES calendar_sessions(id),
    checkin_code_id INTEGER REFERENCES checkin_codes(id),
    name            TEXT NOT NULL,
    organization    TEXT NOT NULL,
    email           TEXT,
    walk_in         BOOLEAN NOT NULL,
    checked_in_at   TEXT NOT NULL,
    UNIQUE (session_id, checkin_code_id)
);
CREATE INDEX attendances_session ON attendances(session_id);

-- The minutes (verbale) of a session, with attachments kept in the database.
CREATE TABLE session_minutes (
    session_id INTEGER PRIMARY KEY REFERENCES calendar_sessions(id),
    body       TEXT NOT NULL,
    published  BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE minute_attachments (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES calendar_sessions(id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_at  TEXT NOT NULL
);

CREATE TABLE table_proposals (
    id             INTEGER PRIMARY KEY,
    process_id     INTEGER NOT NULL REFERENCES processes(id),
    session_id     INTEGER REFERENCES calendar_sessions(id),
    source         TEXT NOT NULL CHECK (source IN ('staff', 'online')),
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    organization   TEXT NOT NULL,
    tax_code       TEXT,
    proposer_email TEXT,
    submitted_at   TEXT NOT NULL,
    outcome        TEXT CHECK (outcome IN ('accepted', 'partly_accepted', 'not_accepted', 'merged')),
    motivation     TEXT,
    merged_into_id INTEGER REFERENCES table_proposals(id),
    decided_at     TEXT,
    -- The rule of the summary, kept by the database too.
    CHECK (outcome IS NULL OR outcome = 'accepted' OR motivation IS NOT NULL),
    CHECK ((outcome = 'merged') = (merged_into_id IS NOT NULL))
);
CREATE INDEX table_proposals_process ON table_proposals(process_id);
CREATE TABLE table_proposal_areas (
    proposal_id INTEGER NOT NULL REFERENCES table_proposals(id) ON DELETE CASCADE,
    area_id     INTEGER NOT NULL REFERENCES areas(id),
    PRIMARY KEY (proposal_id, area_id)
);
-- One support per organization and proposal.
CREATE TABLE proposal_supports (
    proposal_id  INTEGER NOT NULL REFERENCES table_proposals(id) ON DELETE CASCADE,
    tax_code     TEXT NOT NULL,
    organization TEXT NOT NULL,
    supported_at TEXT NOT NULL,
    PRIMARY KEY (proposal_id, tax_code)
);

-- One ballot per organization per process; a second one replaces the first.
CREATE TABLE priority_ballots (
    id           INTEGER PRIMARY KEY,
    process_id   INTEGER NOT NULL REFERENCES processes(id),
    tax_code     TEXT NOT NULL,
    organization TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    UNIQUE (process_id, tax_code)
);
CREATE TABLE priority_points (
    ballot_id   INTEGER NOT NULL REFERENCES priority_ballots(id) ON DELETE CASCADE,
    proposal_id INTEGER NOT NULL REFERENCES table_proposals(id),
    points      INTEGER NOT NULL CHECK (points > 0),
    PRIMARY KEY (ballot_id, proposal_id)
);

-- Where the tables of a process stand.
CREATE TABLE table_work (
    process_id           INTEGER PRIMARY KEY REFERENCES processes(id),
    ballot_closed_at     TEXT,
    summary_published_at TEXT
);

-- The monitoring board (cabina di regia): one referent per organization.
CREATE TABLE board_members (
    id           INTEGER PRIMARY KEY,
    process_id   INTEGER NOT NULL REFERENCES processes(id),
    tax_code     TEXT NOT NULL,
    organization TEXT NOT NULL,
    referent     TEXT NOT NULL,
    appointed_at TEXT NOT NULL,
    UNIQUE (process_id, tax_code)
);

-- The plan's interventions, nested; a parent's progress is derived, not stored.
CREATE TABLE interventions (
    id         INTEGER PRIMARY KEY,
    process_id INTEGER NOT NULL REFERENCES processes(id),
    area_id    INTEGER REFERENCES areas(id),
    parent_id  INTEGER REFERENCES interventions(id),
    title      TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'suspended', 'completed')),
    progress   INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    updated_at TEXT NOT NULL
);
CREATE INDEX interventions_process ON interventions(process_id);
CREATE TABLE milestones (
    id              INTEGER PRIMARY KEY,
    intervention_id INTEGER NOT NULL REFERENCES interventions(id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    due_on          TEXT,
    done            BOOLEAN NOT NULL
);
CREATE TABLE progress_comments (
    id              INTEGER PRIMARY KEY,
    intervention_id INTEGER NOT NULL REFERENCES interventions(id) ON DELETE CASCADE,
    tax_code        TEXT NOT NULL,
    organization    TEXT NOT NULL,
    body            TEXT NOT NULL,
    written_at      TEXT NOT NULL
);

-- Reminders before each session (issue 19): how many hours before a session its
-- invited and registered people are reminded, per process (24 unless set), and one
-- row per reminder sent. The row is claimed with INSERT … ON CONFLICT DO NOTHING in
-- the transaction that queues the message, so two instances never send it twice.
CREATE TABLE process_reminders (
    process_id   BIGINT PRIMARY KEY REFERENCES processes(id) ON DELETE CASCADE,
    hours_before BIGINT NOT NULL CHECK (hours_before BETWEEN 1 AND 720)
);
CREATE TABLE session_reminders (
    session_id BIGINT NOT NULL REFERENCES calendar_sessions(id),
    tax_code   TEXT NOT NULL,
    rep_email  TEXT NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, tax_code, rep_email)
);

-- The transactional outbox: messages written in the same transaction as the change
-- that causes them, and sent afterwards by a worker with retries.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    dedup_key     TEXT NOT NULL UNIQUE,
    recipient     TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  TEXT NOT NULL,
    sent_at       TEXT,
    last_error    TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt) WHERE sent_at IS NULL;

-- How a session is held (issue 19): in person, online or hybrid, its meeting link
-- (shown only to those invited or registered), the venue's accessibility notes, an
-- agenda, and a number of seats with an overflow venue that adds to it.
CREATE TABLE session_meetings (
    session_id        BIGINT PRIMARY KEY REFERENCES calendar_sessions(id) ON DELETE CASCADE,
    mode              TEXT NOT NULL DEFAULT 'in_person' CHECK (mode IN ('in_person', 'online', 'hybrid')),
    meeting_link      TEXT,
    accessibility     TEXT,
    agenda            TEXT,
    capacity          BIGINT CHECK (capacity IS NULL OR capacity > 0),
    overflow_venue    TEXT,
    overflow_capacity BIGINT CHECK (overflow_capacity IS NULL OR overflow_capacity > 0),
    confirm_hours     BIGINT NOT NULL DEFAULT 48 CHECK (confirm_hours > 0),
    updated_at        TIMESTAMPTZ NOT NULL
);

-- The seats of a session, one row per representative, in order of arrival. A seat
-- is never deleted: a cancellation or an offer not confirmed in time stays, marked.
-- An offered seat is held until `offered_until` for the person behind the link
-- whose digest is `token_digest`.
CREATE TABLE session_seats (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id    BIGINT NOT NULL REFERENCES calendar_sessions(id),
    tax_code      TEXT NOT NULL,
    organization  TEXT NOT NULL,
    rep_name      TEXT NOT NULL,
    rep_email     TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('confirmed', 'offered', 'waiting', 'cancelled', 'expired')),
    requested_at  TIMESTAMPTZ NOT NULL,
    offered_until TIMESTAMPTZ,
    token_digest  TEXT UNIQUE,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (session_id, tax_code, rep_email)
);
CREATE INDEX session_seats_session ON session_seats(session_id, state);

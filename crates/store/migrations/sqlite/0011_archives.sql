-- Bulk archives (archivi cumulativi): a ZIP of every pact of a process, or of every
-- sign-in sheet of its sessions, built by a background worker. A worker claims a
-- job with a lease; a job left running past its lease (its worker crashed) is
-- claimed again, and `attempts` is the claim's generation, so that only the
-- current worker's writes land. The finished ZIP is kept here, so that every
-- instance on the same database can serve it.
CREATE TABLE archive_jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('pacts', 'sign_in_sheets')),
    process_id   INTEGER NOT NULL REFERENCES processes(id),
    requested_by INTEGER NOT NULL REFERENCES accounts(id),
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    done_count   INTEGER NOT NULL DEFAULT 0,
    total        INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_until  TEXT,
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    finished_at  TEXT,
    error        TEXT,
    file_name    TEXT,
    size         INTEGER,
    content      BLOB
);
-- One unfinished job per process and kind: asking again joins the job under way.
CREATE UNIQUE INDEX archive_jobs_one_pending ON archive_jobs(process_id, kind) WHERE state IN ('queued', 'running');
CREATE INDEX archive_jobs_finished ON archive_jobs(finished_at) WHERE finished_at IS NOT NULL;

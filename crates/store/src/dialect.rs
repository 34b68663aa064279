//! The statements that differ between SQLite and PostgreSQL.

/// Serializes schema changes across instances that start together on one
/// PostgreSQL. SQLite needs nothing: its writer pool has one connection.
pub const PG_MIGRATION_LOCK: &str = "SELECT pg_advisory_lock(4242001)";
pub const PG_MIGRATION_UNLOCK: &str = "SELECT pg_advisory_unlock(4242001)";
/// How many sessions hold that lock on this database now (advisory locks are per
/// database): a bigint key shows in `pg_locks` as its high half (`classid`) and low
/// half (`objid`), with `objsubid` 1.
pub const PG_MIGRATION_RUNNING: &str = "SELECT COUNT(*) FROM pg_locks
    WHERE locktype = 'advisory' AND classid = 0 AND objid = 4242001 AND objsubid = 1 AND granted
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

/// How many tables of the application the database holds.
pub fn count_tables(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        }
        crate::Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    }
}

/// Claims due messages for one worker: their next attempt moves past a lease, so a
/// second worker (another instance) does not send them too, and a worker that dies
/// gives them back when the lease ends. PostgreSQL skips rows another worker is
/// claiming; SQLite has one writer, so the plain statement is already exclusive.
const CLAIM_DUE_EMAILS_HEAD: &str = "UPDATE outbox SET next_attempt = $2 WHERE id IN (
    SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt <= $1 ORDER BY id LIMIT $3";
const CLAIM_DUE_EMAILS_TAIL: &str = ") RETURNING id, dedup_key, recipient, subject, body, html, attempts";

pub fn claim_due_emails(backend: crate::Backend) -> String {
    format!("{CLAIM_DUE_EMAILS_HEAD}{}{CLAIM_DUE_EMAILS_TAIL}", skip_locked(backend))
}

/// The lock clause of a claim's inner SELECT: PostgreSQL skips rows another worker
/// is claiming; SQLite has one writer, so the plain statement is already exclusive.
fn skip_locked(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        crate::Backend::Sqlite => "",
    }
}

/// Claims the oldest archive job waiting, or left running past its lease by a
/// worker that stopped, bound to (now, lease_until). Like the outbox's claim,
/// PostgreSQL skips a row another instance is claiming.
pub fn claim_archive(backend: crate::Backend, columns: &str) -> String {
    let lock = skip_locked(backend);
    format!(
        "UPDATE archive_jobs SET state = 'running', attempts = attempts + 1, done_count = 0, lease_until = $2,
         started_at = COALESCE(started_at, $1)
         WHERE id IN (SELECT id FROM archive_jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < $1)
                      ORDER BY id LIMIT 1{lock})
         RETURNING {columns}"
    )
}

//! The statements that differ between SQLite and PostgreSQL.

/// Serializes schema changes across instances that start together on one
/// PostgreSQL. SQLite needs nothing: its writer pool has one connection.
pub const PG_MIGRATION_LOCK: &str = "SELECT pg_advisory_lock(4242001)";
pub const PG_MIGRATION_UNLOCK: &str = "SELECT pg_advisory_unlock(4242001)";

/// Claims due messages for one worker: their next attempt moves past a lease, so a
/// second worker (another instance) does not send them too, and a worker that dies
/// gives them back when the lease ends. PostgreSQL skips rows another worker is
/// claiming; SQLite has one writer, so the plain statement is already exclusive.
const CLAIM_DUE_EMAILS_HEAD: &str = "UPDATE outbox SET next_attempt = $2 WHERE id IN (
    SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt <= $1 ORDER BY id LIMIT $3";
const CLAIM_DUE_EMAILS_TAIL: &str = ") RETURNING id, dedup_key, recipient, subject, body, attempts";

pub fn claim_due_emails(backend: crate::Backend) -> String {
    let lock = match backend {
        crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        crate::Backend::Sqlite => "",
    };
    format!("{CLAIM_DUE_EMAILS_HEAD}{lock}{CLAIM_DUE_EMAILS_TAIL}")
}

//! The statements that differ between SQLite and PostgreSQL.

/// Serializes schema changes across instances that start together on one
/// PostgreSQL. SQLite needs nothing: its writer pool has one connection.
pub const PG_MIGRATION_LOCK: &str = "SELECT pg_advisory_lock(4242001)";
pub const PG_MIGRATION_UNLOCK: &str = "SELECT pg_advisory_unlock(4242001)";

//! Schema migrations, embedded in the binary, one script per backend and version.

use sqlx::Connection;

use crate::{Pool, Result, Store, dialect};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "processes",
        sqlite: include_str!("../migrations/sqlite/0001_processes.sql"),
        postgres: include_str!("../migrations/postgres/0001_processes.sql"),
    },
    Migration {
        version: 2,
        name: "regional_areas",
        sqlite: include_str!("../migrations/0002_regional_areas.sql"),
        postgres: include_str!("../migrations/0002_regional_areas.sql"),
    },
    Migration {
        version: 3,
        name: "outbox",
        sqlite: include_str!("../migrations/sqlite/0003_outbox.sql"),
        postgres: include_str!("../migrations/postgres/0003_outbox.sql"),
    },
    Migration {
        version: 4,
        name: "expressions",
        sqlite: include_str!("../migrations/sqlite/0004_expressions.sql"),
        postgres: include_str!("../migrations/postgres/0004_expressions.sql"),
    },
    Migration {
        version: 5,
        name: "audit",
        sqlite: include_str!("../migrations/sqlite/0005_audit.sql"),
        postgres: include_str!("../migrations/postgres/0005_audit.sql"),
    },
    Migration {
        version: 6,
        name: "accounts",
        sqlite: include_str!("../migrations/sqlite/0006_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0006_accounts.sql"),
    },
    Migration {
        version: 7,
        name: "office",
        sqlite: include_str!("../migrations/sqlite/0007_office.sql"),
        postgres: include_str!("../migrations/postgres/0007_office.sql"),
    },
    Migration {
        version: 8,
        name: "pacts",
        sqlite: include_str!("../migrations/sqlite/0008_pacts.sql"),
        postgres: include_str!("../migrations/postgres/0008_pacts.sql"),
    },
    Migration {
        version: 9,
        name: "tables",
        sqlite: include_str!("../migrations/sqlite/0009_tables.sql"),
        postgres: include_str!("../migrations/postgres/0009_tables.sql"),
    },
    Migration {
        version: 10,
        name: "observatory",
        sqlite: include_str!("../migrations/sqlite/0010_observatory.sql"),
        postgres: include_str!("../migrations/postgres/0010_observatory.sql"),
    },
    Migration {
        version: 11,
        name: "archives",
        sqlite: include_str!("../migrations/sqlite/0011_archives.sql"),
        postgres: include_str!("../migrations/postgres/0011_archives.sql"),
    },
    Migration {
        version: 12,
        name: "outbox_parts",
        sqlite: include_str!("../migrations/sqlite/0012_outbox_parts.sql"),
        postgres: include_str!("../migrations/postgres/0012_outbox_parts.sql"),
    },
    Migration {
        version: 13,
        name: "observatory_revision",
        sqlite: include_str!("../migrations/sqlite/0013_observatory_revision.sql"),
        postgres: include_str!("../migrations/postgres/0013_observatory_revision.sql"),
    },
    Migration {
        version: 14,
        name: "register_integrity",
        sqlite: include_str!("../migrations/sqlite/0014_register_integrity.sql"),
        postgres: include_str!("../migrations/postgres/0014_register_integrity.sql"),
    },
    Migration {
        version: 15,
        name: "onboarding",
        sqlite: include_str!("../migrations/sqlite/0015_onboarding.sql"),
        postgres: include_str!("../migrations/postgres/0015_onboarding.sql"),
    },
    Migration {
        version: 16,
        name: "retention",
        sqlite: include_str!("../migrations/sqlite/0016_retention.sql"),
        postgres: include_str!("../migrations/postgres/0016_retention.sql"),
    },
    Migration {
        version: 17,
        name: "trusted_flows",
        sqlite: include_str!("../migrations/sqlite/0017_trusted_flows.sql"),
        postgres: include_str!("../migrations/postgres/0017_trusted_flows.sql"),
    },
    Migration {
        version: 18,
        name: "public_names",
        sqlite: include_str!("../migrations/sqlite/0018_public_names.sql"),
        postgres: include_str!("../migrations/postgres/0018_public_names.sql"),
    },
    Migration {
        version: 19,
        name: "meetings",
        sqlite: include_str!("../migrations/sqlite/0019_meetings.sql"),
        postgres: include_str!("../migrations/postgres/0019_meetings.sql"),
    },
    Migration {
        version: 20,
        name: "reminders",
        sqlite: include_str!("../migrations/sqlite/0020_reminders.sql"),
        postgres: include_str!("../migrations/postgres/0020_reminders.sql"),
    },
    Migration {
        version: 21,
        name: "retention_seats",
        sqlite: include_str!("../migrations/sqlite/0021_retention_seats.sql"),
        postgres: include_str!("../migrations/postgres/0021_retention_seats.sql"),
    },
    Migration {
        version: 22,
        name: "link_versions",
        sqlite: include_str!("../migrations/sqlite/0022_link_versions.sql"),
        postgres: include_str!("../migrations/postgres/0022_link_versions.sql"),
    },
    Migration {
        version: 23,
        name: "import_warnings",
        sqlite: include_str!("../migrations/sqlite/0023_import_warnings.sql"),
        postgres: include_str!("../migrations/postgres/0023_import_warnings.sql"),
    },
    Migration {
        version: 24,
        name: "archive_parts",
        sqlite: include_str!("../migrations/sqlite/0024_archive_parts.sql"),
        postgres: include_str!("../migrations/postgres/0024_archive_parts.sql"),
    },
    Migration {
        version: 25,
        name: "observatory_index",
        sqlite: include_str!("../migrations/sqlite/0025_observatory_index.sql"),
        postgres: include_str!("../migrations/postgres/0025_observatory_index.sql"),
    },
];

/// The schema version this build brings a database to.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Applies, on one connection, each migration whose version is not yet recorded,
/// running the script named by `$script` in the migration's own transaction.
macro_rules! apply_pending {
    ($conn:expr, $script:ident) => {{
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)")
            .execute(&mut *$conn)
            .await?;
        for m in MIGRATIONS {
            let applied: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_optional(&mut *$conn)
                .await?;
            if applied.is_some() {
                continue;
            }
            let mut tx = $conn.begin().await?;
            sqlx::raw_sql(m.$script).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
                .bind(m.version)
                .bind(m.name)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::info!(version = m.version, name = m.name, "migration applied");
        }
        Ok::<_, sqlx::Error>(())
    }};
}

impl Store {
    /// Brings the schema up to date. Safe to run from several instances at once.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite { write, .. } => {
                let mut conn = write.acquire().await?;
                apply_pending!(conn, sqlite)?;
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::query(dialect::PG_MIGRATION_LOCK).execute(&mut *conn).await?;
                let outcome = async { apply_pending!(conn, postgres) }.await;
                sqlx::query(dialect::PG_MIGRATION_UNLOCK).execute(&mut *conn).await?;
                outcome?;
            }
        }
        Ok(())
    }
}

//! What an operator reads and does around the data: the figures behind `/metrics`,
//! readiness, and consistent copies of an SQLite database. (PostgreSQL is copied by
//! `pg_dump`, which the command line drives.)

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::rows::Columns;
use crate::{Pool, Result, Store, StoreError, dialect, on_pool};

/// The outbox as the metrics show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxStats {
    /// Messages not sent yet.
    pub pending: i64,
    /// Of those, the ones whose last attempt failed.
    pub failing: i64,
    /// When the oldest message still waiting was queued.
    pub oldest: Option<DateTime<Utc>>,
}

/// One connection pool: its open connections and how many of them are idle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStats {
    pub pool: &'static str,
    pub size: u32,
    pub idle: usize,
}

/// The file of an `sqlite://path` (or `sqlite:path`) URL, without its options;
/// `None` for other databases and for the in-memory one.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

impl Store {
    pub async fn outbox_stats(&self) -> Result<OutboxStats> {
        on_pool!(
            self,
            read | pool | {
                let pending: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetch_one(pool).await?;
                let failing: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND last_error IS NOT NULL")
                        .fetch_one(pool)
                        .await?;
                let oldest = sqlx::query("SELECT created_at FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT 1")
                    .fetch_optional(pool)
                    .await?
                    .map(|r| r.instant("created_at"))
                    .transpose()?;
                Ok(OutboxStats { pending, failing, oldest })
            }
        )
    }

    /// How many bulk archive jobs are in each state (`queued`, `running`, `done`,
    /// `failed`); states without jobs are left out.
    pub async fn archive_job_counts(&self) -> Result<Vec<(String, i64)>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM archive_jobs GROUP BY state ORDER BY state")
                    .fetch_all(pool)
                    .await?;
                rows.iter().map(|r| Ok((r.text("state")?, r.int("n")?))).collect()
            }
        )
    }

    /// The connection pools of this process, without asking the database.
    pub fn pool_stats(&self) -> Vec<PoolStats> {
        match &self.pool {
            Pool::Sqlite { read, write } => vec![
                PoolStats { pool: "read", size: read.size(), idle: read.num_idle() },
                PoolStats { pool: "write", size: write.size(), idle: write.num_idle() },
            ],
            Pool::Postgres(pool) => vec![PoolStats { pool: "main", size: pool.size(), idle: pool.num_idle() }],
        }
    }

    /// Ready to serve: the database answers, every migration this build knows is
    /// applied, and no instance is migrating it right now.
    pub async fn schema_ready(&self) -> Result<bool> {
        let latest = crate::migrate::latest_version();
        on_pool!(
            self,
            read | pool | {
                let applied: Option<i64> =
                    sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations").fetch_one(pool).await?;
                if applied.unwrap_or(0) < latest {
                    return Ok(false);
                }
            }
        );
        if let Pool::Postgres(pool) = &self.pool {
            let migrating: i64 = sqlx::query_scalar(dialect::PG_MIGRATION_RUNNING).fetch_one(pool).await?;
            return Ok(migrating == 0);
        }
        Ok(true)
    }

    /// How many tables the database holds: a restore refuses to replace a database
    /// that has any, unless forced.
    pub async fn table_count(&self) -> Result<i64> {
        let sql = dialect::count_tables(self.backend());
        on_pool!(self, read | pool | Ok(sqlx::query_scalar(sql).fetch_one(pool).await?))
    }

    /// Writes a consistent copy of an SQLite database to `target`, a file that must
    /// not exist yet, while the server goes on writing: `VACUUM INTO` reads one
    /// snapshot. Signed pacts, minutes' attachments and archives are rows, so they
    /// travel in the copy.
    pub async fn sqlite_copy_into(&self, target: &Path) -> Result<()> {
        let Pool::Sqlite { write, .. } = &self.pool else {
            return Err(StoreError::Unsupported("la copia con VACUUM INTO vale solo per SQLite: usare pg_dump"));
        };
        let target = target.to_str().ok_or_else(|| StoreError::InvalidUrl(format!("{}", target.display())))?;
        // The copy opens its own file: the writer's connection reads, it takes no write lock.
        sqlx::query("VACUUM INTO $1").bind(target).execute(write).await?;
        Ok(())
    }

    /// The result of SQLite's own check of the file: `ok` when sound.
    pub async fn sqlite_integrity(&self) -> Result<String> {
        let Pool::Sqlite { read, .. } = &self.pool else {
            return Err(StoreError::Unsupported("il controllo d'integrità vale solo per SQLite"));
        };
        Ok(sqlx::query_scalar("PRAGMA integrity_check").fetch_one(read).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn the_file_of_an_sqlite_url_drops_its_options() {
        assert_eq!(sqlite_file("sqlite://data/concerto.db?mode=rwc").unwrap().to_str(), Some("data/concerto.db"));
        assert_eq!(
            sqlite_file("sqlite:/var/lib/concerto/concerto.db").unwrap().to_str(),
            Some("/var/lib/concerto/concerto.db")
        );
        assert_eq!(sqlite_file("postgres://db/x"), None);
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}

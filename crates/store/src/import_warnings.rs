//! The notice importer's warnings, kept on the draft until the office marks each
//! one resolved (issue 22).

use chrono::{DateTime, Utc};
use concerto_domain::AuditEntry;
use sqlx::Connection;

use crate::audit::audited;
use crate::rows::Columns;
use crate::{Result, Store, on_pool};

/// A warning still open on a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    pub id: i64,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Keeps the importer's `warnings` on the process `process_id`.
    pub async fn add_import_warnings(&self, process_id: i64, warnings: &[String], at: DateTime<Utc>) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                let mut conn = pool.acquire().await?;
                let mut tx = conn.begin().await?;
                for text in warnings {
                    sqlx::query("INSERT INTO import_warnings (process_id, text, created_at) VALUES ($1, $2, $3)")
                        .bind(process_id)
                        .bind(text)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        )
    }

    /// The warnings of a process not yet resolved, oldest first.
    pub async fn open_import_warnings(&self, process_id: i64) -> Result<Vec<ImportWarning>> {
        on_pool!(
            self,
            read | pool
                | {
                    let rows = sqlx::query(
                "SELECT id, text, created_at FROM import_warnings WHERE process_id = $1 AND resolved_at IS NULL ORDER BY id",
            )
            .bind(process_id)
            .fetch_all(pool)
            .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(ImportWarning {
                                id: r.int("id")?,
                                text: r.text("text")?,
                                created_at: r.instant("created_at")?,
                            })
                        })
                        .collect()
                }
        )
    }

    /// Marks the warning `id` of the process resolved, with its audit entry. False
    /// when it was resolved already or belongs to another process.
    pub async fn resolve_import_warning(&self, process_id: i64, id: i64, by: &str, audit: &AuditEntry) -> Result<bool> {
        audited!(self, audit, |tx| {
            let done = sqlx::query(
                "UPDATE import_warnings SET resolved_at = $3, resolved_by = $4
                 WHERE id = $1 AND process_id = $2 AND resolved_at IS NULL",
            )
            .bind(id)
            .bind(process_id)
            .bind(audit.at)
            .bind(by)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            true
        })
    }
}

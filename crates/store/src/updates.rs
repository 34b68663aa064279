//! What the office changed in a process, read from the audit log for the public
//! page's "aggiornato il …" (issue 22): only the action, the subject, the time and
//! the status a status change set, never who did it.

use chrono::{DateTime, Utc};

use crate::rows::Columns;
use crate::{Result, Store, on_pool};

/// One change the audit log recorded on a process or one of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessChange {
    pub at: DateTime<Utc>,
    /// `session.move`, `phase.update`, `process.settings`, `process.status`, …
    pub action: String,
    /// `session:{slug}:{id}`, `process:{slug}`, …
    pub subject: String,
    /// The recorded state after the change, as JSON.
    pub after: Option<String>,
}

impl Store {
    /// The latest changes to the process `slug` of the Ambito `ambito`, newest
    /// first: its status, settings and calendar (phases, areas, tables, sessions).
    pub async fn process_changes(&self, ambito: &str, slug: &str, limit: i64) -> Result<Vec<ProcessChange>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(
                    "SELECT at, action, subject, after_state FROM audit_log
                 WHERE ambito = $1
                   AND (action IN ('process.status', 'process.settings') OR action LIKE 'session.%'
                        OR action LIKE 'phase.%' OR action LIKE 'area.%' OR action LIKE 'table.%')
                   AND (subject = $2 OR subject LIKE $3)
                 ORDER BY sequence DESC LIMIT $4",
                )
                .bind(ambito)
                .bind(format!("process:{slug}"))
                .bind(format!("%:{slug}:%"))
                .bind(limit)
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(ProcessChange {
                            at: r.instant("at")?,
                            action: r.text("action")?,
                            subject: r.text("subject")?,
                            after: r.opt_text("after_state")?,
                        })
                    })
                    .collect()
            }
        )
    }
}

//! The monitoring board's progress applied from a checked spreadsheet: every row
//! in one transaction with one audit entry, or none of them.

use concerto_domain::AuditEntry;
use concerto_domain::tables::SheetRow;

use crate::audit::audited;
use crate::{Result, Store, StoreError};

impl Store {
    /// Records each row's status and progress, and adds its milestone if it has one.
    pub async fn apply_progress_sheet(&self, process_id: i64, rows: &[SheetRow], audit: &AuditEntry) -> Result<()> {
        audited!(self, audit, |tx| {
            for row in rows {
                let done = sqlx::query("UPDATE interventions SET status = $3, progress = $4, updated_at = $5 WHERE id = $1 AND process_id = $2")
            .bind(row.intervention_id)
            .bind(process_id)
            .bind(row.status.code())
            .bind(i32::from(row.progress))
            .bind(audit.at)
            .execute(&mut *tx)
            .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                if let Some(m) = &row.milestone {
                    sqlx::query(
                        "INSERT INTO milestones (intervention_id, title, due_on, done) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(row.intervention_id)
                    .bind(&m.title)
                    .bind(m.due_on)
                    .bind(m.done)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        })
    }
}

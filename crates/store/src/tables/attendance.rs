//! Check-in codes, invitations and who was at each session.

use chrono::{DateTime, Utc};
use concerto_domain::AuditEntry;

use super::conflict;
use crate::audit::audited;
use crate::outbox::enqueue_on;
use crate::rows::Columns;
use crate::{NewEmail, Result, Store, StoreError, on_pool};

/// A registered representative to invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRepresentative {
    pub tax_code: String,
    pub organization: String,
    pub rep_name: String,
    pub rep_email: String,
}

/// A representative with their personal check-in code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinEntry {
    pub id: i64,
    pub tax_code: String,
    pub organization: String,
    pub rep_name: String,
    pub rep_email: String,
    pub code: String,
}

/// Someone arriving at a session: by code, or a walk-in (no code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttendance {
    pub checkin_code_id: Option<i64>,
    pub name: String,
    pub organization: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    pub id: i64,
    pub session_id: i64,
    pub checkin_code_id: Option<i64>,
    pub name: String,
    pub organization: String,
    pub email: Option<String>,
    pub walk_in: bool,
    pub checked_in_at: DateTime<Utc>,
}

const SELECT_CODES: &str = "SELECT id, tax_code, organization, rep_name, rep_email, code FROM checkin_codes";

/// Tries before giving up on a fresh code: a collision in a billion is rare already.
const CODE_ATTEMPTS: usize = 8;

fn entry_from_row(r: &impl Columns) -> Result<CheckinEntry> {
    Ok(CheckinEntry {
        id: r.int("id")?,
        tax_code: r.text("tax_code")?,
        organization: r.text("organization")?,
        rep_name: r.text("rep_name")?,
        rep_email: r.text("rep_email")?,
        code: r.text("code")?,
    })
}

fn attendance_from_row(r: &impl Columns) -> Result<Attendance> {
    Ok(Attendance {
        id: r.int("id")?,
        session_id: r.int("session_id")?,
        checkin_code_id: r.opt_int("checkin_code_id")?,
        name: r.text("name")?,
        organization: r.text("organization")?,
        email: r.opt_text("email")?,
        walk_in: r.flag("walk_in")?,
        checked_in_at: r.instant("checked_in_at")?,
    })
}

impl Store {
    /// Invites `representatives` to a session: each gets a check-in code (the one
    /// they have, or a new one from `new_code`, `None` when no random source answers)
    /// and the message `email` makes for it, queued with the audit entry in one
    /// transaction. Returns the codes.
    pub async fn invite_representatives(
        &self,
        process_id: i64,
        representatives: &[NewRepresentative],
        mut new_code: impl FnMut() -> Option<String>,
        email: impl Fn(&CheckinEntry) -> NewEmail,
        audit: &AuditEntry,
    ) -> Result<Vec<CheckinEntry>> {
        audited!(self, audit, |tx| {
            let mut entries = Vec::with_capacity(representatives.len());
            for rep in representatives {
                let select = format!("{SELECT_CODES} WHERE process_id = $1 AND tax_code = $2 AND rep_email = $3");
                let mut found = None;
                for _ in 0..CODE_ATTEMPTS {
                    let existing = sqlx::query(&select)
                        .bind(process_id)
                        .bind(&rep.tax_code)
                        .bind(&rep.rep_email)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let Some(row) = existing {
                        found = Some(entry_from_row(&row)?);
                        break;
                    }
                    let code = new_code().ok_or_else(|| StoreError::Corrupt {
                        column: "code",
                        detail: "nessuna fonte casuale per i codici di accesso".into(),
                    })?;
                    // A code already given to someone else is skipped, not an error.
                    sqlx::query(
                        "INSERT INTO checkin_codes (process_id, tax_code, organization, rep_name, rep_email, code, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                    )
                    .bind(process_id)
                    .bind(&rep.tax_code)
                    .bind(&rep.organization)
                    .bind(&rep.rep_name)
                    .bind(&rep.rep_email)
                    .bind(code)
                    .bind(audit.at)
                    .execute(&mut *tx)
                    .await?;
                }
                let entry = found.ok_or_else(|| StoreError::Conflict("codice di accesso".into()))?;
                enqueue_on!(&mut *tx, email(&entry), audit.at).await?;
                entries.push(entry);
            }
            entries
        })
    }

    /// Every check-in code of a process, by organization and name.
    pub async fn checkin_codes(&self, process_id: i64) -> Result<Vec<CheckinEntry>> {
        on_pool!(
            self,
            read | pool | {
                let sql = format!("{SELECT_CODES} WHERE process_id = $1 ORDER BY organization, rep_name, id");
                let rows = sqlx::query(&sql).bind(process_id).fetch_all(pool).await?;
                rows.iter().map(entry_from_row).collect()
            }
        )
    }

    /// Records someone at a session. A code checked in twice is a conflict.
    pub async fn record_attendance(&self, session_id: i64, who: &NewAttendance, audit: &AuditEntry) -> Result<()> {
        audited!(self, audit, |tx| {
            sqlx::query(
                "INSERT INTO attendances (session_id, checkin_code_id, name, organization, email, walk_in, checked_in_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(session_id)
            .bind(who.checkin_code_id)
            .bind(&who.name)
            .bind(&who.organization)
            .bind(&who.email)
            .bind(who.checkin_code_id.is_none())
            .bind(audit.at)
            .execute(&mut *tx)
            .await
            .map_err(conflict("presenza già registrata"))?;
        })
    }

    /// Undoes a check-in of a session: the row stays, with who undid it, when and
    /// why, and no longer counts; its code is freed so the person can check in again.
    pub async fn annul_attendance(
        &self,
        session_id: i64,
        attendance_id: i64,
        by: &str,
        reason: &str,
        audit: &AuditEntry,
    ) -> Result<()> {
        audited!(self, audit, |tx| {
            let done = sqlx::query(
                "UPDATE attendances SET annulled_at = $3, annulled_by = $4, annulment_reason = $5,
                 annulled_code_id = checkin_code_id, checkin_code_id = NULL
                 WHERE id = $1 AND session_id = $2 AND annulled_at IS NULL",
            )
            .bind(attendance_id)
            .bind(session_id)
            .bind(audit.at)
            .bind(by)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
        })
    }

    /// Who was at the sessions of a process, session by session in arrival order.
    /// Check-ins undone by the office are left out.
    pub async fn attendances(&self, process_id: i64) -> Result<Vec<Attendance>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(
                    "SELECT a.* FROM attendances a JOIN calendar_sessions s ON s.id = a.session_id
                 WHERE s.process_id = $1 AND a.annulled_at IS NULL ORDER BY s.position, a.checked_in_at, a.id",
                )
                .bind(process_id)
                .fetch_all(pool)
                .await?;
                rows.iter().map(attendance_from_row).collect()
            }
        )
    }
}

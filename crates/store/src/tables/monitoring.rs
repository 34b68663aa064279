//! The monitoring board (cabina di regia) and the plan's interventions.

use chrono::{DateTime, NaiveDate, Utc};
use concerto_domain::AuditEntry;
use concerto_domain::tables::InterventionStatus;

use super::conflict;
use crate::audit::audited;
use crate::rows::{Columns, corrupt};
use crate::{Result, Store, StoreError, on_pool};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardMember {
    pub tax_code: String,
    pub organization: String,
    pub referent: String,
    pub appointed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIntervention {
    pub area_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub title: String,
    pub status: InterventionStatus,
    pub progress: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressComment {
    pub organization: String,
    pub body: String,
    pub written_at: DateTime<Utc>,
}

/// An intervention as recorded; a parent's `progress` is not its real figure (see
/// [`concerto_domain::tables::derived_progress`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervention {
    pub id: i64,
    pub area_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub title: String,
    pub status: InterventionStatus,
    pub progress: u8,
    pub milestones: Vec<Milestone>,
    pub comments: Vec<ProgressComment>,
}

impl Store {
    /// Appoints an organization's referent; a second one for it is a conflict.
    pub async fn appoint_board_member(&self, process_id: i64, member: &BoardMember, audit: &AuditEntry) -> Result<()> {
        audited!(self, audit, |tx| {
            sqlx::query(
                "INSERT INTO board_members (process_id, tax_code, organization, referent, appointed_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(process_id)
            .bind(&member.tax_code)
            .bind(&member.organization)
            .bind(&member.referent)
            .bind(member.appointed_at)
            .execute(&mut *tx)
            .await
            .map_err(conflict("referente già nominato per l'organizzazione"))?;
        })
    }

    pub async fn board_members(&self, process_id: i64) -> Result<Vec<BoardMember>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query("SELECT * FROM board_members WHERE process_id = $1 ORDER BY organization")
                    .bind(process_id)
                    .fetch_all(pool)
                    .await?;
                rows.iter()
                    .map(|r| {
                        Ok(BoardMember {
                            tax_code: r.text("tax_code")?,
                            organization: r.text("organization")?,
                            referent: r.text("referent")?,
                            appointed_at: r.instant("appointed_at")?,
                        })
                    })
                    .collect()
            }
        )
    }

    /// Adds an intervention; its parent must be one of the same process.
    pub async fn add_intervention(&self, process_id: i64, new: &NewIntervention, audit: &AuditEntry) -> Result<i64> {
        audited!(self, audit, |tx| {
            if let Some(parent) = new.parent_id {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM interventions WHERE id = $1 AND process_id = $2")
                        .bind(parent)
                        .bind(process_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                found.ok_or(StoreError::NotFound)?;
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO interventions (process_id, area_id, parent_id, title, status, progress, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(process_id)
            .bind(new.area_id)
            .bind(new.parent_id)
            .bind(&new.title)
            .bind(new.status.code())
            .bind(i32::from(new.progress))
            .bind(audit.at)
            .fetch_one(&mut *tx)
            .await?;
            id
        })
    }

    /// Records an intervention's status and progress.
    pub async fn update_intervention(
        &self,
        process_id: i64,
        id: i64,
        status: InterventionStatus,
        progress: u8,
        audit: &AuditEntry,
    ) -> Result<()> {
        audited!(self, audit, |tx| {
            let done = sqlx::query("UPDATE interventions SET status = $3, progress = $4, updated_at = $5 WHERE id = $1 AND process_id = $2")
                .bind(id)
                .bind(process_id)
                .bind(status.code())
                .bind(i32::from(progress))
                .bind(audit.at)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
        })
    }

    /// Adds a milestone to an intervention of the process.
    pub async fn add_milestone(
        &self,
        process_id: i64,
        intervention_id: i64,
        m: &Milestone,
        audit: &AuditEntry,
    ) -> Result<()> {
        audited!(self, audit, |tx| {
            let done = sqlx::query(
                "INSERT INTO milestones (intervention_id, title, due_on, done)
                 SELECT id, $3, $4, $5 FROM interventions WHERE id = $1 AND process_id = $2",
            )
            .bind(intervention_id)
            .bind(process_id)
            .bind(&m.title)
            .bind(m.due_on)
            .bind(m.done)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
        })
    }

    /// A board member's comment on an intervention of the process.
    pub async fn add_progress_comment(
        &self,
        process_id: i64,
        intervention_id: i64,
        tax_code: &str,
        comment: &ProgressComment,
        audit: &AuditEntry,
    ) -> Result<()> {
        audited!(self, audit, |tx| {
            let done = sqlx::query(
                "INSERT INTO progress_comments (intervention_id, tax_code, organization, body, written_at)
                 SELECT id, $3, $4, $5, $6 FROM interventions WHERE id = $1 AND process_id = $2",
            )
            .bind(intervention_id)
            .bind(process_id)
            .bind(tax_code)
            .bind(&comment.organization)
            .bind(&comment.body)
            .bind(comment.written_at)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
        })
    }

    /// The interventions of a process in the order they were added, with milestones and comments.
    pub async fn interventions(&self, process_id: i64) -> Result<Vec<Intervention>> {
        on_pool!(
            self,
            read | pool | {
                let mut conn = pool.acquire().await?;
                let rows = sqlx::query("SELECT * FROM interventions WHERE process_id = $1 ORDER BY id")
                    .bind(process_id)
                    .fetch_all(&mut *conn)
                    .await?;
                let milestones = sqlx::query(
                    "SELECT m.* FROM milestones m JOIN interventions i ON i.id = m.intervention_id
                 WHERE i.process_id = $1 ORDER BY m.due_on, m.id",
                )
                .bind(process_id)
                .fetch_all(&mut *conn)
                .await?;
                let comments = sqlx::query(
                    "SELECT c.* FROM progress_comments c JOIN interventions i ON i.id = c.intervention_id
                 WHERE i.process_id = $1 ORDER BY c.written_at, c.id",
                )
                .bind(process_id)
                .fetch_all(&mut *conn)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let id = r.int("id")?;
                    let status = r.text("status")?;
                    let mut own_milestones = Vec::new();
                    for m in &milestones {
                        if m.int("intervention_id")? == id {
                            own_milestones.push(Milestone {
                                title: m.text("title")?,
                                due_on: m.opt_date("due_on")?,
                                done: m.flag("done")?,
                            });
                        }
                    }
                    let mut own_comments = Vec::new();
                    for c in &comments {
                        if c.int("intervention_id")? == id {
                            own_comments.push(ProgressComment {
                                organization: c.text("organization")?,
                                body: c.text("body")?,
                                written_at: c.instant("written_at")?,
                            });
                        }
                    }
                    out.push(Intervention {
                        id,
                        area_id: r.opt_int("area_id")?,
                        parent_id: r.opt_int("parent_id")?,
                        title: r.text("title")?,
                        status: InterventionStatus::from_code(&status).ok_or_else(|| corrupt("status", &status))?,
                        progress: u8::try_from(r.small("progress")?)
                            .map_err(|_| corrupt("progress", "fuori intervallo"))?,
                        milestones: own_milestones,
                        comments: own_comments,
                    });
                }
                Ok(out)
            }
        )
    }
}

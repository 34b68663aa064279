//! Proposals, supports, the priority ballot and the summary of outcomes.

use chrono::{DateTime, Utc};
use concerto_domain::AuditEntry;
use concerto_domain::tables::{Ballot, Outcome, OutcomeDecision, ProposalDraft};
use sqlx::Connection;

use super::conflict;
use crate::audit::audit_on;
use crate::outbox::enqueue_on;
use crate::rows::{Columns, corrupt};
use crate::{NewEmail, Result, Store, StoreError, on_pool};

/// A proposal to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTableProposal<'a> {
    pub process_id: i64,
    /// The session it was made at, when entered by the office.
    pub session_id: Option<i64>,
    /// Sent online by a participant, or entered by the office.
    pub online: bool,
    pub draft: &'a ProposalDraft,
    pub tax_code: Option<String>,
    /// Where the outcome is sent.
    pub proposer_email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProposal {
    pub id: i64,
    pub session_id: Option<i64>,
    pub online: bool,
    pub title: String,
    pub body: String,
    pub organization: String,
    pub tax_code: Option<String>,
    pub proposer_email: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub area_ids: Vec<i64>,
    /// The organizations that support it, by name.
    pub supporters: Vec<String>,
    pub outcome: Option<OutcomeDecision>,
}

/// Where the tables of a process stand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableWork {
    pub ballot_closed_at: Option<DateTime<Utc>>,
    pub summary_published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBallot {
    pub tax_code: String,
    pub organization: String,
    pub submitted_at: DateTime<Utc>,
    pub ballot: Ballot,
}

fn proposal_from_row(r: &impl Columns, area_ids: Vec<i64>, supporters: Vec<String>) -> Result<StoredProposal> {
    let outcome = match r.opt_text("outcome")? {
        None => None,
        Some(code) => Some(OutcomeDecision {
            outcome: Outcome::from_code(&code).ok_or_else(|| corrupt("outcome", &code))?,
            motivation: r.opt_text("motivation")?,
            merged_into: r.opt_int("merged_into_id")?,
        }),
    };
    Ok(StoredProposal {
        id: r.int("id")?,
        session_id: r.opt_int("session_id")?,
        online: r.text("source")? == "online",
        title: r.text("title")?,
        body: r.text("body")?,
        organization: r.text("organization")?,
        tax_code: r.opt_text("tax_code")?,
        proposer_email: r.opt_text("proposer_email")?,
        submitted_at: r.instant("submitted_at")?,
        area_ids,
        supporters,
        outcome,
    })
}

/// Makes sure the process has its `table_work` row, so updates always find one.
const ENSURE_WORK: &str = "INSERT INTO table_work (process_id) VALUES ($1) ON CONFLICT (process_id) DO NOTHING";

impl Store {
    /// Records a proposal with its areas. Returns its id.
    pub async fn create_table_proposal(&self, p: &NewTableProposal<'_>, audit: &AuditEntry) -> Result<i64> {
        on_pool!(self, write |pool| {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO table_proposals (process_id, session_id, source, title, body, organization, tax_code,
                 proposer_email, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(p.process_id)
            .bind(p.session_id)
            .bind(if p.online { "online" } else { "staff" })
            .bind(&p.draft.title)
            .bind(&p.draft.text)
            .bind(&p.draft.organization)
            .bind(&p.tax_code)
            .bind(&p.proposer_email)
            .bind(audit.at)
            .fetch_one(&mut *tx)
            .await?;
            for area in &p.draft.area_ids {
                sqlx::query("INSERT INTO table_proposal_areas (proposal_id, area_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(area)
                    .execute(&mut *tx)
                    .await?;
            }
            audit_on!(&mut *tx, audit).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// The proposals of a process in the order they came, with areas, supports and outcomes.
    pub async fn table_proposals(&self, process_id: i64) -> Result<Vec<StoredProposal>> {
        on_pool!(self, read |pool| {
            let mut conn = pool.acquire().await?;
            let rows = sqlx::query("SELECT * FROM table_proposals WHERE process_id = $1 ORDER BY submitted_at, id")
                .bind(process_id)
                .fetch_all(&mut *conn)
                .await?;
            let areas = sqlx::query(
                "SELECT pa.proposal_id, pa.area_id FROM table_proposal_areas pa JOIN table_proposals p ON p.id = pa.proposal_id
                 WHERE p.process_id = $1 ORDER BY pa.area_id",
            )
            .bind(process_id)
            .fetch_all(&mut *conn)
            .await?;
            let supports = sqlx::query(
                "SELECT s.proposal_id, s.organization FROM proposal_supports s JOIN table_proposals p ON p.id = s.proposal_id
                 WHERE p.process_id = $1 ORDER BY s.supported_at, s.organization",
            )
            .bind(process_id)
            .fetch_all(&mut *conn)
            .await?;
            let mut proposals = Vec::with_capacity(rows.len());
            for row in &rows {
                let id = row.int("id")?;
                let mut area_ids = Vec::new();
                for a in &areas {
                    if a.int("proposal_id")? == id {
                        area_ids.push(a.int("area_id")?);
                    }
                }
                let mut supporters = Vec::new();
                for s in &supports {
                    if s.int("proposal_id")? == id {
                        supporters.push(s.text("organization")?);
                    }
                }
                proposals.push(proposal_from_row(row, area_ids, supporters)?);
            }
            Ok(proposals)
        })
    }

    /// An organization supports a proposal of the process; once only.
    pub async fn support_proposal(
        &self,
        process_id: i64,
        proposal_id: i64,
        tax_code: &str,
        organization: &str,
        audit: &AuditEntry,
    ) -> Result<()> {
        on_pool!(self, write |pool| {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin().await?;
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM table_proposals WHERE id = $1 AND process_id = $2")
                .bind(proposal_id)
                .bind(process_id)
                .fetch_optional(&mut *tx)
                .await?;
            found.ok_or(StoreError::NotFound)?;
            sqlx::query("INSERT INTO proposal_supports (proposal_id, tax_code, organization, supported_at) VALUES ($1, $2, $3, $4)")
                .bind(proposal_id)
                .bind(tax_code)
                .bind(organization)
                .bind(audit.at)
                .execute(&mut *tx)
                .await
                .map_err(conflict("sostegno già espresso"))?;
            audit_on!(&mut *tx, audit).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records the outcome of a proposal of the process.
    pub async fn decide_proposal(&self, process_id: i64, proposal_id: i64, d: &OutcomeDecision, audit: &AuditEntry) -> Result<()> {
        on_pool!(self, write |pool| {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin().await?;
            let done = sqlx::query(
                "UPDATE table_proposals SET outcome = $3, motivation = $4, merged_into_id = $5, decided_at = $6
                 WHERE id = $1 AND process_id = $2",
            )
            .bind(proposal_id)
            .bind(process_id)
            .bind(d.outcome.code())
            .bind(&d.motivation)
            .bind(d.merged_into)
            .bind(audit.at)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            audit_on!(&mut *tx, audit).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn table_work(&self, process_id: i64) -> Result<TableWork> {
        on_pool!(self, read |pool| {
            let row = sqlx::query("SELECT * FROM table_work WHERE process_id = $1").bind(process_id).fetch_optional(pool).await?;
            match row {
                None => Ok(TableWork::default()),
                Some(r) => Ok(TableWork {
                    ballot_closed_at: r.opt_instant("ballot_closed_at")?,
                    summary_published_at: r.opt_instant("summary_published_at")?,
                }),
            }
        })
    }

    /// Casts, or replaces, an organization's ballot while the vote is open.
    pub async fn cast_ballot(&self, process_id: i64, tax_code: &str, organization: &str, ballot: &Ballot, audit: &AuditEntry) -> Result<()> {
        on_pool!(self, write |pool| {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin().await?;
            let closed: Option<Option<DateTime<Utc>>> =
                sqlx::query_scalar("SELECT ballot_closed_at FROM table_work WHERE process_id = $1")
                    .bind(process_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if closed.flatten().is_some() {
                return Err(StoreError::Conflict("la votazione delle priorità è chiusa".into()));
            }
            sqlx::query("DELETE FROM priority_ballots WHERE process_id = $1 AND tax_code = $2")
                .bind(process_id)
                .bind(tax_code)
                .execute(&mut *tx)
                .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO priority_ballots (process_id, tax_code, organization, submitted_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(process_id)
            .bind(tax_code)
            .bind(organization)
            .bind(audit.at)
            .fetch_one(&mut *tx)
            .await?;
            for (proposal, points) in &ballot.points {
                sqlx::query("INSERT INTO priority_points (ballot_id, proposal_id, points) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(proposal)
                    .bind(i32::try_from(*points).unwrap_or(i32::MAX))
                    .execute(&mut *tx)
                    .await?;
            }
            audit_on!(&mut *tx, audit).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The ballots cast in a process.
    pub async fn ballots(&self, process_id: i64) -> Result<Vec<StoredBallot>> {
        on_pool!(self, read |pool| {
            let rows = sqlx::query(
                "SELECT b.id, b.tax_code, b.organization, b.submitted_at, p.proposal_id, p.points
                 FROM priority_ballots b JOIN priority_points p ON p.ballot_id = b.id
                 WHERE b.process_id = $1 ORDER BY b.submitted_at, b.id, p.proposal_id",
            )
            .bind(process_id)
            .fetch_all(pool)
            .await?;
            let mut ballots: Vec<(i64, StoredBallot)> = Vec::new();
            for r in &rows {
                let id = r.int("id")?;
                let points = (r.int("proposal_id")?, u32::try_from(r.small("points")?).map_err(|_| corrupt("points", "negativo"))?);
                match ballots.last_mut() {
                    Some((last, b)) if *last == id => b.ballot.points.push(points),
                    _ => ballots.push((
                        id,
                        StoredBallot {
                            tax_code: r.text("tax_code")?,
                            organization: r.text("organization")?,
                            submitted_at: r.instant("submitted_at")?,
                            ballot: Ballot { points: vec![points] },
                        },
                    )),
                }
            }
            Ok(ballots.into_iter().map(|(_, b)| b).collect())
        })
    }

    /// Closes the priority ballot.
    pub async fn close_ballot(&self, process_id: i64, audit: &AuditEntry) -> Result<()> {
        self.mark_work(process_id, "UPDATE table_work SET ballot_closed_at = $2 WHERE process_id = $1 AND ballot_closed_at IS NULL", &[], audit)
            .await
    }

    /// Publishes the summary of proposals and queues each proposer's message.
    pub async fn publish_summary(&self, process_id: i64, emails: &[NewEmail], audit: &AuditEntry) -> Result<()> {
        self.mark_work(
            process_id,
            "UPDATE table_work SET summary_published_at = $2 WHERE process_id = $1 AND summary_published_at IS NULL",
            emails,
            audit,
        )
        .await
    }

    /// Sets one instant of `table_work` once, with its messages and audit entry;
    /// a second time is a conflict.
    async fn mark_work(&self, process_id: i64, update: &str, emails: &[NewEmail], audit: &AuditEntry) -> Result<()> {
        on_pool!(self, write |pool| {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin().await?;
            sqlx::query(ENSURE_WORK).bind(process_id).execute(&mut *tx).await?;
            let done = sqlx::query(update).bind(process_id).bind(audit.at).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("operazione già eseguita".into()));
            }
            for email in emails {
                enqueue_on!(&mut *tx, email, audit.at).await?;
            }
            audit_on!(&mut *tx, audit).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}

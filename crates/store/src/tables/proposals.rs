//! Proposals, supports, the priority ballot and the summary of outcomes.

use chrono::{DateTime, Utc};
use concerto_domain::AuditEntry;
use concerto_domain::tables::{Ballot, Candidate, Outcome, OutcomeDecision, ProposalDraft, Ranked, tally};

use super::conflict;
use crate::audit::audited;
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
    /// Whether public pages may name the proposer (false for a private citizen
    /// who did not agree to be named).
    pub public_name: bool,
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
    /// Whether public pages may name the proposer.
    pub public_name: bool,
    /// The expression it was sent with, when it came with the form.
    pub expression_id: Option<i64>,
}

/// Where the tables of a process stand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableWork {
    pub ballot_opened_at: Option<DateTime<Utc>>,
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
        public_name: r.flag("public_name")?,
        expression_id: r.opt_int("expression_id")?,
    })
}

/// A count kept as a small integer.
fn count(r: &impl Columns, column: &'static str) -> Result<u32> {
    u32::try_from(r.small(column)?).map_err(|_| corrupt(column, "negativo"))
}

/// Makes sure the process has its `table_work` row, so updates always find one.
const ENSURE_WORK: &str = "INSERT INTO table_work (process_id) VALUES ($1) ON CONFLICT (process_id) DO NOTHING";

/// Keeps the proposal sent with the expression form at the tables, inside the
/// submission's transaction: a first submission adds it (an online proposal of the
/// applicant), an amendment updates the one of the version it replaces. A proposal
/// the amendment leaves out stays at the tables, where it may have been discussed
/// already. With no areas of its own, it goes to the applicant's tables.
macro_rules! form_proposal_follows {
    ($conn:expr, $process_id:expr, $replaced_id:expr, $expression_id:expr, $expression:expr, $at:expr) => {
        async {
            let conn = $conn;
            let e: &concerto_domain::Expression = $expression;
            let expression_id: i64 = $expression_id;
            let replaced_id: Option<i64> = $replaced_id;
            let at: chrono::DateTime<chrono::Utc> = $at;
            let existing: Option<i64> = match replaced_id {
                Some(old) => sqlx::query_scalar("SELECT id FROM table_proposals WHERE expression_id = $1")
                    .bind(old)
                    .fetch_optional(&mut *conn)
                    .await?,
                None => None,
            };
            let a = &e.applicant;
            let id = match (existing, &e.proposal) {
                (Some(id), None) => {
                    sqlx::query("UPDATE table_proposals SET expression_id = $2, public_name = $3 WHERE id = $1")
                        .bind(id)
                        .bind(expression_id)
                        .bind(e.named_in_public())
                        .execute(&mut *conn)
                        .await?;
                    None
                }
                (Some(id), Some(p)) => {
                    sqlx::query(
                        "UPDATE table_proposals SET expression_id = $2, title = $3, body = $4, organization = $5,
                         proposer_email = $6, public_name = $7 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(expression_id)
                    .bind(&p.title)
                    .bind(&p.text)
                    .bind(&a.name)
                    .bind(&a.email)
                    .bind(e.named_in_public())
                    .execute(&mut *conn)
                    .await?;
                    sqlx::query("DELETE FROM table_proposal_areas WHERE proposal_id = $1").bind(id).execute(&mut *conn).await?;
                    Some((id, p))
                }
                (None, Some(p)) => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO table_proposals (process_id, session_id, source, title, body, organization, tax_code,
                         proposer_email, submitted_at, public_name, expression_id)
                         VALUES ($1, NULL, 'online', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    )
                    .bind($process_id)
                    .bind(&p.title)
                    .bind(&p.text)
                    .bind(&a.name)
                    .bind(a.tax_code.as_str())
                    .bind(&a.email)
                    .bind(at)
                    .bind(e.named_in_public())
                    .bind(expression_id)
                    .fetch_one(&mut *conn)
                    .await?;
                    Some((id, p))
                }
                (None, None) => None,
            };
            if let Some((id, p)) = id {
                let areas: Vec<i64> = if p.area_ids.is_empty() {
                    e.participations.iter().map(|x| x.area_id).collect()
                } else {
                    p.area_ids.clone()
                };
                for area in areas {
                    sqlx::query("INSERT INTO table_proposal_areas (proposal_id, area_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(id)
                        .bind(area)
                        .execute(&mut *conn)
                        .await?;
                }
            }
            Ok::<(), crate::StoreError>(())
        }
    };
}
pub(crate) use form_proposal_follows;

impl Store {
    /// Records a proposal with its areas. Returns its id.
    pub async fn create_table_proposal(&self, p: &NewTableProposal<'_>, audit: &AuditEntry) -> Result<i64> {
        audited!(self, audit, |tx| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO table_proposals (process_id, session_id, source, title, body, organization, tax_code,
                 proposer_email, submitted_at, public_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
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
            .bind(p.public_name)
            .fetch_one(&mut *tx)
            .await?;
            for area in &p.draft.area_ids {
                sqlx::query("INSERT INTO table_proposal_areas (proposal_id, area_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(area)
                    .execute(&mut *tx)
                    .await?;
            }
            id
        })
    }

    /// The proposals of a process in the order they came, with areas, supports and outcomes.
    pub async fn table_proposals(&self, process_id: i64) -> Result<Vec<StoredProposal>> {
        on_pool!(
            self,
            read | pool
                | {
                    let mut conn = pool.acquire().await?;
                    let rows =
                        sqlx::query("SELECT * FROM table_proposals WHERE process_id = $1 ORDER BY submitted_at, id")
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
                }
        )
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
        audited!(self, audit, |tx| {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM table_proposals WHERE id = $1 AND process_id = $2")
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
        })
    }

    /// Records the outcome of a proposal of the process.
    pub async fn decide_proposal(
        &self,
        process_id: i64,
        proposal_id: i64,
        d: &OutcomeDecision,
        audit: &AuditEntry,
    ) -> Result<()> {
        audited!(self, audit, |tx| {
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
        })
    }

    pub async fn table_work(&self, process_id: i64) -> Result<TableWork> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query("SELECT * FROM table_work WHERE process_id = $1")
                    .bind(process_id)
                    .fetch_optional(pool)
                    .await?;
                match row {
                    None => Ok(TableWork::default()),
                    Some(r) => Ok(TableWork {
                        ballot_opened_at: r.opt_instant("ballot_opened_at")?,
                        ballot_closed_at: r.opt_instant("ballot_closed_at")?,
                        summary_published_at: r.opt_instant("summary_published_at")?,
                    }),
                }
            }
        )
    }

    /// Casts, or replaces, an organization's ballot while the vote is open.
    pub async fn cast_ballot(
        &self,
        process_id: i64,
        tax_code: &str,
        organization: &str,
        ballot: &Ballot,
        audit: &AuditEntry,
    ) -> Result<()> {
        audited!(self, audit, |tx| {
            let work = sqlx::query("SELECT ballot_opened_at, ballot_closed_at FROM table_work WHERE process_id = $1")
                .bind(process_id)
                .fetch_optional(&mut *tx)
                .await?;
            let (opened, closed) = match &work {
                Some(r) => (r.opt_instant("ballot_opened_at")?, r.opt_instant("ballot_closed_at")?),
                None => (None, None),
            };
            if opened.is_none() {
                return Err(StoreError::Conflict("la votazione delle priorità non è ancora aperta".into()));
            }
            if closed.is_some() {
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
        })
    }

    /// The ballots cast in a process.
    pub async fn ballots(&self, process_id: i64) -> Result<Vec<StoredBallot>> {
        on_pool!(
            self,
            read | pool | {
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
                    let points = (
                        r.int("proposal_id")?,
                        u32::try_from(r.small("points")?).map_err(|_| corrupt("points", "negativo"))?,
                    );
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
            }
        )
    }

    /// Opens the priority ballot; the rule of when is the domain's (`may_open_ballot`).
    pub async fn open_ballot(&self, process_id: i64, audit: &AuditEntry) -> Result<()> {
        self.mark_work(
            process_id,
            "UPDATE table_work SET ballot_opened_at = $2 WHERE process_id = $1 AND ballot_opened_at IS NULL",
            &[],
            audit,
        )
        .await
    }

    /// Closes the open priority ballot and keeps its tally, computed inside the same
    /// transaction from the proposals then open and the ballots then cast: the
    /// published result is this snapshot, whatever is merged or decided later.
    pub async fn close_ballot(&self, process_id: i64, audit: &AuditEntry) -> Result<()> {
        let ballots = self.ballots(process_id).await?;
        audited!(self, audit, |tx| {
            sqlx::query(ENSURE_WORK).bind(process_id).execute(&mut *tx).await?;
            let done = sqlx::query(
                "UPDATE table_work SET ballot_closed_at = $2
                 WHERE process_id = $1 AND ballot_opened_at IS NOT NULL AND ballot_closed_at IS NULL",
            )
            .bind(process_id)
            .bind(audit.at)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("la votazione non è aperta".into()));
            }
            // Ballots are cast only while the vote is open; once the row above is
            // closed in this transaction no other ballot can join the ones read.
            let rows = sqlx::query(
                "SELECT id, submitted_at FROM table_proposals WHERE process_id = $1 AND merged_into_id IS NULL",
            )
            .bind(process_id)
            .fetch_all(&mut *tx)
            .await?;
            let mut candidates = Vec::with_capacity(rows.len());
            for r in &rows {
                candidates.push(Candidate { id: r.int("id")?, submitted_at: r.instant("submitted_at")? });
            }
            let cast: Vec<Ballot> = ballots.into_iter().map(|b| b.ballot).collect();
            for r in tally(&candidates, &cast) {
                sqlx::query(
                    "INSERT INTO ballot_results (process_id, proposal_id, position, points, first_preferences)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(process_id)
                .bind(r.proposal_id)
                .bind(i32::try_from(r.position).unwrap_or(i32::MAX))
                .bind(i32::try_from(r.points).unwrap_or(i32::MAX))
                .bind(i32::try_from(r.first_preferences).unwrap_or(i32::MAX))
                .execute(&mut *tx)
                .await?;
            }
        })
    }

    /// The tally kept when the ballot closed, by position; empty while it is open.
    pub async fn ballot_results(&self, process_id: i64) -> Result<Vec<Ranked>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query("SELECT * FROM ballot_results WHERE process_id = $1 ORDER BY position")
                    .bind(process_id)
                    .fetch_all(pool)
                    .await?;
                let mut ranked = Vec::with_capacity(rows.len());
                for r in &rows {
                    ranked.push(Ranked {
                        position: count(r, "position")? as usize,
                        proposal_id: r.int("proposal_id")?,
                        points: count(r, "points")?,
                        first_preferences: count(r, "first_preferences")?,
                    });
                }
                Ok(ranked)
            }
        )
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
        audited!(self, audit, |tx| {
            sqlx::query(ENSURE_WORK).bind(process_id).execute(&mut *tx).await?;
            let done = sqlx::query(update).bind(process_id).bind(audit.at).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("operazione già eseguita".into()));
            }
            for email in emails {
                enqueue_on!(&mut *tx, email, audit.at).await?;
            }
        })
    }
}

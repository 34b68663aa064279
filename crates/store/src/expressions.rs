//! Expressions of interest and the protocol register.

use chrono::{DateTime, Utc};
use concerto_domain::{
    Applicant, ApplicantKind, Expression, ExpressionStatus, LegalForm, Participation, Process,
    Proposal, ProtocolNumber, ReceivedExpression, Representative, TaxCode, canonical_submission,
    sha256_hex,
};
use sqlx::Connection;

use crate::outbox::enqueue_on;
use crate::pacts::{end_pact_on, pact_follows_expression};
use crate::rows::{Columns, Key, corrupt};
use crate::{NewEmail, Result, Store, StoreError, on_pool};

/// One expression to receive.
pub struct Submission<'a> {
    pub process: &'a Process,
    pub expression: &'a Expression,
    pub received_at: DateTime<Utc>,
    /// SHA-256 of the secret management link's token; the token itself is never stored.
    pub manage_token_digest: String,
    /// The digest of the management link used to amend, when this is an amendment
    /// made through it: the link then moves to the new expression.
    pub amends: Option<String>,
}

/// What the submitter gets back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub expression_id: i64,
    pub protocol: ProtocolNumber,
    pub received_at: DateTime<Utc>,
    pub sha256: String,
    /// The protocol number of the expression this one replaces.
    pub supersedes: Option<ProtocolNumber>,
}

/// One line of an applicant's history in a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub protocol: ProtocolNumber,
    pub received_at: DateTime<Utc>,
    pub status: ExpressionStatus,
}

const NEXT_PROTOCOL: &str = "INSERT INTO protocol_counters (ambito_id, year, last_number) VALUES ($1, $2, 1)
    ON CONFLICT (ambito_id, year) DO UPDATE SET last_number = protocol_counters.last_number + 1
    RETURNING last_number";

const INSERT_EXPRESSION: &str = "INSERT INTO expressions (process_id, ambito_id, protocol_year,
    protocol_sequence, received_at, status, supersedes_id, applicant_kind, name, legal_form, tax_code,
    legal_representative, address, municipality, email, pec, phone, founded_on, proposal_title,
    proposal_text, eligible_for_pact, canonical, sha256, manage_token_digest)
    VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
    $19, $20, $21, $22, $23) RETURNING id";

const SELECT_EXPRESSION: &str = "SELECT * FROM expressions";

/// How many times a submission is retried when a concurrent one from the same
/// applicant wins the race for the "one current expression" index.
const ATTEMPTS: usize = 3;

fn is_unique_violation(e: &StoreError) -> bool {
    matches!(e, StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
}

impl Store {
    /// Receives an expression: gives it the next protocol number of the Ambito's
    /// register, makes it the applicant's current one (an earlier one from the same
    /// tax code becomes an amended, superseded version) and queues the message that
    /// `email` builds from the receipt, all in one transaction.
    pub async fn submit_expression(
        &self,
        submission: &Submission<'_>,
        email: impl Fn(&Receipt) -> NewEmail,
    ) -> Result<Receipt> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_submit(submission, &email).await {
                Err(e) if attempt < ATTEMPTS && is_unique_violation(&e) => continue,
                outcome => return outcome,
            }
        }
    }

    async fn try_submit(&self, s: &Submission<'_>, email: &impl Fn(&Receipt) -> NewEmail) -> Result<Receipt> {
        let process = s.process;
        let e = s.expression;
        let a = &e.applicant;
        let year = ProtocolNumber::year_of(s.received_at);
        on_pool!(self, write |pool| {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin().await?;

            // Taking the number first locks the Ambito's register row: submissions to
            // one Ambito then run one after the other, each seeing the one before.
            let sequence: i64 = sqlx::query_scalar(NEXT_PROTOCOL)
                .bind(process.ambito.id)
                .bind(year)
                .fetch_one(&mut *tx)
                .await?;
            let protocol = ProtocolNumber { year, sequence };

            // The expression this one replaces: the one behind the management link,
            // or the applicant's current one in the process.
            let replaced_row = match &s.amends {
                Some(digest) => Some(
                    sqlx::query(
                        "SELECT id, protocol_year, protocol_sequence, tax_code, status FROM expressions
                         WHERE manage_token_digest = $1 AND process_id = $2",
                    )
                    .bind(digest)
                    .bind(process.id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?,
                ),
                None => sqlx::query(
                    "SELECT id, protocol_year, protocol_sequence, tax_code, status FROM expressions
                     WHERE process_id = $1 AND tax_code = $2 AND status = 'active'",
                )
                .bind(process.id)
                .bind(a.tax_code.as_str())
                .fetch_optional(&mut *tx)
                .await?,
            };
            let mut supersedes = None;
            if let Some(row) = replaced_row {
                if row.text("status")? != "active" {
                    return Err(StoreError::Conflict("questa manifestazione di interesse non è più modificabile".into()));
                }
                if row.text("tax_code")? != a.tax_code.as_str() {
                    return Err(StoreError::Conflict("il codice fiscale non può cambiare in una rettifica".into()));
                }
                let id = row.int("id")?;
                // An amendment through the link takes the link with it.
                sqlx::query(
                    "UPDATE expressions SET status = 'superseded',
                     manage_token_digest = CASE WHEN $2 THEN NULL ELSE manage_token_digest END WHERE id = $1",
                )
                .bind(id)
                .bind(s.amends.is_some())
                .execute(&mut *tx)
                .await?;
                supersedes = Some((id, ProtocolNumber { year: row.small("protocol_year")?, sequence: row.int("protocol_sequence")? }));
            }

            let canonical = canonical_submission(&process.header.slug, protocol, s.received_at, e);
            let sha256 = sha256_hex(canonical.as_bytes());
            let id: i64 = sqlx::query_scalar(INSERT_EXPRESSION)
                .bind(process.id)
                .bind(process.ambito.id)
                .bind(year)
                .bind(sequence)
                .bind(s.received_at)
                .bind(supersedes.map(|(id, _)| id))
                .bind(a.kind.code())
                .bind(&a.name)
                .bind(a.legal_form.map(LegalForm::code))
                .bind(a.tax_code.as_str())
                .bind(&a.legal_representative)
                .bind(&a.address)
                .bind(&a.municipality)
                .bind(&a.email)
                .bind(&a.pec)
                .bind(&a.phone)
                .bind(a.founded_on)
                .bind(e.proposal.as_ref().map(|p| p.title.as_str()))
                .bind(e.proposal.as_ref().map(|p| p.text.as_str()))
                .bind(e.eligible_for_pact)
                .bind(&canonical)
                .bind(&sha256)
                .bind(&s.manage_token_digest)
                .fetch_one(&mut *tx)
                .await?;
            for p in &e.participations {
                sqlx::query(
                    "INSERT INTO expression_participations (expression_id, area_id, rep_name, rep_email, rep_phone)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(p.area_id)
                .bind(&p.representative.name)
                .bind(&p.representative.email)
                .bind(&p.representative.phone)
                .execute(&mut *tx)
                .await?;
            }
            for area_id in e.proposal.iter().flat_map(|p| &p.area_ids) {
                sqlx::query("INSERT INTO proposal_areas (expression_id, area_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(area_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let pact_kind = concerto_domain::PactKind::for_expression(e);
            pact_follows_expression!(&mut *tx, process, id, a.tax_code.as_str(), pact_kind, s.received_at).await?;
            let receipt = Receipt {
                expression_id: id,
                protocol,
                received_at: s.received_at,
                sha256,
                supersedes: supersedes.map(|(_, p)| p),
            };
            enqueue_on!(&mut *tx, email(&receipt), s.received_at).await?;
            tx.commit().await?;
            Ok(receipt)
        })
    }

    /// The expression behind a management link.
    pub async fn expression_by_token(&self, digest: &str) -> Result<Option<ReceivedExpression>> {
        let sql = format!("{SELECT_EXPRESSION} WHERE manage_token_digest = $1");
        Ok(self.load_expressions(&sql, Key::Text(digest)).await?.pop())
    }

    pub async fn expression_by_id(&self, id: i64) -> Result<Option<ReceivedExpression>> {
        let sql = format!("{SELECT_EXPRESSION} WHERE id = $1");
        Ok(self.load_expressions(&sql, Key::Int(id)).await?.pop())
    }

    /// The current expressions of a process: one per applicant, amendments folded in.
    pub async fn active_expressions(&self, process_id: i64) -> Result<Vec<ReceivedExpression>> {
        let sql = format!("{SELECT_EXPRESSION} WHERE process_id = $1 AND status = 'active' ORDER BY protocol_year, protocol_sequence");
        self.load_expressions(&sql, Key::Int(process_id)).await
    }

    /// Every version an applicant sent to a process, oldest first.
    pub async fn expression_history(&self, process_id: i64, tax_code: &TaxCode) -> Result<Vec<HistoryEntry>> {
        on_pool!(self, read |pool| {
            let rows = sqlx::query(
                "SELECT protocol_year, protocol_sequence, received_at, status FROM expressions
                 WHERE process_id = $1 AND tax_code = $2 ORDER BY received_at, protocol_sequence",
            )
            .bind(process_id)
            .bind(tax_code.as_str())
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let status = r.text("status")?;
                    Ok(HistoryEntry {
                        protocol: ProtocolNumber { year: r.small("protocol_year")?, sequence: r.int("protocol_sequence")? },
                        received_at: r.instant("received_at")?,
                        status: ExpressionStatus::from_code(&status).ok_or_else(|| corrupt("status", &status))?,
                    })
                })
                .collect()
        })
    }

    /// Withdraws the current expression behind a management link, and its pact with it.
    pub async fn withdraw_expression(&self, digest: &str, at: DateTime<Utc>) -> Result<()> {
        on_pool!(self, write |pool| {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "UPDATE expressions SET status = 'withdrawn', withdrawn_at = $2
                 WHERE manage_token_digest = $1 AND status = 'active' RETURNING id",
            )
            .bind(digest)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            let id = id.ok_or(StoreError::NotFound)?;
            let pact: Option<i64> =
                sqlx::query_scalar("SELECT id FROM pacts WHERE expression_id = $1 AND state <> 'withdrawn'")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(pact) = pact {
                end_pact_on!(&mut *tx, pact, at, "manifestazione di interesse ritirata").await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every protocol number of an Ambito's register in a year, in order: for
    /// checking that the register has no gaps.
    pub async fn protocol_sequences(&self, ambito_id: i64, year: i32) -> Result<Vec<i64>> {
        on_pool!(self, read |pool| {
            Ok(sqlx::query_scalar(
                "SELECT protocol_sequence FROM expressions WHERE ambito_id = $1 AND protocol_year = $2 ORDER BY protocol_sequence",
            )
            .bind(ambito_id)
            .bind(year)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The protocol register of an Ambito: every year with the numbers given in it.
    pub async fn protocol_register(&self, ambito_slug: &str) -> Result<Vec<(i32, Vec<i64>)>> {
        on_pool!(self, read |pool| {
            let rows = sqlx::query(
                "SELECT e.protocol_year, e.protocol_sequence FROM expressions e JOIN ambiti a ON a.id = e.ambito_id
                 WHERE a.slug = $1 ORDER BY e.protocol_year, e.protocol_sequence",
            )
            .bind(ambito_slug)
            .fetch_all(pool)
            .await?;
            let mut years: Vec<(i32, Vec<i64>)> = Vec::new();
            for row in &rows {
                let year = row.small("protocol_year")?;
                let sequence = row.int("protocol_sequence")?;
                match years.last_mut() {
                    Some((y, numbers)) if *y == year => numbers.push(sequence),
                    _ => years.push((year, vec![sequence])),
                }
            }
            Ok(years)
        })
    }

    async fn load_expressions(&self, sql: &str, key: Key<'_>) -> Result<Vec<ReceivedExpression>> {
        on_pool!(self, read |pool| {
            let mut conn = pool.acquire().await?;
            let query = sqlx::query(sql);
            let query = match key {
                Key::Int(id) => query.bind(id),
                Key::Text(text) => query.bind(text),
            };
            let rows = query.fetch_all(&mut *conn).await?;
            let mut expressions = Vec::with_capacity(rows.len());
            for row in &rows {
                let id = row.int("id")?;
                let participations = sqlx::query(
                    "SELECT area_id, rep_name, rep_email, rep_phone FROM expression_participations
                     WHERE expression_id = $1 ORDER BY area_id",
                )
                .bind(id)
                .fetch_all(&mut *conn)
                .await?;
                let proposal_areas: Vec<i64> =
                    sqlx::query_scalar("SELECT area_id FROM proposal_areas WHERE expression_id = $1 ORDER BY area_id")
                        .bind(id)
                        .fetch_all(&mut *conn)
                        .await?;
                let participations = participations
                    .iter()
                    .map(|p| {
                        Ok(Participation {
                            area_id: p.int("area_id")?,
                            representative: Representative {
                                name: p.text("rep_name")?,
                                email: p.text("rep_email")?,
                                phone: p.opt_text("rep_phone")?,
                            },
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                expressions.push(expression_from_row(row, participations, proposal_areas)?);
            }
            Ok(expressions)
        })
    }
}

fn expression_from_row(
    row: &impl Columns,
    participations: Vec<Participation>,
    proposal_areas: Vec<i64>,
) -> Result<ReceivedExpression> {
    let kind = row.text("applicant_kind")?;
    let status = row.text("status")?;
    let tax_code = row.text("tax_code")?;
    let legal_form = row
        .opt_text("legal_form")?
        .map(|code| LegalForm::from_code(&code).ok_or_else(|| corrupt("legal_form", &code)))
        .transpose()?;
    let proposal = match (row.opt_text("proposal_title")?, row.opt_text("proposal_text")?) {
        (Some(title), Some(text)) => Some(Proposal { title, text, area_ids: proposal_areas }),
        _ => None,
    };
    Ok(ReceivedExpression {
        id: row.int("id")?,
        process_id: row.int("process_id")?,
        protocol: ProtocolNumber { year: row.small("protocol_year")?, sequence: row.int("protocol_sequence")? },
        received_at: row.instant("received_at")?,
        status: ExpressionStatus::from_code(&status).ok_or_else(|| corrupt("status", &status))?,
        sha256: row.text("sha256")?,
        expression: Expression {
            applicant: Applicant {
                kind: ApplicantKind::from_code(&kind).ok_or_else(|| corrupt("applicant_kind", &kind))?,
                name: row.text("name")?,
                legal_form,
                tax_code: TaxCode::parse(&tax_code).map_err(|_| corrupt("tax_code", &tax_code))?,
                legal_representative: row.opt_text("legal_representative")?,
                address: row.text("address")?,
                municipality: row.text("municipality")?,
                email: row.text("email")?,
                pec: row.opt_text("pec")?,
                phone: row.opt_text("phone")?,
                founded_on: row.opt_date("founded_on")?,
            },
            participations,
            proposal,
            eligible_for_pact: row.flag("eligible_for_pact")?,
        },
    })
}

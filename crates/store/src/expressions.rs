//! Expressions of interest and the protocol register.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use concerto_domain::{
    Applicant, ApplicantKind, AuditEntry, Expression, ExpressionStatus, LegalForm, Participation, Process, Proposal,
    ProtocolNumber, ReceivedExpression, Representative, SubmissionConflict, TaxCode, admit_amendment,
    admit_new_submission, canonical_submission, may_annul, sha256_hex,
};
use sqlx::Connection;

use crate::audit::{audit_on, audited};
use crate::outbox::enqueue_on;
use crate::pacts::{end_pact_of_expression, pact_follows_expression};
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

/// One number of the protocol register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterLine {
    pub sequence: i64,
    pub annulled: bool,
}

/// An annulment to record: the office's act on one registration of its process.
pub struct Annulment<'a> {
    pub process: &'a Process,
    pub expression_id: i64,
    /// Who annulled it: `account:7 <x@y>`.
    pub actor: &'a str,
    /// Checked by [`concerto_domain::validate_annulment_reason`].
    pub reason: &'a str,
    pub at: DateTime<Utc>,
}

/// Who annulled a registration, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnulmentRecord {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
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
    proposal_text, eligible_for_pact, canonical, sha256, public_name_consent)
    VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
    $19, $20, $21, $22, $23) RETURNING id";

/// The expression an amendment replaces, read inside the submission's transaction.
const SELECT_REPLACED: &str = "SELECT e.id, e.protocol_year, e.protocol_sequence, e.tax_code, e.status, e.annulled_at
    FROM expressions e";

/// The version an amendment replaces.
struct Replaced {
    id: i64,
    protocol: ProtocolNumber,
    tax_code: String,
    status: ExpressionStatus,
}

impl Replaced {
    fn of(row: &impl Columns) -> Result<Replaced> {
        Ok(Replaced {
            id: row.int("id")?,
            protocol: ProtocolNumber { year: row.small("protocol_year")?, sequence: row.int("protocol_sequence")? },
            tax_code: row.text("tax_code")?,
            status: status_of(row)?,
        })
    }
}

/// The status column, and the annulment that overrides it.
fn status_of(row: &impl Columns) -> Result<ExpressionStatus> {
    if row.opt_instant("annulled_at")?.is_some() {
        return Ok(ExpressionStatus::Annulled);
    }
    let status = row.text("status")?;
    ExpressionStatus::from_code(&status).ok_or_else(|| corrupt("status", &status))
}

/// The statements of a submission that differ between the backends, picked by
/// connection type because `on_pool!` expands the body once per backend.
struct RegisterDialect {
    /// Run first in the submission's transaction.
    async_commit: Option<&'static str>,
    /// Run after the commit, before the receipt is answered.
    durable: Option<&'static str>,
}

trait HasRegisterDialect {
    const REGISTER: RegisterDialect;
}

impl HasRegisterDialect for sqlx::sqlite::SqliteConnection {
    // One writer connection: submissions run one at a time whatever the order of
    // their statements, and each commit is as durable as the pool's setting makes it.
    const REGISTER: RegisterDialect = RegisterDialect { async_commit: None, durable: None };
}

impl HasRegisterDialect for sqlx::postgres::PgConnection {
    const REGISTER: RegisterDialect = RegisterDialect {
        async_commit: Some("SET LOCAL synchronous_commit = off"),
        // A transactional WAL record in its own synchronous transaction: its commit
        // flushes the WAL up to itself, past the submission's commit record.
        durable: Some("SELECT pg_logical_emit_message(true, 'concerto.register', '')"),
    };
}

fn register_dialect<C: HasRegisterDialect>(_: &C) -> RegisterDialect {
    C::REGISTER
}

/// A negative sequence, distinct per submission, held by a row until its number.
fn provisional_sequence(manage_token_digest: &str) -> i64 {
    let digest = sha256_hex(manage_token_digest.as_bytes());
    let high = i64::from_str_radix(&digest[..15], 16).unwrap_or(0);
    -1 - high
}

const SELECT_EXPRESSION: &str = "SELECT * FROM expressions";

/// How many times a submission is retried when a concurrent one from the same
/// applicant wins the race for the "one current expression" index.
const ATTEMPTS: usize = 3;

/// Why an amendment starts again: the version it read was amended meanwhile.
const AMENDED_MEANWHILE: &str = "la registrazione è stata modificata nel frattempo";

/// How many times an amendment starts again after losing to another amendment.
const OVERTAKEN: usize = 64;

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
        let (mut attempt, mut overtaken) = (0, 0);
        loop {
            match self.try_submit(submission, &email).await {
                // Another amendment of the same registration committed first: start
                // again from the version it left. Each such loss is another's
                // progress, so it is bounded by the amendments racing, not by ATTEMPTS.
                Err(StoreError::Conflict(why)) if why == AMENDED_MEANWHILE && overtaken < OVERTAKEN => overtaken += 1,
                Err(e) if attempt + 1 < ATTEMPTS && is_unique_violation(&e) => attempt += 1,
                outcome => return outcome,
            }
        }
    }

    async fn try_submit(&self, s: &Submission<'_>, email: &impl Fn(&Receipt) -> NewEmail) -> Result<Receipt> {
        let process = s.process;
        let e = s.expression;
        let a = &e.applicant;
        let year = ProtocolNumber::year_of(s.received_at);
        // Until the number is taken the row carries a provisional, negative sequence of
        // its own (from the management link's digest, random and distinct per
        // submission), so that concurrent submissions never meet on the register's
        // unique index before they reach the register itself.
        let provisional = provisional_sequence(&s.manage_token_digest);
        on_pool!(
            self,
            write
                | pool
                | {
                    let mut conn = pool.acquire().await?;
                    let mut tx = conn.begin().await?;
                    if let Some(set) = register_dialect(&*tx).async_commit {
                        sqlx::query(set).execute(&mut *tx).await?;
                    }

                    // All the work that does not need the number comes first, without holding
                    // the register: submissions to one Ambito run side by side up to here. An
                    // applicant's concurrent submissions still meet on the "one current
                    // expression" index (a unique violation, retried by submit_expression).
                    let replaced = match &s.amends {
                        Some(digest) => {
                            let row = sqlx::query(&format!(
                                "{SELECT_REPLACED} JOIN expression_links l ON l.expression_id = e.id
                         WHERE l.digest = $1 AND e.process_id = $2"
                            ))
                            .bind(digest)
                            .bind(process.id)
                            .fetch_optional(&mut *tx)
                            .await?
                            .ok_or(StoreError::NotFound)?;
                            let current = Replaced::of(&row)?;
                            admit_amendment(current.status, &current.tax_code, a.tax_code.as_str())?;
                            Some(current)
                        }
                        None => {
                            let current: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM expressions WHERE process_id = $1 AND tax_code = $2 AND status = 'active'",
                    )
                    .bind(process.id)
                    .bind(a.tax_code.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                            admit_new_submission(current.is_some())?;
                            None
                        }
                    };
                    if let Some(old) = &replaced {
                        // Only from 'active': an amendment that raced another one of the same
                        // version (now superseded) starts again and amends the newer one.
                        let moved = sqlx::query(
                            "UPDATE expressions SET status = 'superseded' WHERE id = $1 AND status = 'active'",
                        )
                        .bind(old.id)
                        .execute(&mut *tx)
                        .await?;
                        if moved.rows_affected() != 1 {
                            return Err(StoreError::Conflict(AMENDED_MEANWHILE.into()));
                        }
                    }

                    let id: i64 = sqlx::query_scalar(INSERT_EXPRESSION)
                        .bind(process.id)
                        .bind(process.ambito.id)
                        .bind(year)
                        .bind(provisional)
                        .bind(s.received_at)
                        .bind(replaced.as_ref().map(|r| r.id))
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
                        .bind("")
                        .bind("")
                        .bind(e.public_name_consent)
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
                    // The holder's earlier links follow the registration to its new version.
                    if let Some(old) = &replaced {
                        sqlx::query("UPDATE expression_links SET expression_id = $2 WHERE expression_id = $1")
                            .bind(old.id)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    sqlx::query("INSERT INTO expression_links (digest, expression_id, issued_at, issued_for_id) VALUES ($1, $2, $3, $2)")
                .bind(&s.manage_token_digest)
                .bind(id)
                .bind(s.received_at)
                .execute(&mut *tx)
                .await?;
                    crate::tables::form_proposal_follows!(
                        &mut *tx,
                        process.id,
                        replaced.as_ref().map(|r| r.id),
                        id,
                        e,
                        s.received_at
                    )
                    .await?;
                    let pact_kind = concerto_domain::PactKind::for_expression(e);
                    let change = pact_follows_expression!(
                        &mut *tx,
                        process,
                        replaced.as_ref().map(|r| r.id),
                        id,
                        a.tax_code.as_str(),
                        pact_kind,
                        s.received_at
                    )
                    .await?;

                    // The number last: taking it locks the Ambito's register row to the commit,
                    // so numbers are given in commit order and a refusal or a crash before the
                    // commit gives the number back. What needs the number (the canonical text
                    // and its digest, the receipt, its e-mail, the audit entry) follows it.
                    let sequence: i64 = sqlx::query_scalar(NEXT_PROTOCOL)
                        .bind(process.ambito.id)
                        .bind(year)
                        .fetch_one(&mut *tx)
                        .await?;
                    let protocol = ProtocolNumber { year, sequence };
                    let canonical = canonical_submission(&process.header.slug, protocol, s.received_at, e);
                    let sha256 = sha256_hex(canonical.as_bytes());
                    sqlx::query(
                        "UPDATE expressions SET protocol_sequence = $2, canonical = $3, sha256 = $4 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(sequence)
                    .bind(&canonical)
                    .bind(&sha256)
                    .execute(&mut *tx)
                    .await?;
                    let receipt = Receipt {
                        expression_id: id,
                        protocol,
                        received_at: s.received_at,
                        sha256,
                        supersedes: replaced.as_ref().map(|r| r.protocol),
                    };
                    enqueue_on!(&mut *tx, email(&receipt), s.received_at).await?;
                    let entry = AuditEntry {
                        actor: if replaced.is_some() { "holder:link".into() } else { "public".into() },
                        at: s.received_at,
                        action: if replaced.is_some() { "expression.amend".into() } else { "expression.submit".into() },
                        subject: format!("expression:{id}"),
                        ambito: Some(process.ambito.slug.clone()),
                        before: replaced.as_ref().map(|r| {
                            serde_json::json!({ "protocol": r.protocol.to_string(), "status": "active" }).to_string()
                        }),
                        after: Some(
                            serde_json::json!({
                                "process": process.header.slug,
                                "protocol": protocol.to_string(),
                                "sha256": receipt.sha256,
                                "pact": change.code(),
                            })
                            .to_string(),
                        ),
                    };
                    // The audit chain's tail lock, shared by every change, is the last one taken.
                    audit_on!(&mut *tx, &entry).await?;
                    tx.commit().await?;
                    // On PostgreSQL the commit above did not wait for the disk, so the register's
                    // and the chain's locks were released without a WAL flush in between (one
                    // flush per submission, serialized, capped the rush at the disk's flush
                    // rate). The receipt is answered only once the commit is durable: this
                    // statement commits synchronously a record written after it, so its flush
                    // covers ours, and concurrent submissions share flushes. A database crash
                    // before the flush loses only the last commits, numbers included, and none
                    // of them was answered: the register stays gapless and every receipt stands.
                    if let Some(durable) = register_dialect(&*conn).durable {
                        sqlx::query(durable).execute(&mut *conn).await?;
                    }
                    Ok(receipt)
                }
        )
    }

    /// The expression behind a management link: the current version of the
    /// registration the link was issued for.
    pub async fn expression_by_token(&self, digest: &str) -> Result<Option<ReceivedExpression>> {
        let sql =
            format!("{SELECT_EXPRESSION} WHERE id = (SELECT expression_id FROM expression_links WHERE digest = $1)");
        Ok(self.load_expressions(&sql, Key::Text(digest)).await?.pop())
    }

    /// When a management link was issued, and the version it was issued for when
    /// that is known (links issued before migration 22 do not say): an amendment
    /// may since have replaced that version.
    pub async fn expression_link_origin(
        &self,
        digest: &str,
    ) -> Result<Option<(DateTime<Utc>, Option<ProtocolNumber>)>> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(
                    "SELECT l.issued_at, e.protocol_year, e.protocol_sequence FROM expression_links l
                 LEFT JOIN expressions e ON e.id = l.issued_for_id WHERE l.digest = $1",
                )
                .bind(digest)
                .fetch_optional(pool)
                .await?;
                row.map(|r| {
                    let protocol = match r.opt_small("protocol_year")? {
                        Some(year) => Some(ProtocolNumber { year, sequence: r.int("protocol_sequence")? }),
                        None => None,
                    };
                    Ok((r.instant("issued_at")?, protocol))
                })
                .transpose()
            }
        )
    }

    pub async fn expression_by_id(&self, id: i64) -> Result<Option<ReceivedExpression>> {
        let sql = format!("{SELECT_EXPRESSION} WHERE id = $1");
        Ok(self.load_expressions(&sql, Key::Int(id)).await?.pop())
    }

    /// The current expressions of a process: one per applicant, amendments folded in.
    pub async fn active_expressions(&self, process_id: i64) -> Result<Vec<ReceivedExpression>> {
        let sql = format!(
            "{SELECT_EXPRESSION} WHERE process_id = $1 AND status = 'active' ORDER BY protocol_year, protocol_sequence"
        );
        self.load_expressions(&sql, Key::Int(process_id)).await
    }

    /// The areas each current expression of a process takes part in, one list per
    /// expression, in protocol order: enough to count them per area and per table
    /// without loading the expressions.
    pub async fn active_expression_areas(&self, process_id: i64) -> Result<Vec<Vec<i64>>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(
                    "SELECT e.id, p.area_id FROM expressions e
                 LEFT JOIN expression_participations p ON p.expression_id = e.id
                 WHERE e.process_id = $1 AND e.status = 'active'
                 ORDER BY e.protocol_year, e.protocol_sequence, p.area_id",
                )
                .bind(process_id)
                .fetch_all(pool)
                .await?;
                let mut out: Vec<Vec<i64>> = Vec::new();
                let mut last = None;
                for row in &rows {
                    let id = row.int("id")?;
                    if last != Some(id) {
                        out.push(Vec::new());
                        last = Some(id);
                    }
                    if let (Some(areas), Some(area)) = (out.last_mut(), row.opt_int("area_id")?) {
                        areas.push(area);
                    }
                }
                Ok(out)
            }
        )
    }

    /// `limit` current expressions of a process from the `offset`-th, in protocol
    /// order: one page of the office's list.
    pub async fn active_expressions_page(
        &self,
        process_id: i64,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<ReceivedExpression>> {
        let sql = format!(
            "{SELECT_EXPRESSION} WHERE process_id = $1 AND status = 'active' ORDER BY protocol_year, protocol_sequence LIMIT {limit} OFFSET {offset}"
        );
        self.load_expressions(&sql, Key::Int(process_id)).await
    }

    /// The annulled registrations of a process, for the office's filter.
    pub async fn annulled_expressions(&self, process_id: i64) -> Result<Vec<(ReceivedExpression, AnnulmentRecord)>> {
        let expressions = self
            .load_expressions(
                &format!("{SELECT_EXPRESSION} WHERE process_id = $1 AND annulled_at IS NOT NULL ORDER BY protocol_year, protocol_sequence"),
                Key::Int(process_id),
            )
            .await?;
        let mut out = Vec::with_capacity(expressions.len());
        for e in expressions {
            let record = self.annulment_of(e.id).await?.ok_or(StoreError::NotFound)?;
            out.push((e, record));
        }
        Ok(out)
    }

    /// Who annulled an expression, when and why.
    pub async fn annulment_of(&self, expression_id: i64) -> Result<Option<AnnulmentRecord>> {
        on_pool!(
            self,
            read | pool
                | {
                    let row = sqlx::query(
                "SELECT annulled_at, annulled_by, annulment_reason FROM expressions WHERE id = $1 AND annulled_at IS NOT NULL",
            )
            .bind(expression_id)
            .fetch_optional(pool)
            .await?;
                    row.map(|r| {
                        Ok(AnnulmentRecord {
                            at: r.instant("annulled_at")?,
                            by: r.text("annulled_by")?,
                            reason: r.text("annulment_reason")?,
                        })
                    })
                    .transpose()
                }
        )
    }

    /// The current expression of a tax code in a process, if any.
    pub async fn current_expression(&self, process_id: i64, tax_code: &TaxCode) -> Result<Option<ReceivedExpression>> {
        on_pool!(
            self,
            read | pool | {
                let id: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM expressions WHERE process_id = $1 AND tax_code = $2 AND status = 'active'",
                )
                .bind(process_id)
                .bind(tax_code.as_str())
                .fetch_optional(pool)
                .await?;
                match id {
                    Some(id) => self.expression_by_id(id).await,
                    None => Ok(None),
                }
            }
        )
    }

    /// Every version an applicant sent to a process, oldest first.
    pub async fn expression_history(&self, process_id: i64, tax_code: &TaxCode) -> Result<Vec<HistoryEntry>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(
                    "SELECT protocol_year, protocol_sequence, received_at, status, annulled_at FROM expressions
                 WHERE process_id = $1 AND tax_code = $2 ORDER BY received_at, protocol_sequence",
                )
                .bind(process_id)
                .bind(tax_code.as_str())
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(HistoryEntry {
                            protocol: ProtocolNumber {
                                year: r.small("protocol_year")?,
                                sequence: r.int("protocol_sequence")?,
                            },
                            received_at: r.instant("received_at")?,
                            status: status_of(r)?,
                        })
                    })
                    .collect()
            }
        )
    }

    /// Adds a management link to the current expression of `tax_code` and queues the
    /// message that `email` builds for the address on file, with an audit entry:
    /// "send me my link again". False when the tax code has no current expression;
    /// the caller answers the same either way.
    pub async fn add_expression_link(
        &self,
        process: &Process,
        tax_code: &TaxCode,
        digest: &str,
        at: DateTime<Utc>,
        email: impl Fn(&ReceivedExpression) -> NewEmail,
    ) -> Result<bool> {
        let Some(current) = self.current_expression(process.id, tax_code).await? else {
            return Ok(false);
        };
        let message = email(&current);
        let entry = AuditEntry {
            actor: "public".into(),
            at,
            action: "expression.link_resent".into(),
            subject: format!("expression:{}", current.id),
            ambito: Some(process.ambito.slug.clone()),
            before: None,
            after: Some(serde_json::json!({ "protocol": current.protocol.to_string() }).to_string()),
        };
        audited!(self, &entry, |tx| {
            // Inserted only while that version is still the current one.
            let added = sqlx::query(
                "INSERT INTO expression_links (digest, expression_id, issued_at, issued_for_id)
                 SELECT $1, id, $3, id FROM expressions WHERE id = $2 AND status = 'active'",
            )
            .bind(digest)
            .bind(current.id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if added.rows_affected() != 1 {
                return Ok(false);
            }
            enqueue_on!(&mut *tx, message, at).await?;
            true
        })
    }

    /// Withdraws the current expression behind a management link, and its pact with it.
    pub async fn withdraw_expression(&self, digest: &str, at: DateTime<Utc>) -> Result<()> {
        let current = self.expression_by_token(digest).await?.ok_or(StoreError::NotFound)?;
        let ambito = self.ambito_slug_of_process(current.process_id).await?;
        let entry = AuditEntry {
            actor: "holder:link".into(),
            at,
            action: "expression.withdraw".into(),
            subject: format!("expression:{}", current.id),
            ambito: Some(ambito),
            before: Some(
                serde_json::json!({ "protocol": current.protocol.to_string(), "status": "active" }).to_string(),
            ),
            after: Some(serde_json::json!({ "status": "withdrawn" }).to_string()),
        };
        audited!(self, &entry, |tx| {
            let moved = sqlx::query(
                "UPDATE expressions SET status = 'withdrawn', withdrawn_at = $2 WHERE id = $1 AND status = 'active'",
            )
            .bind(current.id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() != 1 {
                return Err(StoreError::NotFound);
            }
            end_pact_of_expression!(&mut *tx, current.id, at, "manifestazione di interesse ritirata").await?;
        })
    }

    /// Annuls a registration of the process `a.process_id` (DPR 445/2000, art. 54):
    /// its number stays in the register marked annulled with who, when and why, its
    /// pact is withdrawn, and the message `email` builds tells the holder; the audit
    /// entry is written in the same transaction.
    pub async fn annul_expression(
        &self,
        a: &Annulment<'_>,
        email: impl Fn(&ReceivedExpression) -> NewEmail,
    ) -> Result<ReceivedExpression> {
        let target = self
            .expression_by_id(a.expression_id)
            .await?
            .filter(|e| e.process_id == a.process.id)
            .ok_or(StoreError::NotFound)?;
        if !may_annul(target.status) {
            return Err(SubmissionConflict::NotAmendable(target.status).into());
        }
        let message = email(&target);
        let entry = AuditEntry {
            actor: a.actor.to_string(),
            at: a.at,
            action: "expression.annul".into(),
            subject: format!("expression:{}", target.id),
            ambito: Some(a.process.ambito.slug.clone()),
            before: Some(
                serde_json::json!({ "protocol": target.protocol.to_string(), "status": target.status.code() })
                    .to_string(),
            ),
            after: Some(serde_json::json!({ "status": "annulled", "reason": a.reason }).to_string()),
        };
        audited!(self, &entry, |tx| {
            let moved = sqlx::query(
                "UPDATE expressions SET status = 'withdrawn', annulled_at = $2, annulled_by = $3, annulment_reason = $4
                 WHERE id = $1 AND status = $5 AND annulled_at IS NULL",
            )
            .bind(target.id)
            .bind(a.at)
            .bind(a.actor)
            .bind(a.reason)
            .bind(target.status.code())
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() != 1 {
                return Err(StoreError::Conflict(
                    "la manifestazione di interesse è stata modificata nel frattempo".into(),
                ));
            }
            end_pact_of_expression!(&mut *tx, target.id, a.at, "registrazione annullata dall'ufficio").await?;
        }, then enqueue_on!(&mut *tx, message, a.at).await?)?;
        self.expression_by_id(target.id).await?.ok_or(StoreError::NotFound)
    }

    async fn ambito_slug_of_process(&self, process_id: i64) -> Result<String> {
        on_pool!(
            self,
            read | pool | {
                Ok(sqlx::query_scalar(
                    "SELECT a.slug FROM processes p JOIN ambiti a ON a.id = p.ambito_id WHERE p.id = $1",
                )
                .bind(process_id)
                .fetch_one(pool)
                .await?)
            }
        )
    }

    /// Every protocol number of an Ambito's register in a year, in order: for
    /// checking that the register has no gaps.
    pub async fn protocol_sequences(&self, ambito_id: i64, year: i32) -> Result<Vec<i64>> {
        on_pool!(
            self,
            read | pool
                | {
                    Ok(sqlx::query_scalar(
                "SELECT protocol_sequence FROM expressions WHERE ambito_id = $1 AND protocol_year = $2 ORDER BY protocol_sequence",
            )
            .bind(ambito_id)
            .bind(year)
            .fetch_all(pool)
            .await?)
                }
        )
    }

    /// The protocol register of an Ambito: every year with the numbers given in it,
    /// each marked when it was annulled.
    pub async fn protocol_register(&self, ambito_slug: &str) -> Result<Vec<(i32, Vec<RegisterLine>)>> {
        on_pool!(
            self,
            read | pool
                | {
                    let rows = sqlx::query(
                "SELECT e.protocol_year, e.protocol_sequence, e.annulled_at FROM expressions e JOIN ambiti a ON a.id = e.ambito_id
                 WHERE a.slug = $1 ORDER BY e.protocol_year, e.protocol_sequence",
            )
            .bind(ambito_slug)
            .fetch_all(pool)
            .await?;
                    let mut years: Vec<(i32, Vec<RegisterLine>)> = Vec::new();
                    for row in &rows {
                        let year = row.small("protocol_year")?;
                        let line = RegisterLine {
                            sequence: row.int("protocol_sequence")?,
                            annulled: row.opt_instant("annulled_at")?.is_some(),
                        };
                        match years.last_mut() {
                            Some((y, lines)) if *y == year => lines.push(line),
                            _ => years.push((year, vec![line])),
                        }
                    }
                    Ok(years)
                }
        )
    }

    async fn load_expressions(&self, sql: &str, key: Key<'_>) -> Result<Vec<ReceivedExpression>> {
        on_pool!(
            self,
            read | pool | {
                let mut conn = pool.acquire().await?;
                let query = sqlx::query(sql);
                let query = match key {
                    Key::Int(id) => query.bind(id),
                    Key::Text(text) => query.bind(text),
                };
                let rows = query.fetch_all(&mut *conn).await?;
                // The participations and proposal areas of all the rows, a few hundred
                // expressions per query rather than two queries per expression.
                let ids = rows.iter().map(|row| row.int("id")).collect::<Result<Vec<i64>>>()?;
                let mut participations: HashMap<i64, Vec<Participation>> = HashMap::new();
                let mut proposal_areas: HashMap<i64, Vec<i64>> = HashMap::new();
                for chunk in ids.chunks(BATCH) {
                    let list = placeholders(chunk.len());
                    let sql = format!(
                        "SELECT expression_id, area_id, rep_name, rep_email, rep_phone FROM expression_participations
                     WHERE expression_id IN ({list}) ORDER BY expression_id, area_id"
                    );
                    let mut query = sqlx::query(&sql);
                    for id in chunk {
                        query = query.bind(id);
                    }
                    for p in query.fetch_all(&mut *conn).await? {
                        participations.entry(p.int("expression_id")?).or_default().push(Participation {
                            area_id: p.int("area_id")?,
                            representative: Representative {
                                name: p.text("rep_name")?,
                                email: p.text("rep_email")?,
                                phone: p.opt_text("rep_phone")?,
                            },
                        });
                    }
                    let sql = format!(
                        "SELECT expression_id, area_id FROM proposal_areas WHERE expression_id IN ({list})
                     ORDER BY expression_id, area_id"
                    );
                    let mut query = sqlx::query(&sql);
                    for id in chunk {
                        query = query.bind(id);
                    }
                    for a in query.fetch_all(&mut *conn).await? {
                        proposal_areas.entry(a.int("expression_id")?).or_default().push(a.int("area_id")?);
                    }
                }
                let mut expressions = Vec::with_capacity(rows.len());
                for (row, id) in rows.iter().zip(&ids) {
                    expressions.push(expression_from_row(
                        row,
                        participations.remove(id).unwrap_or_default(),
                        proposal_areas.remove(id).unwrap_or_default(),
                    )?);
                }
                Ok(expressions)
            }
        )
    }
}

/// Expressions whose parts are read by one query: well under SQLite's and
/// PostgreSQL's limits on bound parameters.
const BATCH: usize = 500;

/// `$1, $2, …, $n`.
fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

fn expression_from_row(
    row: &impl Columns,
    participations: Vec<Participation>,
    proposal_areas: Vec<i64>,
) -> Result<ReceivedExpression> {
    let kind = row.text("applicant_kind")?;
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
        status: status_of(row)?,
        sha256: row.text("sha256")?,
        expression: Expression {
            applicant: Applicant {
                kind: ApplicantKind::from_code(&kind).ok_or_else(|| corrupt("applicant_kind", &kind))?,
                name: row.text("name")?,
                legal_form,
                // An anonymised row holds a placeholder unique to it (retention), not a code.
                tax_code: if row.opt_instant("anonymised_at")?.is_some() {
                    TaxCode::anonymised()
                } else {
                    TaxCode::parse(&tax_code).map_err(|_| corrupt("tax_code", &tax_code))?
                },
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
            public_name_consent: row.flag("public_name_consent")?,
        },
    })
}

#[cfg(any(test, feature = "testing"))]
impl Store {
    /// Tries to delete a registration behind the register's back, as anyone with
    /// access to the database could: the schema refuses it.
    pub async fn delete_expression_for_tests(&self, id: i64) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                sqlx::query("DELETE FROM expressions WHERE id = $1").bind(id).execute(pool).await?;
            }
        );
        Ok(())
    }
}

//! Participation pacts (patti di partecipazione): generated with each eligible
//! expression in its own transaction, then each step recorded with its event, the
//! uploaded file or the withdrawal declaration, the messages and the audit entry.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use concerto_domain::{
    AuditEntry, Pact, PactAction, PactKind, PactState, ProtocolNumber, SignatureMethod, SignedFile, SignedFileKind,
    WithdrawalDeclaration, next_state,
};
use sqlx::Row;

use crate::audit::audited;
use crate::outbox::enqueue_on;
use crate::rows::{Columns, corrupt};
use crate::{NewEmail, Result, Store, StoreError, on_pool};

/// One step of a pact's life to record.
pub struct PactStep<'a> {
    pub pact_id: i64,
    pub action: PactAction,
    pub at: DateTime<Utc>,
    /// `link`, `account:7 <x@y>`, or the signer's name with the channel.
    pub actor: String,
    /// The address the request came from.
    pub address: Option<String>,
    /// SHA-256 of the exact document accepted or uploaded.
    pub document_sha256: Option<String>,
    pub detail: Option<String>,
    /// For a signature: how it was given.
    pub signature: Option<SignatureMethod>,
    pub file: Option<NewPactFile<'a>>,
    pub withdrawal: Option<&'a WithdrawalDeclaration>,
    pub emails: &'a [NewEmail],
    /// The audit entry of an office action.
    pub audit: Option<&'a AuditEntry>,
}

impl PactStep<'_> {
    /// The step `action` on pact `pact_id`, by `actor` from `address`, with nothing
    /// attached: no document, file, declaration, e-mail or audit entry.
    pub fn new(pact_id: i64, action: PactAction, at: DateTime<Utc>, actor: String, address: String) -> Self {
        PactStep {
            pact_id,
            action,
            at,
            actor,
            address: Some(address),
            document_sha256: None,
            detail: None,
            signature: None,
            file: None,
            withdrawal: None,
            emails: &[],
            audit: None,
        }
    }
}

/// An uploaded signed file that passed its checks.
pub struct NewPactFile<'a> {
    pub file: SignedFile,
    pub sha256: String,
    pub content: &'a [u8],
}

/// A pact with the applicant it belongs to: a line of the office's register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PactEntry {
    pub pact: Pact,
    pub protocol: ProtocolNumber,
    pub name: String,
    pub tax_code: String,
    pub email: String,
    /// Whether the latest uploaded file carries a digital signature.
    pub signature_detected: Option<bool>,
}

/// One recorded step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PactEvent {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor: String,
    pub address: Option<String>,
    pub document_sha256: Option<String>,
    pub detail: Option<String>,
}

/// The latest signed file of a pact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPactFile {
    pub uploaded_at: DateTime<Utc>,
    pub kind: SignedFileKind,
    pub signature_detected: bool,
    pub sha256: String,
    pub content: Vec<u8>,
}

const SELECT_PACT: &str = "SELECT id, process_id, ambito_id, expression_id, kind, state, generated_at, signed_at,
    signature_method, countersigned_at, withdrawn_at FROM pacts";

pub(crate) const INSERT_EVENT: &str =
    "INSERT INTO pact_events (pact_id, at, action, actor, address, document_sha256, detail)
    VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Keeps the applicant's pact in step with the expression `$expression_id` just
/// received, inside the caller's transaction `$conn`, as
/// [`concerto_domain::pact_change`] decides from the pact of the version
/// `$replaced_id` (none for a first submission). Evaluates to a future of the
/// [`concerto_domain::PactChange`] made.
macro_rules! pact_follows_expression {
    ($conn:expr, $process:expr, $replaced_id:expr, $expression_id:expr, $tax_code:expr, $kind:expr, $at:expr) => {
        async {
            let conn = $conn;
            let process: &concerto_domain::Process = $process;
            let replaced_id: Option<i64> = $replaced_id;
            let kind: Option<concerto_domain::PactKind> = $kind;
            let at: chrono::DateTime<chrono::Utc> = $at;
            let current = match replaced_id {
                Some(replaced) => {
                    let row = sqlx::query("SELECT id, state FROM pacts WHERE expression_id = $1")
                        .bind(replaced)
                        .fetch_optional(&mut *conn)
                        .await?;
                    match row {
                        Some(row) => {
                            let state = crate::rows::Columns::text(&row, "state")?;
                            let state = concerto_domain::PactState::from_code(&state)
                                .ok_or_else(|| crate::rows::corrupt("state", &state))?;
                            Some((crate::rows::Columns::int(&row, "id")?, state))
                        }
                        None => None,
                    }
                }
                None => None,
            };
            let change = concerto_domain::pact_change(current.map(|(_, state)| state), kind);
            match (change, current) {
                (concerto_domain::PactChange::Follow(kind), Some((id, _))) => {
                    sqlx::query("UPDATE pacts SET expression_id = $2, kind = $3 WHERE id = $1")
                        .bind(id)
                        .bind($expression_id)
                        .bind(kind.code())
                        .execute(&mut *conn)
                        .await?;
                }
                (concerto_domain::PactChange::End, Some((id, _))) => {
                    crate::pacts::end_pact_on!(
                        &mut *conn,
                        id,
                        at,
                        "manifestazione di interesse non più ammessa al patto"
                    )
                    .await?;
                }
                (concerto_domain::PactChange::Generate(kind), _) => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO pacts (process_id, ambito_id, expression_id, tax_code, kind, state, generated_at)
                         VALUES ($1, $2, $3, $4, $5, 'generated', $6) RETURNING id",
                    )
                    .bind(process.id)
                    .bind(process.ambito.id)
                    .bind($expression_id)
                    .bind($tax_code)
                    .bind(kind.code())
                    .bind(at)
                    .fetch_one(&mut *conn)
                    .await?;
                    sqlx::query(crate::pacts::INSERT_EVENT)
                        .bind(id)
                        .bind(at)
                        .bind("generated")
                        .bind("sistema")
                        .bind(None::<String>)
                        .bind(None::<String>)
                        .bind(None::<String>)
                        .execute(&mut *conn)
                        .await?;
                }
                _ => {}
            }
            Ok::<concerto_domain::PactChange, crate::StoreError>(change)
        }
    };
}
pub(crate) use pact_follows_expression;

/// Withdraws the pact of the expression `$expression_id`, if it has one in force,
/// with `$detail` saying why: the expression was withdrawn or annulled.
macro_rules! end_pact_of_expression {
    ($conn:expr, $expression_id:expr, $at:expr, $detail:expr) => {
        async {
            let conn = $conn;
            let pact: Option<i64> =
                sqlx::query_scalar("SELECT id FROM pacts WHERE expression_id = $1 AND state <> 'withdrawn'")
                    .bind($expression_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            if let Some(pact) = pact {
                crate::pacts::end_pact_on!(&mut *conn, pact, $at, $detail).await?;
            }
            Ok::<(), crate::StoreError>(())
        }
    };
}
pub(crate) use end_pact_of_expression;

/// Marks the pact `$id` withdrawn by the system, with `$detail` saying why.
macro_rules! end_pact_on {
    ($conn:expr, $id:expr, $at:expr, $detail:expr) => {
        async {
            let conn = $conn;
            sqlx::query(
                "UPDATE pacts SET state = 'withdrawn', withdrawn_at = $2 WHERE id = $1 AND state <> 'withdrawn'",
            )
            .bind($id)
            .bind($at)
            .execute(&mut *conn)
            .await?;
            sqlx::query(crate::pacts::INSERT_EVENT)
                .bind($id)
                .bind($at)
                .bind("withdrawn")
                .bind("sistema")
                .bind(None::<String>)
                .bind(None::<String>)
                .bind(Some($detail))
                .execute(&mut *conn)
                .await?;
            Ok::<(), crate::StoreError>(())
        }
    };
}
pub(crate) use end_pact_on;

/// The audit entry of a step taken by the organization.
fn step_entry(step: &PactStep<'_>, pact: &Pact, to: PactState, ambito: String) -> AuditEntry {
    AuditEntry {
        actor: step.actor.clone(),
        at: step.at,
        action: match step.action {
            PactAction::Sign => "pact.sign",
            PactAction::Countersign => "pact.countersign",
            PactAction::Withdraw => "pact.withdraw",
        }
        .to_string(),
        subject: format!("pact:{}", pact.id),
        ambito: Some(ambito),
        before: Some(serde_json::json!({ "state": pact.state.code() }).to_string()),
        after: Some(
            serde_json::json!({ "state": to.code(), "address": step.address, "document_sha256": step.document_sha256 })
                .to_string(),
        ),
    }
}

/// The column a step stamps with its instant.
fn stamp_column(action: PactAction) -> &'static str {
    match action {
        PactAction::Sign => "signed_at",
        PactAction::Countersign => "countersigned_at",
        PactAction::Withdraw => "withdrawn_at",
    }
}

impl Store {
    /// Records one step: the state moves only from the one the rules allow, and
    /// only if nobody moved it meanwhile; the event, file, declaration, messages and
    /// audit entry are kept or lost with it.
    pub async fn record_pact_step(&self, step: &PactStep<'_>) -> Result<Pact> {
        let pact = self.pact(step.pact_id).await?.ok_or(StoreError::NotFound)?;
        let to = next_state(pact.state, step.action).map_err(|e| StoreError::Conflict(e.to_string()))?;
        let column = stamp_column(step.action);
        let update = format!(
            "UPDATE pacts SET state = $3, {column} = $4,
             signature_method = COALESCE($5, signature_method) WHERE id = $1 AND state = $2"
        );
        audited!(self, |tx| {
            let moved = sqlx::query(&update)
                .bind(pact.id)
                .bind(pact.state.code())
                .bind(to.code())
                .bind(step.at)
                .bind(step.signature.map(SignatureMethod::code))
                .execute(&mut *tx)
                .await?;
            if moved.rows_affected() != 1 {
                return Err(StoreError::Conflict("il patto è stato modificato nel frattempo".into()));
            }
            sqlx::query(INSERT_EVENT)
                .bind(pact.id)
                .bind(step.at)
                .bind(step.action.code())
                .bind(&step.actor)
                .bind(&step.address)
                .bind(&step.document_sha256)
                .bind(&step.detail)
                .execute(&mut *tx)
                .await?;
            if let Some(f) = &step.file {
                sqlx::query(
                    "INSERT INTO pact_files (pact_id, uploaded_at, file_kind, signature_detected, size, sha256, content)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(pact.id)
                .bind(step.at)
                .bind(f.file.kind.code())
                .bind(f.file.signature_detected)
                .bind(f.content.len() as i64)
                .bind(&f.sha256)
                .bind(f.content)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(w) = step.withdrawal {
                sqlx::query(
                    "INSERT INTO pact_withdrawals (pact_id, declared_at, declarant, capacity, reason) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(pact.id)
                .bind(step.at)
                .bind(&w.declarant)
                .bind(&w.capacity)
                .bind(&w.reason)
                .execute(&mut *tx)
                .await?;
            }
            for email in step.emails {
                enqueue_on!(&mut *tx, email, step.at).await?;
            }
            // Every step is audited: the office's with its own entry, the
            // organization's with one made from the step.
            let entry = match step.audit {
                Some(entry) => Cow::Borrowed(entry),
                None => {
                    let ambito: String = sqlx::query_scalar("SELECT slug FROM ambiti WHERE id = $1")
                        .bind(pact.ambito_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    Cow::Owned(step_entry(step, &pact, to, ambito))
                }
            };
            ((), entry)
        })?;
        self.pact(pact.id).await?.ok_or(StoreError::NotFound)
    }

    pub async fn pact(&self, id: i64) -> Result<Option<Pact>> {
        let sql = format!("{SELECT_PACT} WHERE id = $1");
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(&sql).bind(id).fetch_optional(pool).await?;
                row.as_ref().map(pact_from_row).transpose()
            }
        )
    }

    /// The latest pact of an expression, withdrawn or not.
    pub async fn pact_of_expression(&self, expression_id: i64) -> Result<Option<Pact>> {
        let sql = format!("{SELECT_PACT} WHERE expression_id = $1 ORDER BY id DESC LIMIT 1");
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(&sql).bind(expression_id).fetch_optional(pool).await?;
                row.as_ref().map(pact_from_row).transpose()
            }
        )
    }

    /// The register of a process's pacts, in protocol order.
    pub async fn pact_register(&self, process_id: i64) -> Result<Vec<PactEntry>> {
        self.pact_entries("p.process_id = $1", crate::rows::Key::Int(process_id), None).await
    }

    /// `limit` lines of the register from `offset`, for a register of thousands.
    pub async fn pact_register_page(&self, process_id: i64, offset: usize, limit: usize) -> Result<Vec<PactEntry>> {
        self.pact_entries("p.process_id = $1", crate::rows::Key::Int(process_id), Some((offset, limit))).await
    }

    /// How many lines the register of a process has.
    pub async fn pact_count(&self, process_id: i64) -> Result<usize> {
        on_pool!(
            self,
            read | pool | {
                let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pacts WHERE process_id = $1")
                    .bind(process_id)
                    .fetch_one(pool)
                    .await?;
                Ok(usize::try_from(count).unwrap_or(0))
            }
        )
    }

    /// The state of each expression's latest pact in a process, without the register's
    /// names and files: what the office's list of expressions shows beside each row.
    pub async fn pact_states(&self, process_id: i64) -> Result<Vec<(i64, PactState)>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query("SELECT expression_id, state FROM pacts WHERE process_id = $1 ORDER BY id")
                    .bind(process_id)
                    .fetch_all(pool)
                    .await?;
                let mut latest: Vec<(i64, PactState)> = Vec::with_capacity(rows.len());
                for row in &rows {
                    let state = row.text("state")?;
                    let state = PactState::from_code(&state).ok_or_else(|| corrupt("state", &state))?;
                    latest.push((row.int("expression_id")?, state));
                }
                Ok(latest)
            }
        )
    }

    /// The pacts of the organizations whose expression gives `email` as theirs
    /// (case aside), every process's: what their representative account sees.
    pub async fn pacts_of_organization(&self, email: &str) -> Result<Vec<PactEntry>> {
        self.pact_entries("LOWER(e.email) = LOWER($1)", crate::rows::Key::Text(email), None).await
    }

    /// Register lines of the pacts matching `filter` (on pacts `p`, expressions `e`),
    /// in protocol order; of them, `page` = (offset, limit) when given.
    async fn pact_entries(
        &self,
        filter: &str,
        key: crate::rows::Key<'_>,
        page: Option<(usize, usize)>,
    ) -> Result<Vec<PactEntry>> {
        let page = page.map_or(String::new(), |(offset, limit)| format!(" LIMIT {limit} OFFSET {offset}"));
        let sql = format!(
            "SELECT p.id, p.process_id, p.ambito_id, p.expression_id, p.kind, p.state, p.generated_at, p.signed_at,
             p.signature_method, p.countersigned_at, p.withdrawn_at, e.protocol_year, e.protocol_sequence, e.name,
             e.tax_code, e.email, e.anonymised_at AS e_anonymised_at,
             (SELECT f.signature_detected FROM pact_files f WHERE f.pact_id = p.id ORDER BY f.id DESC LIMIT 1)
               AS signature_detected
             FROM pacts p JOIN expressions e ON e.id = p.expression_id
             WHERE {filter} ORDER BY e.protocol_year, e.protocol_sequence, p.id{page}"
        );
        on_pool!(
            self,
            read | pool | {
                let query = sqlx::query(&sql);
                let query = match key {
                    crate::rows::Key::Int(id) => query.bind(id),
                    crate::rows::Key::Text(text) => query.bind(text),
                };
                let rows = query.fetch_all(pool).await?;
                rows.iter()
                    .map(|r| {
                        Ok(PactEntry {
                            pact: pact_from_row(r)?,
                            protocol: ProtocolNumber {
                                year: r.small("protocol_year")?,
                                sequence: r.int("protocol_sequence")?,
                            },
                            name: r.text("name")?,
                            // An anonymised registration's column holds a row placeholder.
                            tax_code: if r.opt_instant("e_anonymised_at")?.is_some() {
                                concerto_domain::TaxCode::anonymised().as_str().to_string()
                            } else {
                                r.text("tax_code")?
                            },
                            email: r.text("email")?,
                            signature_detected: r.try_get::<Option<bool>, _>("signature_detected")?,
                        })
                    })
                    .collect()
            }
        )
    }

    /// Every step of a pact, oldest first.
    pub async fn pact_events(&self, pact_id: i64) -> Result<Vec<PactEvent>> {
        on_pool!(
            self,
            read | pool
                | {
                    let rows = sqlx::query(
                "SELECT at, action, actor, address, document_sha256, detail FROM pact_events WHERE pact_id = $1 ORDER BY id",
            )
            .bind(pact_id)
            .fetch_all(pool)
            .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(PactEvent {
                                at: r.instant("at")?,
                                action: r.text("action")?,
                                actor: r.text("actor")?,
                                address: r.opt_text("address")?,
                                document_sha256: r.opt_text("document_sha256")?,
                                detail: r.opt_text("detail")?,
                            })
                        })
                        .collect()
                }
        )
    }

    /// The latest signed file uploaded for a pact.
    pub async fn pact_file(&self, pact_id: i64) -> Result<Option<StoredPactFile>> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(
                    "SELECT uploaded_at, file_kind, signature_detected, sha256, content FROM pact_files
                 WHERE pact_id = $1 ORDER BY id DESC LIMIT 1",
                )
                .bind(pact_id)
                .fetch_optional(pool)
                .await?;
                row.map(|r| {
                    let kind = r.text("file_kind")?;
                    Ok(StoredPactFile {
                        uploaded_at: r.instant("uploaded_at")?,
                        kind: SignedFileKind::from_code(&kind).ok_or_else(|| corrupt("file_kind", &kind))?,
                        signature_detected: r.flag("signature_detected")?,
                        sha256: r.text("sha256")?,
                        content: r.try_get("content")?,
                    })
                })
                .transpose()
            }
        )
    }

    /// The declaration that withdrew a pact, with its instant.
    pub async fn pact_withdrawal(&self, pact_id: i64) -> Result<Option<(DateTime<Utc>, WithdrawalDeclaration)>> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(
                    "SELECT declared_at, declarant, capacity, reason FROM pact_withdrawals WHERE pact_id = $1",
                )
                .bind(pact_id)
                .fetch_optional(pool)
                .await?;
                row.map(|r| {
                    Ok((
                        r.instant("declared_at")?,
                        WithdrawalDeclaration {
                            declarant: r.text("declarant")?,
                            capacity: r.text("capacity")?,
                            reason: r.opt_text("reason")?,
                        },
                    ))
                })
                .transpose()
            }
        )
    }

    /// How many signed files are stored for a pact: uploads refused store none.
    pub async fn pact_file_count(&self, pact_id: i64) -> Result<i64> {
        on_pool!(
            self,
            read | pool | {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM pact_files WHERE pact_id = $1")
                    .bind(pact_id)
                    .fetch_one(pool)
                    .await?)
            }
        )
    }
}

fn pact_from_row(row: &impl Columns) -> Result<Pact> {
    let kind = row.text("kind")?;
    let state = row.text("state")?;
    let signature = row
        .opt_text("signature_method")?
        .map(|code| SignatureMethod::from_code(&code).ok_or_else(|| corrupt("signature_method", &code)))
        .transpose()?;
    Ok(Pact {
        id: row.int("id")?,
        process_id: row.int("process_id")?,
        ambito_id: row.int("ambito_id")?,
        expression_id: row.int("expression_id")?,
        kind: PactKind::from_code(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        state: PactState::from_code(&state).ok_or_else(|| corrupt("state", &state))?,
        generated_at: row.instant("generated_at")?,
        signed_at: row.opt_instant("signed_at")?,
        signature,
        countersigned_at: row.opt_instant("countersigned_at")?,
        withdrawn_at: row.opt_instant("withdrawn_at")?,
    })
}

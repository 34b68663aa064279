//! Retention (issue 16): the personal data of a closed process are anonymised once
//! its Ambito's retention period has run out. What stays is the administrative
//! record: every protocol number with its dates and state (annulments included),
//! the counts of expressions, pacts and attendance, the proposals and their
//! outcomes, the ballot and the published summary.
//!
//! The rule of when is [`concerto_domain::anonymisation_due`]; this module finds the
//! rows it applies to and rewrites them, each process in one transaction with its
//! audit entry.

use chrono::{DateTime, Utc};
use concerto_domain::{ANONYMISED_TEXT, AuditEntry, ProcessStatus, ProtocolNumber, anonymisation_due};

use crate::audit::audited;
use crate::rows::{Columns, corrupt};
use crate::{Result, Store, on_pool};

/// A closed process whose retention period has run out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueProcess {
    pub process_id: i64,
    pub slug: String,
    pub ambito_slug: String,
    pub closed_at: DateTime<Utc>,
    pub retention_years: u32,
}

/// The kinds of row that hold personal data, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RetentionTable {
    /// A registration: the applicant's identity, contacts and representatives.
    Expression,
    /// A pact: its holder's tax code, the signers, their addresses and signed files.
    Pact,
    /// A personal check-in code: the representative's name and e-mail.
    CheckinCode,
    /// Someone at a session.
    Attendance,
    /// A seat booked at a session.
    Seat,
    /// A proposal at the tables: only the proposer's e-mail goes, the proposal stays.
    ProposalContact,
}

impl RetentionTable {
    /// The database table, as `concerto retention` prints it.
    pub fn table(self) -> &'static str {
        match self {
            RetentionTable::Expression => "expressions",
            RetentionTable::Pact => "pacts",
            RetentionTable::CheckinCode => "checkin_codes",
            RetentionTable::Attendance => "attendances",
            RetentionTable::Seat => "session_seats",
            RetentionTable::ProposalContact => "table_proposals",
        }
    }
}

/// One row whose personal data go (or went).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRow {
    pub table: RetentionTable,
    pub id: i64,
    /// The protocol number, for a registration: what the office knows it by.
    pub protocol: Option<ProtocolNumber>,
}

impl std::fmt::Display for RetentionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} id={}", self.table.table(), self.id)?;
        if let Some(protocol) = &self.protocol {
            write!(f, " protocol={protocol}")?;
        }
        Ok(())
    }
}

/// Each table's rows not yet anonymised, for the process `$1`.
const PENDING: [(RetentionTable, &str); 6] = [
    (
        RetentionTable::Expression,
        "SELECT id, protocol_year, protocol_sequence FROM expressions
         WHERE process_id = $1 AND anonymised_at IS NULL ORDER BY protocol_year, protocol_sequence",
    ),
    (RetentionTable::Pact, "SELECT id FROM pacts WHERE process_id = $1 AND anonymised_at IS NULL ORDER BY id"),
    (
        RetentionTable::CheckinCode,
        "SELECT id FROM checkin_codes WHERE process_id = $1 AND anonymised_at IS NULL ORDER BY id",
    ),
    (
        RetentionTable::Attendance,
        "SELECT a.id FROM attendances a JOIN calendar_sessions s ON s.id = a.session_id
         WHERE s.process_id = $1 AND a.anonymised_at IS NULL ORDER BY a.id",
    ),
    (
        RetentionTable::Seat,
        "SELECT t.id FROM session_seats t JOIN calendar_sessions s ON s.id = t.session_id
         WHERE s.process_id = $1 AND t.anonymised_at IS NULL ORDER BY t.id",
    ),
    (
        RetentionTable::ProposalContact,
        "SELECT id FROM table_proposals WHERE process_id = $1 AND proposer_email IS NOT NULL ORDER BY id",
    ),
];

/// The rewrite, process `$1`, at `$2`, personal text replaced by `$3`. Tax codes and
/// e-mails under a unique index become `anon:ID`, unique to their row; the read
/// path shows such a row's tax code as [`concerto_domain::TaxCode::anonymised`].
/// Kept on purpose: protocol numbers, dates, states, annulments (who annulled is
/// the office, not the holder), the kind and legal form of the applicant, the
/// municipality (for counts by place), the proposal's text (it is the proposal at
/// the tables and in the summary), organizations' names (an organization is no
/// natural person; the published summary names them), and the expression's SHA-256
/// (the receipt's proof; its input, the canonical text, goes).
const ANONYMISE: [(Binds, &str); 11] = [
    (
        Binds::ProcessText,
        "UPDATE expression_participations SET rep_name = $2, rep_email = '', rep_phone = NULL
         WHERE expression_id IN (SELECT id FROM expressions WHERE process_id = $1 AND anonymised_at IS NULL)",
    ),
    // A management link would open a registration that no longer says whose it is.
    (
        Binds::Process,
        "DELETE FROM expression_links
         WHERE expression_id IN (SELECT id FROM expressions WHERE process_id = $1 AND anonymised_at IS NULL)",
    ),
    (
        Binds::All,
        "UPDATE expressions SET name = $3, legal_representative = NULL, address = $3, email = '', pec = NULL,
         phone = NULL, founded_on = NULL, tax_code = 'anon:' || id, canonical = '', manage_token_digest = NULL,
         anonymised_at = $2
         WHERE process_id = $1 AND anonymised_at IS NULL",
    ),
    // Staff act as `account:N <e-mail>`: the office's own record, kept. Anyone else
    // who signed or withdrew is the holder's side; the network address goes for all.
    (
        Binds::ProcessText,
        "UPDATE pact_events SET address = NULL,
         actor = CASE WHEN actor LIKE 'account:%' OR actor = 'system' THEN actor ELSE $2 END
         WHERE pact_id IN (SELECT id FROM pacts WHERE process_id = $1 AND anonymised_at IS NULL)",
    ),
    (
        Binds::ProcessText,
        "UPDATE pact_withdrawals SET declarant = $2, reason = NULL
         WHERE pact_id IN (SELECT id FROM pacts WHERE process_id = $1 AND anonymised_at IS NULL)",
    ),
    (
        Binds::ProcessAt,
        "UPDATE pacts SET tax_code = 'anon:' || id, anonymised_at = $2 WHERE process_id = $1 AND anonymised_at IS NULL",
    ),
    (
        Binds::All,
        "UPDATE checkin_codes SET tax_code = 'anon:' || id, rep_name = $3, rep_email = 'anon:' || id, anonymised_at = $2
         WHERE process_id = $1 AND anonymised_at IS NULL",
    ),
    (
        Binds::All,
        "UPDATE attendances SET name = $3, email = NULL, anonymised_at = $2
         WHERE session_id IN (SELECT id FROM calendar_sessions WHERE process_id = $1) AND anonymised_at IS NULL",
    ),
    (
        Binds::All,
        "UPDATE session_seats SET tax_code = 'anon:' || id, rep_name = $3, rep_email = 'anon:' || id, token_digest = NULL,
         anonymised_at = $2
         WHERE session_id IN (SELECT id FROM calendar_sessions WHERE process_id = $1) AND anonymised_at IS NULL",
    ),
    // Which reminders were sent matters no more once the sessions are years past.
    (Binds::Process, "DELETE FROM session_reminders WHERE session_id IN (SELECT id FROM calendar_sessions WHERE process_id = $1)"),
    (Binds::Process, "UPDATE table_proposals SET proposer_email = NULL WHERE process_id = $1"),
];

/// Which values a statement of [`ANONYMISE`] takes: always the process as `$1`,
/// then the instant, the replacement text, or both (`$2`, `$3`) in that order.
#[derive(Clone, Copy)]
enum Binds {
    Process,
    ProcessAt,
    ProcessText,
    All,
}

impl Store {
    /// The closed processes whose retention period has run out at `now`, by the
    /// rule of [`anonymisation_due`] and each Ambito's own period. Some may have
    /// nothing left to anonymise.
    pub async fn processes_due_for_anonymisation(&self, now: DateTime<Utc>) -> Result<Vec<DueProcess>> {
        let rows = on_pool!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT p.id, p.slug, p.status, p.closed_at, a.slug AS ambito_slug, a.retention_years
                 FROM processes p JOIN ambiti a ON a.id = p.ambito_id
                 WHERE p.status = 'closed' AND p.closed_at IS NOT NULL ORDER BY p.id",
                )
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    let status = r.text("status")?;
                    let years = r.small("retention_years")?;
                    Ok((
                        ProcessStatus::from_code(&status).ok_or_else(|| corrupt("status", &status))?,
                        DueProcess {
                            process_id: r.int("id")?,
                            slug: r.text("slug")?,
                            ambito_slug: r.text("ambito_slug")?,
                            closed_at: r.instant("closed_at")?,
                            retention_years: u32::try_from(years)
                                .map_err(|_| corrupt("retention_years", &years.to_string()))?,
                        },
                    ))
                })
                .collect::<Result<Vec<_>>>()?
            }
        );
        Ok(rows
            .into_iter()
            .filter(|(status, p)| anonymisation_due(*status, Some(p.closed_at), p.retention_years, now))
            .map(|(_, p)| p)
            .collect())
    }

    /// The rows of a process that still hold personal data: what
    /// [`Store::anonymise_process`] would rewrite.
    pub async fn rows_to_anonymise(&self, process_id: i64) -> Result<Vec<RetentionRow>> {
        on_pool!(
            self,
            read | pool | {
                let mut conn = pool.acquire().await?;
                let mut out = Vec::new();
                for (table, sql) in PENDING {
                    for r in sqlx::query(sql).bind(process_id).fetch_all(&mut *conn).await? {
                        out.push(retention_row(table, &r)?);
                    }
                }
                Ok(out)
            }
        )
    }

    /// Anonymises the personal data of a process, with its audit entry, in one
    /// transaction; returns the rows rewritten (none, and no audit entry, when an
    /// earlier pass did it all). The caller checks that the process is due.
    pub async fn anonymise_process(
        &self,
        due: &DueProcess,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<RetentionRow>> {
        audited!(self, |tx| {
            // Listed inside the transaction, so the audit entry names exactly the
            // rows this transaction rewrites.
            let mut rows = Vec::new();
            for (table, sql) in PENDING {
                for r in sqlx::query(sql).bind(due.process_id).fetch_all(&mut *tx).await? {
                    rows.push(retention_row(table, &r)?);
                }
            }
            if rows.is_empty() {
                return Ok(rows);
            }
            for (binds, sql) in ANONYMISE {
                let query = sqlx::query(sql).bind(due.process_id);
                let query = match binds {
                    Binds::Process => query,
                    Binds::ProcessAt => query.bind(at),
                    Binds::ProcessText => query.bind(ANONYMISED_TEXT),
                    Binds::All => query.bind(at).bind(ANONYMISED_TEXT),
                };
                query.execute(&mut *tx).await?;
            }
            // The signed files are the holder's signatures: their bytes go, their size
            // and SHA-256 stay as the trace that they came.
            sqlx::query(
                "UPDATE pact_files SET content = $2 WHERE pact_id IN (SELECT id FROM pacts WHERE process_id = $1)",
            )
            .bind(due.process_id)
            .bind(Vec::<u8>::new())
            .execute(&mut *tx)
            .await?;
            let mut counts = serde_json::Map::new();
            for row in &rows {
                let n = counts.entry(row.table.table()).or_insert(serde_json::json!(0));
                *n = serde_json::json!(n.as_i64().unwrap_or(0) + 1);
            }
            let entry = AuditEntry {
                actor: actor.to_string(),
                at,
                action: "retention.anonymise".into(),
                subject: format!("process:{}", due.slug),
                ambito: Some(due.ambito_slug.clone()),
                before: Some(
                    serde_json::json!({ "closed_at": due.closed_at, "retention_years": due.retention_years })
                        .to_string(),
                ),
                after: Some(serde_json::Value::Object(counts).to_string()),
            };
            (rows, entry)
        })
    }

    /// One pass of retention at `now`: each due process anonymised (or, with
    /// `dry_run`, only listed), with the rows concerned. Processes with nothing left
    /// are left out.
    pub async fn apply_retention(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        dry_run: bool,
    ) -> Result<Vec<(DueProcess, Vec<RetentionRow>)>> {
        let mut out = Vec::new();
        for due in self.processes_due_for_anonymisation(now).await? {
            let rows = if dry_run {
                self.rows_to_anonymise(due.process_id).await?
            } else {
                self.anonymise_process(&due, actor, now).await?
            };
            if !rows.is_empty() {
                out.push((due, rows));
            }
        }
        Ok(out)
    }
}

fn retention_row(table: RetentionTable, r: &impl Columns) -> Result<RetentionRow> {
    let protocol = match table {
        RetentionTable::Expression => {
            Some(ProtocolNumber { year: r.small("protocol_year")?, sequence: r.int("protocol_sequence")? })
        }
        _ => None,
    };
    Ok(RetentionRow { table, id: r.int("id")?, protocol })
}

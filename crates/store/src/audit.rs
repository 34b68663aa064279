//! The audit log: every change in the workspace, written in the transaction of the
//! change itself and hash-chained (see [`concerto_domain::audit`]). The head row
//! `audit_head` records the end of the chain with each append, so that deleting
//! the last entries shows too.

use chrono::{DateTime, SubsecRound, Utc};
use concerto_domain::{
    AuditEntry, BreakReason, ChainBreak, ChainHead, ChainVerifier, EntryLabel, StoredAuditEntry, chain_hash,
};
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;

use crate::rows::Columns;
use crate::{Result, Store, StoreError, on_pool};

/// Which entries to read: every part that is set must match.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter<'a> {
    /// The Ambito's slug.
    pub ambito: Option<&'a str>,
    /// A part of the actor (`account:3`, an address).
    pub actor: Option<&'a str>,
    /// The start of the action (`account.`, `expression.annul`).
    pub action: Option<&'a str>,
    pub limit: i64,
    /// Only entries before this one, when paging back.
    pub before_sequence: Option<i64>,
}

/// What a check of the whole log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// Entries found intact, from the first up to the break or the end.
    pub entries: usize,
    pub first_break: Option<ChainBreak>,
    /// The last intact entry: 0 and the genesis hash when there is none.
    pub last_sequence: i64,
    pub last_hash: String,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// The statements that differ between the backends. They are picked by connection
/// type because `audit_on!` is expanded inside `on_pool!` once per backend.
pub(crate) trait AuditDialect {
    /// Taken before the head is read and held to commit, so that concurrent appends
    /// run one after the other instead of forking the chain from the same head.
    const TAIL_LOCK: Option<&'static str>;
    /// Run first in the check's transaction, so that every page and the head come
    /// from one snapshot: an append landing between them would look like a deletion.
    const SNAPSHOT: Option<&'static str>;
}

impl AuditDialect for SqliteConnection {
    // The single writer connection already runs appends one at a time, and a SQLite
    // transaction reads from one snapshot from its first read on.
    const TAIL_LOCK: Option<&'static str> = None;
    const SNAPSHOT: Option<&'static str> = None;
}

impl AuditDialect for PgConnection {
    const TAIL_LOCK: Option<&'static str> = Some("SELECT pg_advisory_xact_lock(4242002)");
    const SNAPSHOT: Option<&'static str> = Some("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
}

pub(crate) fn tail_lock<C: AuditDialect>(_: &C) -> Option<&'static str> {
    C::TAIL_LOCK
}

fn snapshot<C: AuditDialect>(_: &C) -> Option<&'static str> {
    C::SNAPSHOT
}

pub(crate) const SELECT_HEAD: &str = "SELECT last_sequence, last_hash FROM audit_head WHERE id = 1";

pub(crate) const INSERT_ENTRY: &str = "INSERT INTO audit_log (sequence, at, actor, action, subject, ambito,
    before_state, after_state, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// Moves the head only from the value read, so that a writer which got past the
/// lock fails instead of overwriting another's head.
pub(crate) const MOVE_HEAD: &str =
    "UPDATE audit_head SET last_sequence = $1, last_hash = $2 WHERE id = 1 AND last_sequence = $3";

const SELECT_PAGE: &str = "SELECT sequence, at, actor, action, subject, ambito, before_state, after_state,
    previous_hash, hash FROM audit_log WHERE sequence > $1 ORDER BY sequence LIMIT $2";

const SELECT_RECENT: &str = "SELECT sequence, at, actor, action, subject, ambito, before_state, after_state,
    previous_hash, hash FROM audit_log WHERE ($1 IS NULL OR ambito = $1) AND ($2 IS NULL OR sequence < $2)
    AND ($4 IS NULL OR actor LIKE '%' || $4 || '%') AND ($5 IS NULL OR action LIKE $5 || '%')
    ORDER BY sequence DESC LIMIT $3";

/// Rows read at a time by the check, so that a long log is never held in memory.
const PAGE: i64 = 1000;

/// Where a new entry goes in the chain.
pub(crate) struct Link {
    pub sequence: i64,
    /// The entry's instant at the microsecond, what both backends keep and the hash covers.
    pub at: DateTime<Utc>,
    pub previous_hash: String,
    pub hash: String,
}

/// The link after the recorded head. It follows the head rather than the last row:
/// after the last rows are deleted by hand, new entries keep the gap in view
/// instead of closing it.
pub(crate) fn next_link(head: &impl Columns, entry: &AuditEntry) -> Result<Link> {
    let sequence = head.int("last_sequence")? + 1;
    let previous_hash = head.text("last_hash")?;
    // The hash reads the instant to the microsecond already; the stored value is cut
    // to match, so that SQLite gives back what PostgreSQL would.
    let hash = chain_hash(&previous_hash, sequence, entry);
    Ok(Link { sequence, at: entry.at.trunc_subsecs(6), previous_hash, hash })
}

/// Appends `$entry` (`&AuditEntry`) through `$conn`, a `&mut` connection inside the
/// caller's transaction (`&mut *tx`): the change and its entry are kept or lost
/// together. Evaluates to a future of the entry's sequence number.
macro_rules! audit_on {
    ($conn:expr, $entry:expr) => {
        async {
            let conn = $conn;
            let entry: &concerto_domain::AuditEntry = $entry;
            if let Some(lock) = crate::audit::tail_lock(&*conn) {
                sqlx::query(lock).execute(&mut *conn).await?;
            }
            let head = sqlx::query(crate::audit::SELECT_HEAD).fetch_one(&mut *conn).await?;
            let link = crate::audit::next_link(&head, entry)?;
            sqlx::query(crate::audit::INSERT_ENTRY)
                .bind(link.sequence)
                .bind(link.at)
                .bind(&entry.actor)
                .bind(&entry.action)
                .bind(&entry.subject)
                .bind(&entry.ambito)
                .bind(&entry.before)
                .bind(&entry.after)
                .bind(&link.previous_hash)
                .bind(&link.hash)
                .execute(&mut *conn)
                .await?;
            let moved = sqlx::query(crate::audit::MOVE_HEAD)
                .bind(link.sequence)
                .bind(&link.hash)
                .bind(link.sequence - 1)
                .execute(&mut *conn)
                .await?;
            if moved.rows_affected() != 1 {
                return Err(crate::StoreError::Conflict("il registro delle modifiche è stato scritto da altri".into()));
            }
            Ok::<i64, crate::StoreError>(link.sequence)
        }
    };
}
pub(crate) use audit_on;

/// Runs `$body` in a write transaction `$tx`, writes `$audit` in the same
/// transaction and commits: the one shape of every audited write. `$body` gives
/// the result; its `?` returns from the enclosing function, as in [`on_pool!`].
///
/// - `audited!(store, audit, |tx| body)`: `audit` is a `&AuditEntry`, the last
///   write before the commit.
/// - `audited!(store, audit, |tx| body, then after)`: `after` runs between the
///   entry and the commit, for the writes that follow their entry.
/// - `audited!(store, maybe audit, |tx| body)`: `audit` is an
///   `Option<&AuditEntry>`, for the writes audited only when the caller asks.
/// - `audited!(store, |tx| body)`: `body` gives `(result, entry)`, for the
///   entries made inside the transaction from what it wrote or read.
macro_rules! audited {
    (@in $store:expr, |$tx:ident| $result_and_entry:expr $(, then $after:expr)?) => {
        $crate::on_pool!(
            $store,
            write | pool | {
                let mut conn = pool.acquire().await?;
                let mut $tx = sqlx::Connection::begin(&mut *conn).await?;
                let (result, entry) = $result_and_entry;
                if let Some(entry) = entry {
                    $crate::audit::audit_on!(&mut *$tx, &entry).await?;
                }
                $($after;)?
                $tx.commit().await?;
                Ok::<_, $crate::StoreError>(result)
            }
        )
    };
    ($store:expr, maybe $audit:expr, |$tx:ident| $body:expr) => {
        $crate::audit::audited!(@in $store, |$tx| ($body, $audit))
    };
    ($store:expr, |$tx:ident| $body:expr) => {
        $crate::audit::audited!(@in $store, |$tx| {
            let (result, entry) = $body;
            (result, Some(entry))
        })
    };
    ($store:expr, $audit:expr, |$tx:ident| $body:expr $(, then $after:expr)?) => {
        $crate::audit::audited!(@in $store, |$tx| ($body, Some($audit)) $(, then $after)?)
    };
}
pub(crate) use audited;

fn stored_from_row(row: &impl Columns) -> Result<StoredAuditEntry> {
    Ok(StoredAuditEntry {
        sequence: row.int("sequence")?,
        entry: AuditEntry {
            actor: row.text("actor")?,
            at: row.instant("at")?,
            action: row.text("action")?,
            subject: row.text("subject")?,
            ambito: row.opt_text("ambito")?,
            before: row.opt_text("before_state")?,
            after: row.opt_text("after_state")?,
        },
        previous_hash: row.text("previous_hash")?,
        hash: row.text("hash")?,
    })
}

/// Feeds one page to the verifier; the first break, if the page holds one.
fn check_page(verifier: &mut ChainVerifier, rows: &[impl Columns]) -> Result<Option<ChainBreak>> {
    for row in rows {
        let sequence = row.int("sequence")?;
        let stored = match stored_from_row(row) {
            Ok(stored) => stored,
            // A row altered into something unreadable (SQLite keeps any text) is a
            // break at that row, unless an earlier one is missing.
            Err(e) => {
                let expected = verifier.last().sequence + 1;
                if sequence != expected {
                    let reason = BreakReason::OutOfSequence { found: sequence };
                    return Ok(Some(ChainBreak { sequence: expected, entry: None, reason }));
                }
                let entry = (row.text("action"), row.text("subject"));
                let entry = match entry {
                    (Ok(action), Ok(subject)) => Some(EntryLabel { action, subject }),
                    _ => None,
                };
                let reason = BreakReason::Unreadable { detail: e.to_string() };
                return Ok(Some(ChainBreak { sequence, entry, reason }));
            }
        };
        if let Err(found) = verifier.push(stored) {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

fn head_from_row(row: Option<impl Columns>) -> Result<ChainHead> {
    let row = row.ok_or_else(|| StoreError::Corrupt {
        column: "audit_head",
        detail: "manca la riga con la fine del registro delle modifiche".into(),
    })?;
    Ok(ChainHead { sequence: row.int("last_sequence")?, hash: row.text("last_hash")? })
}

impl Store {
    /// Appends one entry in a transaction of its own, for changes made outside one.
    pub async fn append_audit(&self, entry: &AuditEntry) -> Result<i64> {
        on_pool!(
            self,
            write | pool | {
                let mut tx = pool.begin().await?;
                let sequence = audit_on!(&mut *tx, entry).await?;
                tx.commit().await?;
                Ok(sequence)
            }
        )
    }

    /// Entries newest first, of one Ambito or of all, before a sequence number when
    /// paging back: the office's history page.
    pub async fn audit_entries(
        &self,
        ambito: Option<&str>,
        limit: i64,
        before_sequence: Option<i64>,
    ) -> Result<Vec<StoredAuditEntry>> {
        self.search_audit(&AuditFilter { ambito, limit, before_sequence, ..AuditFilter::default() }).await
    }

    /// Entries newest first that match every part of `filter` that is set.
    pub async fn search_audit(&self, filter: &AuditFilter<'_>) -> Result<Vec<StoredAuditEntry>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(SELECT_RECENT)
                    .bind(filter.ambito)
                    .bind(filter.before_sequence)
                    .bind(filter.limit)
                    .bind(filter.actor)
                    .bind(filter.action)
                    .fetch_all(pool)
                    .await?;
                rows.iter().map(stored_from_row).collect()
            }
        )
    }

    /// The recorded end of the chain, to be kept outside the database: a later
    /// `verify_audit_from` proves the chain still passes through it.
    pub async fn audit_head(&self) -> Result<ChainHead> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(SELECT_HEAD).fetch_optional(pool).await?;
                head_from_row(row)
            }
        )
    }

    /// Checks the whole chain as [`Store::verify_audit`] does, and that the entry
    /// of a head saved earlier is still in it with the same hash: deleting the
    /// last entries and moving the recorded head shows against a saved anchor.
    pub async fn verify_audit_from(&self, anchor: &ChainHead) -> Result<AuditReport> {
        let mut report = self.verify_audit().await?;
        if report.first_break.is_some() || anchor.sequence == 0 {
            return Ok(report);
        }
        let stored: Option<String> = on_pool!(
            self,
            read | pool | {
                sqlx::query_scalar("SELECT hash FROM audit_log WHERE sequence = $1")
                    .bind(anchor.sequence)
                    .fetch_optional(pool)
                    .await?
            }
        );
        let reason = match stored {
            _ if anchor.sequence > report.last_sequence => Some(BreakReason::Deleted { through: report.last_sequence }),
            Some(hash) if hash == anchor.hash => None,
            Some(_) => Some(BreakReason::Altered),
            None => Some(BreakReason::Deleted { through: report.last_sequence }),
        };
        report.first_break = reason.map(|reason| ChainBreak { sequence: anchor.sequence, entry: None, reason });
        Ok(report)
    }

    /// Checks the whole chain in sequence order, a page at a time, and its end
    /// against the recorded head. Stops at the first break.
    pub async fn verify_audit(&self) -> Result<AuditReport> {
        on_pool!(
            self,
            read | pool | {
                let mut tx = pool.begin().await?;
                if let Some(statement) = snapshot(&*tx) {
                    sqlx::query(statement).execute(&mut *tx).await?;
                }
                let mut verifier = ChainVerifier::default();
                let first_break = loop {
                    let rows =
                        sqlx::query(SELECT_PAGE).bind(verifier.last().sequence).bind(PAGE).fetch_all(&mut *tx).await?;
                    if rows.is_empty() {
                        let head = head_from_row(sqlx::query(SELECT_HEAD).fetch_optional(&mut *tx).await?)?;
                        break verifier.finish(&head).err();
                    }
                    if let Some(found) = check_page(&mut verifier, &rows)? {
                        break Some(found);
                    }
                };
                tx.commit().await?;
                let last = verifier.last();
                Ok(AuditReport {
                    entries: verifier.checked(),
                    first_break,
                    last_sequence: last.sequence,
                    last_hash: last.hash,
                })
            }
        )
    }
}

/// The columns a test may alter by hand; only these reach the SQL text.
#[cfg(any(test, feature = "testing"))]
const TAMPERABLE: &[&str] =
    &["sequence", "at", "actor", "action", "subject", "ambito", "before_state", "after_state", "previous_hash", "hash"];

#[cfg(any(test, feature = "testing"))]
impl Store {
    /// Alters one column of one entry behind the log's back, as anyone with access
    /// to the database could. `at` takes an RFC 3339 instant, or on SQLite any text;
    /// `sequence` takes a number.
    pub async fn tamper_audit_for_tests(&self, sequence: i64, column: &str, value: &str) -> Result<()> {
        let invalid = |detail: String| StoreError::Corrupt { column: "audit_log", detail };
        let column = TAMPERABLE
            .iter()
            .find(|c| **c == column)
            .ok_or_else(|| invalid(format!("colonna sconosciuta: {column}")))?;
        let sql = format!("UPDATE audit_log SET {column} = $1 WHERE sequence = $2");
        on_pool!(
            self,
            write | pool | {
                let query = sqlx::query(&sql);
                let query = match *column {
                    "at" => match value.parse::<DateTime<Utc>>() {
                        Ok(at) => query.bind(at),
                        Err(_) => query.bind(value),
                    },
                    "sequence" => query.bind(value.parse::<i64>().map_err(|e| invalid(e.to_string()))?),
                    _ => query.bind(value),
                };
                let done = query.bind(sequence).execute(pool).await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
            }
        );
        Ok(())
    }

    /// Moves the recorded end of the chain behind the log's back, as someone who
    /// deleted the last entries would, to hide it.
    pub async fn move_audit_head_for_tests(&self, sequence: i64, hash: &str) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                sqlx::query("UPDATE audit_head SET last_sequence = $1, last_hash = $2 WHERE id = 1")
                    .bind(sequence)
                    .bind(hash)
                    .execute(pool)
                    .await?;
            }
        );
        Ok(())
    }

    /// Deletes one entry behind the log's back.
    pub async fn delete_audit_for_tests(&self, sequence: i64) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                sqlx::query("DELETE FROM audit_log WHERE sequence = $1").bind(sequence).execute(pool).await?;
            }
        );
        Ok(())
    }
}

//! Persistence for Concerto: SQLite embedded by default, PostgreSQL when configured.
//!
//! Each query is written once, in SQL that both backends accept, and run on the
//! typed pool of the backend in use through [`on_pool!`]. The few statements that
//! differ live in [`dialect`]. All SQL of the project lives in this crate.
//!
//! The store's macros, by the module that defines them. Those ending in `_on` work
//! through a connection (or pool) the caller gives, and evaluate to a future:
//! - `on_pool!` (here): runs a body on the read or the write pool of the backend in use.
//! - `audited!` (`audit`): runs a body in a write transaction with its audit entry, and commits.
//! - `audit_on!` (`audit`): appends an audit entry to the hash chain.
//! - `edit!` (`editing`): `audited!` for an edit of a process, moving its revision.
//! - `account_entry_on!` (`accounts`): makes the audit entry of an account event.
//! - `spend_link_on!` (`onboarding`): spends an open single-use account link.
//! - `enqueue_on!` (`outbox`): queues an e-mail with its attachments.
//! - `attach_on!` (`outbox`): fills in the attachments of e-mails read from the queue.
//! - `lock_on!` (`tables::meetings`): takes a session's lock on PostgreSQL.
//! - `rebalance_on!` (`tables::meetings`): offers a session's free seats to those waiting.
//! - `form_proposal_follows!` (`tables::proposals`): keeps the form's proposal at the tables.
//! - `pact_follows_expression!` (`pacts`): makes, keeps or ends the pact of a new expression.
//! - `end_pact_of_expression!` (`pacts`): withdraws the pact of an expression.
//! - `end_pact_on!` (`pacts`): withdraws a pact by the system.
//! - `bind_content!` (`observatory`): binds a record's search columns to a query.
//! - `index_version!` (`observatory`): writes a record's areas and kept version.
//! - `apply_pending!` (`migrate`): applies the migrations not yet recorded.
//! - `impl_columns!` (`rows`): implements `Columns` for a backend's row type.

mod accounts;
mod ambiti;
mod archives;
pub use archives::ARCHIVE_PART;
mod audit;
mod cache;
mod dialect;
mod editing;
mod expressions;
mod import_warnings;
mod migrate;
mod observatory;
mod onboarding;
mod operations;
mod outbox;
mod pacts;
mod password_resets;
mod processes;
mod retention;
mod rows;
mod sessions;
mod tables;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod updates;

pub use accounts::{Credentials, LoginFailures, NewAccount};
pub use ambiti::{AmbitoLine, AmbitoLogo, AmbitoRecord};
pub use audit::{AuditFilter, AuditReport};
pub use editing::CalendarPart;
pub use expressions::{Annulment, AnnulmentRecord, HistoryEntry, Receipt, RegisterLine, Submission};
pub use import_warnings::ImportWarning;
pub use observatory::{
    FacetCount, MARK_END, MARK_START, ObservatoryStats, PendingCorrection, RecordVersion, SearchHit, SearchPage,
    StoredRecord,
};
pub use onboarding::{AccountLine, LinkPurpose};
pub use operations::{OutboxStats, PoolStats, sqlite_file};
pub use outbox::{EmailAttachment, NewEmail, OutgoingEmail};
pub use pacts::{NewPactFile, PactEntry, PactEvent, PactStep, StoredPactFile};
pub use password_resets::ResetRequest;
pub use retention::{DueProcess, RetentionRow, RetentionTable};
pub use sessions::SessionBackend;
pub use tables::{
    AttachmentFile, AttachmentInfo, Attendance, BoardMember, CheckinEntry, Intervention, Milestone, Minutes,
    NewAttendance, NewIntervention, NewRepresentative, NewTableProposal, OfferEmail, OfferTokens, ProgressComment,
    SeatRecord, StoredBallot, StoredProposal, TableWork,
};
pub use updates::ProcessChange;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("indirizzo del database non valido: {0}")]
    InvalidUrl(String),
    #[error("errore del database: {0}")]
    Database(sqlx::Error),
    #[error("dato non valido nel database ({column}): {detail}")]
    Corrupt { column: &'static str, detail: String },
    #[error("conflitto: {0}")]
    Conflict(String),
    #[error("elemento non trovato")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] concerto_domain::FieldErrors),
    /// A registration rule refused the change (`concerto_domain::registration`).
    #[error(transparent)]
    Refused(#[from] concerto_domain::SubmissionConflict),
    #[error("{0}")]
    Unsupported(&'static str),
}

/// PostgreSQL's SQLSTATE for a character its encoding cannot hold (NUL in text).
const CHARACTER_NOT_IN_REPERTOIRE: &str = "22021";

impl From<sqlx::Error> for StoreError {
    /// Text with NUL reaches PostgreSQL only where no rule refused it first (a lookup by
    /// a typed address, say): it is bad input, never a server fault.
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.code().as_deref() == Some(CHARACTER_NOT_IN_REPERTOIRE) => {
                let mut errors = concerto_domain::FieldErrors::default();
                errors.push("text", "control_characters", concerto_domain::CONTROL_CHARACTERS_MESSAGE);
                StoreError::Invalid(errors)
            }
            _ => StoreError::Database(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
enum Pool {
    /// SQLite allows one writer at a time; a dedicated single-connection writer pool
    /// queues writers in the process instead of failing them with SQLITE_BUSY.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

/// The handle every adapter uses to reach the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    processes: std::sync::Arc<cache::ProcessCache>,
    /// The observatory's search index and the pages it served at the catalogue's revision.
    searches: std::sync::Arc<observatory::SearchIndex>,
}

/// Runs `$body` with `$pool` bound to the typed pool of the backend in use. The
/// body is compiled once per backend, so it is written once and type-checked twice.
/// `read` picks the pool for queries that only read.
macro_rules! on_pool {
    ($store:expr, read |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite { read: $pool, .. } => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
    ($store:expr, write |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite { write: $pool, .. } => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Store {
    /// Connects to `sqlite://path` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store> {
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                // As long as a request may take (the web layer's timeout): under a rush every
                // submission waits its turn for the register and the audit chain.
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            Pool::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::InvalidUrl(format!("{url}: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let write = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
            let read = SqlitePoolOptions::new().max_connections(8).connect_with(options.read_only(true)).await?;
            Pool::Sqlite { read, write }
        } else {
            return Err(StoreError::InvalidUrl(format!("{url}: usare sqlite://percorso oppure postgres://…")));
        };
        Ok(Store { pool, processes: Default::default(), searches: Default::default() })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Answers when the database answers: the health check.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(
            self,
            read | pool | {
                sqlx::query("SELECT 1").execute(pool).await?;
            }
        );
        Ok(())
    }

    /// Runs a statement outside any transaction, such as `CREATE DATABASE`.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) async fn execute_admin(&self, statement: &str) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                sqlx::raw_sql(statement).execute(pool).await?;
            }
        );
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

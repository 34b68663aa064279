//! How each session is held (mode, private link, accessibility, agenda, seats) and
//! its list of seats and waiting people. Every change that may free a seat offers
//! it, in the same transaction, to the first waiting, with the offer's e-mail.

use chrono::{DateTime, Utc};
use concerto_domain::AuditEntry;
use concerto_domain::tables::{
    Meeting, MeetingMode, OfficeMove, Seat, SeatChange, SeatState, place_for_new, rebalance,
};

use super::NewRepresentative;
use crate::audit::audited;
use crate::outbox::enqueue_on;
use crate::rows::{Columns, corrupt};
use crate::{Backend, NewEmail, Result, Store, StoreError, on_pool};

/// One registration for a session's seats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatRecord {
    pub id: i64,
    pub session_id: i64,
    pub tax_code: String,
    pub organization: String,
    pub rep_name: String,
    pub rep_email: String,
    pub state: SeatState,
    pub requested_at: DateTime<Utc>,
    pub offered_until: Option<DateTime<Utc>>,
}

impl SeatRecord {
    pub fn rule(&self) -> Seat {
        Seat { id: self.id, state: self.state, requested_at: self.requested_at, offered_until: self.offered_until }
    }
}

/// The secrets of seat offers: a fresh (token, digest) pair, or none without a
/// random source.
pub trait OfferTokens: FnMut() -> Option<(String, String)> + Send {}
impl<T: FnMut() -> Option<(String, String)> + Send> OfferTokens for T {}

/// The e-mail telling `seat` a seat is kept for them until `until`, confirmed
/// through the link of `token`.
pub trait OfferEmail: Fn(&SeatRecord, &str, DateTime<Utc>) -> NewEmail + Sync {}
impl<T: Fn(&SeatRecord, &str, DateTime<Utc>) -> NewEmail + Sync> OfferEmail for T {}

const SEAT_COLUMNS: &str =
    "id, session_id, tax_code, organization, rep_name, rep_email, state, requested_at, offered_until";

fn seat_from_row(r: &impl Columns) -> Result<SeatRecord> {
    let state = r.text("state")?;
    Ok(SeatRecord {
        id: r.int("id")?,
        session_id: r.int("session_id")?,
        tax_code: r.text("tax_code")?,
        organization: r.text("organization")?,
        rep_name: r.text("rep_name")?,
        rep_email: r.text("rep_email")?,
        state: SeatState::parse(&state).ok_or_else(|| corrupt("state", &state))?,
        requested_at: r.instant("requested_at")?,
        offered_until: r.opt_instant("offered_until")?,
    })
}

fn meeting_from_row(r: &impl Columns) -> Result<Meeting> {
    let mode = r.text("mode")?;
    let count = |c: &'static str| -> Result<Option<u32>> { Ok(r.opt_int(c)?.and_then(|n| u32::try_from(n).ok())) };
    Ok(Meeting {
        mode: MeetingMode::parse(&mode).ok_or_else(|| corrupt("mode", &mode))?,
        link: r.opt_text("meeting_link")?,
        accessibility: r.opt_text("accessibility")?,
        agenda: r.opt_text("agenda")?,
        capacity: count("capacity")?,
        overflow_venue: r.opt_text("overflow_venue")?,
        overflow_capacity: count("overflow_capacity")?,
        confirm_hours: u32::try_from(r.int("confirm_hours")?).unwrap_or(concerto_domain::tables::DEFAULT_CONFIRM_HOURS),
    })
}

/// Holds the session's row until the transaction ends, so that two instances
/// placing people on one list take turns (SQLite has one writer already).
fn lock_session(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Postgres => Some("SELECT id FROM calendar_sessions WHERE id = $1 FOR UPDATE"),
        Backend::Sqlite => None,
    }
}

/// Applies the list's rule to a session inside the caller's transaction: expired
/// offers are marked, free seats offered with their e-mail. Returns the seats offered.
macro_rules! rebalance_on {
    ($tx:expr, $session_id:expr, $now:expr, $tokens:expr, $email:expr) => {
        async {
            let tx = $tx;
            let session_id: i64 = $session_id;
            let now: DateTime<Utc> = $now;
            let meeting = sqlx::query("SELECT * FROM session_meetings WHERE session_id = $1")
                .bind(session_id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| meeting_from_row(&r))
                .transpose()?
                .unwrap_or_default();
            let sql = format!("SELECT {SEAT_COLUMNS} FROM session_seats WHERE session_id = $1 ORDER BY requested_at, id");
            let seats = sqlx::query(&sql).bind(session_id).fetch_all(&mut *tx).await?;
            let seats: Vec<SeatRecord> = seats.iter().map(seat_from_row).collect::<Result<_>>()?;
            let rule: Vec<Seat> = seats.iter().map(SeatRecord::rule).collect();
            let mut offered = Vec::new();
            for change in rebalance(&rule, meeting.seats(), now, meeting.confirm_hours) {
                match change {
                    SeatChange::Expire { id } => {
                        sqlx::query("UPDATE session_seats SET state = 'expired', updated_at = $2 WHERE id = $1 AND state = 'offered'")
                            .bind(id)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    SeatChange::Offer { id, until } => {
                        let (token, digest) = ($tokens)().ok_or_else(|| StoreError::Corrupt {
                            column: "token_digest",
                            detail: "nessuna fonte casuale per i collegamenti di conferma".into(),
                        })?;
                        let done = sqlx::query(
                            "UPDATE session_seats SET state = 'offered', offered_until = $2, token_digest = $3, updated_at = $4
                             WHERE id = $1 AND state = 'waiting'",
                        )
                        .bind(id)
                        .bind(until)
                        .bind(&digest)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        if let Some(seat) = seats.iter().find(|s| s.id == id).filter(|_| done == 1) {
                            let mut seat = seat.clone();
                            seat.state = SeatState::Offered;
                            seat.offered_until = Some(until);
                            enqueue_on!(&mut *tx, ($email)(&seat, &token, until), now).await?;
                            offered.push(seat);
                        }
                    }
                }
            }
            Ok::<Vec<SeatRecord>, StoreError>(offered)
        }
    };
}

/// Takes the session's lock on PostgreSQL.
macro_rules! lock_on {
    ($tx:expr, $lock:expr, $session_id:expr) => {
        async {
            if let Some(sql) = $lock {
                sqlx::query(sql).bind($session_id).execute(&mut *$tx).await?;
            }
            Ok::<(), StoreError>(())
        }
    };
}

impl Store {
    /// How a session is held, as the office set it (the defaults when never set).
    pub async fn meeting(&self, session_id: i64) -> Result<Meeting> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query("SELECT * FROM session_meetings WHERE session_id = $1")
                    .bind(session_id)
                    .fetch_optional(pool)
                    .await?;
                Ok(row.map(|r| meeting_from_row(&r)).transpose()?.unwrap_or_default())
            }
        )
    }

    /// The meetings set for the sessions of a process, by session id.
    pub async fn meetings(&self, process_id: i64) -> Result<Vec<(i64, Meeting)>> {
        on_pool!(
            self,
            read | pool
                | {
                    let rows = sqlx::query(
                "SELECT m.* FROM session_meetings m JOIN calendar_sessions s ON s.id = m.session_id WHERE s.process_id = $1",
            )
            .bind(process_id)
            .fetch_all(pool)
            .await?;
                    rows.iter().map(|r| Ok((r.int("session_id")?, meeting_from_row(r)?))).collect()
                }
        )
    }

    /// Saves how a session is held; more seats are offered at once to those waiting.
    pub async fn save_meeting(
        &self,
        session_id: i64,
        meeting: &Meeting,
        mut tokens: impl OfferTokens,
        email: impl OfferEmail,
        audit: &AuditEntry,
    ) -> Result<Vec<SeatRecord>> {
        let lock = lock_session(self.backend());
        audited!(self, audit, |tx| {
            lock_on!(tx, lock, session_id).await?;
            let count = |n: Option<u32>| n.map(i64::from);
            sqlx::query(
                "INSERT INTO session_meetings (session_id, mode, meeting_link, accessibility, agenda, capacity, overflow_venue,
                                               overflow_capacity, confirm_hours, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (session_id) DO UPDATE SET mode = excluded.mode, meeting_link = excluded.meeting_link,
                   accessibility = excluded.accessibility, agenda = excluded.agenda, capacity = excluded.capacity,
                   overflow_venue = excluded.overflow_venue, overflow_capacity = excluded.overflow_capacity,
                   confirm_hours = excluded.confirm_hours, updated_at = excluded.updated_at",
            )
            .bind(session_id)
            .bind(meeting.mode.as_str())
            .bind(&meeting.link)
            .bind(&meeting.accessibility)
            .bind(&meeting.agenda)
            .bind(count(meeting.capacity))
            .bind(&meeting.overflow_venue)
            .bind(count(meeting.overflow_capacity))
            .bind(i64::from(meeting.confirm_hours))
            .bind(audit.at)
            .execute(&mut *tx)
            .await?;
            rebalance_on!(&mut *tx, session_id, audit.at, tokens, email).await?
        })
    }

    /// The registrations of a session, in order of arrival.
    pub async fn seats(&self, session_id: i64) -> Result<Vec<SeatRecord>> {
        on_pool!(
            self,
            read | pool | {
                let sql =
                    format!("SELECT {SEAT_COLUMNS} FROM session_seats WHERE session_id = $1 ORDER BY requested_at, id");
                let rows = sqlx::query(&sql).bind(session_id).fetch_all(pool).await?;
                rows.iter().map(seat_from_row).collect()
            }
        )
    }

    /// The registrations of an organization in a process.
    pub async fn seats_of(&self, process_id: i64, tax_code: &str) -> Result<Vec<SeatRecord>> {
        on_pool!(
            self,
            read | pool | {
                let sql = format!(
                    "SELECT {SEAT_COLUMNS} FROM session_seats WHERE tax_code = $2 AND session_id IN
                 (SELECT id FROM calendar_sessions WHERE process_id = $1) ORDER BY session_id, requested_at, id"
                );
                let rows = sqlx::query(&sql).bind(process_id).bind(tax_code).fetch_all(pool).await?;
                rows.iter().map(seat_from_row).collect()
            }
        )
    }

    /// The registration whose offer link has `digest`.
    pub async fn seat_by_token(&self, digest: &str) -> Result<Option<SeatRecord>> {
        on_pool!(
            self,
            read | pool | {
                let sql = format!("SELECT {SEAT_COLUMNS} FROM session_seats WHERE token_digest = $1");
                let row = sqlx::query(&sql).bind(digest).fetch_optional(pool).await?;
                row.map(|r| seat_from_row(&r)).transpose()
            }
        )
    }

    /// Registers `who` for a session: a seat when one is free and nobody waits,
    /// otherwise the end of the waiting list. Someone already registered is a
    /// conflict; someone who cancelled registers again, as a new arrival.
    pub async fn register_seat(
        &self,
        session_id: i64,
        who: &NewRepresentative,
        audit: &AuditEntry,
    ) -> Result<SeatState> {
        let lock = lock_session(self.backend());
        audited!(self, audit, |tx| {
            lock_on!(tx, lock, session_id).await?;
            let meeting = sqlx::query("SELECT * FROM session_meetings WHERE session_id = $1")
                .bind(session_id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| meeting_from_row(&r))
                .transpose()?
                .unwrap_or_default();
            let sql =
                format!("SELECT {SEAT_COLUMNS} FROM session_seats WHERE session_id = $1 ORDER BY requested_at, id");
            let rows = sqlx::query(&sql).bind(session_id).fetch_all(&mut *tx).await?;
            let seats: Vec<SeatRecord> = rows.iter().map(seat_from_row).collect::<Result<_>>()?;
            if let Some(mine) = seats.iter().find(|s| s.tax_code == who.tax_code && s.rep_email == who.rep_email)
                && mine.state.is_active()
            {
                return Err(StoreError::Conflict("già iscritto alla sessione".into()));
            }
            let rule: Vec<Seat> = seats.iter().map(SeatRecord::rule).collect();
            let state = place_for_new(&rule, meeting.seats());
            sqlx::query(
                "INSERT INTO session_seats (session_id, tax_code, organization, rep_name, rep_email, state, requested_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                 ON CONFLICT (session_id, tax_code, rep_email) DO UPDATE SET state = excluded.state,
                   organization = excluded.organization, rep_name = excluded.rep_name,
                   requested_at = excluded.requested_at, offered_until = NULL, token_digest = NULL, updated_at = excluded.updated_at",
            )
            .bind(session_id)
            .bind(&who.tax_code)
            .bind(&who.organization)
            .bind(&who.rep_name)
            .bind(&who.rep_email)
            .bind(state.as_str())
            .bind(audit.at)
            .execute(&mut *tx)
            .await?;
            state
        })
    }

    /// Cancels the registration of `tax_code`/`email` for a session; the seat it
    /// frees is offered to the first waiting. Nothing to cancel is not found.
    pub async fn cancel_seat(
        &self,
        session_id: i64,
        tax_code: &str,
        rep_email: &str,
        mut tokens: impl OfferTokens,
        email: impl OfferEmail,
        audit: &AuditEntry,
    ) -> Result<Vec<SeatRecord>> {
        let lock = lock_session(self.backend());
        audited!(self, audit, |tx| {
            lock_on!(tx, lock, session_id).await?;
            let done = sqlx::query(
                "UPDATE session_seats SET state = 'cancelled', updated_at = $4
                 WHERE session_id = $1 AND tax_code = $2 AND rep_email = $3 AND state IN ('confirmed', 'offered', 'waiting')",
            )
            .bind(session_id)
            .bind(tax_code)
            .bind(rep_email)
            .bind(audit.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                return Err(StoreError::NotFound);
            }
            rebalance_on!(&mut *tx, session_id, audit.at, tokens, email).await?
        })
    }

    /// Confirms the seat offered to registration `seat_id`, if still offered and in time.
    pub async fn confirm_seat(&self, seat_id: i64, audit: &AuditEntry) -> Result<()> {
        audited!(self, audit, |tx| {
            let done = sqlx::query(
                "UPDATE session_seats SET state = 'confirmed', updated_at = $2
                 WHERE id = $1 AND state = 'offered' AND offered_until > $2",
            )
            .bind(seat_id)
            .bind(audit.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                return Err(StoreError::Conflict("il posto non è più disponibile".into()));
            }
        })
    }

    /// The office moves a registration by hand; a seat freed goes to the first waiting.
    pub async fn move_seat(
        &self,
        session_id: i64,
        seat_id: i64,
        to: OfficeMove,
        mut tokens: impl OfferTokens,
        email: impl OfferEmail,
        audit: &AuditEntry,
    ) -> Result<Vec<SeatRecord>> {
        let lock = lock_session(self.backend());
        audited!(self, audit, |tx| {
            lock_on!(tx, lock, session_id).await?;
            let done = sqlx::query(
                "UPDATE session_seats SET state = $3, offered_until = NULL, updated_at = $4
                 WHERE id = $1 AND session_id = $2",
            )
            .bind(seat_id)
            .bind(session_id)
            .bind(to.target().as_str())
            .bind(audit.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                return Err(StoreError::NotFound);
            }
            // A person sent back to wait is not offered their own seat again at once.
            if to == OfficeMove::Wait {
                Vec::new()
            } else {
                rebalance_on!(&mut *tx, session_id, audit.at, tokens, email).await?
            }
        })
    }

    /// The process a session belongs to.
    pub async fn session_process(&self, session_id: i64) -> Result<Option<i64>> {
        on_pool!(
            self,
            read | pool | {
                let id: Option<i64> = sqlx::query_scalar("SELECT process_id FROM calendar_sessions WHERE id = $1")
                    .bind(session_id)
                    .fetch_optional(pool)
                    .await?;
                Ok(id)
            }
        )
    }

    /// The sessions whose offers have run out at `now`, for the worker to pass on.
    pub async fn sessions_with_expired_offers(&self, now: DateTime<Utc>) -> Result<Vec<i64>> {
        on_pool!(
            self,
            read | pool
                | {
                    let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT session_id FROM session_seats WHERE state = 'offered' AND offered_until <= $1 ORDER BY session_id",
            )
            .bind(now)
            .fetch_all(pool)
            .await?;
                    Ok(ids)
                }
        )
    }

    /// Passes on the expired offers of a session to the next waiting.
    pub async fn rebalance_seats(
        &self,
        session_id: i64,
        mut tokens: impl OfferTokens,
        email: impl OfferEmail,
        audit: &AuditEntry,
    ) -> Result<Vec<SeatRecord>> {
        let lock = lock_session(self.backend());
        audited!(self, audit, |tx| {
            lock_on!(tx, lock, session_id).await?;
            rebalance_on!(&mut *tx, session_id, audit.at, tokens, email).await?
        })
    }
}

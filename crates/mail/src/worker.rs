//! Drains the outbox: sends what is due, records the outcome, retries with backoff.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use concerto_store::OutgoingEmail;
use concerto_store::Store;
use futures_util::{FutureExt, StreamExt, stream};
use tokio::sync::Notify;

use crate::{MailError, Mailer};

/// Messages fetched per query.
const BATCH: i64 = 32;
/// Sends in flight at once: each SMTP message waits on a few round trips, so a
/// handful of pooled connections multiply the throughput.
const PARALLEL_SENDS: usize = 8;
/// How long a claimed message is this worker's: longer than an SMTP exchange may take,
/// short enough that a crashed worker's messages go out again soon.
const CLAIM_LEASE: TimeDelta = TimeDelta::seconds(120);
/// How often the worker looks for due messages when nobody wakes it.
const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// After a store error, wait longer than a poll so a database outage is not hammered.
const ERROR_PAUSE: Duration = Duration::from_secs(5);
const FIRST_RETRY_SECS: i64 = 15;
const MAX_RETRY_SECS: i64 = 3600;
/// A message that can never be sent (an invalid address) is parked this far ahead:
/// kept, with its error, for the office to see, but no longer attempted.
const PARKED_DAYS: i64 = 3650;

/// Lets the web layer wake the worker right after it queued a message, instead of
/// waiting for the next poll. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct OutboxWaker(Arc<Notify>);

impl OutboxWaker {
    pub fn new() -> OutboxWaker {
        OutboxWaker::default()
    }

    /// Wakes the worker; a wake while it is busy is kept and served after the pass.
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// The wait before the next attempt of a message that has failed `attempts` times
/// before this failure: 15 s, 30 s, 1 min, … up to one hour.
pub fn retry_delay(attempts: i32) -> TimeDelta {
    // 2^8 × 15 s is past the cap already; clamping keeps the shift in range.
    let exponent = attempts.clamp(0, 8) as u32;
    TimeDelta::seconds((FIRST_RETRY_SECS << exponent).min(MAX_RETRY_SECS))
}

/// Sends every message due at `now`, in batches, and records each outcome. Returns how
/// many were sent. A failed message is rescheduled after [`retry_delay`] (or parked, when
/// it can never succeed), so one pass always ends. A store error stops the pass: the
/// messages not yet recorded are sent again by a later pass (at least once).
pub async fn deliver_due(store: &Store, mailer: &Mailer, now: DateTime<Utc>) -> Result<usize, MailError> {
    deliver_tracked(store, mailer, now, &Claims::default()).await
}

/// The messages a worker has claimed and not yet recorded, with the lease they were
/// claimed until: what it gives back when it stops in the middle of a pass.
#[derive(Debug, Default)]
struct Claims(Mutex<(Option<DateTime<Utc>>, BTreeSet<i64>)>);

impl Claims {
    fn hold(&self, lease_until: DateTime<Utc>, emails: &[OutgoingEmail]) {
        let mut claims = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Left over from a pass a store error stopped: those run out on their own.
        if claims.0 != Some(lease_until) {
            claims.1.clear();
        }
        claims.0 = Some(lease_until);
        claims.1.extend(emails.iter().map(|e| e.id));
    }

    fn recorded(&self, id: i64) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).1.remove(&id);
    }

    fn take(&self) -> Option<(DateTime<Utc>, Vec<i64>)> {
        let mut claims = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let ids = std::mem::take(&mut claims.1).into_iter().collect();
        claims.0.take().map(|lease| (lease, ids))
    }
}

async fn deliver_tracked(
    store: &Store,
    mailer: &Mailer,
    now: DateTime<Utc>,
    claims: &Claims,
) -> Result<usize, MailError> {
    let mut sent = 0;
    loop {
        let due = store.claim_due_emails(now, now + CLAIM_LEASE, BATCH).await?;
        claims.hold(now + CLAIM_LEASE, &due);
        // Boxed and collected, so no closure type is held across an await: with one,
        // the worker's future fails the `Send` check of `tokio::spawn`
        // (rust-lang/rust#102211).
        let sends: Vec<_> = due.iter().map(|email| deliver_one(store, mailer, email, now, claims).boxed()).collect();
        let outcomes: Vec<Result<bool, MailError>> =
            stream::iter(sends).buffer_unordered(PARALLEL_SENDS).collect().await;
        for outcome in outcomes {
            sent += usize::from(outcome?);
        }
        if (due.len() as i64) < BATCH {
            return Ok(sent);
        }
    }
}

/// Sends one message and records the outcome: `Ok(true)` when sent.
async fn deliver_one(
    store: &Store,
    mailer: &Mailer,
    email: &OutgoingEmail,
    now: DateTime<Utc>,
    claims: &Claims,
) -> Result<bool, MailError> {
    let sent = match mailer.send(email, now).await {
        Ok(()) => {
            store.mark_email_sent(email.id, now).await?;
            tracing::debug!(key = %email.dedup_key, "message sent");
            true
        }
        Err(error) => {
            let retry_at = if error.is_permanent() {
                now + TimeDelta::days(PARKED_DAYS)
            } else {
                now + retry_delay(email.attempts)
            };
            tracing::warn!(
                key = %email.dedup_key, attempts = email.attempts + 1, permanent = error.is_permanent(),
                %retry_at, %error, "message not sent"
            );
            store.mark_email_failed(email.id, &error.to_string(), retry_at).await?;
            false
        }
    };
    claims.recorded(email.id);
    Ok(sent)
}

/// Runs until `shutdown` completes: a pass at start, then one after each wake or poll
/// interval. Shutdown interrupts even a pass in progress and gives back the messages
/// it claimed, so the next start sends them at once; a message sent but not yet
/// recorded is sent again then, with the same Message-ID.
pub async fn run_outbox_worker(store: Store, mailer: Mailer, waker: OutboxWaker, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    tracing::info!(?mailer, "outbox worker started");
    let claims = Claims::default();
    loop {
        let pause = tokio::select! {
            biased;
            () = &mut shutdown => break,
            result = deliver_tracked(&store, &mailer, Utc::now(), &claims) => match result {
                Ok(_) => POLL_INTERVAL,
                Err(error) => {
                    tracing::error!(%error, "outbox pass failed");
                    ERROR_PAUSE
                }
            },
        };
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            () = waker.0.notified() => {}
            () = tokio::time::sleep(pause) => {}
        }
    }
    if let Some((lease_until, ids)) = claims.take() {
        match store.release_emails(&ids, lease_until, Utc::now()).await {
            Ok(released) => tracing::info!(released, "outbox worker released its claims"),
            Err(error) => tracing::error!(%error, "outbox claims not released: they are sent once their lease ends"),
        }
    }
    tracing::info!("outbox worker stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_up_to_an_hour() {
        let secs: Vec<i64> = [0, 1, 2, 3, 7, 8, 100, -1].into_iter().map(|a| retry_delay(a).num_seconds()).collect();
        assert_eq!(secs, [15, 30, 60, 120, 1920, 3600, 3600, 15]);
    }
}

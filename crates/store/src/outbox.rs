//! The transactional outbox. A message is written in the transaction of the change
//! that causes it, so either both are kept or neither; the mail worker sends it
//! later and retries until it goes through. The deduplication key makes a second
//! write of the same message a no-op, and travels with the message (as its
//! Message-ID) so that a resend after a crash is recognisable downstream.

use chrono::{DateTime, Utc};

use crate::rows::Columns;
use crate::{Result, Store, on_pool};

/// A message to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmail {
    /// Unique per message: "receipt:2026/0000042".
    pub dedup_key: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// A message waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub id: i64,
    pub dedup_key: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
}

pub(crate) const INSERT_SQL: &str = "INSERT INTO outbox (dedup_key, recipient, subject, body, created_at, next_attempt)
    VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (dedup_key) DO NOTHING";

/// Writes `email` on any executor of the backend: the caller's transaction.
macro_rules! enqueue_on {
    ($executor:expr, $email:expr, $now:expr) => {
        sqlx::query(crate::outbox::INSERT_SQL)
            .bind(&$email.dedup_key)
            .bind(&$email.recipient)
            .bind(&$email.subject)
            .bind(&$email.body)
            .bind($now)
            .execute($executor)
    };
}
pub(crate) use enqueue_on;

impl Store {
    /// Queues a message on its own, outside any other change.
    pub async fn enqueue_email(&self, email: &NewEmail, now: DateTime<Utc>) -> Result<()> {
        on_pool!(self, write |pool| {
            enqueue_on!(pool, email, now).await?;
        });
        Ok(())
    }

    /// Claims up to `limit` messages due at `now` for this worker until `lease_until`,
    /// oldest first. Recording the outcome (sent, or failed with its retry time) ends
    /// the lease early.
    pub async fn claim_due_emails(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutgoingEmail>> {
        let sql = crate::dialect::claim_due_emails(self.backend());
        on_pool!(self, write |pool| {
            let rows = sqlx::query(&sql).bind(now).bind(lease_until).bind(limit).fetch_all(pool).await?;
            let mut emails = rows.iter().map(email_from_row).collect::<Result<Vec<_>>>()?;
            emails.sort_by_key(|e| e.id);
            Ok(emails)
        })
    }

    /// Messages due at `now`, oldest first, without claiming them.
    pub async fn due_emails(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<OutgoingEmail>> {
        on_pool!(self, read |pool| {
            let rows = sqlx::query(
                "SELECT id, dedup_key, recipient, subject, body, attempts FROM outbox
                 WHERE sent_at IS NULL AND next_attempt <= $1 ORDER BY id LIMIT $2",
            )
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.iter().map(email_from_row).collect()
        })
    }

    pub async fn mark_email_sent(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        on_pool!(self, write |pool| {
            sqlx::query("UPDATE outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1")
                .bind(id)
                .bind(at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn mark_email_failed(&self, id: i64, error: &str, retry_at: DateTime<Utc>) -> Result<()> {
        on_pool!(self, write |pool| {
            sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt = $3 WHERE id = $1")
                .bind(id)
                .bind(error)
                .bind(retry_at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// How many messages are still to be sent: for health pages and tests.
    pub async fn pending_email_count(&self) -> Result<i64> {
        on_pool!(self, read |pool| {
            Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetch_one(pool).await?)
        })
    }
}

fn email_from_row(r: &impl Columns) -> Result<OutgoingEmail> {
    Ok(OutgoingEmail {
        id: r.int("id")?,
        dedup_key: r.text("dedup_key")?,
        recipient: r.text("recipient")?,
        subject: r.text("subject")?,
        body: r.text("body")?,
        attempts: r.small("attempts")?,
    })
}

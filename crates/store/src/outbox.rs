//! The transactional outbox. A message is written in the transaction of the change
//! that causes it, so either both are kept or neither; the mail worker sends it
//! later and retries until it goes through. The deduplication key makes a second
//! write of the same message a no-op, and travels with the message (as its
//! Message-ID) so that a resend after a crash is recognisable downstream.
//!
//! Most messages are plain text. One may also carry an HTML alternative and files
//! (an image the HTML shows inline, by its Content-ID), kept beside it in
//! `outbox_attachments`.

use chrono::{DateTime, Utc};

use crate::rows::Columns;
use crate::{Result, Store, on_pool};

/// A message to be sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewEmail {
    /// Unique per message: "receipt:2026/0000042".
    pub dedup_key: String,
    pub recipient: String,
    pub subject: String,
    /// The plain text, always there: what every client can show.
    pub body: String,
    /// The same message as HTML, for clients that prefer it.
    pub html: Option<String>,
    pub attachments: Vec<EmailAttachment>,
}

/// A file carried with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAttachment {
    /// Set for a part the HTML shows inline as `cid:{content_id}`.
    pub content_id: Option<String>,
    pub file_name: String,
    /// `image/png`.
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A message waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub id: i64,
    pub dedup_key: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub html: Option<String>,
    pub attachments: Vec<EmailAttachment>,
    pub attempts: i32,
}

pub(crate) const INSERT_SQL: &str =
    "INSERT INTO outbox (dedup_key, recipient, subject, body, html, created_at, next_attempt)
    VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (dedup_key) DO NOTHING RETURNING id";

pub(crate) const INSERT_ATTACHMENT_SQL: &str = "INSERT INTO outbox_attachments (outbox_id, content_id, file_name, content_type, content) VALUES ($1, $2, $3, $4, $5)";

/// Writes `email` with its attachments on a connection of the backend: the
/// caller's transaction. A message already queued under its key is left as it is.
macro_rules! enqueue_on {
    ($conn:expr, $email:expr, $now:expr) => {
        async {
            let conn = $conn;
            let email: &crate::NewEmail = &$email;
            let id: Option<i64> = sqlx::query_scalar(crate::outbox::INSERT_SQL)
                .bind(&email.dedup_key)
                .bind(&email.recipient)
                .bind(&email.subject)
                .bind(&email.body)
                .bind(&email.html)
                .bind($now)
                .fetch_optional(&mut *conn)
                .await?;
            if let Some(id) = id {
                for a in &email.attachments {
                    sqlx::query(crate::outbox::INSERT_ATTACHMENT_SQL)
                        .bind(id)
                        .bind(&a.content_id)
                        .bind(&a.file_name)
                        .bind(&a.content_type)
                        .bind(&a.content)
                        .execute(&mut *conn)
                        .await?;
                }
            }
            Ok::<(), crate::StoreError>(())
        }
    };
}
pub(crate) use enqueue_on;

/// Fills in the attachments of `emails`, read in one query.
macro_rules! attach_on {
    ($pool:expr, $emails:expr) => {
        async {
            let emails: &mut Vec<OutgoingEmail> = $emails;
            if !emails.is_empty() {
                // The ids come from the database as integers: safe to write inline.
                let ids: Vec<String> = emails.iter().map(|e| e.id.to_string()).collect();
                let sql = format!(
                    "SELECT outbox_id, content_id, file_name, content_type, content FROM outbox_attachments
                     WHERE outbox_id IN ({}) ORDER BY id",
                    ids.join(", ")
                );
                for r in sqlx::query(&sql).fetch_all($pool).await? {
                    let owner = r.int("outbox_id")?;
                    let attachment = EmailAttachment {
                        content_id: r.opt_text("content_id")?,
                        file_name: r.text("file_name")?,
                        content_type: r.text("content_type")?,
                        content: sqlx::Row::try_get(&r, "content")?,
                    };
                    if let Some(e) = emails.iter_mut().find(|e| e.id == owner) {
                        e.attachments.push(attachment);
                    }
                }
            }
            Ok::<(), crate::StoreError>(())
        }
    };
}

impl Store {
    /// Queues a message on its own, outside any other change.
    pub async fn enqueue_email(&self, email: &NewEmail, now: DateTime<Utc>) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                let mut conn = pool.acquire().await?;
                enqueue_on!(&mut *conn, email, now).await?;
            }
        );
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
        on_pool!(
            self,
            write | pool | {
                let rows = sqlx::query(&sql).bind(now).bind(lease_until).bind(limit).fetch_all(pool).await?;
                let mut emails = rows.iter().map(email_from_row).collect::<Result<Vec<_>>>()?;
                emails.sort_by_key(|e| e.id);
                attach_on!(pool, &mut emails).await?;
                Ok(emails)
            }
        )
    }

    /// Messages due at `now`, oldest first, without claiming them.
    pub async fn due_emails(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<OutgoingEmail>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(
                    "SELECT id, dedup_key, recipient, subject, body, html, attempts FROM outbox
                 WHERE sent_at IS NULL AND next_attempt <= $1 ORDER BY id LIMIT $2",
                )
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await?;
                let mut emails = rows.iter().map(email_from_row).collect::<Result<Vec<_>>>()?;
                attach_on!(pool, &mut emails).await?;
                Ok(emails)
            }
        )
    }

    pub async fn mark_email_sent(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                sqlx::query("UPDATE outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1")
                    .bind(id)
                    .bind(at)
                    .execute(pool)
                    .await?;
            }
        );
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn mark_email_failed(&self, id: i64, error: &str, retry_at: DateTime<Utc>) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt = $3 WHERE id = $1",
                )
                .bind(id)
                .bind(error)
                .bind(retry_at)
                .execute(pool)
                .await?;
            }
        );
        Ok(())
    }

    /// Gives back the messages `ids` a stopping worker claimed until `lease_until`
    /// and has not recorded: they are due again at `now`, so the next worker (the
    /// next start) sends them at once instead of waiting for the lease to run out.
    pub async fn release_emails(&self, ids: &[i64], lease_until: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        // The ids come from the database as integers: safe to write inline.
        let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
        let sql = format!(
            "UPDATE outbox SET next_attempt = $2 WHERE id IN ({}) AND sent_at IS NULL AND next_attempt = $1",
            ids.join(", ")
        );
        on_pool!(
            self,
            write | pool | { Ok(sqlx::query(&sql).bind(lease_until).bind(now).execute(pool).await?.rows_affected()) }
        )
    }

    /// How many messages are still to be sent: for health pages and tests.
    pub async fn pending_email_count(&self) -> Result<i64> {
        on_pool!(
            self,
            read | pool | {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetch_one(pool).await?)
            }
        )
    }
}

fn email_from_row(r: &impl Columns) -> Result<OutgoingEmail> {
    Ok(OutgoingEmail {
        id: r.int("id")?,
        dedup_key: r.text("dedup_key")?,
        recipient: r.text("recipient")?,
        subject: r.text("subject")?,
        body: r.text("body")?,
        html: r.opt_text("html")?,
        attachments: Vec::new(),
        attempts: r.small("attempts")?,
    })
}

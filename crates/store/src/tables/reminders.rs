//! Reminders before each session: the process's timing, and the claim of each
//! reminder, written with its message in one transaction so that it is sent once
//! however many instances look for due reminders at the same time.

use chrono::{DateTime, Utc};
use concerto_domain::tables::DEFAULT_REMINDER_HOURS;
use sqlx::Connection;

use crate::audit::audited;
use crate::outbox::enqueue_on;
use crate::{NewEmail, Result, Store, on_pool};

impl Store {
    /// How many hours before a session its people are reminded.
    pub async fn reminder_hours(&self, process_id: i64) -> Result<u32> {
        on_pool!(
            self,
            read | pool | {
                let hours: Option<i64> =
                    sqlx::query_scalar("SELECT hours_before FROM process_reminders WHERE process_id = $1")
                        .bind(process_id)
                        .fetch_optional(pool)
                        .await?;
                Ok(hours.and_then(|h| u32::try_from(h).ok()).unwrap_or(DEFAULT_REMINDER_HOURS))
            }
        )
    }

    /// Sets the reminders' timing of a process, with its audit entry.
    pub async fn set_reminder_hours(
        &self,
        process_id: i64,
        hours: u32,
        audit: &concerto_domain::AuditEntry,
    ) -> Result<()> {
        audited!(self, audit, |tx| {
            sqlx::query(
                "INSERT INTO process_reminders (process_id, hours_before) VALUES ($1, $2)
                 ON CONFLICT (process_id) DO UPDATE SET hours_before = excluded.hours_before",
            )
            .bind(process_id)
            .bind(i64::from(hours))
            .execute(&mut *tx)
            .await?;
        })
    }

    /// Claims the reminder of (`session_id`, `tax_code`, `rep_email`) and queues
    /// `email` with it. False when another run claimed it first: nothing is queued.
    pub async fn claim_reminder(
        &self,
        session_id: i64,
        tax_code: &str,
        rep_email: &str,
        email: &NewEmail,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(
            self,
            write | pool | {
                let mut conn = pool.acquire().await?;
                let mut tx = conn.begin().await?;
                let claimed = sqlx::query(
                    "INSERT INTO session_reminders (session_id, tax_code, rep_email, sent_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                )
                .bind(session_id)
                .bind(tax_code)
                .bind(rep_email)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if claimed {
                    enqueue_on!(&mut *tx, email, now).await?;
                }
                tx.commit().await?;
                Ok(claimed)
            }
        )
    }

    /// Whether the reminder of a person for a session was already claimed.
    pub async fn reminder_sent(&self, session_id: i64, tax_code: &str, rep_email: &str) -> Result<bool> {
        on_pool!(
            self,
            read | pool | {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM session_reminders WHERE session_id = $1 AND tax_code = $2 AND rep_email = $3",
                )
                .bind(session_id)
                .bind(tax_code)
                .bind(rep_email)
                .fetch_one(pool)
                .await?;
                Ok(n > 0)
            }
        )
    }
}

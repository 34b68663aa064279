//! Password reset by e-mailed link. A request is recorded whether or not the address
//! belongs to an account, so that throttling answers alike; only an account's request
//! carries a token, stored as its digest, used once, before it expires.

use chrono::{DateTime, Utc};

use crate::accounts::{account_entry_on, normalise};
use crate::audit::audited;
use crate::outbox::enqueue_on;
use crate::{NewEmail, Result, Store, on_pool};

/// A request for a reset link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetRequest<'a> {
    pub email: &'a str,
    pub address: &'a str,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub token_digest: &'a str,
    /// The message with the link, queued only when the address is an enabled account's.
    pub message: &'a NewEmail,
}

impl Store {
    /// Requests since `since`: (for this address, from this network address).
    pub async fn password_reset_requests(
        &self,
        email: &str,
        address: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, i64)> {
        on_pool!(
            self,
            read | pool | {
                let by_email: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM password_resets WHERE email = $1 AND requested_at >= $2")
                        .bind(normalise(email))
                        .bind(since)
                        .fetch_one(pool)
                        .await?;
                let by_address: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM password_resets WHERE address = $1 AND requested_at >= $2",
                )
                .bind(address)
                .bind(since)
                .fetch_one(pool)
                .await?;
                Ok((by_email, by_address))
            }
        )
    }

    /// Records the request and, for an enabled account with a password, its token and
    /// the message, in one transaction. Returns whether a message was queued.
    pub async fn request_password_reset(&self, r: &ResetRequest<'_>) -> Result<bool> {
        let email = normalise(r.email);
        audited!(self, |tx| {
            let account: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM accounts WHERE email = $1 AND NOT disabled AND password_hash IS NOT NULL",
            )
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO password_resets (email, address, requested_at, account_id, token_digest, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&email)
            .bind(r.address)
            .bind(r.at)
            .bind(account)
            .bind(account.map(|_| r.token_digest))
            .bind(account.map(|_| r.expires_at))
            .execute(&mut *tx)
            .await?;
            if account.is_some() {
                enqueue_on!(&mut *tx, r.message, r.at).await?;
            }
            let subject = account.map_or_else(|| format!("login:{email}"), |id| format!("account:{id}"));
            let after = serde_json::json!({ "address": r.address }).to_string();
            let entry = account_entry_on!(
                &mut *tx,
                account,
                subject,
                "public",
                "account.password_reset_requested",
                r.at,
                Some(after)
            )
            .await?;
            (account.is_some(), entry)
        })
    }

    /// Whether a reset link still opens: unused and not expired at `now`.
    pub async fn password_reset_is_valid(&self, token_digest: &str, now: DateTime<Utc>) -> Result<bool> {
        on_pool!(
            self,
            read | pool | {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM password_resets WHERE token_digest = $1 AND used_at IS NULL AND expires_at > $2",
                )
                .bind(token_digest)
                .bind(now)
                .fetch_optional(pool)
                .await?;
                Ok(found.is_some())
            }
        )
    }

    /// Uses a reset link: sets the new password, spends every open link of the
    /// account, and ends its sessions by moving their generation. `None` when the
    /// link is unknown, used or expired.
    pub async fn reset_password(&self, token_digest: &str, new_hash: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
        audited!(self, |tx| {
            let account: Option<i64> = sqlx::query_scalar(
                "UPDATE password_resets SET used_at = $2
                 WHERE token_digest = $1 AND used_at IS NULL AND expires_at > $2 RETURNING account_id",
            )
            .bind(token_digest)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(account) = account else { return Ok(None) };
            sqlx::query("UPDATE password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL")
                .bind(account)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE accounts SET password_hash = $2, session_generation = session_generation + 1 WHERE id = $1",
            )
            .bind(account)
            .bind(new_hash)
            .execute(&mut *tx)
            .await?;
            let subject = format!("account:{account}");
            let entry = account_entry_on!(
                &mut *tx,
                Some(account),
                subject,
                "holder:reset-link",
                "account.password_reset_used",
                now,
                None::<String>
            )
            .await?;
            (Some(account), entry)
        })
    }
}

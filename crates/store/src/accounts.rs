//! Accounts and the record of failed logins.

use chrono::{DateTime, Utc};
use concerto_domain::{Principal, Role};

use crate::audit::{audit_on, audited};
use crate::rows::{Columns, corrupt};
use crate::{Result, Store, StoreError, on_pool};

/// The audit entry of an account event, made through `$conn` inside the caller's
/// transaction under the Ambito of the account `$account` (an `Option<i64>`) so
/// that its office sees it. Evaluates to a future of the entry.
macro_rules! account_entry_on {
    ($conn:expr, $account:expr, $subject:expr, $actor:expr, $action:expr, $at:expr, $after:expr) => {
        async {
            let conn = $conn;
            let account: Option<i64> = $account;
            let ambito: Option<String> = match account {
                Some(id) => {
                    sqlx::query_scalar(
                        "SELECT b.slug FROM accounts a JOIN ambiti b ON b.id = a.ambito_id WHERE a.id = $1",
                    )
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?
                }
                None => None,
            };
            Ok::<_, crate::StoreError>(concerto_domain::AuditEntry {
                actor: $actor.to_string(),
                at: $at,
                action: $action.to_string(),
                subject: $subject,
                ambito,
                before: None,
                after: $after,
            })
        }
    };
}
pub(crate) use account_entry_on;

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The Ambito of an office role.
    pub ambito_id: Option<i64>,
    /// An Argon2id PHC string; `None` for accounts that sign in through SPID/CIE only.
    pub password_hash: Option<String>,
}

/// What the login needs of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub principal: Principal,
    pub password_hash: Option<String>,
    pub disabled: bool,
    /// Sessions signed in under another generation are over: a password reset moves it.
    pub session_generation: i64,
}

/// Addresses compare without regard to case or surrounding blanks.
pub(crate) fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

fn credentials_from_row(row: &impl Columns) -> Result<Credentials> {
    Ok(Credentials {
        principal: principal_from_row(row)?,
        password_hash: row.opt_text("password_hash")?,
        disabled: row.flag("disabled")?,
        session_generation: row.int("session_generation")?,
    })
}

const SELECT_CREDENTIALS: &str =
    "SELECT id, email, role, ambito_id, password_hash, disabled, session_generation FROM accounts";

fn principal_from_row(row: &impl Columns) -> Result<Principal> {
    let role = row.text("role")?;
    Ok(Principal {
        account_id: row.int("id")?,
        email: row.text("email")?,
        role: Role::from_code(&role).ok_or_else(|| corrupt("role", &role))?,
        ambito_id: row.opt_int("ambito_id")?,
    })
}

/// Recent failed logins as (how many, the latest): for one account from one
/// address, and from that address for any account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub here: (i64, Option<DateTime<Utc>>),
    pub by_address: (i64, Option<DateTime<Utc>>),
}

impl Store {
    /// Creates an account, audited as the act of `actor` ("cli", "account:1 <x@y>").
    pub async fn create_account(&self, account: &NewAccount, actor: &str, now: DateTime<Utc>) -> Result<i64> {
        let email = normalise(&account.email);
        if self.credentials(&email).await?.is_some() {
            return Err(StoreError::Conflict(format!("esiste già un account con l'indirizzo {email}")));
        }
        let after = serde_json::json!({ "email": email, "role": account.role.code(), "ambito_id": account.ambito_id });
        audited!(self, |tx| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO accounts (email, display_name, role, ambito_id, password_hash, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(&email)
            .bind(&account.display_name)
            .bind(account.role.code())
            .bind(account.ambito_id)
            .bind(&account.password_hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let entry = account_entry_on!(
                &mut *tx,
                Some(id),
                format!("account:{id}"),
                actor,
                "account.create",
                now,
                Some(after.to_string())
            )
            .await?;
            (id, entry)
        })
    }

    /// The account behind an e-mail address, for the login.
    pub async fn credentials(&self, email: &str) -> Result<Option<Credentials>> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(&format!("{SELECT_CREDENTIALS} WHERE email = $1"))
                    .bind(normalise(email))
                    .fetch_optional(pool)
                    .await?;
                row.as_ref().map(credentials_from_row).transpose()
            }
        )
    }

    /// The signed-in account of a session, unless it has been disabled or its
    /// password reset since the session began (under `generation`).
    pub async fn principal(&self, account_id: i64, generation: i64) -> Result<Option<Principal>> {
        on_pool!(
            self,
            read | pool
                | {
                    let row = sqlx::query(
                "SELECT id, email, role, ambito_id FROM accounts WHERE id = $1 AND NOT disabled AND session_generation = $2",
            )
            .bind(account_id)
            .bind(generation)
                .fetch_optional(pool)
                .await?;
                    row.as_ref().map(principal_from_row).transpose()
                }
        )
    }

    /// Replaces a password hash, for a reset or an upgraded hashing scheme.
    pub async fn set_password_hash(&self, account_id: i64, hash: &str) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                sqlx::query("UPDATE accounts SET password_hash = $2 WHERE id = $1")
                    .bind(account_id)
                    .bind(hash)
                    .execute(pool)
                    .await?;
            }
        );
        Ok(())
    }

    pub async fn ambito_id(&self, slug: &str) -> Result<Option<i64>> {
        on_pool!(
            self,
            read | pool | {
                Ok(sqlx::query_scalar("SELECT id FROM ambiti WHERE slug = $1").bind(slug).fetch_optional(pool).await?)
            }
        )
    }

    /// Records a failed sign-in, with its audit entry: of the account when the
    /// address names one, of the address typed otherwise.
    pub async fn record_login_failure(&self, email: &str, address: &str, at: DateTime<Utc>) -> Result<()> {
        let email = normalise(email);
        let account = self.credentials(&email).await?.map(|c| c.principal.account_id);
        let subject = account.map_or_else(|| format!("login:{email}"), |id| format!("account:{id}"));
        let after = serde_json::json!({ "address": address }).to_string();
        audited!(self, |tx| {
            sqlx::query("INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3)")
                .bind(&email)
                .bind(address)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            let entry =
                account_entry_on!(&mut *tx, account, subject, "public", "account.sign_in_failed", at, Some(after))
                    .await?;
            ((), entry)
        })
    }

    /// Records a successful sign-in from `address` (`via` the password or SPID/CIE),
    /// forgetting the account's failures, with its audit entry.
    pub async fn record_sign_in(&self, account_id: i64, via: &str, address: &str, at: DateTime<Utc>) -> Result<()> {
        let after = serde_json::json!({ "address": address, "via": via }).to_string();
        audited!(self, |tx| {
            sqlx::query("DELETE FROM login_failures WHERE email = (SELECT email FROM accounts WHERE id = $1)")
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE accounts SET last_sign_in_at = $2 WHERE id = $1")
                .bind(account_id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            let actor = format!("account:{account_id}");
            let entry = account_entry_on!(
                &mut *tx,
                Some(account_id),
                actor.clone(),
                &actor,
                "account.sign_in",
                at,
                Some(after)
            )
            .await?;
            ((), entry)
        })
    }

    /// Records a sign-out, with its audit entry.
    pub async fn record_sign_out(&self, account_id: i64, at: DateTime<Utc>) -> Result<()> {
        audited!(self, |tx| {
            let actor = format!("account:{account_id}");
            let entry = account_entry_on!(
                &mut *tx,
                Some(account_id),
                actor.clone(),
                &actor,
                "account.sign_out",
                at,
                None::<String>
            )
            .await?;
            ((), entry)
        })
    }

    /// Failed logins since `since`, with the latest: for this account from this
    /// address, and from this address for any account.
    pub async fn login_failures(&self, email: &str, address: &str, since: DateTime<Utc>) -> Result<LoginFailures> {
        on_pool!(
            self,
            read | pool | {
                let (here, last_here): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
                    "SELECT COUNT(*), MAX(at) FROM login_failures WHERE email = $1 AND address = $2 AND at >= $3",
                )
                .bind(normalise(email))
                .bind(address)
                .bind(since)
                .fetch_one(pool)
                .await?;
                let (by_address, last_by_address): (i64, Option<DateTime<Utc>>) =
                    sqlx::query_as("SELECT COUNT(*), MAX(at) FROM login_failures WHERE address = $1 AND at >= $2")
                        .bind(address)
                        .bind(since)
                        .fetch_one(pool)
                        .await?;
                Ok(LoginFailures { here: (here, last_here), by_address: (by_address, last_by_address) })
            }
        )
    }
}

/// Signing in through SPID/CIE (OpenID Connect): accounts are found by the provider's
/// subject, `issuer|sub`.
impl Store {
    pub async fn account_by_oidc_subject(&self, subject: &str) -> Result<Option<Credentials>> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(&format!("{SELECT_CREDENTIALS} WHERE oidc_subject = $1"))
                    .bind(subject)
                    .fetch_optional(pool)
                    .await?;
                row.as_ref().map(credentials_from_row).transpose()
            }
        )
    }

    /// The account of a SPID/CIE identity: the one already linked to `subject`; else
    /// the account with the same e-mail and no subject yet, which gets linked when
    /// `link_by_email` allows it (its role is kept: a link never changes a role);
    /// else a new citizen account without a password. An e-mail already linked to
    /// another identity, or not allowed to link, is a conflict.
    pub async fn link_or_create_oidc_account(
        &self,
        subject: &str,
        email: &str,
        display_name: &str,
        link_by_email: bool,
        now: DateTime<Utc>,
    ) -> Result<Credentials> {
        let email = normalise(email);
        // Two first logins of one identity at once: the loser finds the winner's row.
        for _ in 0..2 {
            let attempt = on_pool!(
                self,
                write
                    | pool
                    | {
                        async {
                    let mut conn = pool.acquire().await?;
                    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                    let linked = sqlx::query("SELECT id FROM accounts WHERE oidc_subject = $1")
                        .bind(subject)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let id = match linked {
                        Some(row) => row.int("id")?,
                        None => {
                            let same_email = sqlx::query("SELECT id, oidc_subject FROM accounts WHERE email = $1")
                                .bind(&email)
                                .fetch_optional(&mut *tx)
                                .await?;
                            match same_email {
                                Some(row) if link_by_email && row.opt_text("oidc_subject")?.is_none() => {
                                    let id = row.int("id")?;
                                    sqlx::query("UPDATE accounts SET oidc_subject = $2 WHERE id = $1 AND oidc_subject IS NULL")
                                        .bind(id)
                                        .bind(subject)
                                        .execute(&mut *tx)
                                        .await?;
                                    let subject_of = format!("account:{id}");
                                    let entry = account_entry_on!(&mut *tx, Some(id), subject_of, "spid-cie", "account.link_identity", now, None::<String>)
                                        .await?;
                                    audit_on!(&mut *tx, &entry).await?;
                                    id
                                }
                                Some(_) => {
                                    return Err(StoreError::Conflict(format!(
                                        "l'indirizzo {email} appartiene a un altro account"
                                    )));
                                }
                                None => {
                                    let id: i64 = sqlx::query_scalar(
                                        "INSERT INTO accounts (email, display_name, role, ambito_id, password_hash, oidc_subject, created_at)
                                         VALUES ($1, $2, $3, NULL, NULL, $4, $5) RETURNING id",
                                    )
                                    .bind(&email)
                                    .bind(display_name)
                                    .bind(Role::Citizen.code())
                                    .bind(subject)
                                    .bind(now)
                                    .fetch_one(&mut *tx)
                                    .await?;
                                    let after = serde_json::json!({ "email": email, "role": Role::Citizen.code() }).to_string();
                                    let entry = account_entry_on!(&mut *tx, Some(id), format!("account:{id}"), "spid-cie", "account.create", now, Some(after))
                                        .await?;
                                    audit_on!(&mut *tx, &entry).await?;
                                    id
                                }
                            }
                        }
                    };
                    let row = sqlx::query(&format!("{SELECT_CREDENTIALS} WHERE id = $1"))
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                    let credentials = credentials_from_row(&row)?;
                    tx.commit().await?;
                    Ok::<_, StoreError>(credentials)
                }
                .await
                    }
            );
            match attempt {
                Err(StoreError::Database(sqlx::Error::Database(db))) if db.is_unique_violation() => continue,
                outcome => return outcome,
            }
        }
        self.account_by_oidc_subject(subject).await?.ok_or(StoreError::NotFound)
    }
}

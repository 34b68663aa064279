//! Single-use account links (the first run, invitations, a representative's e-mail
//! check) and the accounts an office manages. A link is stored as the SHA-256 of its
//! token, opens before it expires, and is spent by the transaction that uses it.

use chrono::{DateTime, Utc};
use concerto_domain::{AccountChange, Role, keeps_a_platform_admin};
use sqlx::Connection;

use crate::accounts::{NewAccount, account_entry_on, normalise};
use crate::audit::audited;
use crate::outbox::enqueue_on;
use crate::rows::{Columns, corrupt};
use crate::{NewEmail, Result, Store, StoreError, on_pool};

/// What a link does once used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Creates the first platform administrator of an empty installation.
    Setup,
    /// Sets the password of an invited account.
    Invitation,
    /// Creates a representative's account at the address the link reached.
    Verification,
}

impl LinkPurpose {
    fn code(self) -> &'static str {
        match self {
            LinkPurpose::Setup => "setup",
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::Verification => "verification",
        }
    }
}

/// An account as the office's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLine {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub ambito_id: Option<i64>,
    pub ambito_name: Option<String>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub disabled: bool,
    /// Invited, and no password chosen nor SPID/CIE identity linked yet.
    pub invited: bool,
}

const SELECT_LINES: &str =
    "SELECT a.id, a.email, a.display_name, a.role, a.ambito_id, b.name AS ambito_name, a.last_sign_in_at,
        a.disabled, (a.password_hash IS NULL AND a.oidc_subject IS NULL) AS invited
     FROM accounts a LEFT JOIN ambiti b ON b.id = a.ambito_id";

fn line_from_row(row: &impl Columns) -> Result<AccountLine> {
    let role = row.text("role")?;
    Ok(AccountLine {
        id: row.int("id")?,
        email: row.text("email")?,
        display_name: row.text("display_name")?,
        role: Role::from_code(&role).ok_or_else(|| corrupt("role", &role))?,
        ambito_id: row.opt_int("ambito_id")?,
        ambito_name: row.opt_text("ambito_name")?.map(|n| format!("Ambito Territoriale Sociale di {n}")),
        last_sign_in_at: row.opt_instant("last_sign_in_at")?,
        disabled: row.flag("disabled")?,
        invited: row.flag("invited")?,
    })
}

/// Spends the open link `$digest` of `$purpose` at `$now` through `$conn`:
/// `Some((account_id, email))` when it was open, `None` when unknown, used or expired.
macro_rules! spend_link_on {
    ($conn:expr, $digest:expr, $purpose:expr, $now:expr) => {
        async {
            let row: Option<(Option<i64>, Option<String>)> = sqlx::query_as(
                "UPDATE account_links SET used_at = $2
                 WHERE digest = $1 AND purpose = $3 AND used_at IS NULL AND expires_at > $2 RETURNING account_id, email",
            )
            .bind($digest)
            .bind($now)
            .bind($purpose.code())
            .fetch_optional(&mut *$conn)
            .await?;
            Ok::<_, StoreError>(row)
        }
    };
}

impl Store {
    /// Whether any account exists: an installation without one is at its first run.
    pub async fn has_accounts(&self) -> Result<bool> {
        on_pool!(
            self,
            read | pool | {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(pool).await?;
                Ok(n > 0)
            }
        )
    }

    /// Records the first-run link, spending any earlier one: only the address the
    /// server printed last opens. Refused once an account exists.
    pub async fn issue_setup_link(&self, digest: &str, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                let mut conn = pool.acquire().await?;
                let mut tx = conn.begin().await?;
                let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(&mut *tx).await?;
                if accounts > 0 {
                    return Err(StoreError::Conflict("esiste già un account".into()));
                }
                sqlx::query("UPDATE account_links SET used_at = $1 WHERE purpose = 'setup' AND used_at IS NULL")
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO account_links (digest, purpose, created_at, expires_at) VALUES ($1, 'setup', $2, $3)",
                )
                .bind(digest)
                .bind(now)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }
        )
    }

    /// The address an open link of `purpose` concerns (the invited account's, or the
    /// one to verify); `Some(None)` for the setup link; `None` when it does not open.
    pub async fn open_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: DateTime<Utc>,
    ) -> Result<Option<Option<String>>> {
        on_pool!(
            self,
            read | pool | {
                let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
                    "SELECT l.email, a.email FROM account_links l LEFT JOIN accounts a ON a.id = l.account_id
                 WHERE l.digest = $1 AND l.purpose = $2 AND l.used_at IS NULL AND l.expires_at > $3",
                )
                .bind(digest)
                .bind(purpose.code())
                .bind(now)
                .fetch_optional(pool)
                .await?;
                Ok(row.map(|(link, account)| account.or(link)))
            }
        )
    }

    /// Uses the setup link: creates the first platform administrator, who accepted
    /// the terms at `now`, audited. `None` when the link does not open or an account
    /// exists already.
    pub async fn create_first_admin(
        &self,
        digest: &str,
        email: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let email = normalise(email);
        audited!(self, |tx| {
            if spend_link_on!(tx, digest, LinkPurpose::Setup, now).await?.is_none() {
                return Ok(None);
            }
            let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(&mut *tx).await?;
            if accounts > 0 {
                return Ok(None);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO accounts (email, display_name, role, password_hash, created_at, terms_accepted_at)
                 VALUES ($1, $1, 'platform-admin', $2, $3, $3) RETURNING id",
            )
            .bind(&email)
            .bind(password_hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let after =
                serde_json::json!({ "email": email, "role": "platform-admin", "terms_accepted": true }).to_string();
            let entry = account_entry_on!(
                &mut *tx,
                Some(id),
                format!("account:{id}"),
                "setup",
                "account.create",
                now,
                Some(after)
            )
            .await?;
            (Some(id), entry)
        })
    }

    /// Creates an invited account without a password, its invitation link and the
    /// message that carries it, in one transaction, audited as `actor`'s.
    pub async fn invite_account(
        &self,
        account: &NewAccount,
        digest: &str,
        expires_at: DateTime<Utc>,
        message: &NewEmail,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let email = normalise(&account.email);
        if self.credentials(&email).await?.is_some() {
            return Err(StoreError::Conflict(format!("esiste già un account con l'indirizzo {email}")));
        }
        let after = serde_json::json!({ "email": email, "role": account.role.code(), "ambito_id": account.ambito_id })
            .to_string();
        audited!(self, |tx| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO accounts (email, display_name, role, ambito_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(&email)
            .bind(&account.display_name)
            .bind(account.role.code())
            .bind(account.ambito_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO account_links (digest, purpose, account_id, created_at, expires_at) VALUES ($1, 'invitation', $2, $3, $4)",
            )
            .bind(digest)
            .bind(id)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            enqueue_on!(&mut *tx, message, now).await?;
            let entry = account_entry_on!(
                &mut *tx,
                Some(id),
                format!("account:{id}"),
                actor,
                "account.invite",
                now,
                Some(after)
            )
            .await?;
            (id, entry)
        })
    }

    /// Uses an invitation: sets the account's password, audited. `None` when the
    /// link does not open.
    pub async fn accept_invitation(
        &self,
        digest: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        audited!(self, |tx| {
            let Some((Some(id), _)) = spend_link_on!(tx, digest, LinkPurpose::Invitation, now).await? else {
                return Ok(None);
            };
            sqlx::query(
                "UPDATE accounts SET password_hash = $2, session_generation = session_generation + 1 WHERE id = $1",
            )
            .bind(id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
            let subject = format!("account:{id}");
            let entry = account_entry_on!(
                &mut *tx,
                Some(id),
                subject,
                "holder:invitation-link",
                "account.invitation_used",
                now,
                None::<String>
            )
            .await?;
            (Some(id), entry)
        })
    }

    /// Records a link to verify `email` before a representative's account is made
    /// for it, and queues its message.
    pub async fn request_verification(
        &self,
        email: &str,
        digest: &str,
        expires_at: DateTime<Utc>,
        message: &NewEmail,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let email = normalise(email);
        on_pool!(
            self,
            write
                | pool
                | {
                    let mut conn = pool.acquire().await?;
                    let mut tx = conn.begin().await?;
                    sqlx::query(
                "INSERT INTO account_links (digest, purpose, email, created_at, expires_at) VALUES ($1, 'verification', $2, $3, $4)",
            )
            .bind(digest)
            .bind(&email)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
                    enqueue_on!(&mut *tx, message, now).await?;
                    tx.commit().await?;
                    Ok(())
                }
        )
    }

    /// Uses a verification link: creates the representative's account at the
    /// verified address with its password, audited. `None` when the link does not
    /// open; a conflict when the address has an account already.
    pub async fn complete_verification(
        &self,
        digest: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        audited!(self, |tx| {
            let Some((_, Some(email))) = spend_link_on!(tx, digest, LinkPurpose::Verification, now).await? else {
                return Ok(None);
            };
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(StoreError::Conflict(format!(
                    "esiste già un account con l'indirizzo {email}: accedere con la sua password"
                )));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO accounts (email, display_name, role, password_hash, created_at) VALUES ($1, $1, 'representative', $2, $3) RETURNING id",
            )
            .bind(&email)
            .bind(password_hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let after = serde_json::json!({ "email": email, "role": "representative", "verified": true }).to_string();
            let entry = account_entry_on!(
                &mut *tx,
                Some(id),
                format!("account:{id}"),
                "holder:verification-link",
                "account.create",
                now,
                Some(after)
            )
            .await?;
            (Some(id), entry)
        })
    }

    /// The accounts of an Ambito (`Some`) or every account (`None`), by e-mail.
    pub async fn account_lines(&self, ambito: Option<i64>) -> Result<Vec<AccountLine>> {
        on_pool!(
            self,
            read | pool | {
                let rows = match ambito {
                    Some(id) => {
                        sqlx::query(&format!("{SELECT_LINES} WHERE a.ambito_id = $1 ORDER BY a.email"))
                            .bind(id)
                            .fetch_all(pool)
                            .await?
                    }
                    None => sqlx::query(&format!("{SELECT_LINES} ORDER BY a.email")).fetch_all(pool).await?,
                };
                rows.iter().map(line_from_row).collect()
            }
        )
    }

    pub async fn account_line(&self, id: i64) -> Result<Option<AccountLine>> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(&format!("{SELECT_LINES} WHERE a.id = $1")).bind(id).fetch_optional(pool).await?;
                row.as_ref().map(line_from_row).transpose()
            }
        )
    }

    /// Changes an account's role or state, audited as `actor`'s, unless that would
    /// leave no active platform administrator. Deactivating ends its sessions at
    /// once; a role that needs an Ambito keeps the account's, a platform role drops it.
    pub async fn change_account(&self, id: i64, change: AccountChange, actor: &str, now: DateTime<Utc>) -> Result<()> {
        audited!(self, |tx| {
            let row = sqlx::query("SELECT role, disabled, ambito_id FROM accounts WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let code = row.text("role")?;
            let current = Role::from_code(&code).ok_or_else(|| corrupt("role", &code))?;
            let disabled = row.flag("disabled")?;
            let others: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM accounts WHERE role = 'platform-admin' AND NOT disabled AND id <> $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            keeps_a_platform_admin(current, disabled, change, others)?;
            let (action, after) = match change {
                AccountChange::Role(role) => {
                    if role.needs_ambito() && row.opt_int("ambito_id")?.is_none() {
                        let mut errors = concerto_domain::FieldErrors::default();
                        errors.push(
                            "role",
                            "needs_ambito",
                            "Questo ruolo richiede un Ambito: invitare la persona dall'Ambito.",
                        );
                        return Err(errors.into());
                    }
                    sqlx::query(
                        "UPDATE accounts SET role = $2, ambito_id = CASE WHEN $3 THEN ambito_id ELSE NULL END WHERE id = $1",
                    )
                    .bind(id)
                    .bind(role.code())
                    .bind(role.needs_ambito())
                    .execute(&mut *tx)
                    .await?;
                    ("account.role", serde_json::json!({ "from": current.code(), "to": role.code() }))
                }
                AccountChange::Deactivate => {
                    sqlx::query("UPDATE accounts SET disabled = TRUE, session_generation = session_generation + 1 WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
                    ("account.deactivate", serde_json::json!({ "disabled": true }))
                }
                AccountChange::Reactivate => {
                    sqlx::query("UPDATE accounts SET disabled = FALSE WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    ("account.reactivate", serde_json::json!({ "disabled": false }))
                }
            };
            let subject = format!("account:{id}");
            let entry =
                account_entry_on!(&mut *tx, Some(id), subject, actor, action, now, Some(after.to_string())).await?;
            ((), entry)
        })
    }
}

//! From an empty database to working accounts (issue 16): the first-run page that
//! creates the platform's administrator, the invitation links of the office's
//! staff, and the e-mail check that gives a representative an account. Each link
//! is single-use, expires, and is stored as a digest; the three share one page.

mod invitation;
mod privacy;
mod setup;
mod verification;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use concerto_domain::FieldErrors;
use concerto_store::LinkPurpose;
use serde::Deserialize;

use crate::AppState;
use crate::error::{OrPage, PageError, WebError};
use crate::page::PageContext;
use crate::page::render;

pub use setup::first_run_link;

pub fn routes() -> Router<AppState> {
    setup::routes().merge(invitation::routes()).merge(verification::routes()).merge(privacy::routes())
}

/// The page that makes an account from a link: what it asks and what it says.
#[derive(Template)]
#[template(path = "account_link.html")]
struct LinkPage {
    ctx: PageContext,
    /// The locale keys of its heading and its introduction.
    heading: &'static str,
    intro: &'static str,
    /// The address the account is for, when the link names it.
    email: Option<String>,
    /// The first run asks for the address and the acceptance of the terms.
    ask_email: bool,
    ask_terms: bool,
    typed_email: String,
    errors: Vec<(String, String)>,
    done: bool,
    /// A message went out: no sign-in button yet.
    sent: bool,
}

impl LinkPage {
    fn new(ctx: PageContext, heading: &'static str, intro: &'static str) -> LinkPage {
        LinkPage {
            ctx,
            heading,
            intro,
            email: None,
            ask_email: false,
            ask_terms: false,
            typed_email: String::new(),
            errors: vec![],
            done: false,
            sent: false,
        }
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    fn is_password(&self, field: &str) -> bool {
        field == "password"
    }

    /// The ids of a password field's hint and error, for aria-describedby.
    fn described(&self, field: &str) -> String {
        let hint = (field == "password").then(|| "h-account-password".to_string());
        let error = self.error(field).map(|_| format!("e-account-{field}"));
        [hint, error].into_iter().flatten().collect::<Vec<_>>().join(" ")
    }

    fn with_errors(mut self, errors: FieldErrors) -> LinkPage {
        self.errors = crate::form::localized(&errors, &self.ctx);
        self
    }

    /// The link's page once its work is done.
    fn done(ctx: PageContext, heading: &'static str, intro: &'static str) -> Response {
        let mut page = LinkPage::new(ctx, heading, intro);
        page.done = true;
        page.respond()
    }

    fn respond(self) -> Response {
        let status = if self.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        let ctx = self.ctx.clone();
        render(&ctx, &self).map(|r| (status, r).into_response()).unwrap_or_else(IntoResponse::into_response)
    }
}

/// The answer of a link that does not open (unknown, used or expired): a 404, so
/// that nothing tells a used link from one that never was.
/// The form of a password chosen through a link: the password, typed twice.
#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

/// A password chosen through a link: the link's digest and address, the new hash.
struct ChosenPassword {
    digest: String,
    email: Option<String>,
    hash: String,
    now: DateTime<Utc>,
}

/// Opens the link of `purpose` behind `token` and checks the password chosen there:
/// the link's `page` again with the errors, or 404 once the link is used or expired.
async fn choose_password(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
    purpose: LinkPurpose,
    input: &PasswordForm,
    page: fn(PageContext, Option<String>) -> LinkPage,
) -> Result<ChosenPassword, Response> {
    let digest = crate::secret::token_digest(token);
    let now = state.clock.now();
    let email = state.store.open_link(&digest, purpose, now).await.or_page(ctx)?.ok_or_else(|| gone(ctx.clone()))?;
    let hash = checked_hash(&input.password, &input.confirmation)
        .await
        .map_err(|errors| page(ctx.clone(), email.clone()).with_errors(errors).respond())?;
    Ok(ChosenPassword { digest, email, hash, now })
}

fn gone(ctx: PageContext) -> Response {
    PageError { ctx, error: WebError::NotFound }.into_response()
}

/// The password typed twice, hashed off the async threads once it passes the rule.
async fn checked_hash(password: &str, confirmation: &str) -> Result<String, FieldErrors> {
    concerto_domain::access::check_new_password(password, confirmation)?;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || crate::secret::hash_password(&password)).await.map_err(|_| {
        let mut errors = FieldErrors::default();
        errors.push("password", "internal", "Non è stato possibile salvare la password: riprovare.");
        errors
    })
}

/// The address a link of this server opens at.
fn link(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config.public_url.trim_end_matches('/'))
}

//! Password reset by e-mailed link: `/accedi/password` asks for the link, and never
//! tells whether the address has an account; `/accedi/password/{token}` chooses the
//! new password. The link is single-use, expires, is stored as a digest, goes out
//! through the outbox, and using it ends every session of the account.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::Duration;
use concerto_domain::access::check_new_password;
use concerto_mail::templates::password_reset;
use concerto_store::ResetRequest;
use serde::Deserialize;

use crate::AppState;
use crate::error::{PageError, WebError};
use crate::guard::Visitor;
use crate::page::PageContext;
use crate::page::render;

/// How long a link opens.
const VALID_MINUTES: i64 = 60;
/// Requests tolerated within the window, per address asked for and per client address.
const MAX_PER_EMAIL: i64 = 3;
const MAX_PER_ADDRESS: i64 = 10;
const WINDOW_MINUTES: i64 = 60;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accedi/password", get(request_form).post(request))
        .route("/accedi/password/{token}", get(choose_form).post(choose))
}

/// What the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Request,
    Sent,
    Choose,
    Done,
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    ctx: PageContext,
    step: Step,
    email: String,
    /// (field, message) of the new-password form, or a message for the whole page.
    errors: Vec<(String, String)>,
}

impl ResetPage {
    fn is(&self, step: &str) -> bool {
        let current = match self.step {
            Step::Request => "request",
            Step::Sent => "sent",
            Step::Choose => "choose",
            Step::Done => "done",
        };
        current == step
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

fn show(
    ctx: PageContext,
    step: Step,
    email: String,
    errors: Vec<(String, String)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = ResetPage { ctx, step, email, errors };
    render(&page.ctx, &page).map(|r| (status, r).into_response())
}

async fn request_form(ctx: PageContext) -> Result<Response, PageError> {
    show(ctx, Step::Request, String::new(), vec![], StatusCode::OK)
}

#[derive(Deserialize)]
struct RequestForm {
    #[serde(default)]
    email: String,
}

async fn request(
    Visitor { state, ctx, client: address }: Visitor,
    Form(input): Form<RequestForm>,
) -> Result<Response, PageError> {
    let fail = |error: WebError| PageError { ctx: ctx.clone(), error };
    state.limiter.admit(crate::limits::Door::PasswordReset, &address).map_err(fail)?;
    let email = input.email.trim().to_string();
    if email.is_empty() {
        let errors = vec![("email".to_string(), ctx.t("office.reset.email_required").to_string())];
        return show(ctx, Step::Request, email, errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let now = state.clock.now();
    let (by_email, by_address) = state
        .store
        .password_reset_requests(&email, &address, now - Duration::minutes(WINDOW_MINUTES))
        .await
        .map_err(|e| fail(e.into()))?;
    // The same answer whether the address has an account or not: every request counts.
    if by_email >= MAX_PER_EMAIL || by_address >= MAX_PER_ADDRESS {
        let errors = vec![(String::new(), ctx.t("office.reset.throttled").to_string())];
        return show(ctx, Step::Request, email, errors, StatusCode::TOO_MANY_REQUESTS);
    }
    let token = crate::secret::account_token().map_err(fail)?;
    let digest = crate::secret::token_digest(&token);
    let link = format!("{}/accedi/password/{token}", state.config.public_url.trim_end_matches('/'));
    let message = password_reset(format!("password-reset:{digest}"), &email.to_lowercase(), &link, VALID_MINUTES);
    let queued = state
        .store
        .request_password_reset(&ResetRequest {
            email: &email,
            address: &address,
            at: now,
            expires_at: now + Duration::minutes(VALID_MINUTES),
            token_digest: &digest,
            message: &message,
        })
        .await
        .map_err(|e| fail(e.into()))?;
    if queued {
        state.outbox.wake();
    }
    show(ctx, Step::Sent, email, vec![], StatusCode::OK)
}

/// The page of a link that no longer opens: unknown, used or expired.
fn expired(ctx: PageContext) -> Result<Response, PageError> {
    let errors = vec![(String::new(), ctx.t("office.reset.expired").to_string())];
    show(ctx, Step::Request, String::new(), errors, StatusCode::NOT_FOUND)
}

async fn choose_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let digest = crate::secret::token_digest(&token);
    match state.store.password_reset_is_valid(&digest, state.clock.now()).await {
        Ok(true) => show(ctx, Step::Choose, String::new(), vec![], StatusCode::OK),
        Ok(false) => expired(ctx),
        Err(e) => Err(PageError { ctx, error: e.into() }),
    }
}

#[derive(Deserialize)]
struct ChooseForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

async fn choose(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Form(input): Form<ChooseForm>,
) -> Result<Response, PageError> {
    let digest = crate::secret::token_digest(&token);
    let now = state.clock.now();
    if !state
        .store
        .password_reset_is_valid(&digest, now)
        .await
        .map_err(|e| PageError { ctx: ctx.clone(), error: e.into() })?
    {
        return expired(ctx);
    }
    if let Err(errors) = check_new_password(&input.password, &input.confirmation) {
        let errors = crate::form::localized(&errors, &ctx);
        return show(ctx, Step::Choose, String::new(), errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let password = input.password;
    let hash = tokio::task::spawn_blocking(move || crate::secret::hash_password(&password))
        .await
        .map_err(|e| PageError { ctx: ctx.clone(), error: WebError::Internal(format!("hashing: {e}")) })?;
    match state.store.reset_password(&digest, &hash, now).await {
        Ok(Some(_)) => show(ctx, Step::Done, String::new(), vec![], StatusCode::OK),
        // Used by a concurrent request between the check and now.
        Ok(None) => expired(ctx),
        Err(e) => Err(PageError { ctx, error: e.into() }),
    }
}

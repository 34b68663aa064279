//! The first run: while the database holds no account, `concerto serve` prints
//! `setup: http://HOST/benvenuto/TOKEN`, valid 24 hours, and that page creates the
//! platform's first administrator. Afterwards it answers 404.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use chrono::{DateTime, Duration, Utc};
use concerto_domain::FieldErrors;
use concerto_store::{LinkPurpose, Store};
use serde::Deserialize;

use super::{LinkPage, checked_hash, gone};
use crate::AppState;
use crate::error::WebError;
use crate::page::PageContext;
use crate::secret::token_digest;

/// How long the printed address opens.
const VALID_HOURS: i64 = 24;

pub fn routes() -> Router<AppState> {
    Router::new().route("/benvenuto/{token}", get(form).post(create))
}

/// At a first run (no account yet): a fresh setup address under `public_url`, which
/// spends any printed before. `None` once an account exists.
pub async fn first_run_link(store: &Store, public_url: &str, now: DateTime<Utc>) -> Result<Option<String>, WebError> {
    if store.has_accounts().await? {
        return Ok(None);
    }
    let token = crate::secret::account_token()?;
    store.issue_setup_link(&token_digest(&token), now, now + Duration::hours(VALID_HOURS)).await?;
    Ok(Some(format!("{}/benvenuto/{token}", public_url.trim_end_matches('/'))))
}

fn page(ctx: PageContext) -> LinkPage {
    let mut page = LinkPage::new(ctx, "onboarding.setup.title", "onboarding.setup.intro");
    page.ask_email = true;
    page.ask_terms = true;
    page
}

async fn form(State(state): State<AppState>, ctx: PageContext, Path(token): Path<String>) -> Response {
    match state.store.open_link(&token_digest(&token), LinkPurpose::Setup, state.clock.now()).await {
        Ok(Some(_)) if !state.store.has_accounts().await.unwrap_or(true) => page(ctx).respond(),
        Ok(_) => gone(ctx),
        Err(e) => WebError::from(e).into_page(&ctx),
    }
}

#[derive(Deserialize)]
struct SetupForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
    #[serde(default)]
    terms: String,
}

async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Form(input): Form<SetupForm>,
) -> Response {
    let digest = token_digest(&token);
    let now = state.clock.now();
    match state.store.open_link(&digest, LinkPurpose::Setup, now).await {
        Ok(Some(_)) => {}
        Ok(None) => return gone(ctx),
        Err(e) => return WebError::from(e).into_page(&ctx),
    }
    let email = input.email.trim().to_string();
    let mut errors = FieldErrors::default();
    if !concerto_domain::is_email(&email) {
        errors.push("email", "invalid_email", "Indicare un indirizzo e-mail valido.");
    }
    if input.terms.is_empty() {
        errors.push("terms", "required", "Per continuare occorre accettare le condizioni d'uso.");
    }
    if let Err(more) = concerto_domain::access::check_new_password(&input.password, &input.confirmation) {
        errors.errors.extend(more.errors);
    }
    let mut shown = page(ctx.clone());
    shown.typed_email = email.clone();
    if !errors.is_empty() {
        return shown.with_errors(errors).respond();
    }
    let hash = match checked_hash(&input.password, &input.confirmation).await {
        Ok(h) => h,
        Err(errors) => return shown.with_errors(errors).respond(),
    };
    match state.store.create_first_admin(&digest, &email, &hash, now).await {
        Ok(Some(_)) => LinkPage::done(ctx, "onboarding.setup.title", "onboarding.setup.done"),
        Ok(None) => gone(ctx),
        Err(e) => WebError::from(e).into_page(&ctx),
    }
}

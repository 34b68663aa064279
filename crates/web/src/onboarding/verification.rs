//! A representative's account: from the receipt e-mail or the management page, the
//! holder of an expression's link asks for an account at one of the addresses the
//! expression gave; the message sent there proves the address and leads to choosing
//! a password. `/i-miei-patti` then works signed in.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Duration;
use concerto_mail::templates::account_verification;
use concerto_store::{LinkPurpose, StoreError};

use super::{LinkPage, PasswordForm, choose_password, gone, link};
use crate::AppState;
use crate::error::{PageError, PageResult, WebError};
use crate::guard::Visitor;
use crate::page::PageContext;
use crate::secret::token_digest;

/// How long the verification link opens.
const VALID_HOURS: i64 = 48;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/manifestazioni/{token}/account", post(request))
        .route("/accedi/verifica/{token}", get(form).post(create))
}

/// Sends the verification link to the representative's address of the expression
/// behind `token` (its management link), then shows that it went.
async fn request(Visitor { state, ctx, client: address }: Visitor, Path(token): Path<String>) -> Response {
    let fail = |error: WebError| PageError { ctx: ctx.clone(), error }.into_response();
    if let Err(e) = state.limiter.admit(crate::limits::Door::LinkResend, &address) {
        return fail(e);
    }
    let expression = match state.store.expression_by_token(&token_digest(&token)).await {
        Ok(Some(e)) => e,
        Ok(None) => return gone(ctx),
        Err(e) => return fail(e.into()),
    };
    let email = expression.expression.applicant.email.clone();
    let now = state.clock.now();
    let secret = match crate::secret::account_token() {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let digest = token_digest(&secret);
    let message = account_verification(
        format!("account-verification:{digest}"),
        &email,
        &link(&state, &format!("/accedi/verifica/{secret}")),
        VALID_HOURS,
    );
    match state.store.request_verification(&email, &digest, now + Duration::hours(VALID_HOURS), &message, now).await {
        Ok(()) => {
            state.outbox.wake();
            let mut sent = LinkPage::new(ctx, "onboarding.offer.title", "onboarding.offer.sent");
            sent.done = true;
            sent.sent = true;
            sent.respond()
        }
        Err(e) => fail(e.into()),
    }
}

fn page(ctx: PageContext, email: Option<String>) -> LinkPage {
    let mut page = LinkPage::new(ctx, "onboarding.verification.title", "onboarding.verification.intro");
    page.email = email;
    page
}

async fn form(State(state): State<AppState>, ctx: PageContext, Path(token): Path<String>) -> Response {
    match state.store.open_link(&token_digest(&token), LinkPurpose::Verification, state.clock.now()).await {
        Ok(Some(email)) => page(ctx, email).respond(),
        Ok(None) => gone(ctx),
        Err(e) => WebError::from(e).into_page(&ctx),
    }
}

async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Form(input): Form<PasswordForm>,
) -> PageResult {
    let chosen = choose_password(&state, &ctx, &token, LinkPurpose::Verification, &input, page).await?;
    Ok(match state.store.complete_verification(&chosen.digest, &chosen.hash, chosen.now).await {
        Ok(Some(_)) => LinkPage::done(ctx, "onboarding.verification.title", "onboarding.verification.done"),
        Ok(None) => gone(ctx),
        Err(StoreError::Conflict(_)) => {
            let mut errors = concerto_domain::FieldErrors::default();
            errors.push("", "taken", ctx.t("onboarding.verification.taken"));
            page(ctx, chosen.email).with_errors(errors).respond()
        }
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

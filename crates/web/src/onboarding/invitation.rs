//! `/accedi/invito/{token}`: an invited member of an office chooses a password.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use concerto_store::LinkPurpose;
use serde::Deserialize;

use super::{LinkPage, checked_hash, gone};
use crate::AppState;
use crate::error::WebError;
use crate::page::PageContext;
use crate::secret::token_digest;

pub fn routes() -> Router<AppState> {
    Router::new().route("/accedi/invito/{token}", get(form).post(accept))
}

fn page(ctx: PageContext, email: Option<String>) -> LinkPage {
    let mut page = LinkPage::new(ctx, "onboarding.invitation.title", "onboarding.invitation.intro");
    page.email = email;
    page
}

async fn form(State(state): State<AppState>, ctx: PageContext, Path(token): Path<String>) -> Response {
    match state.store.open_link(&token_digest(&token), LinkPurpose::Invitation, state.clock.now()).await {
        Ok(Some(email)) => page(ctx, email).respond(),
        Ok(None) => gone(ctx),
        Err(e) => WebError::from(e).into_page(&ctx),
    }
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub confirmation: String,
}

async fn accept(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Form(input): Form<PasswordForm>,
) -> Response {
    let digest = token_digest(&token);
    let now = state.clock.now();
    let email = match state.store.open_link(&digest, LinkPurpose::Invitation, now).await {
        Ok(Some(email)) => email,
        Ok(None) => return gone(ctx),
        Err(e) => return WebError::from(e).into_page(&ctx),
    };
    let hash = match checked_hash(&input.password, &input.confirmation).await {
        Ok(h) => h,
        Err(errors) => return page(ctx, email).with_errors(errors).respond(),
    };
    match state.store.accept_invitation(&digest, &hash, now).await {
        Ok(Some(_)) => {
            let mut done = LinkPage::new(ctx, "onboarding.invitation.title", "onboarding.invitation.done");
            done.done = true;
            done.respond()
        }
        Ok(None) => gone(ctx),
        Err(e) => WebError::from(e).into_page(&ctx),
    }
}

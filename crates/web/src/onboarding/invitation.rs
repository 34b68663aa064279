//! `/accedi/invito/{token}`: an invited member of an office chooses a password.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use concerto_store::LinkPurpose;

use super::{LinkPage, PasswordForm, choose_password, gone};
use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
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

async fn accept(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Form(input): Form<PasswordForm>,
) -> PageResult {
    let chosen = choose_password(&state, &ctx, &token, LinkPurpose::Invitation, &input, page).await?;
    Ok(match state.store.accept_invitation(&chosen.digest, &chosen.hash, chosen.now).await.or_page(&ctx)? {
        Some(_) => LinkPage::done(ctx, "onboarding.invitation.title", "onboarding.invitation.done"),
        None => gone(ctx),
    })
}

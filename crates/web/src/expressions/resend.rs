//! "Send me my link again": the personal link of a registration goes, on request,
//! to the e-mail address already on file for it, never to one the requester types.
//! The answer is the same whether or not the tax code is registered, and the door
//! has its own limit.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use concerto_domain::{Process, TaxCode};
use concerto_mail::templates::{RegistrationRef, link_resent};

use super::{caught_in_trap, manage_path};
use crate::AppState;
use crate::error::{PageError, WebError};
use crate::form::Pairs;
use crate::guard::Visitor;
use crate::limits::Door;
use crate::page::PageContext;
use crate::page::render;
use crate::secret::{new_token, token_digest};

#[derive(Template)]
#[template(path = "expression_link_resend.html")]
struct ResendPage {
    ctx: PageContext,
    process: Process,
    done: bool,
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let process =
        crate::public_process(&state.store, &slug).await.map_err(|error| PageError { ctx: ctx.clone(), error })?;
    let page = ResendPage { ctx, process, done: false };
    render(&page.ctx, &page)
}

pub async fn send(
    Visitor { state, ctx, client }: Visitor,
    Path(slug): Path<String>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let fail = |error: WebError| PageError { ctx: ctx.clone(), error };
    let process = crate::public_process(&state.store, &slug).await.map_err(fail)?;
    state.limiter.admit(Door::LinkResend, &client).map_err(fail)?;
    let typed = pairs.iter().find(|(name, _)| name == "tax_code").map_or("", |(_, v)| v.as_str());
    // A tax code that cannot be one, or a filled trap, gets the same answer as one
    // that is not registered.
    if let (Ok(tax_code), false) = (TaxCode::parse(typed), caught_in_trap(&pairs)) {
        let token = new_token().map_err(fail)?;
        let base = state.config.public_url.trim_end_matches('/');
        let manage_url = format!("{base}{}", manage_path(&token));
        let dedup_key = format!("resend:{}", token_digest(&token));
        let email = |e: &concerto_domain::ReceivedExpression| {
            link_resent(&RegistrationRef::of(&process, e), dedup_key.clone(), &manage_url)
        };
        let sent = state
            .store
            .add_expression_link(&process, &tax_code, &token_digest(&token), state.clock.now(), email)
            .await
            .map_err(|e| fail(e.into()))?;
        if sent {
            state.outbox.wake();
        }
    }
    let page = ResendPage { ctx, process, done: true };
    render(&page.ctx, &page)
}

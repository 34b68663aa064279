//! Annulment of a registration by the office (DPR 445/2000, art. 54): a
//! confirmation page with the reason, and the list of annulled numbers. Nothing is
//! deleted: the number stays in the register, marked, with who, when and why.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use concerto_domain::{Process, ReceivedExpression, validate_annulment_reason};
use concerto_mail::templates::{RegistrationRef, registration_annulled};
use concerto_store::Annulment;
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::guard::{Editor, Reader};
use crate::page::PageContext;
use crate::page::render;
use crate::view::when;

#[derive(Template)]
#[template(path = "office_annul.html")]
struct AnnulPage {
    ctx: PageContext,
    process: Process,
    id: i64,
    protocol: String,
    applicant: String,
    received_at: String,
    reason: String,
    error: Option<String>,
}

/// (protocol, applicant, when, who, why) of each annulled registration.
type AnnulledRow = (String, String, String, String, String);

#[derive(Template)]
#[template(path = "office_annulled.html")]
struct AnnulledPage {
    ctx: PageContext,
    process: Process,
    rows: Vec<AnnulledRow>,
    done: Option<String>,
}

/// The expression `id` of the process, or not found: another process's ids open nothing.
async fn target(state: &AppState, process: &Process, id: i64) -> Result<ReceivedExpression, WebError> {
    state.store.expression_by_id(id).await?.filter(|e| e.process_id == process.id).ok_or(WebError::NotFound)
}

fn page(ctx: PageContext, process: Process, e: &ReceivedExpression, reason: String, error: Option<String>) -> Response {
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let page = AnnulPage {
        id: e.id,
        protocol: e.protocol.to_string(),
        applicant: e.expression.applicant.name.clone(),
        received_at: when(e.received_at),
        reason,
        error,
        process,
        ctx,
    };
    render(&page.ctx, &page).map(|r| (status, r).into_response()).unwrap_or_else(IntoResponse::into_response)
}

pub async fn form(office: Editor, Path((_, id)): Path<(String, i64)>) -> PageResult {
    let Editor { state, ctx, process, .. } = office;
    let e = target(&state, &process, id).await.or_page(&ctx)?;
    Ok(page(ctx, process, &e, String::new(), None))
}

#[derive(Deserialize)]
pub struct AnnulForm {
    #[serde(default)]
    reason: String,
}

pub async fn annul(office: Editor, Path((slug, id)): Path<(String, i64)>, Form(input): Form<AnnulForm>) -> PageResult {
    let Editor { state, ctx, process, user: who } = office;
    let e = target(&state, &process, id).await.or_page(&ctx)?;
    let reason = match validate_annulment_reason(&input.reason) {
        Ok(reason) => reason,
        Err(errors) => {
            let message = errors.errors.first().map(|e| crate::form::message(e, &ctx));
            return Ok(page(ctx, process, &e, input.reason, message));
        }
    };
    let actor = format!("account:{} <{}>", who.account_id, who.email);
    let at = state.clock.now();
    let annulment = Annulment { process: &process, expression_id: e.id, actor: &actor, reason: &reason, at };
    let email = |e: &ReceivedExpression| registration_annulled(&RegistrationRef::of(&process, e), at, &reason);
    Ok(match state.store.annul_expression(&annulment, email).await {
        Ok(annulled) => {
            state.outbox.wake();
            Redirect::to(&format!("/ufficio/processi/{slug}/annullate?fatto={}", annulled.id)).into_response()
        }
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

#[derive(Deserialize)]
pub struct DoneQuery {
    fatto: Option<i64>,
}

pub async fn list(office: Reader, Query(q): Query<DoneQuery>) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    let annulled = state.store.annulled_expressions(process.id).await.or_page(&ctx)?;
    let done = q
        .fatto
        .and_then(|id| annulled.iter().find(|(e, _)| e.id == id))
        .map(|(e, _)| ctx.locale.tf("annul.done", &[("protocol", &e.protocol.to_string())]));
    let rows = annulled
        .into_iter()
        .map(|(e, a)| (e.protocol.to_string(), e.expression.applicant.name, when(a.at), a.by, a.reason))
        .collect();
    let page = AnnulledPage { ctx, process, rows, done };
    Ok(render(&page.ctx, &page)?)
}

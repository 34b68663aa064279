//! Privacy as a public body owes it (GDPR artt. 13, 15, 20): each process's page of
//! its Ambito's notice, and everything stored about an expression as JSON for the
//! holder of its management link.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use concerto_domain::Process;
use serde_json::json;

use crate::AppState;
use crate::error::{PageError, WebError};
use crate::page::PageContext;
use crate::page::render;
use crate::secret::token_digest;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/processi/{slug}/privacy", get(notice))
        .route("/manifestazioni/{token}/dati.json", get(download))
}

#[derive(Template)]
#[template(path = "privacy_ambito.html")]
struct NoticePage {
    ctx: PageContext,
    process: Process,
    full_name: String,
    /// The Ambito's own text, when its office wrote one.
    text: Option<String>,
    retention_years: u32,
}

impl NoticePage {
    fn retention(&self) -> String {
        self.ctx.tf("privacy.notice.retention", &[("years", &self.retention_years.to_string())])
    }
}

async fn notice(State(state): State<AppState>, ctx: PageContext, Path(slug): Path<String>) -> Response {
    let fail = |error: WebError, ctx: &PageContext| PageError { ctx: ctx.clone(), error }.into_response();
    let process = match crate::public_process(&state.store, &slug).await {
        Ok(p) => p,
        Err(e) => return fail(e, &ctx),
    };
    let (profile, identity) = match (
        state.store.ambito_profile(&process.ambito.slug).await,
        state.store.ambito_identity(&process.ambito.slug).await,
    ) {
        (Ok(Some(p)), Ok(Some((_, i)))) => (p, i),
        (Err(e), _) | (_, Err(e)) => return fail(e.into(), &ctx),
        _ => return fail(WebError::NotFound, &ctx),
    };
    let page = NoticePage {
        full_name: profile.full_name,
        text: profile.profile.privacy_notice,
        retention_years: identity.retention_years,
        process,
        ctx,
    };
    render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response)
}

/// Every row stored about the expression behind the link: its versions, its pact
/// with the pact's steps, as JSON to keep or take elsewhere.
async fn download(State(state): State<AppState>, ctx: PageContext, Path(token): Path<String>) -> Response {
    let fail = |error: WebError| PageError { ctx: ctx.clone(), error }.into_response();
    let store = &state.store;
    let received = match store.expression_by_token(&token_digest(&token)).await {
        Ok(Some(r)) => r,
        Ok(None) => return fail(WebError::NotFound),
        Err(e) => return fail(e.into()),
    };
    let history = match store.expression_history(received.process_id, &received.expression.applicant.tax_code).await {
        Ok(h) => h,
        Err(e) => return fail(e.into()),
    };
    let versions: Vec<_> = history
        .iter()
        .map(|h| json!({ "protocol": h.protocol.to_string(), "received_at": h.received_at, "status": format!("{:?}", h.status).to_lowercase() }))
        .collect();
    let pact = match store.pact_of_expression(received.id).await {
        Ok(p) => p,
        Err(e) => return fail(e.into()),
    };
    let events = match &pact {
        Some(p) => match store.pact_events(p.id).await {
            Ok(events) => events
                .into_iter()
                .map(|e| json!({ "at": e.at, "action": e.action, "actor": e.actor, "address": e.address, "document_sha256": e.document_sha256, "detail": e.detail }))
                .collect(),
            Err(e) => return fail(e.into()),
        },
        None => vec![],
    };
    let body = json!({
        "generated_at": state.clock.now(),
        "expression": received,
        "versions": versions,
        "pact": pact,
        "pact_events": events,
    });
    let name = format!(
        "attachment; filename=\"manifestazione-{}-{}.json\"",
        received.protocol.year, received.protocol.sequence
    );
    ([(header::CONTENT_DISPOSITION, name), (header::CACHE_CONTROL, "no-store".to_string())], Json(body)).into_response()
}

//! The pages behind the secret management link: the receipt, the status with the
//! history of versions, and the withdrawal.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use concerto_domain::{ExpressionStatus, Process, ROME, ReceivedExpression};
use concerto_store::HistoryEntry;

use super::manage_path;
use crate::AppState;
use crate::error::{PageError, WebError};
use crate::page::PageContext;
use crate::page::render;
use crate::secret::{is_token, token_digest};
use crate::view::when;

/// An area chosen, with its representative, for display.
pub struct ChosenArea {
    pub name: String,
    pub representative: String,
}

pub struct HistoryLine {
    pub protocol: String,
    pub received_at: String,
    pub status: &'static str,
}

/// What the receipt and the management page show.
pub struct ExpressionView {
    pub token: String,
    pub process: Process,
    pub received: ReceivedExpression,
    pub protocol: String,
    pub received_at: String,
    pub received_at_iso: String,
    pub status: &'static str,
    pub areas: Vec<ChosenArea>,
    pub proposal_areas: Vec<String>,
    pub amendable: bool,
    pub history: Vec<HistoryLine>,
    /// The link was issued for an earlier version, since replaced by an amendment:
    /// "Questa manifestazione (n. {old}) è stata sostituita dalla n. {new}".
    pub replaced_note: Option<String>,
}

fn status_label(status: ExpressionStatus, ctx: &PageContext) -> &'static str {
    ctx.t(match status {
        ExpressionStatus::Active => "status.expr.active",
        ExpressionStatus::Superseded => "status.expr.superseded",
        ExpressionStatus::Withdrawn => "status.expr.withdrawn",
        ExpressionStatus::Annulled => "status.expr.annulled",
    })
}

async fn load(state: &AppState, ctx: &PageContext, token: &str) -> Result<ExpressionView, PageError> {
    let fail = |error: WebError| PageError { ctx: ctx.clone(), error };
    let received = state
        .store
        .expression_by_token(&token_digest(token))
        .await
        .map_err(|e| fail(e.into()))?
        .ok_or_else(|| fail(WebError::NotFound))?;
    let process = state
        .store
        .process_by_id(received.process_id)
        .await
        .map_err(|e| fail(e.into()))?
        .ok_or_else(|| fail(WebError::NotFound))?;
    let history: Vec<HistoryEntry> = state
        .store
        .expression_history(process.id, &received.expression.applicant.tax_code)
        .await
        .map_err(|e| fail(e.into()))?;
    let origin = state.store.expression_link_origin(&token_digest(token)).await.map_err(|e| fail(e.into()))?;
    let replaced_note = replaced_note(ctx, &received, &history, origin);
    let e = &received.expression;
    let area_name = |id: i64| process.area(id).map(|a| a.name.clone()).unwrap_or_default();
    Ok(ExpressionView {
        token: token.to_string(),
        protocol: received.protocol.to_string(),
        received_at: when(received.received_at),
        received_at_iso: received.received_at.with_timezone(&ROME).to_rfc3339(),
        status: status_label(received.status, ctx),
        areas: e
            .participations
            .iter()
            .map(|p| ChosenArea {
                name: area_name(p.area_id),
                representative: format!("{} <{}>", p.representative.name, p.representative.email),
            })
            .collect(),
        proposal_areas: e.proposal.iter().flat_map(|p| p.area_ids.iter().map(|&id| area_name(id))).collect(),
        amendable: received.status == ExpressionStatus::Active
            && process.header.accepts_expressions_at(state.clock.now()),
        history: history
            .iter()
            .map(|h| HistoryLine {
                protocol: h.protocol.to_string(),
                received_at: when(h.received_at),
                status: status_label(h.status, ctx),
            })
            .collect(),
        replaced_note,
        process,
        received,
    })
}

/// The note for a link issued for a version an amendment has since replaced. The
/// link knows its version; one issued before it did is taken to be for the last
/// version received at or before its issue.
fn replaced_note(
    ctx: &PageContext,
    current: &ReceivedExpression,
    history: &[HistoryEntry],
    origin: Option<(chrono::DateTime<chrono::Utc>, Option<concerto_domain::ProtocolNumber>)>,
) -> Option<String> {
    let (issued_at, issued_for) = origin?;
    let original = match issued_for {
        Some(protocol) => protocol,
        None if current.received_at <= issued_at => return None,
        None => {
            history
                .iter()
                .filter(|h| h.received_at <= issued_at)
                .max_by_key(|h| (h.received_at, h.protocol.sequence))?
                .protocol
        }
    };
    (original != current.protocol).then(|| {
        ctx.tf("flows2.manage.replaced", &[("old", &original.to_string()), ("new", &current.protocol.to_string())])
    })
}

#[derive(Template)]
#[template(path = "expression_receipt.html")]
struct ReceiptPage {
    ctx: PageContext,
    v: ExpressionView,
}

#[derive(Template)]
#[template(path = "expression_manage.html")]
struct ManagePage {
    ctx: PageContext,
    v: ExpressionView,
    /// The representatives' check-in codes for the tables, once invited.
    codes: Vec<crate::qr::CodeView>,
}

pub async fn receipt(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let v = load(&state, &ctx, &token).await?;
    let page = ReceiptPage { ctx, v };
    render(&page.ctx, &page)
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let v = load(&state, &ctx, &token).await?;
    let codes =
        crate::qr::codes_of(&state, &ctx, &v.received).await.map_err(|error| PageError { ctx: ctx.clone(), error })?;
    let page = ManagePage { ctx, v, codes };
    render(&page.ctx, &page)
}

#[derive(serde::Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    confirm: Option<String>,
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, PageError> {
    if !is_token(&token) {
        return Err(PageError { ctx, error: WebError::NotFound });
    }
    // Without the confirmation box ticked, nothing happens: back to the page.
    if form.confirm.is_some() {
        match state.store.withdraw_expression(&token_digest(&token), state.clock.now()).await {
            Ok(()) | Err(concerto_store::StoreError::NotFound) => {}
            Err(e) => return Err(PageError { ctx, error: e.into() }),
        }
    }
    Ok(Redirect::to(&manage_path(&token)).into_response())
}

//! The link of a seat offer (`/posti/{token}`): the person first on the waiting
//! list reads what is kept for them and until when, and confirms it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concerto_domain::tables::{ConfirmRefused, SeatState, may_confirm};
use concerto_domain::{AuditEntry, Process, Session};
use concerto_store::{SeatRecord, StoreError};

use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::page::PageContext;
use crate::page::render;
use crate::secret::{is_token, token_digest};
use crate::view::when;

#[derive(Template)]
#[template(path = "meetings_offer.html")]
struct OfferPage {
    ctx: PageContext,
    token: String,
    process: Process,
    session: Session,
    seat: SeatRecord,
    until: Option<String>,
    /// Why it cannot be confirmed, if it cannot.
    refused: Option<String>,
    confirmed: bool,
}

async fn load(state: &AppState, token: &str) -> Result<(Process, Session, SeatRecord), WebError> {
    if !is_token(token) {
        return Err(WebError::NotFound);
    }
    let seat = state.store.seat_by_token(&token_digest(token)).await?.ok_or(WebError::NotFound)?;
    let process =
        state.store.process_by_id(process_of(state, seat.session_id).await?).await?.ok_or(WebError::NotFound)?;
    let session = process.sessions.iter().find(|s| s.id == seat.session_id).cloned().ok_or(WebError::NotFound)?;
    Ok((process, session, seat))
}

async fn process_of(state: &AppState, session_id: i64) -> Result<i64, WebError> {
    state.store.session_process(session_id).await?.ok_or(WebError::NotFound)
}

fn refusal(ctx: &PageContext, r: ConfirmRefused) -> String {
    ctx.t(match r {
        ConfirmRefused::AlreadyConfirmed => "meetings.offer.already",
        ConfirmRefused::Expired => "meetings.offer.expired",
        ConfirmRefused::NotOffered => "meetings.offer.not_offered",
    })
    .to_string()
}

fn show(
    ctx: PageContext,
    token: String,
    found: (Process, Session, SeatRecord),
    now: chrono::DateTime<chrono::Utc>,
    confirmed: bool,
) -> Response {
    let (process, session, seat) = found;
    let refused = if confirmed { None } else { may_confirm(&seat.rule(), now).err().map(|r| refusal(&ctx, r)) };
    let status =
        if refused.is_some() && seat.state != SeatState::Confirmed { StatusCode::CONFLICT } else { StatusCode::OK };
    let page =
        OfferPage { until: seat.offered_until.map(when), ctx, token, process, session, seat, refused, confirmed };
    match render(&page.ctx, &page) {
        Ok(r) => (status, r).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn page(State(state): State<AppState>, ctx: PageContext, Path(token): Path<String>) -> Response {
    match load(&state, &token).await {
        Ok(found) => show(ctx, token, found, state.clock.now(), false),
        Err(e) => e.into_page(&ctx),
    }
}

pub async fn confirm(State(state): State<AppState>, ctx: PageContext, Path(token): Path<String>) -> PageResult {
    let (process, session, seat) = load(&state, &token).await.or_page(&ctx)?;
    let now = state.clock.now();
    if may_confirm(&seat.rule(), now).is_err() {
        return Ok(show(ctx, token, (process, session, seat), now, false));
    }
    let entry = AuditEntry {
        actor: format!("seat-link:{} <{}>", seat.id, seat.tax_code),
        at: now,
        action: "seat.confirm".into(),
        subject: format!("session:{}:{}", process.header.slug, session.id),
        ambito: Some(process.ambito.slug.clone()),
        before: None,
        after: serde_json::to_string(&serde_json::json!({ "representative": seat.rep_email, "state": "confirmed" }))
            .ok(),
    };
    Ok(match state.store.confirm_seat(seat.id, &entry).await {
        Ok(()) => {
            let mut seat = seat;
            seat.state = SeatState::Confirmed;
            show(ctx, token, (process, session, seat), now, true)
        }
        Err(StoreError::Conflict(_)) => match load(&state, &token).await {
            Ok(found) => show(ctx, token, found, now, false),
            Err(e) => e.into_page(&ctx),
        },
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

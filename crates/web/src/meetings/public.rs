//! A session's public page (`/processi/{slug}/sessioni/{id}`): when (Italian, in
//! Rome), where or "online", accessibility notes, agenda and, once its minutes are
//! published, the minutes, the attendance count and the organizations present.
//! Never the meeting link.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use concerto_domain::{Process, Session};

use super::{mode_label, place};
use crate::AppState;
use crate::error::WebError;
use crate::page::PageContext;
use crate::page::render;
use crate::view::{CalendarRow, calendar_row};

#[derive(Template)]
#[template(path = "meetings_session.html")]
struct SessionPage {
    ctx: PageContext,
    process: Process,
    session: Session,
    row: CalendarRow,
    table: Option<(i64, String)>,
    mode: &'static str,
    place: String,
    accessibility: Option<String>,
    agenda: Option<String>,
    minutes: Option<String>,
    attendance: usize,
    organizations: Vec<String>,
}

pub async fn page(State(state): State<AppState>, ctx: PageContext, Path((slug, id)): Path<(String, i64)>) -> Response {
    let built = async {
        let process = crate::public_process(&state.store, &slug).await?;
        let session = process.sessions.iter().find(|s| s.id == id).cloned().ok_or(WebError::NotFound)?;
        let meeting = state.store.meeting(session.id).await?;
        let minutes = state.store.minutes(session.id).await?.filter(|m| m.published);
        let (attendance, organizations) = if minutes.is_some() {
            let present: Vec<_> =
                state.store.attendances(process.id).await?.into_iter().filter(|a| a.session_id == id).collect();
            let mut orgs: Vec<String> =
                present.iter().map(|a| a.organization.clone()).filter(|o| !o.trim().is_empty()).collect();
            orgs.sort();
            orgs.dedup();
            (present.len(), orgs)
        } else {
            (0, Vec::new())
        };
        Ok::<_, WebError>(SessionPage {
            row: calendar_row(&process, &session, ctx.locale),
            table: session
                .table_id
                .and_then(|t| process.tables.iter().find(|x| x.id == t))
                .map(|t| (t.id, t.label.clone())),
            mode: mode_label(&ctx, meeting.mode),
            place: place(&ctx, &session, &meeting),
            accessibility: meeting.accessibility.clone(),
            agenda: meeting.agenda.clone(),
            minutes: minutes.map(|m| m.body),
            attendance,
            organizations,
            ctx: ctx.clone(),
            process,
            session,
        })
    }
    .await;
    match built {
        Ok(page) => render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response),
        Err(e) => e.into_page(&ctx),
    }
}

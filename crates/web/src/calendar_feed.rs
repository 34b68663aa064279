//! The public calendar feeds (RFC 5545), written by `concerto_documents::ics` with
//! the `icalendar` crate: a process's, a table's and an Ambito's (every public
//! process of it). Each dated session is one event under a UID that stays the same
//! across requests and feeds, linking back to the session's page. A feed is public:
//! it never carries a meeting link.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use concerto_documents::{CalendarEvent, CalendarPerson, Method, ics};
use concerto_domain::tables::{Meeting, MeetingMode};
use concerto_domain::{Process, Session};

use crate::AppState;
use crate::error::{ApiError, WebError};

fn answer(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "inline; filename=\"calendario.ics\"; filename*=UTF-8''calendario.ics"),
        ],
        body,
    )
        .into_response()
}

pub async fn feed(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, ApiError> {
    let process = crate::public_process(&state.store, &slug).await?;
    Ok(answer(render(&process, &state.config.public_url, state.clock.now())))
}

/// The feed of one table: its dated sessions.
pub async fn table_feed(
    State(state): State<AppState>,
    Path((slug, table)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let process = crate::public_process(&state.store, &slug).await?;
    let t = process.tables.iter().find(|t| t.id == table).ok_or(WebError::NotFound)?;
    let name = format!("{} – Tavolo {}", feed_name(&process), t.label);
    let events = events(&process, |s| s.table_id == Some(table), &state.config.public_url);
    Ok(answer(ics(Some(&name), Method::Publish, &events, state.clock.now())))
}

/// The feed of an Ambito: the dated sessions of each of its public processes.
pub async fn ambito_feed(State(state): State<AppState>, Path(ambito): Path<String>) -> Result<Response, ApiError> {
    let summaries = state.store.process_summaries(false).await?;
    let mut name = None;
    let mut all = Vec::new();
    for summary in summaries.iter().filter(|s| s.ambito_slug == ambito) {
        let process = crate::public_process(&state.store, &summary.slug).await?;
        name.get_or_insert_with(|| process.ambito.full_name());
        all.extend(events(&process, |_| true, &state.config.public_url));
    }
    let name = name.ok_or(WebError::NotFound)?;
    Ok(answer(ics(Some(&name), Method::Publish, &all, state.clock.now())))
}

fn feed_name(process: &Process) -> String {
    format!("{} – {}", process.ambito.full_name(), process.header.cycle)
}

fn events(process: &Process, keep: impl Fn(&Session) -> bool, public_url: &str) -> Vec<CalendarEvent> {
    process.sessions.iter().filter(|s| keep(s)).filter_map(|s| CalendarEvent::public(process, s, public_url)).collect()
}

/// The whole VCALENDAR of a process.
pub fn render(process: &Process, public_url: &str, now: DateTime<Utc>) -> String {
    ics(Some(&feed_name(process)), Method::Publish, &events(process, |_| true, public_url), now)
}

/// A person's own calendar entry for `session` (`method` REQUEST or CANCEL): the
/// public event with the Ambito's office as organizer, the person as attendee and,
/// for an online or hybrid session, its link. None for an undated session.
pub fn personal_calendar(
    public_url: &str,
    process: &Process,
    session: &Session,
    meeting: &Meeting,
    attendee: (&str, &str),
    method: Method,
    now: DateTime<Utc>,
) -> Option<String> {
    let mut event = CalendarEvent::public(process, session, public_url)?;
    let host = public_url.split("://").nth(1).and_then(|r| r.split(['/', ':']).next()).unwrap_or("concerto.invalid");
    let office = process.ambito.contacts.email.clone().unwrap_or_else(|| format!("noreply@{host}"));
    event.organizer =
        Some(CalendarPerson { name: format!("Ufficio di Piano – {}", process.ambito.full_name()), email: office });
    event.attendee = Some(CalendarPerson { name: attendee.0.to_string(), email: attendee.1.to_string() });
    if let Some(link) = meeting.link_for(concerto_domain::tables::Viewer::Participant) {
        event.description = format!("Collegamento alla riunione: {link}\n{}", event.description);
        if meeting.mode == MeetingMode::Online {
            event.location = Some(link.to_string());
        }
    }
    Some(ics(None, method, &[event], now))
}

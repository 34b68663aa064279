//! The office's page of a session's meeting: how it is held, its seats with those
//! confirmed, offered and waiting, moves by hand, and the process's reminder timing.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use concerto_domain::tables::{Meeting, MeetingForm, OfficeMove, SeatCounts, Viewer, seat_counts};
use concerto_domain::{FieldErrors, Process, Session};
use concerto_store::StoreError;
use serde::Deserialize;

use super::{mode_label, offer_mail, offer_token, state_label};
use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::form::{Fields, FormErrors, Pairs, unprocessable};
use crate::guard::Editor;
use crate::guard::SessionEditor;
use crate::page::PageContext;
use crate::page::render;
use crate::view::when;

pub struct SeatLine {
    pub id: i64,
    pub name: String,
    pub organization: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub requested: String,
    pub until: Option<String>,
}

#[derive(Template)]
#[template(path = "meetings_office.html")]
struct OfficePage {
    ctx: PageContext,
    process: Process,
    session: Session,
    fields: Fields,
    errors: FormErrors,
    /// (value, label) of each mode.
    modes: Vec<(&'static str, &'static str)>,
    seats: Vec<SeatLine>,
    counts: SeatCounts,
    total: Option<u32>,
    link: Option<String>,
    reminder_hours: u32,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    esito: Option<String>,
}

fn fields_of(m: &Meeting) -> Fields {
    let n = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    Fields(vec![
        ("mode".into(), m.mode.as_str().into()),
        ("link".into(), m.link.clone().unwrap_or_default()),
        ("accessibility".into(), m.accessibility.clone().unwrap_or_default()),
        ("agenda".into(), m.agenda.clone().unwrap_or_default()),
        ("capacity".into(), n(m.capacity)),
        ("overflow_venue".into(), m.overflow_venue.clone().unwrap_or_default()),
        ("overflow_capacity".into(), n(m.overflow_capacity)),
        ("confirm_hours".into(), m.confirm_hours.to_string()),
    ])
}

async fn build(
    state: &AppState,
    ctx: PageContext,
    process: Process,
    session: Session,
    fields: Option<Fields>,
    errors: FormErrors,
    notice: Option<String>,
) -> Result<OfficePage, WebError> {
    let meeting = state.store.meeting(session.id).await?;
    let seats = state.store.seats(session.id).await?;
    let reminder_hours = state.store.reminder_hours(process.id).await?;
    let modes = [
        concerto_domain::tables::MeetingMode::InPerson,
        concerto_domain::tables::MeetingMode::Online,
        concerto_domain::tables::MeetingMode::Hybrid,
    ]
    .into_iter()
    .map(|m| (m.as_str(), mode_label(&ctx, m)))
    .collect();
    Ok(OfficePage {
        counts: seat_counts(seats.iter().map(|s| s.state)),
        seats: seats
            .iter()
            .map(|s| SeatLine {
                id: s.id,
                name: s.rep_name.clone(),
                organization: s.organization.clone(),
                state: s.state.as_str(),
                state_label: state_label(&ctx, s.state),
                requested: when(s.requested_at),
                until: s.offered_until.filter(|_| s.state == concerto_domain::tables::SeatState::Offered).map(when),
            })
            .collect(),
        total: meeting.seats(),
        link: meeting.link_for(Viewer::Office).map(String::from),
        fields: fields.unwrap_or_else(|| fields_of(&meeting)),
        modes,
        reminder_hours,
        errors,
        notice,
        ctx,
        process,
        session,
    })
}

pub async fn page(office: SessionEditor, Query(notice): Query<Notice>) -> PageResult {
    let SessionEditor { state, ctx, process, session, .. } = office;
    let notice = notice
        .esito
        .map(|k| {
            ctx.t(&format!("meetings.done.{}", k.chars().filter(char::is_ascii_alphabetic).collect::<String>()))
                .to_string()
        })
        .filter(|t| !t.is_empty());
    let page = build(&state, ctx.clone(), process, session, None, FormErrors::default(), notice).await.or_page(&ctx)?;
    Ok(render(&page.ctx, &page)?)
}

pub async fn save(office: SessionEditor, Form(form): Pairs) -> PageResult {
    let audit = office.auditor();
    let SessionEditor { state, ctx, process, session, .. } = office;
    let fields = Fields(form);
    let typed = MeetingForm {
        mode: fields.get("mode"),
        link: fields.get("link"),
        accessibility: fields.get("accessibility"),
        agenda: fields.get("agenda"),
        capacity: fields.get("capacity"),
        overflow_venue: fields.get("overflow_venue"),
        overflow_capacity: fields.get("overflow_capacity"),
        confirm_hours: fields.get("confirm_hours"),
    };
    let meeting = match Meeting::from_form(&typed) {
        Ok(m) => m,
        Err(errors) => return Ok(reshow(&state, ctx, process, session, fields, &errors).await),
    };
    let before = state.store.meeting(session.id).await.ok();
    let entry = audit.change("session.meeting", before.as_ref(), Some(&meeting));
    let mail = offer_mail(&state.config.public_url, &process, &session);
    let saved = state.store.save_meeting(session.id, &meeting, offer_token, mail, &entry).await;
    Ok(mailed(&state, &ctx, &process, &session, saved, "salvato"))
}

/// Back to the session's meeting page once `saved`, saying what was done (`outcome`);
/// the e-mails the change queued leave now.
fn mailed<T>(
    state: &AppState,
    ctx: &PageContext,
    process: &Process,
    session: &Session,
    saved: Result<T, StoreError>,
    outcome: &str,
) -> Response {
    match saved {
        Ok(_) => {
            state.outbox.wake();
            let (slug, id) = (&process.header.slug, session.id);
            Redirect::to(&format!("/ufficio/processi/{slug}/sessioni/{id}/incontro?esito={outcome}")).into_response()
        }
        Err(StoreError::NotFound) => WebError::NotFound.into_page(ctx),
        Err(e) => WebError::from(e).into_page(ctx),
    }
}

async fn reshow(
    state: &AppState,
    ctx: PageContext,
    process: Process,
    session: Session,
    fields: Fields,
    errors: &FieldErrors,
) -> Response {
    let errors = FormErrors::of(errors, &ctx);
    match build(state, ctx.clone(), process, session, Some(fields), errors, None).await {
        Ok(page) => unprocessable(&page.ctx, &page),
        Err(e) => e.into_page(&ctx),
    }
}

pub async fn move_seat(
    office: SessionEditor,
    Path((_, _, seat)): Path<(String, i64, i64)>,
    Form(form): Pairs,
) -> PageResult {
    let audit = office.auditor();
    let SessionEditor { state, ctx, process, session, .. } = office;
    let fields = Fields(form);
    let Some(to) = OfficeMove::parse(fields.get("to")) else {
        let mut errors = FieldErrors::default();
        errors.push("to", "invalid_move", "Spostamento non valido.");
        return Ok(reshow(&state, ctx, process, session, Fields::default(), &errors).await);
    };
    let (before, after) =
        (serde_json::json!({ "seat": seat }), serde_json::json!({ "seat": seat, "state": to.target() }));
    let entry = audit.change("seat.move", Some(&before), Some(&after));
    let mail = offer_mail(&state.config.public_url, &process, &session);
    let moved = state.store.move_seat(session.id, seat, to, offer_token, mail, &entry).await;
    Ok(mailed(&state, &ctx, &process, &session, moved, "spostato"))
}

/// The process's reminder timing, set from any of its sessions' meeting pages.
pub async fn reminder_hours(office: Editor, Path(slug): Path<String>, Form(form): Pairs) -> PageResult {
    let audit = office.auditor();
    let Editor { state, ctx, process, .. } = office;
    let fields = Fields(form);
    let back = fields.opt_id("session").filter(|id| process.sessions.iter().any(|s| s.id == *id));
    let hours = match fields.get("hours").trim().parse::<u32>() {
        Ok(h) if (1..=720).contains(&h) => h,
        _ => {
            let mut errors = FieldErrors::default();
            errors.push("hours", "invalid_number", "Un numero intero di ore da 1 a 720.");
            let Some(session) = back.and_then(|id| process.sessions.iter().find(|s| s.id == id).cloned()) else {
                return Err(WebError::NotFound.into_page(&ctx));
            };
            return Ok(reshow(&state, ctx, process, session, Fields::default(), &errors).await);
        }
    };
    let before = state.store.reminder_hours(process.id).await.ok();
    let (before, after) = (serde_json::json!({ "hours_before": before }), serde_json::json!({ "hours_before": hours }));
    let entry = audit.change("process.reminders", Some(&before), Some(&after));
    Ok(match state.store.set_reminder_hours(process.id, hours, &entry).await {
        Ok(()) => match back {
            Some(id) => Redirect::to(&format!("/ufficio/processi/{slug}/sessioni/{id}/incontro?esito=promemoria"))
                .into_response(),
            None => Redirect::to(&format!("/ufficio/processi/{slug}")).into_response(),
        },
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

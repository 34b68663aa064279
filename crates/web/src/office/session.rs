//! Moving or cancelling a session: the calendar feed carries the change (a higher
//! SEQUENCE, STATUS:CANCELLED) and the registered participants are told by e-mail.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::{NaiveDate, NaiveTime};
use concerto_domain::{FieldErrors, Process, Session, SessionUpdate, report};
use concerto_mail::templates::{SessionChange, SessionSlot, session_changed};
use serde::Deserialize;

use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::guard::SessionEditor;
use crate::page::PageContext;
use crate::page::render;

#[derive(Debug, Default, Deserialize)]
pub struct SessionForm {
    /// The title and the phase, edited with the schedule in one form (issue 22);
    /// absent from older forms, which leaves them as they are.
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    phase: Option<String>,
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    venue: String,
    cancelled: Option<String>,
}

#[derive(Template)]
#[template(path = "office_session.html")]
struct SessionPage {
    ctx: PageContext,
    process: Process,
    session: Session,
    form: SessionForm,
    errors: Vec<(String, String)>,
    /// (name, label key, input type, value) of each input.
    fields: Vec<(&'static str, &'static str, &'static str, String)>,
}

fn fields(form: &SessionForm) -> Vec<(&'static str, &'static str, &'static str, String)> {
    vec![
        ("title", "office.field.title", "text", form.title.clone().unwrap_or_default()),
        ("date", "office.session.date", "date", form.date.clone()),
        ("start", "office.session.start", "time", form.start.clone()),
        ("end", "office.session.end", "time", form.end.clone()),
        ("venue", "office.session.venue", "text", form.venue.clone()),
    ]
}

impl SessionPage {
    fn new(
        ctx: PageContext,
        process: Process,
        session: Session,
        form: SessionForm,
        errors: Vec<(String, String)>,
    ) -> Self {
        SessionPage { fields: fields(&form), ctx, process, session, form, errors }
    }

    /// Whether `id` is the phase the form has chosen.
    fn phase_is(&self, id: &i64) -> bool {
        self.form.phase.as_deref().and_then(|p| p.parse::<i64>().ok()) == Some(*id)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

fn form_of(s: &Session) -> SessionForm {
    SessionForm {
        title: Some(s.title.clone()),
        phase: Some(s.phase_id.map(|p| p.to_string()).unwrap_or_default()),
        date: s.date.map(|d| d.to_string()).unwrap_or_default(),
        start: s.start.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
        end: s.end.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
        venue: s.venue.clone().unwrap_or_default(),
        cancelled: s.cancelled.then(|| "1".to_string()),
    }
}

/// Parses the form; each unreadable field is named.
fn parse(form: &SessionForm) -> Result<SessionUpdate, FieldErrors> {
    let mut errors = FieldErrors::default();
    let date = match form.date.trim() {
        "" => None,
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.push("date", "invalid_date", "Data non valida."))
            .ok(),
    };
    let mut time = |field: &'static str, text: &str| match text.trim() {
        "" => None,
        text => NaiveTime::parse_from_str(text, "%H:%M")
            .map_err(|_| errors.push(field, "invalid_time", "Orario non valido (HH:MM)."))
            .ok(),
    };
    let start = time("start", &form.start);
    let end = time("end", &form.end);
    let venue = Some(form.venue.trim().to_string()).filter(|v| !v.is_empty());
    let update = SessionUpdate { date, start, end, venue, cancelled: form.cancelled.is_some() };
    errors.into_result(update).and_then(|u| u.validate().map(|()| u))
}

fn slot(
    date: Option<NaiveDate>,
    start: Option<NaiveTime>,
    end: Option<NaiveTime>,
    venue: Option<String>,
) -> SessionSlot {
    SessionSlot { date, start, end, venue }
}

pub async fn form(office: SessionEditor) -> PageResult {
    let SessionEditor { ctx, process, session, .. } = office;
    let form = form_of(&session);
    let page = SessionPage::new(ctx, process, session, form, vec![]);
    Ok(render(&page.ctx, &page)?)
}

pub async fn save(
    office: SessionEditor,
    Path((slug, _id)): Path<(String, i64)>,
    Form(form): Form<SessionForm>,
) -> PageResult {
    let SessionEditor { state, ctx, process, session, user } = office;
    let update = match parse(&form) {
        Ok(update) => update,
        Err(errors) => {
            let errors = crate::form::localized(&errors, &ctx);
            let page = SessionPage::new(ctx, process, session, form, errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page.ctx, &page)?).into_response());
        }
    };
    let who = &user;
    // The title and the phase: saved as the calendar's own form saves them.
    let details = match details(&process, &session, &form) {
        Ok(details) => details,
        Err(errors) => {
            let errors = crate::form::localized(&errors, &ctx);
            let page = SessionPage::new(ctx, process, session, form, errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page.ctx, &page)?).into_response());
        }
    };
    let renamed = details.is_some();
    let session = match details {
        Some(input) => {
            let audit = crate::audit::entry(
                who,
                state.clock.now(),
                "session.update",
                format!("session:{}:{}", process.header.slug, session.id),
                &process.ambito.slug,
                Some(&serde_json::json!({ "title": session.title, "phase": session.phase_id })),
                Some(&serde_json::json!({ "title": input.title, "phase": input.phase_id })),
            );
            let schedule = concerto_domain::SessionSchedule::default();
            if let Err(e) = state.store.save_session(process.id, Some(session.id), &input, &schedule, &audit).await {
                return Err(WebError::from(e).into_page(&ctx));
            }
            Session { title: input.title, phase_id: input.phase_id, ..session }
        }
        None => session,
    };
    if !update.changes(&session) {
        let key = if renamed { "session_saved" } else { "nothing_changed" };
        return Ok(Redirect::to(&crate::page::Flash::redirect(&format!("/ufficio/processi/{slug}"), key, None))
            .into_response());
    }
    let expressions = state.store.active_expressions(process.id).await.or_page(&ctx)?;
    let sequence = session.sequence + 1;
    let base = state.config.public_url.trim_end_matches('/');
    let before = slot(session.date, session.start, session.end, session.venue.clone());
    let after = (!update.cancelled).then(|| slot(update.date, update.start, update.end, update.venue.clone()));
    // Each person's calendar entry follows: the same UID, a higher SEQUENCE, and
    // METHOD:CANCEL once cancelled.
    let meeting = state.store.meeting(session.id).await.or_page(&ctx)?;
    let moved = Session {
        date: update.date,
        start: update.start,
        end: update.end,
        venue: update.venue.clone(),
        cancelled: update.cancelled,
        sequence,
        ..session.clone()
    };
    let method =
        if update.cancelled { concerto_documents::Method::Cancel } else { concerto_documents::Method::Request };
    let now = state.clock.now();
    let notices: Vec<_> = report::session_recipients(&session, &expressions)
        .into_iter()
        .map(|recipient| {
            let calendar = crate::calendar_feed::personal_calendar(
                base,
                &process,
                &moved,
                &meeting,
                (&recipient, &recipient),
                method,
                now,
            );
            let email = session_changed(&SessionChange {
                dedup_key: format!("session:{}:{sequence}:{recipient}", session.id),
                recipient,
                process_title: process.header.title.clone(),
                session_title: session.title.clone(),
                before: before.clone(),
                after: after.clone(),
                process_url: format!("{base}/processi/{}", process.header.slug),
            });
            match calendar {
                Some(ics) => concerto_mail::templates::with_calendar(
                    email,
                    if update.cancelled { "CANCEL" } else { "REQUEST" },
                    ics,
                ),
                None => email,
            }
        })
        .collect();
    let audit = crate::audit::entry(
        who,
        state.clock.now(),
        if update.cancelled { "session.cancel" } else { "session.move" },
        format!("session:{}:{}", process.header.slug, session.id),
        &process.ambito.slug,
        Some(&before_json(&session)),
        Some(&after_json(&update)),
    );
    Ok(match state.store.update_session(process.id, session.id, &update, &notices, &audit).await {
        Ok(_) => {
            state.outbox.wake();
            let path = format!("/ufficio/processi/{slug}");
            Redirect::to(&crate::page::Flash::redirect(&path, "session_saved", Some(notices.len()))).into_response()
        }
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

fn before_json(s: &Session) -> serde_json::Value {
    serde_json::json!({ "date": s.date, "start": s.start, "end": s.end, "venue": s.venue, "cancelled": s.cancelled })
}

fn after_json(u: &SessionUpdate) -> serde_json::Value {
    serde_json::json!({ "date": u.date, "start": u.start, "end": u.end, "venue": u.venue, "cancelled": u.cancelled })
}

/// The session's title and phase as the form changes them: None when the form
/// leaves them as they are (or does not carry them).
fn details(
    process: &Process,
    session: &Session,
    form: &SessionForm,
) -> Result<Option<concerto_domain::SessionInput>, FieldErrors> {
    let title = form.title.as_deref().map(str::trim).unwrap_or(session.title.as_str()).to_string();
    let phase_id = match form.phase.as_deref().map(str::trim) {
        None => session.phase_id,
        Some("") => None,
        Some(id) => match id.parse::<i64>().ok().filter(|id| process.phases.iter().any(|p| p.id == *id)) {
            Some(id) => Some(id),
            None => {
                let mut errors = FieldErrors::default();
                errors.push("phase", "invalid_choice", "Scegliere una fase del processo.");
                return Err(errors);
            }
        },
    };
    if title == session.title && phase_id == session.phase_id {
        return Ok(None);
    }
    let input = concerto_domain::SessionInput {
        kind: session.kind,
        title,
        phase_id,
        table_id: session.table_id,
        area_ids: session.area_ids.clone(),
        invited: session.invited.clone(),
    };
    input.validate(process).map(|()| Some(input))
}

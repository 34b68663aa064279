//! Attendance at a session: the invitations with the personal codes, the staff's
//! check-in page (search, code typed or scanned, walk-ins), live counts, exports.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use concerto_documents::Sheet;
use concerto_domain::tables::{CheckinCode, CheckinRefusal, Invitee, session_invitees, validate_walk_in};
use concerto_domain::{FieldErrors, Process, Session, italian};
use concerto_mail::templates::{Invitation, invitation};
use concerto_store::{Attendance, CheckinEntry, NewAttendance, NewRepresentative, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::form::{Fields, FormErrors, Pairs, unprocessable};
use crate::guard::{Reader, SessionEditor};
use crate::page::PageContext;
use crate::page::render;
use crate::page::{SheetFormat, send_sheet};
use crate::qr;
use crate::view::when;

/// How often the counts page reloads itself, in seconds.
const COUNTS_REFRESH: u32 = 15;

/// The session's invitees and the codes they hold: the invitees come from the
/// current expressions, the codes from the invitations sent.
async fn invitees(
    state: &AppState,
    process: &Process,
    session: &Session,
) -> Result<(Vec<Invitee>, Vec<CheckinEntry>), WebError> {
    let expressions = state.store.active_expressions(process.id).await?;
    let invitees = session_invitees(session, &expressions);
    let codes = state
        .store
        .checkin_codes(process.id)
        .await?
        .into_iter()
        .filter(|c| invitees.iter().any(|i| i.tax_code == c.tax_code && i.email == c.rep_email))
        .collect();
    Ok((invitees, codes))
}

/// A fresh code from the system's random source; none without one, rather than a
/// guessable code.
fn fresh_code() -> Option<String> {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).ok()?;
    Some(CheckinCode::from_random(bytes).to_string())
}

pub async fn invite(office: SessionEditor, Path((slug, id)): Path<(String, i64)>) -> PageResult {
    let audit = office.auditor();
    let SessionEditor { state, ctx, process, session, .. } = office;
    let expressions = state.store.active_expressions(process.id).await.or_page(&ctx)?;
    let reps: Vec<NewRepresentative> = session_invitees(&session, &expressions)
        .into_iter()
        .map(|i| NewRepresentative {
            tax_code: i.tax_code,
            organization: i.organization,
            rep_name: i.name,
            rep_email: i.email,
        })
        .collect();
    let meeting = state.store.meeting(session.id).await.or_page(&ctx)?;
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let now = state.clock.now();
    let mail = |c: &CheckinEntry| {
        let email = invitation(&Invitation {
            dedup_key: format!("invite:{}:{}", session.id, c.id),
            recipient: c.rep_email.clone(),
            representative: c.rep_name.clone(),
            organization: c.organization.clone(),
            process_title: process.header.title.clone(),
            session_title: session.title.clone(),
            when: crate::view::session_when(&session),
            venue: session.venue.clone(),
            code: c.code.clone(),
            qr_text: qr::text(&c.code),
            qr_png: qr::png(&c.code),
            process_url: format!("{base}/processi/{}", process.header.slug),
            meeting_link: meeting.link_for(concerto_domain::tables::Viewer::Participant).map(String::from),
        });
        // The person's calendar entry, which a later move or cancellation updates.
        let attendee = (c.rep_name.as_str(), c.rep_email.as_str());
        match crate::calendar_feed::personal_calendar(
            &base,
            &process,
            &session,
            &meeting,
            attendee,
            concerto_documents::Method::Request,
            now,
        ) {
            Some(ics) => concerto_mail::templates::with_calendar(email, "REQUEST", ics),
            None => email,
        }
    };
    let entry = audit.after("session.invite", &serde_json::json!({ "invited": reps.len() }));
    Ok(match state.store.invite_representatives(process.id, &reps, fresh_code, mail, &entry).await {
        Ok(sent) => {
            state.outbox.wake();
            Redirect::to(&format!("/ufficio/processi/{slug}/sessioni/{id}/presenze?invitati={}", sent.len()))
                .into_response()
        }
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

/// One registered representative on the check-in page.
pub struct CheckinLine {
    pub name: String,
    pub organization: String,
    pub code: Option<String>,
    pub present: bool,
}

#[derive(Template)]
#[template(path = "tables_checkin.html")]
struct CheckinPage {
    ctx: PageContext,
    process: Process,
    session: Session,
    q: String,
    lines: Vec<CheckinLine>,
    /// (attendance id, name, organization, walk-in, when).
    present: Vec<(i64, String, String, bool, String)>,
    expected: usize,
    by_code: usize,
    walk_ins: usize,
    invited: Option<String>,
    done: Option<String>,
    fields: Fields,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct CheckinQuery {
    #[serde(default)]
    q: String,
    invitati: Option<String>,
    registrato: Option<String>,
}

async fn build(
    state: &AppState,
    ctx: PageContext,
    process: Process,
    session: Session,
    query: CheckinQuery,
    fields: Fields,
    errors: FormErrors,
) -> Result<CheckinPage, WebError> {
    let (invitees, codes) = invitees(state, &process, &session).await?;
    let present: Vec<Attendance> =
        state.store.attendances(process.id).await?.into_iter().filter(|a| a.session_id == session.id).collect();
    let needle = query.q.trim().to_lowercase();
    let lines = invitees
        .iter()
        .filter(|i| {
            needle.is_empty()
                || i.name.to_lowercase().contains(&needle)
                || i.organization.to_lowercase().contains(&needle)
        })
        .map(|i| {
            let code = codes.iter().find(|c| c.tax_code == i.tax_code && c.rep_email == i.email);
            CheckinLine {
                name: i.name.clone(),
                organization: i.organization.clone(),
                present: code.is_some_and(|c| present.iter().any(|a| a.checkin_code_id == Some(c.id))),
                code: code.map(|c| c.code.clone()),
            }
        })
        .collect();
    Ok(CheckinPage {
        expected: invitees.len(),
        by_code: present.iter().filter(|a| !a.walk_in).count(),
        walk_ins: present.iter().filter(|a| a.walk_in).count(),
        present: present
            .iter()
            .map(|a| (a.id, a.name.clone(), a.organization.clone(), a.walk_in, when(a.checked_in_at)))
            .collect(),
        lines,
        q: query.q,
        invited: query.invitati,
        done: query.registrato,
        ctx,
        process,
        session,
        fields,
        errors,
    })
}

pub async fn page(office: SessionEditor, Query(query): Query<CheckinQuery>) -> PageResult {
    let SessionEditor { state, ctx, process, session, .. } = office;
    let page = build(&state, ctx.clone(), process, session, query, Fields::default(), FormErrors::default())
        .await
        .or_page(&ctx)?;
    Ok(render(&page.ctx, &page)?)
}

/// The check-in page again, with the form's errors and what was typed.
async fn reshow(
    state: &AppState,
    ctx: PageContext,
    process: Process,
    session: Session,
    fields: Fields,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let errors = FormErrors::of(&errors, &ctx);
    match build(state, ctx.clone(), process, session, CheckinQuery::default(), fields, errors).await {
        Ok(page) if status == StatusCode::UNPROCESSABLE_ENTITY => unprocessable(&page.ctx, &page),
        Ok(page) => {
            render(&page.ctx, &page).map(|r| (status, r).into_response()).unwrap_or_else(IntoResponse::into_response)
        }
        Err(e) => e.into_page(&ctx),
    }
}

/// Records one arrival, or shows the page again with the form's error.
async fn record(
    office: SessionEditor,
    arrival: Result<NewAttendance, FieldErrors>,
    fields: Fields,
    kind: &str,
) -> Response {
    let audit = office.auditor();
    let SessionEditor { state, ctx, process, session, .. } = office;
    let state = &state;
    let arrival = match arrival {
        Ok(a) => a,
        Err(errors) => {
            return reshow(state, ctx, process, session, fields, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    // Check-in happens on the session's day (a configurable window), not before
    // or weeks after, when a typed code could only be a mistake or a fake.
    if let Err(refusal) = state.config.checkin_window.admits(&session, state.clock.now()) {
        let mut errors = FieldErrors::default();
        let text = match refusal {
            CheckinRefusal::OutsideWindow { date } => {
                ctx.tf("flows.checkin.outside", &[("date", &italian::date(date))])
            }
            CheckinRefusal::Undated => ctx.t("flows.checkin.undated").to_string(),
            CheckinRefusal::Cancelled => ctx.t("flows.checkin.cancelled").to_string(),
        };
        errors.push("code", "outside_window", text);
        return reshow(state, ctx, process, session, fields, errors, StatusCode::CONFLICT).await;
    }
    let after = serde_json::json!({ "name": arrival.name, "organization": arrival.organization, "code": arrival.checkin_code_id });
    let entry = audit.after(kind, &after);
    match state.store.record_attendance(session.id, &arrival, &entry).await {
        Ok(()) => Redirect::to(&format!(
            "/ufficio/processi/{}/sessioni/{}/presenze?registrato={}",
            process.header.slug,
            session.id,
            crate::view::url_encode(&arrival.name)
        ))
        .into_response(),
        Err(StoreError::Conflict(_)) => {
            let mut errors = FieldErrors::default();
            errors.push("code", "already_present", "Questa persona risulta già presente.");
            reshow(state, ctx, process, session, fields, errors, StatusCode::CONFLICT).await
        }
        Err(e) => WebError::from(e).into_page(&ctx),
    }
}

pub async fn by_code(office: SessionEditor, Form(form): Pairs) -> PageResult {
    let fields = Fields(form);
    let (_, codes) = invitees(&office.state, &office.process, &office.session).await.or_page(&office.ctx)?;
    let mut errors = FieldErrors::default();
    let arrival = match CheckinCode::parse(fields.get("code")) {
        None => {
            errors.push("code", "invalid_code", "Il codice ha 6 caratteri tra lettere e cifre.");
            Err(errors)
        }
        Some(code) => match codes.iter().find(|c| c.code == code.as_str()) {
            None => {
                errors.push("code", "unknown_code", "Nessun invitato a questa sessione ha questo codice.");
                Err(errors)
            }
            Some(c) => Ok(NewAttendance {
                checkin_code_id: Some(c.id),
                name: c.rep_name.clone(),
                organization: c.organization.clone(),
                email: Some(c.rep_email.clone()),
            }),
        },
    };
    Ok(record(office, arrival, fields, "attendance.checkin").await)
}

pub async fn walk_in(office: SessionEditor, Form(form): Pairs) -> PageResult {
    let fields = Fields(form);
    let arrival = validate_walk_in(fields.get("name"), fields.get("organization"), fields.get("email"))
        .map(|w| NewAttendance { checkin_code_id: None, name: w.name, organization: w.organization, email: w.email });
    Ok(record(office, arrival, fields, "attendance.walk_in").await)
}

#[derive(Template)]
#[template(path = "tables_counts.html")]
struct CountsPage {
    ctx: PageContext,
    session: Session,
    expected: usize,
    by_code: usize,
    walk_ins: usize,
    refresh: u32,
}

/// The counts alone, reloading themselves: for a screen at the entrance.
pub async fn counts(office: SessionEditor) -> PageResult {
    let SessionEditor { state, ctx, process, session, .. } = office;
    Ok(
        match build(
            &state,
            ctx.clone(),
            process,
            session,
            CheckinQuery::default(),
            Fields::default(),
            FormErrors::default(),
        )
        .await
        {
            Ok(p) => {
                let page = CountsPage {
                    ctx: p.ctx,
                    session: p.session,
                    expected: p.expected,
                    by_code: p.by_code,
                    walk_ins: p.walk_ins,
                    refresh: COUNTS_REFRESH,
                };
                render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response)
            }
            Err(e) => e.into_page(&ctx),
        },
    )
}

/// The register of attendances of every session, as a download.
async fn sheet(office: Reader, format: SheetFormat) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    let attendances = state.store.attendances(process.id).await.or_page(&ctx)?;
    let codes = state.store.checkin_codes(process.id).await.or_page(&ctx)?;
    let rows = attendances
        .iter()
        .map(|a| {
            let session = process.sessions.iter().find(|s| s.id == a.session_id);
            vec![
                session.map(|s| s.title.clone()).unwrap_or_default(),
                session.and_then(|s| s.date).map(italian::date).unwrap_or_default(),
                a.name.clone(),
                a.organization.clone(),
                a.email.clone().unwrap_or_default(),
                if a.walk_in { "senza registrazione".into() } else { "codice".into() },
                a.checkin_code_id
                    .and_then(|id| codes.iter().find(|c| c.id == id))
                    .map(|c| c.code.clone())
                    .unwrap_or_default(),
                when(a.checked_in_at),
            ]
        })
        .collect();
    let headers = ["sessione", "data", "nome", "organizzazione", "email", "accesso", "codice", "registrato_il"];
    let sheet = Sheet { name: "Presenze".into(), headers: headers.map(String::from).to_vec(), rows };
    Ok(send_sheet(&sheet, format, &format!("presenze-{}", process.header.slug), &ctx))
}

pub async fn csv(office: Reader) -> PageResult {
    sheet(office, SheetFormat::Csv).await
}

pub async fn xlsx(office: Reader) -> PageResult {
    sheet(office, SheetFormat::Xlsx).await
}

/// The office undoes a check-in, with a reason: the row stays in the register,
/// annulled, and the audit log says who and why.
pub async fn annul(
    office: SessionEditor,
    Path((slug, id, attendance)): Path<(String, i64, i64)>,
    Form(form): Pairs,
) -> PageResult {
    let audit = office.auditor();
    let SessionEditor { state, ctx, process, session, user: who } = office;
    let fields = Fields(form);
    let reason = fields.get("reason").trim().to_string();
    let mut errors = FieldErrors::default();
    if reason.is_empty() {
        errors.push("reason", "required", "Indicare il motivo dell'annullamento della presenza.");
    }
    errors.check_text("reason", &reason, false);
    if !errors.is_empty() {
        return Ok(reshow(&state, ctx, process, session, fields, errors, StatusCode::UNPROCESSABLE_ENTITY).await);
    }
    let entry = audit.after("attendance.annul", &serde_json::json!({ "attendance": attendance, "reason": reason }));
    Ok(match state.store.annul_attendance(session.id, attendance, &who.email, &reason, &entry).await {
        Ok(()) => Redirect::to(&crate::page::Flash::redirect(
            &format!("/ufficio/processi/{slug}/sessioni/{id}/presenze"),
            "attendance_annulled",
            None,
        ))
        .into_response(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

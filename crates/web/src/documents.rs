//! The PDFs the web serves: the public notice, the receipt behind an expression's
//! secret link, and in the workspace each session's sign-in sheet and attendance
//! certificates. Rendering is CPU work, so it runs on the blocking pool.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use concerto_documents::{AttendanceCertificate, Attendee, Notice, Receipt, RenderError, SessionLine, SignInSheet, file_name};
use concerto_domain::{OfficeAction, Process, ROME, Session};
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::expressions::token_digest;
use crate::page::PageContext;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/processi/{slug}/avviso.pdf", get(notice))
        .route("/manifestazioni/{token}/ricevuta.pdf", get(receipt))
        .route("/ufficio/processi/{slug}/sessioni/{id}/documenti", get(session_page))
        .route("/ufficio/processi/{slug}/sessioni/{id}/foglio-firme.pdf", get(sign_in_sheet))
        .route("/ufficio/processi/{slug}/sessioni/{id}/attestato.pdf", get(attendance_certificate))
}

/// Renders on the blocking pool and answers with the PDF, to be shown in the
/// browser's viewer or saved as `name`.pdf.
async fn pdf<T: Send + 'static>(
    ctx: &PageContext,
    name: &str,
    input: T,
    render: fn(&T) -> Result<Vec<u8>, RenderError>,
) -> Response {
    match tokio::task::spawn_blocking(move || render(&input)).await {
        Ok(Ok(bytes)) => {
            let disposition = format!("inline; filename=\"{}.pdf\"", file_name(name));
            ([(header::CONTENT_TYPE, "application/pdf".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
                .into_response()
        }
        Ok(Err(e)) => WebError::Internal(e.to_string()).into_page(ctx),
        Err(e) => WebError::Internal(format!("rendering stopped: {e}")).into_page(ctx),
    }
}

fn today(state: &AppState) -> chrono::NaiveDate {
    state.clock.now().with_timezone(&ROME).date_naive()
}

async fn notice(State(state): State<AppState>, ctx: PageContext, Path(slug): Path<String>) -> Response {
    let process = match crate::public_process(&state.store, &slug).await {
        Ok(p) => p,
        Err(e) => return e.into_page(&ctx),
    };
    let form_url = format!("{}/processi/{slug}/manifestazione", state.config.public_url.trim_end_matches('/'));
    let input = Notice::new(&process, Some(form_url), today(&state));
    pdf(&ctx, &format!("avviso-{slug}"), input, concerto_documents::notice).await
}

async fn receipt(State(state): State<AppState>, ctx: PageContext, Path(token): Path<String>) -> Response {
    let found = async {
        let received = state.store.expression_by_token(&token_digest(&token)).await?.ok_or(WebError::NotFound)?;
        let process = state.store.process_by_id(received.process_id).await?.ok_or(WebError::NotFound)?;
        Ok::<_, WebError>(Receipt::new(&process, &received))
    };
    match found.await {
        Ok(input) => {
            let name = format!("ricevuta-{}", input.protocol);
            pdf(&ctx, &name, input, concerto_documents::receipt).await
        }
        Err(e) => e.into_page(&ctx),
    }
}

/// A session of a process the user may view in the workspace.
async fn office_session(
    state: &AppState,
    ctx: &PageContext,
    user: Option<&concerto_domain::Principal>,
    slug: &str,
    id: &str,
) -> Result<(Process, Session), Response> {
    let process = crate::office::office_process(state, ctx, user, slug, OfficeAction::View).await?;
    let session = id
        .parse::<i64>()
        .ok()
        .and_then(|id| process.sessions.iter().find(|s| s.id == id).cloned())
        .ok_or_else(|| WebError::NotFound.into_page(ctx))?;
    Ok((process, session))
}

/// The representatives registered for `session`.
async fn session_attendees(state: &AppState, process: &Process, session: &Session) -> Result<Vec<Attendee>, WebError> {
    let expressions = state.store.active_expressions(process.id).await?;
    Ok(concerto_documents::attendees(process, session, &expressions))
}

/// The sign-in sheet of `session`, as both the single sheet and the office's
/// archive of every sheet print it: its rows are built here only.
pub(crate) async fn sign_in_sheet_input(state: &AppState, process: &Process, session: &Session) -> Result<SignInSheet, WebError> {
    let attendees = session_attendees(state, process, session).await?;
    Ok(SignInSheet::new(process, session, attendees, today(state)))
}

/// A session the user may view, with its registered representatives.
async fn office_session_attendees(
    state: &AppState,
    ctx: &PageContext,
    user: Option<&concerto_domain::Principal>,
    slug: &str,
    id: &str,
) -> Result<(Process, Session, Vec<Attendee>), Response> {
    let (process, session) = office_session(state, ctx, user, slug, id).await?;
    let attendees = session_attendees(state, &process, &session).await.map_err(|e| e.into_page(ctx))?;
    Ok((process, session, attendees))
}

#[derive(Template)]
#[template(path = "office_session_documents.html")]
struct SessionDocumentsPage {
    ctx: PageContext,
    slug: String,
    process_title: String,
    /// The session's page in the workspace; its documents hang below it.
    base: String,
    session: SessionLine,
    attendees: Vec<Attendee>,
}

/// The session's documents: its sign-in sheet and one certificate per registered
/// representative.
async fn session_page(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentUser(user): CurrentUser,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    match office_session_attendees(&state, &ctx, user.as_ref(), &slug, &id).await {
        Ok((process, session, attendees)) => {
            let page = SessionDocumentsPage {
                base: format!("/ufficio/processi/{slug}/sessioni/{}", session.id),
                session: SessionLine::of(&process, &session),
                process_title: process.header.title.clone(),
                slug,
                attendees,
                ctx,
            };
            crate::public::render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response)
        }
        Err(answer) => answer,
    }
}

async fn sign_in_sheet(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentUser(user): CurrentUser,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    let (process, session) = match office_session(&state, &ctx, user.as_ref(), &slug, &id).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    match sign_in_sheet_input(&state, &process, &session).await {
        Ok(input) => pdf(&ctx, &format!("foglio-firme-{slug}-{id}"), input, concerto_documents::sign_in_sheet).await,
        Err(e) => e.into_page(&ctx),
    }
}

#[derive(Deserialize)]
pub struct CertificateQuery {
    /// The expression through which the participant registered.
    manifestazione: Option<String>,
    /// The area they represent it at.
    area: Option<String>,
}

async fn attendance_certificate(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentUser(user): CurrentUser,
    Path((slug, id)): Path<(String, String)>,
    Query(query): Query<CertificateQuery>,
) -> Response {
    let (process, session, attendees) = match office_session_attendees(&state, &ctx, user.as_ref(), &slug, &id).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let wanted = |value: &Option<String>| value.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
    let (Some(expression), Some(area)) = (wanted(&query.manifestazione), wanted(&query.area)) else {
        return WebError::NotFound.into_page(&ctx);
    };
    let Some(attendee) = attendees.into_iter().find(|a| a.expression_id == expression && a.area_id == area) else {
        return WebError::NotFound.into_page(&ctx);
    };
    let name = format!("attestato-{}-{slug}-{id}", attendee.name);
    let input = AttendanceCertificate::new(&process, &session, attendee, today(&state));
    pdf(&ctx, &name, input, concerto_documents::attendance_certificate).await
}

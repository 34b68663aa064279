//! The PDFs the web serves: the public notice, the receipt behind an expression's
//! secret link, and in the workspace each session's sign-in sheet and attendance
//! certificates. A certificate exists only for someone recorded present at the
//! session: the office downloads it from the session's documents, the participant
//! from their management link. Rendering is CPU work, so it runs on the blocking pool.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use concerto_documents::{
    AttendanceCertificate, Attendee, Notice, Receipt, RenderError, SessionLine, SignInSheet, file_name,
};
use concerto_domain::{Process, ROME, ReceivedExpression, Session};
use concerto_store::{Attendance, CheckinEntry, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::guard::SessionReader;
use crate::page::PageContext;
use crate::secret::token_digest;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/processi/{slug}/avviso.pdf", get(notice))
        .route("/manifestazioni/{token}/ricevuta.pdf", get(receipt))
        .route("/ufficio/processi/{slug}/sessioni/{id}/documenti", get(session_page))
        .route("/ufficio/processi/{slug}/sessioni/{id}/foglio-firme.pdf", get(sign_in_sheet))
        .route("/ufficio/processi/{slug}/sessioni/{id}/attestato.pdf", get(attendance_certificate))
        .route("/manifestazioni/{token}/sessioni/{id}/attestato.pdf", get(own_certificate))
}

/// Renders on the blocking pool and answers with the PDF, to be shown in the
/// browser's viewer or saved as `name`.pdf.
/// The letterhead logo of an Ambito, for its documents. A logo that cannot be read
/// costs the document nothing: it is printed without it, and the failure logged.
pub(crate) async fn letterhead_logo(state: &AppState, ambito_id: i64) -> Option<concerto_documents::Logo> {
    match state.store.ambito_logo(ambito_id).await {
        Ok(Some(logo)) => match concerto_documents::LogoFormat::from_content_type(&logo.content_type) {
            Some(format) => Some(concerto_documents::Logo { format, bytes: logo.bytes }),
            None => {
                tracing::warn!(ambito_id, content_type = %logo.content_type, "letterhead logo of an unknown type: left out");
                None
            }
        },
        Ok(None) => None,
        Err(error) => {
            tracing::warn!(ambito_id, %error, "letterhead logo unreadable: left out");
            None
        }
    }
}

pub(crate) async fn pdf<T: Send + 'static>(
    ctx: &PageContext,
    name: &str,
    input: T,
    render: fn(&T) -> Result<Vec<u8>, RenderError>,
) -> Response {
    match tokio::task::spawn_blocking(move || render(&input)).await {
        Ok(Ok(bytes)) => {
            let disposition = crate::security::content_disposition(true, &format!("{}.pdf", file_name(name)));
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

async fn notice(State(state): State<AppState>, ctx: PageContext, Path(slug): Path<String>) -> PageResult {
    let process = crate::public_process(&state.store, &slug).await.or_page(&ctx)?;
    let form_url = format!("{}/processi/{slug}/manifestazione", state.config.public_url.trim_end_matches('/'));
    let mut input = Notice::new(&process, Some(form_url), today(&state));
    input.letterhead.logo = letterhead_logo(&state, process.ambito.id).await;
    Ok(pdf(&ctx, &format!("avviso-{slug}"), input, concerto_documents::notice).await)
}

async fn receipt(State(state): State<AppState>, ctx: PageContext, Path(token): Path<String>) -> PageResult {
    let found = async {
        let received = state.store.expression_by_token(&token_digest(&token)).await?.ok_or(WebError::NotFound)?;
        let process = state.store.process_by_id(received.process_id).await?.ok_or(WebError::NotFound)?;
        let mut input = Receipt::new(&process, &received);
        input.letterhead.logo = letterhead_logo(&state, process.ambito.id).await;
        Ok::<_, WebError>(input)
    };
    Ok(match found.await {
        Ok(input) => {
            let name = format!("ricevuta-{}", input.protocol);
            pdf(&ctx, &name, input, concerto_documents::receipt).await
        }
        Err(e) => e.into_page(&ctx),
    })
}

/// Who holds which check-in code and who was recorded at which session, for one
/// process: read once, then asked about each session's registered representatives.
pub(crate) struct Presence {
    codes: Vec<CheckinEntry>,
    attendances: Vec<Attendance>,
}

impl Presence {
    pub(crate) async fn of(state: &AppState, process_id: i64) -> Result<Presence, StoreError> {
        Ok(Presence {
            codes: state.store.checkin_codes(process_id).await?,
            attendances: state.store.attendances(process_id).await?,
        })
    }

    /// The representatives registered for `session`, each with their check-in code
    /// once invited, and whether they were recorded present there (checked in by
    /// that code).
    pub(crate) fn attendees(
        &self,
        process: &Process,
        session: &Session,
        expressions: &[ReceivedExpression],
    ) -> Vec<(Attendee, bool)> {
        concerto_documents::attendees(process, session, expressions)
            .into_iter()
            .map(|a| match self.codes.iter().find(|c| c.tax_code == a.tax_code && c.rep_email == a.email) {
                Some(c) => {
                    let present =
                        self.attendances.iter().any(|p| p.session_id == session.id && p.checkin_code_id == Some(c.id));
                    (a.with_code(&c.code), present)
                }
                None => (a, false),
            })
            .collect()
    }
}

/// The sign-in sheet of `session`, made today: the one place that gathers its data
/// (registered representatives with their check-in codes), for the single PDF and
/// for any archive of many.
pub(crate) async fn sign_in_sheet_data(
    state: &AppState,
    process: &Process,
    session: &Session,
) -> Result<SignInSheet, StoreError> {
    let expressions = state.store.active_expressions(process.id).await?;
    let presence = Presence::of(state, process.id).await?;
    let attendees = presence.attendees(process, session, &expressions).into_iter().map(|(a, _)| a).collect();
    let mut sheet = SignInSheet::new(process, session, attendees, today(state));
    sheet.letterhead.logo = letterhead_logo(state, process.ambito.id).await;
    Ok(sheet)
}

/// The session's registered representatives with their presence.
async fn registered(state: &AppState, process: &Process, session: &Session) -> Result<Vec<(Attendee, bool)>, WebError> {
    let expressions = state.store.active_expressions(process.id).await?;
    Ok(Presence::of(state, process.id).await?.attendees(process, session, &expressions))
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
    /// Each registered representative, and whether they were present.
    attendees: Vec<(Attendee, bool)>,
}

/// The session's documents: its sign-in sheet and one certificate per registered
/// representative who was present.
async fn session_page(office: SessionReader) -> PageResult {
    let SessionReader { state, ctx, process, session, .. } = office;
    let slug = process.header.slug.clone();
    Ok(match registered(&state, &process, &session).await {
        Ok(attendees) => {
            let page = SessionDocumentsPage {
                base: format!("/ufficio/processi/{slug}/sessioni/{}", session.id),
                session: SessionLine::of(&process, &session),
                process_title: process.header.title.clone(),
                slug,
                attendees,
                ctx,
            };
            crate::page::render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response)
        }
        Err(e) => e.into_page(&ctx),
    })
}

async fn sign_in_sheet(office: SessionReader) -> PageResult {
    let SessionReader { state, ctx, process, session, .. } = office;
    let input = sign_in_sheet_data(&state, &process, &session).await.or_page(&ctx)?;
    let name = format!("foglio-firme-{}-{}", process.header.slug, session.id);
    Ok(pdf(&ctx, &name, input, concerto_documents::sign_in_sheet).await)
}

#[derive(Deserialize)]
pub struct CertificateQuery {
    /// The expression through which the participant registered.
    manifestazione: Option<String>,
    /// The area they represent it at.
    area: Option<String>,
}

fn wanted(value: &Option<String>) -> Option<i64> {
    value.as_deref().and_then(|v| v.trim().parse::<i64>().ok())
}

#[derive(Template)]
#[template(path = "info.html")]
struct NotAttendedPage {
    ctx: PageContext,
    title: &'static str,
    text: &'static str,
}

/// The certificate of the registered representative of `expression` at `area`:
/// 404 for nobody registered so, 409 with the reason for someone not present.
async fn certificate(
    state: &AppState,
    ctx: PageContext,
    process: Process,
    session: Session,
    expression: i64,
    area: i64,
) -> PageResult {
    // Nobody has attended a session that has not been held yet.
    if !concerto_domain::tables::session_held(&session, state.clock.now()) {
        let page = NotAttendedPage {
            title: ctx.t("flows.certificate.not_held.title"),
            text: ctx.t("flows.certificate.not_held.text"),
            ctx,
        };
        return Ok((axum::http::StatusCode::CONFLICT, crate::page::render(&page.ctx, &page)?).into_response());
    }
    let attendees = registered(state, &process, &session).await.or_page(&ctx)?;
    Ok(match attendees.into_iter().find(|(a, _)| a.expression_id == expression && a.area_id == area) {
        None => WebError::NotFound.into_page(&ctx),
        Some((_, false)) => {
            let page = NotAttendedPage {
                title: ctx.t("documents.certificate.not_attended.title"),
                text: ctx.t("documents.certificate.not_attended.text"),
                ctx,
            };
            match crate::page::render(&page.ctx, &page) {
                Ok(r) => (axum::http::StatusCode::CONFLICT, r).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Some((attendee, true)) => {
            let name = format!("attestato-{}-{}-{}", attendee.name, process.header.slug, session.id);
            let mut input = AttendanceCertificate::new(&process, &session, attendee, today(state));
            input.letterhead.logo = letterhead_logo(state, process.ambito.id).await;
            pdf(&ctx, &name, input, concerto_documents::attendance_certificate).await
        }
    })
}

async fn attendance_certificate(office: SessionReader, Query(query): Query<CertificateQuery>) -> PageResult {
    let SessionReader { state, ctx, process, session, .. } = office;
    let (Some(expression), Some(area)) = (wanted(&query.manifestazione), wanted(&query.area)) else {
        return Err(WebError::NotFound.into_page(&ctx));
    };
    certificate(&state, ctx, process, session, expression, area).await
}

/// A participant's own certificate, through the expression's management link.
async fn own_certificate(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((token, id)): Path<(String, String)>,
    Query(query): Query<CertificateQuery>,
) -> PageResult {
    let found = async {
        let received = state.store.expression_by_token(&token_digest(&token)).await?.ok_or(WebError::NotFound)?;
        let process = state.store.process_by_id(received.process_id).await?.ok_or(WebError::NotFound)?;
        let session = id
            .parse::<i64>()
            .ok()
            .and_then(|id| process.sessions.iter().find(|s| s.id == id).cloned())
            .ok_or(WebError::NotFound)?;
        Ok::<_, WebError>((received.id, process, session))
    };
    let (expression, process, session) = found.await.or_page(&ctx)?;
    let area = wanted(&query.area).ok_or(WebError::NotFound).or_page(&ctx)?;
    certificate(&state, ctx, process, session, expression, area).await
}

/// The certificates a participant may download: for each session, each of the
/// expression's representatives recorded present there, as (session, attendee).
pub(crate) async fn own_certificates(
    state: &AppState,
    process: &Process,
    received: &ReceivedExpression,
) -> Result<Vec<(Session, Attendee)>, StoreError> {
    let presence = Presence::of(state, process.id).await?;
    let mine = std::slice::from_ref(received);
    let now = state.clock.now();
    Ok(process
        .sessions_in_calendar_order()
        .into_iter()
        .filter(|s| concerto_domain::tables::session_held(s, now))
        .flat_map(|s| {
            presence
                .attendees(process, s, mine)
                .into_iter()
                .filter(|(_, present)| *present)
                .map(|(a, _)| (s.clone(), a))
        })
        .collect())
}

/// The pact of `received` as PDF/A, under its Ambito's letterhead.
pub async fn render_pdf(
    state: &AppState,
    process: &Process,
    received: &ReceivedExpression,
) -> Result<Vec<u8>, WebError> {
    let mut input = concerto_documents::Pact::new(process, received);
    input.letterhead.logo = letterhead_logo(state, process.ambito.id).await;
    tokio::task::spawn_blocking(move || concerto_documents::pact(&input))
        .await
        .map_err(|e| WebError::Internal(format!("rendering stopped: {e}")))?
        .map_err(|e: RenderError| WebError::Internal(e.to_string()))
}

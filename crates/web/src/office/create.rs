//! A new process: from scratch (a blank draft with the regional legal frame), from the regional template, as the next cycle of an earlier one,
//! or imported from the text or PDF of a notice the office already wrote. Each one
//! starts as a draft for the office to review.

use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concerto_domain::template::{blank, next_cycle, regional_template};
use concerto_domain::{NewProcess, OfficeAction, PlanCycle, Principal, Role, may_act_on_ambito, may_enter_workspace};
use concerto_notice::ProcessDraft;

use crate::AppState;
use crate::error::WebError;
use crate::guard::Caller;
use crate::guard::enforce;
use crate::page::PageContext;
use crate::page::render;

/// The largest notice accepted for import.
pub const MAX_NOTICE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Template)]
#[template(path = "office_new.html")]
struct NewPage {
    ctx: PageContext,
    ambiti: Vec<(String, String)>,
    previous: Vec<(String, String)>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "office_created.html")]
struct CreatedPage {
    ctx: PageContext,
    slug: String,
    title: String,
    warnings: Vec<String>,
    /// After an import: the notice's text beside the values read from it.
    review: Option<super::review::Review>,
}

/// The Ambiti a user may create processes in: (slug, name), from the Ambiti's own
/// table, so that an Ambito without any process yet is offered too.
async fn own_ambiti(state: &AppState, user: &Principal) -> Result<Vec<(String, String)>, WebError> {
    Ok(state
        .store
        .ambiti()
        .await?
        .into_iter()
        .filter(|(id, _, _)| may_act_on_ambito(Some(user), OfficeAction::Edit, *id) == concerto_domain::Decision::Allow)
        .map(|(_, slug, name)| (slug, name))
        .collect())
}

async fn previous_processes(state: &AppState, user: &Principal) -> Result<Vec<(String, String)>, WebError> {
    let summaries = state.store.process_summaries(true).await?;
    Ok(summaries
        .into_iter()
        .filter(|s| may_act_on_ambito(Some(user), OfficeAction::Edit, s.ambito_id) == concerto_domain::Decision::Allow)
        .map(|s| (s.slug, format!("{} – {} ({})", s.ambito_name, s.title, s.cycle)))
        .collect())
}

async fn new_page(
    state: &AppState,
    ctx: PageContext,
    user: &Principal,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let (ambiti, previous) = match (own_ambiti(state, user).await, previous_processes(state, user).await) {
        (Ok(a), Ok(p)) => (a, p),
        (Err(e), _) | (_, Err(e)) => return e.into_page(&ctx),
    };
    let page = NewPage { ctx, ambiti, previous, error };
    render(&page.ctx, &page).map(|r| (status, r).into_response()).unwrap_or_else(IntoResponse::into_response)
}

pub async fn form(Caller { state, ctx, user }: Caller) -> Response {
    if let Err(answer) = enforce(may_enter_workspace(user.as_ref()), &ctx) {
        return answer;
    }
    let Some(user) = user else { return WebError::NotFound.into_page(&ctx) };
    new_page(&state, ctx, &user, None, StatusCode::OK).await
}

/// The fields of the creation form, read from a multipart body.
#[derive(Default)]
struct Fields {
    mode: String,
    ambito: String,
    slug: String,
    title: String,
    cycle_from: String,
    previous: String,
    notice_text: String,
    notice_file: Vec<u8>,
}

/// Why the form could not be read, and the status that says it.
fn unreadable(e: axum::extract::multipart::MultipartError) -> (String, StatusCode) {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ("Il file supera gli 8 MB.".into(), StatusCode::PAYLOAD_TOO_LARGE)
    } else {
        ("Modulo non leggibile: inviarlo di nuovo.".into(), StatusCode::UNPROCESSABLE_ENTITY)
    }
}

async fn read_fields(mut multipart: Multipart) -> Result<Fields, (String, StatusCode)> {
    let mut f = Fields::default();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(unreadable)?;
        if bytes.len() > MAX_NOTICE_BYTES {
            return Err(("Il file supera gli 8 MB.".into(), StatusCode::PAYLOAD_TOO_LARGE));
        }
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            "mode" => f.mode = text(),
            "ambito" => f.ambito = text(),
            "slug" => f.slug = text(),
            "title" => f.title = text(),
            "cycle_from" => f.cycle_from = text(),
            "previous" => f.previous = text(),
            "notice_text" => f.notice_text = text(),
            "notice_file" => f.notice_file = bytes.to_vec(),
            _ => {}
        }
    }
    Ok(f)
}

/// The three-year cycle starting in the year the form gives.
fn cycle(f: &Fields) -> Result<PlanCycle, String> {
    let from: i32 =
        f.cycle_from.parse().map_err(|_| "Indicare l'anno iniziale del ciclo (ad esempio 2026).".to_string())?;
    Ok(PlanCycle { from, to: from + 2 })
}

/// Builds the new process the form asks for, with the importer's warnings and draft.
async fn build(
    state: &AppState,
    user: &Principal,
    f: &Fields,
) -> Result<(NewProcess, Vec<String>, Option<ProcessDraft>), String> {
    let title = if f.title.is_empty() {
        "Programmazione partecipata del Piano Sociale di Zona".to_string()
    } else {
        f.title.clone()
    };
    match f.mode.as_str() {
        "template" => {
            let catalogue = state.store.regional_areas().await.map_err(|e| e.to_string())?;
            Ok((regional_template(&f.slug, &title, cycle(f)?, &catalogue), vec![], None))
        }
        "blank" => Ok((blank(&f.slug, &title, cycle(f)?), vec![], None)),
        "copy" => {
            let previous = state
                .store
                .process_by_slug(&f.previous)
                .await
                .map_err(|e| e.to_string())?
                .filter(|p| {
                    may_act_on_ambito(Some(user), OfficeAction::Edit, p.ambito.id) == concerto_domain::Decision::Allow
                })
                .ok_or_else(|| "Scegliere il processo da copiare.".to_string())?;
            Ok((next_cycle(&previous, &f.slug, &title), vec![], None))
        }
        "import" => {
            let bytes =
                if f.notice_file.is_empty() { f.notice_text.as_bytes().to_vec() } else { f.notice_file.clone() };
            let draft = concerto_notice::import(&bytes).map_err(|e| format!("Avviso non importabile: {e}."))?;
            let mut proposal = draft.to_new_process(&f.slug);
            if !f.title.is_empty() {
                proposal.process.header.title = title;
            }
            Ok((proposal.process, proposal.warnings, Some(draft)))
        }
        _ => Err("Scegliere come creare il processo.".into()),
    }
}

pub async fn create(Caller { state, ctx, user }: Caller, multipart: Multipart) -> Response {
    if let Err(answer) = enforce(may_enter_workspace(user.as_ref()), &ctx) {
        return answer;
    }
    let Some(user) = user else { return WebError::NotFound.into_page(&ctx) };
    let fields = match read_fields(multipart).await {
        Ok(f) => f,
        Err((message, status)) => return new_page(&state, ctx, &user, Some(message), status).await,
    };
    let ambito_slug = if fields.ambito.is_empty() && user.role != Role::PlatformAdmin {
        own_ambiti(&state, &user).await.ok().and_then(|a| a.first().map(|(slug, _)| slug.clone())).unwrap_or_default()
    } else {
        fields.ambito.clone()
    };
    let ambito_id = match state.store.ambito_id(&ambito_slug).await {
        Ok(Some(id)) => id,
        Ok(None) => {
            return new_page(&state, ctx, &user, Some("Scegliere l'Ambito.".into()), StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
        Err(e) => return WebError::from(e).into_page(&ctx),
    };
    if let Err(answer) = enforce(may_act_on_ambito(Some(&user), OfficeAction::Edit, ambito_id), &ctx) {
        return answer;
    }
    let (process, warnings, draft) = match build(&state, &user, &fields).await {
        Ok(built) => built,
        Err(message) => return new_page(&state, ctx, &user, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let audit = crate::audit::entry(
        &user,
        state.clock.now(),
        &format!("process.create.{}", fields.mode),
        format!("process:{}", process.header.slug),
        &ambito_slug,
        None::<&()>,
        Some(&process),
    );
    match state.store.create_process_audited(ambito_id, &process, Some(&audit)).await {
        Ok(id) => {
            // The warnings stay on the draft until each is marked resolved.
            if let Err(e) = state.store.add_import_warnings(id, &warnings, state.clock.now()).await {
                return WebError::from(e).into_page(&ctx);
            }
            let review = draft.as_ref().map(|d| super::review::review(&ctx, d));
            let page = CreatedPage {
                slug: process.header.slug.clone(),
                title: process.header.title.clone(),
                warnings,
                review,
                ctx,
            };
            render(&page.ctx, &page)
                .map(|r| (StatusCode::CREATED, r).into_response())
                .unwrap_or_else(IntoResponse::into_response)
        }
        Err(concerto_store::StoreError::Invalid(errors)) => {
            let message = errors
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, crate::form::message(e, &ctx)))
                .collect::<Vec<_>>()
                .join(" ");
            new_page(&state, ctx, &user, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(concerto_store::StoreError::Conflict(message)) => {
            new_page(&state, ctx, &user, Some(message), StatusCode::CONFLICT).await
        }
        Err(e) => WebError::from(e).into_page(&ctx),
    }
}

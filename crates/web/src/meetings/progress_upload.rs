//! The monitoring board's progress from a spreadsheet: download the template (the
//! interventions as they stand), upload it filled in as CSV or XLSX, read the
//! preview with each row's errors, and confirm. Nothing is applied before the
//! confirmation, and then all rows together, audited.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use concerto_documents::{Sheet, read_rows};
use concerto_domain::tables::{RowError, SHEET_HEADERS, SheetRow, check_sheet};
use concerto_domain::{OfficeAction, Principal, Process};
use concerto_store::Intervention;
use serde::Deserialize;

use crate::AppState;
use crate::audit;
use crate::error::PageResult;
use crate::error::WebError;
use crate::form::Pairs;
use crate::guard::Caller;
use crate::guard::office_process;
use crate::page::PageContext;
use crate::page::render;

/// A spreadsheet of a plan's interventions is small: 2 MB is generous.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

pub struct PreviewLine {
    pub line: usize,
    pub title: String,
    pub progress: u8,
    pub status: String,
    pub milestone: Option<String>,
}

#[derive(Template)]
#[template(path = "meetings_progress_upload.html")]
struct UploadPage {
    ctx: PageContext,
    process: Process,
    /// The file's rows as read, carried to the confirmation.
    rows_json: Option<String>,
    preview: Vec<PreviewLine>,
    errors: Vec<RowError>,
    /// An error of the upload itself (no file, unreadable).
    file_error: Option<String>,
    applied: bool,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    esito: Option<String>,
}

async fn load(
    state: &AppState,
    ctx: &PageContext,
    user: Option<&Principal>,
    slug: &str,
) -> Result<(Process, Vec<Intervention>), Response> {
    let process = office_process(state, ctx, user, slug, OfficeAction::Edit).await?;
    let interventions = state.store.interventions(process.id).await.map_err(|e| WebError::from(e).into_page(ctx))?;
    Ok((process, interventions))
}

fn show(ctx: PageContext, process: Process, status: StatusCode, fill: impl FnOnce(&mut UploadPage)) -> Response {
    let mut page =
        UploadPage { ctx, process, rows_json: None, preview: vec![], errors: vec![], file_error: None, applied: false };
    fill(&mut page);
    match render(&page.ctx, &page) {
        Ok(r) => (status, r).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn page(
    Caller { state, ctx, user }: Caller,
    Path(slug): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    match load(&state, &ctx, user.as_ref(), &slug).await {
        Ok((process, _)) => {
            show(ctx, process, StatusCode::OK, |p| p.applied = notice.esito.as_deref() == Some("applicato"))
        }
        Err(answer) => answer,
    }
}

/// The template: one row per intervention as it stands, columns of [`SHEET_HEADERS`].
pub async fn template(Caller { state, ctx, user }: Caller, Path(slug): Path<String>) -> PageResult {
    let (process, interventions) = load(&state, &ctx, user.as_ref(), &slug).await?;
    let sheet = Sheet {
        name: "Avanzamento".into(),
        headers: SHEET_HEADERS.map(String::from).to_vec(),
        rows: interventions
            .iter()
            .map(|i| {
                vec![
                    i.id.to_string(),
                    i.title.clone(),
                    i.progress.to_string(),
                    i.status.code().to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]
            })
            .collect(),
    };
    Ok(crate::page::send_file(
        sheet.to_csv(),
        "text/csv; charset=utf-8",
        format!("avanzamento-{}.csv", process.header.slug),
        &ctx,
    ))
}

fn preview(rows: &[SheetRow], interventions: &[Intervention]) -> Vec<PreviewLine> {
    rows.iter()
        .map(|r| PreviewLine {
            line: r.line,
            title: interventions
                .iter()
                .find(|i| i.id == r.intervention_id)
                .map(|i| i.title.clone())
                .unwrap_or_default(),
            progress: r.progress,
            status: r.status.code().to_string(),
            milestone: r.milestone.as_ref().map(|m| match m.due_on {
                Some(d) => format!("{} ({})", m.title, concerto_domain::italian::date(d)),
                None => m.title.clone(),
            }),
        })
        .collect()
}

fn known(interventions: &[Intervention]) -> Vec<(i64, concerto_domain::tables::InterventionStatus)> {
    interventions.iter().map(|i| (i.id, i.status)).collect()
}

pub async fn upload(
    Caller { state, ctx, user }: Caller,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> PageResult {
    let (process, interventions) = load(&state, &ctx, user.as_ref(), &slug).await?;
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(bytes) if !bytes.is_empty() => file = Some(bytes.to_vec()),
                Ok(_) => {}
                Err(_) => break,
            },
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    let Some(bytes) = file else {
        let message = ctx.t("meetings.sheet.no_file").to_string();
        return Ok(show(ctx, process, StatusCode::UNPROCESSABLE_ENTITY, |p| p.file_error = Some(message)));
    };
    let rows = match read_rows(&bytes) {
        Ok(rows) => rows,
        Err(e) => {
            return Ok(show(ctx, process, StatusCode::UNPROCESSABLE_ENTITY, |p| p.file_error = Some(e.to_string())));
        }
    };
    Ok(match check_sheet(&rows, &known(&interventions)) {
        Ok(checked) => {
            let json = serde_json::to_string(&rows).ok();
            let lines = preview(&checked, &interventions);
            show(ctx, process, StatusCode::OK, |p| {
                p.rows_json = json;
                p.preview = lines;
            })
        }
        Err(errors) => show(ctx, process, StatusCode::UNPROCESSABLE_ENTITY, |p| p.errors = errors),
    })
}

/// Applies the rows shown in the preview, checked again as they may have changed.
pub async fn confirm(Caller { state, ctx, user }: Caller, Path(slug): Path<String>, Form(form): Pairs) -> PageResult {
    let (process, interventions) = load(&state, &ctx, user.as_ref(), &slug).await?;
    let Some(who) = user.as_ref() else { return Err(WebError::NotFound.into_page(&ctx)) };
    let raw = form.iter().find(|(k, _)| k == "righe").map(|(_, v)| v.as_str()).unwrap_or("");
    let Ok(rows) = serde_json::from_str::<Vec<Vec<String>>>(raw) else {
        let message = ctx.t("meetings.sheet.no_file").to_string();
        return Ok(show(ctx, process, StatusCode::UNPROCESSABLE_ENTITY, |p| p.file_error = Some(message)));
    };
    let checked = match check_sheet(&rows, &known(&interventions)) {
        Ok(checked) => checked,
        Err(errors) => return Ok(show(ctx, process, StatusCode::UNPROCESSABLE_ENTITY, |p| p.errors = errors)),
    };
    let after: Vec<serde_json::Value> = checked
        .iter()
        .map(|r| {
            serde_json::json!({ "intervention": r.intervention_id, "progress": r.progress, "status": r.status.code(),
                                     "milestone": r.milestone.as_ref().map(|m| &m.title) })
        })
        .collect();
    let before: Vec<serde_json::Value> = interventions
        .iter()
        .filter(|i| checked.iter().any(|r| r.intervention_id == i.id))
        .map(|i| serde_json::json!({ "intervention": i.id, "progress": i.progress, "status": i.status.code() }))
        .collect();
    let entry = audit::entry(
        who,
        state.clock.now(),
        "interventions.sheet",
        audit::process_subject(&process),
        &process.ambito.slug,
        Some(&before),
        Some(&after),
    );
    Ok(match state.store.apply_progress_sheet(process.id, &checked, &entry).await {
        Ok(()) => {
            Redirect::to(&format!("/ufficio/processi/{slug}/monitoraggio/foglio?esito=applicato")).into_response()
        }
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

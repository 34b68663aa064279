//! The process page and the notice (avviso) page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use concerto_domain::Process;

use crate::AppState;
use crate::error::PageError;
use crate::page::PageContext;
use crate::page::render;
use crate::view::{self, CalendarRow, DeadlineView, PhaseView};

/// What both pages of a process show.
struct ProcessView {
    process: Process,
    full_name: String,
    status: &'static str,
    deadline: Option<DeadlineView>,
    accepts_expressions: bool,
    phases: Vec<PhaseView>,
    calendar: Vec<CalendarRow>,
    /// "Aggiornato il …" with what changed since publication.
    updated: Option<super::updates::UpdateView>,
}

#[derive(Template)]
#[template(path = "process.html")]
struct ProcessPage {
    ctx: PageContext,
    v: ProcessView,
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    ctx: PageContext,
    v: ProcessView,
}

async fn load(state: &AppState, ctx: &PageContext, slug: &str) -> Result<ProcessView, PageError> {
    let process =
        crate::public_process(&state.store, slug).await.map_err(|error| PageError { ctx: ctx.clone(), error })?;
    let now = state.clock.now();
    let updated = if process.header.status == concerto_domain::ProcessStatus::Published {
        let changes = state
            .store
            .process_changes(&process.ambito.slug, &process.header.slug, 200)
            .await
            .map_err(|e| PageError { ctx: ctx.clone(), error: e.into() })?;
        super::updates::since_publication(&changes, &process, ctx.locale)
    } else {
        None
    };
    Ok(ProcessView {
        updated,
        full_name: process.ambito.full_name(),
        status: view::status_label(process.header.status, ctx.locale),
        deadline: process.header.deadline.map(|d| view::deadline(d, now, ctx.locale)),
        accepts_expressions: process.header.accepts_expressions_at(now),
        phases: view::phases(&process, ctx.locale),
        calendar: view::calendar(&process, ctx.locale),
        process,
    })
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let v = load(&state, &ctx, &slug).await?;
    let page = ProcessPage { ctx, v };
    render(&page.ctx, &page)
}

pub async fn notice(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let v = load(&state, &ctx, &slug).await?;
    let page = NoticePage { ctx, v };
    render(&page.ctx, &page)
}

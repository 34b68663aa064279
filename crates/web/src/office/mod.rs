//! The plan office's workspace under `/ufficio`: its processes, the expressions
//! received per area and per table, the exports, the process's status.

pub(crate) mod audit;
mod create;
mod exports;
mod process;
mod session;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use concerto_domain::{Process, may_enter_workspace, visible_ambito};

use crate::AppState;
use crate::auth::{CurrentUser, enforce};
use crate::error::{PageError, WebError};
use crate::page::PageContext;
use crate::public::render;
use crate::view::{self, DeadlineView};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ufficio", get(dashboard))
        .route(
            "/ufficio/processi/nuovo",
            get(create::form).post(create::create).layer(axum::extract::DefaultBodyLimit::max(create::MAX_NOTICE_BYTES + 64 * 1024)),
        )
        .route("/ufficio/processi/{slug}", get(process::page))
        .route("/ufficio/processi/{slug}/stato", post(process::set_status))
        .route("/ufficio/processi/{slug}/sessioni/{id}", get(session::form).post(session::save))
        .route("/ufficio/processi/{slug}/manifestazioni.csv", get(exports::csv))
        .route("/ufficio/processi/{slug}/manifestazioni.xlsx", get(exports::xlsx))
}

pub struct DashboardLine {
    pub slug: String,
    pub title: String,
    pub ambito: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub deadline: Option<DeadlineView>,
}

#[derive(Template)]
#[template(path = "office_dashboard.html")]
struct Dashboard {
    ctx: PageContext,
    email: String,
    lines: Vec<DashboardLine>,
}

async fn dashboard(State(state): State<AppState>, ctx: PageContext, CurrentUser(user): CurrentUser) -> Response {
    if let Err(answer) = enforce(may_enter_workspace(user.as_ref()), &ctx) {
        return answer;
    }
    let Some(user) = user else { return WebError::NotFound.into_page(&ctx) };
    let summaries = match state.store.process_summaries(true).await {
        Ok(s) => s,
        Err(e) => return WebError::from(e).into_page(&ctx),
    };
    let visible = visible_ambito(&user);
    let now = state.clock.now();
    let lines = summaries
        .into_iter()
        .filter(|s| visible.is_none_or(|id| id == s.ambito_id))
        .map(|s| DashboardLine {
            status: view::status_label(s.status, ctx.locale),
            status_code: s.status.code(),
            deadline: s.deadline.map(|d| view::deadline(d, now, ctx.locale)),
            slug: s.slug,
            title: s.title,
            ambito: s.ambito_name,
        })
        .collect();
    let page = Dashboard { email: user.email, lines, ctx };
    render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response)
}

/// A process of the workspace, with the decision about `action` on it enforced.
pub(crate) async fn office_process(
    state: &AppState,
    ctx: &PageContext,
    user: Option<&concerto_domain::Principal>,
    slug: &str,
    action: concerto_domain::OfficeAction,
) -> Result<Process, Response> {
    enforce(may_enter_workspace(user), ctx)?;
    let process = state
        .store
        .process_by_slug(slug)
        .await
        .map_err(|e| WebError::from(e).into_page(ctx))?
        .ok_or_else(|| WebError::NotFound.into_page(ctx))?;
    enforce(concerto_domain::may_act_on_ambito(user, action, process.ambito.id), ctx)?;
    Ok(process)
}

/// A process the user may view, with its current expressions: what the list and the
/// exports both show.
async fn process_with_expressions(
    state: &AppState,
    ctx: &PageContext,
    user: Option<&concerto_domain::Principal>,
    slug: &str,
) -> Result<(Process, Vec<concerto_domain::ReceivedExpression>), Response> {
    let process = office_process(state, ctx, user, slug, concerto_domain::OfficeAction::View).await?;
    let expressions = state.store.active_expressions(process.id).await.map_err(|e| WebError::from(e).into_page(ctx))?;
    Ok((process, expressions))
}

impl WebError {
    /// This error as a page in the reader's language.
    pub fn into_page(self, ctx: &PageContext) -> Response {
        PageError { ctx: ctx.clone(), error: self }.into_response()
    }
}

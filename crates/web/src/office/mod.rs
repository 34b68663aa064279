//! The plan office's workspace under `/ufficio`: its processes at a glance, the
//! expressions received per area and per table, the exports, the process's status,
//! settings and calendar, and the Ambito's profile.

mod accounts;
mod ambiti;
mod annul;
mod audit_log;
mod calendar;
mod create;
mod exports;
mod expression;
mod form;
mod import_warnings;
mod logo;
mod process;
mod profile;
mod review;
mod session;
mod settings;

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use concerto_domain::report;
use concerto_domain::{may_enter_workspace, may_use_ambito_profile, visible_ambito};

use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::guard::Caller;
use crate::guard::enforce;
use crate::page::PageContext;
use crate::page::render;
use crate::view::{self, DeadlineView};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ufficio", get(dashboard))
        .route(
            "/ufficio/processi/nuovo",
            get(create::form)
                .post(create::create)
                .layer(axum::extract::DefaultBodyLimit::max(create::MAX_NOTICE_BYTES + 64 * 1024)),
        )
        .route("/ufficio/processi/{slug}", get(process::page))
        .route("/ufficio/processi/{slug}/stato", post(process::set_status))
        .route("/ufficio/processi/{slug}/sessioni/{id}", get(session::form).post(session::save))
        .route("/ufficio/processi/{slug}/manifestazioni/{id}/annulla", get(annul::form).post(annul::annul))
        .route("/ufficio/processi/{slug}/manifestazioni/{id}", get(expression::page))
        .route("/ufficio/processi/{slug}/avvisi-importazione/{id}/risolto", post(import_warnings::resolve))
        .route("/ufficio/processi/{slug}/manifestazioni/{id}/ricevuta.pdf", get(expression::receipt_pdf))
        .route("/ufficio/processi/{slug}/manifestazioni/{id}/patto.pdf", get(expression::pact_pdf))
        .route("/ufficio/processi/{slug}/annullate", get(annul::list))
        .route("/ufficio/registro-attivita", get(audit_log::page))
        .route("/ufficio/processi/{slug}/manifestazioni.csv", get(exports::csv))
        .route("/ufficio/processi/{slug}/manifestazioni.xlsx", get(exports::xlsx))
        .route("/ufficio/processi/{slug}/impostazioni", get(settings::form).post(settings::save))
        .route("/ufficio/ambiti", get(ambiti::list))
        .route("/ufficio/ambiti/nuovo", get(ambiti::new_form).post(ambiti::create))
        .route("/ufficio/ambiti/{slug}", get(profile::show).post(profile::save))
        .route("/ufficio/ambiti/{slug}/scheda", get(ambiti::identity_form).post(ambiti::save_identity))
        .route(
            "/ufficio/ambiti/{slug}/logo",
            get(logo::form).post(logo::upload).layer(axum::extract::DefaultBodyLimit::max(logo::MAX_BODY)),
        )
        .route("/ufficio/utenti", get(accounts::list))
        .route("/ufficio/utenti/invita", get(accounts::invite_form).post(accounts::invite))
        .route("/ufficio/utenti/{id}/ruolo", post(accounts::set_role))
        .route("/ufficio/utenti/{id}/stato", post(accounts::set_state))
        .merge(calendar::routes())
}

pub struct DashboardLine {
    pub slug: String,
    pub title: String,
    pub ambito: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub deadline: Option<DeadlineView>,
}

/// A process still running, at a glance: expressions per area and per table, the
/// deadline and the sessions to come.
pub struct Overview {
    pub slug: String,
    pub title: String,
    pub deadline: Option<DeadlineView>,
    pub total: usize,
    pub per_area: Vec<report::Tally>,
    pub per_table: Vec<report::Tally>,
    /// (date, time, title) of the next sessions, soonest first.
    pub upcoming: Vec<(String, String, String)>,
}

/// How many sessions to come the dashboard lists per process.
const UPCOMING: usize = 5;

#[derive(Template)]
#[template(path = "office_dashboard.html")]
struct Dashboard {
    ctx: PageContext,
    email: String,
    lines: Vec<DashboardLine>,
    overviews: Vec<Overview>,
    /// (slug, name) of the Ambiti whose profile the account may see.
    ambiti: Vec<(String, String)>,
    /// (href, locale key) of the administration pages the account may open.
    admin_links: Vec<(&'static str, &'static str)>,
    /// For moderators: the link to the observatory's queue, naming how many wait.
    moderation: Option<String>,
}

/// The Ambiti and accounts pages, for whoever administers them.
fn admin_links(user: &concerto_domain::Principal) -> Vec<(&'static str, &'static str)> {
    let mut links = vec![];
    if concerto_domain::may_administer_platform(Some(user)) == concerto_domain::Decision::Allow {
        links.push(("/ufficio/ambiti", "office.ambiti.title"));
    }
    if concerto_domain::accounts_scope(Some(user)).is_ok() {
        links.push(("/ufficio/utenti", "office.accounts.title"));
    }
    links
}

async fn overview(state: &AppState, slug: &str, ctx: &PageContext) -> Result<Option<Overview>, WebError> {
    let Some(process) = state.store.process_by_slug(slug).await? else { return Ok(None) };
    let areas_of = state.store.active_expression_areas(process.id).await?;
    let now = state.clock.now();
    let today = now.with_timezone(&concerto_domain::ROME).date_naive();
    let upcoming = process
        .sessions_in_calendar_order()
        .into_iter()
        .filter(|s| !s.cancelled && s.date.is_some_and(|d| d >= today))
        .take(UPCOMING)
        .map(|s| {
            let date = s.date.map(concerto_domain::italian::date).unwrap_or_default();
            let time = concerto_domain::italian::time_range(s.start, s.end).unwrap_or_default();
            (date, time, s.title.clone())
        })
        .collect();
    Ok(Some(Overview {
        deadline: process.header.deadline.map(|d| view::deadline(d, now, ctx.locale)),
        total: areas_of.len(),
        per_area: report::per_area_of(&process, &areas_of),
        per_table: report::per_table_of(&process, &areas_of),
        upcoming,
        slug: process.header.slug,
        title: process.header.title,
    }))
}

async fn dashboard(Caller { state, ctx, user }: Caller) -> PageResult {
    if let Err(answer) = enforce(may_enter_workspace(user.as_ref()), &ctx) {
        return Ok(answer);
    }
    let Some(user) = user else { return Err(WebError::NotFound.into_page(&ctx)) };
    let summaries = state.store.process_summaries(true).await.or_page(&ctx)?;
    let visible = visible_ambito(&user);
    let now = state.clock.now();
    let summaries: Vec<_> = summaries.into_iter().filter(|s| visible.is_none_or(|id| id == s.ambito_id)).collect();
    let mut overviews = Vec::new();
    for s in summaries.iter().filter(|s| s.status != concerto_domain::ProcessStatus::Closed) {
        match overview(&state, &s.slug, &ctx).await {
            Ok(found) => overviews.extend(found),
            Err(e) => return Err(e.into_page(&ctx)),
        }
    }
    let ambiti = match state.store.ambiti().await {
        Ok(all) => all
            .into_iter()
            .filter(|(id, _, _)| may_use_ambito_profile(Some(&user), *id, false) == concerto_domain::Decision::Allow)
            .map(|(_, slug, name)| (slug, name))
            .collect(),
        Err(e) => return Err(WebError::from(e).into_page(&ctx)),
    };
    let lines = summaries
        .into_iter()
        .map(|s| DashboardLine {
            status: view::status_label(s.status, ctx.locale),
            status_code: s.status.code(),
            deadline: s.deadline.map(|d| view::deadline(d, now, ctx.locale)),
            slug: s.slug,
            title: s.title,
            ambito: s.ambito_name,
        })
        .collect();
    let moderation = if concerto_domain::may_moderate_observatory(Some(&user)) == concerto_domain::Decision::Allow {
        match state.store.pending_corrections().await {
            Ok(pending) => Some(match pending.len() {
                0 => ctx.t("flows2.moderation.none").to_string(),
                1 => ctx.t("flows2.moderation.one").to_string(),
                n => ctx.tf("flows2.moderation.many", &[("count", &n.to_string())]),
            }),
            Err(e) => return Err(WebError::from(e).into_page(&ctx)),
        }
    } else {
        None
    };
    let page =
        Dashboard { admin_links: admin_links(&user), moderation, email: user.email, lines, overviews, ambiti, ctx };
    Ok(render(&page.ctx, &page)?)
}

/// The Ambito named by `slug`, once `user` may see (or, with `change`, edit) its profile
/// and its letterhead.
async fn ambito_of(
    state: &AppState,
    ctx: &PageContext,
    user: Option<&concerto_domain::Principal>,
    slug: &str,
    change: bool,
) -> Result<concerto_store::AmbitoRecord, Response> {
    enforce(may_enter_workspace(user), ctx)?;
    let ambito =
        state.store.ambito_profile(slug).await.or_page(ctx)?.ok_or_else(|| WebError::NotFound.into_page(ctx))?;
    enforce(may_use_ambito_profile(user, ambito.id, change), ctx)?;
    Ok(ambito)
}

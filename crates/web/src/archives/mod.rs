//! The office's bulk archives (archivi cumulativi): every pact of a process, or every
//! sign-in sheet of its sessions, as one ZIP. Asking queues a job; a page shows its
//! progress (refreshing itself, without JavaScript, once the office turns that on) and links the ZIP when it is
//! ready. The [`worker`] builds the jobs in the background. Who may ask and look
//! is who may read the pact register: the office of the process's Ambito.

mod worker;

pub use worker::{build_due_archives, run_archive_worker};

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use concerto_domain::{ArchiveJob, ArchiveKind, ArchiveState, OfficeAction, Process};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::guard::Caller;
use crate::guard::office_process;
use crate::page::PageContext;
use crate::page::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ufficio/processi/{slug}/archivi", post(start))
        .route("/ufficio/processi/{slug}/archivi/{id}", get(progress))
        .route("/ufficio/processi/{slug}/archivi/{id}/archivio.zip", get(download))
}

/// The kind as the forms and addresses name it.
fn kind_code(kind: ArchiveKind) -> &'static str {
    match kind {
        ArchiveKind::Pacts => "patti",
        ArchiveKind::SignInSheets => "fogli-firme",
    }
}

fn kind_of(code: &str) -> Option<ArchiveKind> {
    ArchiveKind::ALL.into_iter().find(|k| kind_code(*k) == code)
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    tipo: String,
}

/// Queues the archive (or joins the one under way) and shows its progress.
async fn start(
    Caller { state, ctx, user }: Caller,
    Path(slug): Path<String>,
    Form(form): Form<StartForm>,
) -> PageResult {
    let process = office_process(&state, &ctx, user.as_ref(), &slug, OfficeAction::View).await?;
    let (Some(kind), Some(who)) = (kind_of(&form.tipo), user.as_ref()) else {
        return Err(WebError::NotFound.into_page(&ctx));
    };
    let job = state.store.queue_archive(kind, process.id, who.account_id, state.clock.now()).await.or_page(&ctx)?;
    Ok(Redirect::to(&format!("/ufficio/processi/{slug}/archivi/{}", job.id)).into_response())
}

/// A job of a process the user may see in the workspace; another process's job is
/// not found.
async fn office_job(
    state: &AppState,
    ctx: &PageContext,
    user: Option<&concerto_domain::Principal>,
    slug: &str,
    id: &str,
) -> Result<(Process, ArchiveJob), Response> {
    let process = office_process(state, ctx, user, slug, OfficeAction::View).await?;
    let found = async {
        let id = id.parse::<i64>().map_err(|_| WebError::NotFound)?;
        state.store.archive_job(id).await?.filter(|j| j.process_id == process.id).ok_or(WebError::NotFound)
    };
    match found.await {
        Ok(job) => Ok((process, job)),
        Err(e) => Err(e.into_page(ctx)),
    }
}

#[derive(Template)]
#[template(path = "office_archive.html")]
struct ProgressPage {
    ctx: PageContext,
    process: Process,
    job: ArchiveJob,
    title: &'static str,
    /// "12 di 40 documenti".
    count: String,
    /// "1,2 MB", once done.
    size: String,
    /// Where the office asked from, to go back to.
    back: String,
    /// The kind as the form to try again names it.
    form_kind: &'static str,
    /// The office asked the page to reload itself while the archive is built. Off
    /// unless chosen: a page that reloads on its own moves a screen reader's reading
    /// point and focus (WCAG 2.2.1), so the user turns it on and can turn it off.
    auto_refresh: bool,
}

/// `?aggiorna=auto` on the progress page.
#[derive(Debug, Deserialize)]
struct ProgressQuery {
    aggiorna: Option<String>,
}

impl ProgressPage {
    fn pending(&self) -> bool {
        self.job.state.is_pending()
    }

    fn is(&self, code: &str) -> bool {
        self.job.state.code() == code
    }
}

async fn progress(
    Caller { state, ctx, user }: Caller,
    Path((slug, id)): Path<(String, String)>,
    Query(query): Query<ProgressQuery>,
) -> PageResult {
    let (process, job) = office_job(&state, &ctx, user.as_ref(), &slug, &id).await?;
    let (title, back) = match job.kind {
        ArchiveKind::Pacts => ("documents.archive.title.pacts", format!("/ufficio/processi/{slug}/patti")),
        ArchiveKind::SignInSheets => ("documents.archive.title.sheets", format!("/ufficio/processi/{slug}")),
    };
    let (done, total) = (job.done.to_string(), job.total.to_string());
    let count = ctx.tf("documents.archive.count", &[("done", done.as_str()), ("total", total.as_str())]);
    let size = job.size.map(megabytes).unwrap_or_default();
    let page = ProgressPage {
        title: ctx.t(title),
        count,
        size,
        back,
        form_kind: kind_code(job.kind),
        auto_refresh: query.aggiorna.as_deref() == Some("auto"),
        process,
        job,
        ctx,
    };
    Ok(render(&page.ctx, &page)?)
}

/// "1,2 MB", with the Italian decimal comma.
fn megabytes(bytes: i64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0).replace('.', ",")
}

async fn download(Caller { state, ctx, user }: Caller, Path((slug, id)): Path<(String, String)>) -> PageResult {
    let job = match office_job(&state, &ctx, user.as_ref(), &slug, &id).await {
        Ok((_, job)) => job,
        Err(answer) => return Ok(answer),
    };
    let headers = |name: &str| {
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, crate::security::content_disposition(false, name)),
        ]
    };
    let parts = state.store.archive_part_count(job.id).await.or_page(&ctx)?;
    // An archive kept in parts goes out a part at a time, read as the client takes
    // it, so that a download of thousands of pacts never holds the whole ZIP. ZIPs
    // pass the response compression untouched (see `compressible` in lib.rs), so the
    // length announced is the length sent.
    if parts > 0 && job.state == ArchiveState::Done {
        let name = job.file_name.clone().unwrap_or_else(|| "archivio.zip".into());
        let store = state.store.clone();
        let id = job.id;
        let body = futures_util::stream::unfold(0i64, move |part| {
            let store = store.clone();
            async move {
                if part >= parts {
                    return None;
                }
                let chunk = match store.archive_part(id, part).await {
                    Ok(Some(bytes)) => Ok(axum::body::Bytes::from(bytes)),
                    Ok(None) => Err(std::io::Error::other(format!("archive {id}: part {part} missing"))),
                    Err(e) => Err(std::io::Error::other(e.to_string())),
                };
                Some((chunk, part + 1))
            }
        });
        let mut response = (headers(&name), axum::body::Body::from_stream(body)).into_response();
        if let Some(size) = job.size.and_then(|s| header::HeaderValue::from_str(&s.to_string()).ok()) {
            response.headers_mut().insert(header::CONTENT_LENGTH, size);
        }
        return Ok(response);
    }
    Ok(match state.store.archive_file(job.id).await.map_err(WebError::from).and_then(|f| f.ok_or(WebError::NotFound)) {
        Ok((name, bytes)) => (headers(&name), bytes).into_response(),
        Err(e) => e.into_page(&ctx),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_their_form_codes() {
        for kind in ArchiveKind::ALL {
            assert_eq!(kind_of(kind_code(kind)), Some(kind));
        }
        assert_eq!(kind_of("tutto"), None);
        assert_eq!(megabytes(1_234_567), "1,2 MB");
    }
}

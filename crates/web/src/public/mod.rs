//! The public pages: no account needed, Italian first, usable without JavaScript.

mod home;
mod info;
mod process;
pub(crate) mod updates;

use axum::Router;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::error::{PageError, WebError};
use crate::page::PageContext;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/processi/{slug}", get(process::page))
        .route("/processi/{slug}/avviso", get(process::notice))
        .route("/processi/{slug}/calendario.ics", get(crate::calendar_feed::feed))
        .route("/processi/{slug}/tavoli/{table}/calendario.ics", get(crate::calendar_feed::table_feed))
        .route("/ambiti/{ambito}/calendario.ics", get(crate::calendar_feed::ambito_feed))
        .route("/accessibilita", get(info::accessibility))
        .route("/privacy", get(info::privacy))
}

pub async fn not_found(ctx: PageContext) -> Response {
    PageError { ctx, error: WebError::NotFound }.into_response()
}

/// Renders a page template, or the error page in the reader's language.
pub(crate) fn render(ctx: &PageContext, template: &impl askama::Template) -> Result<Response, PageError> {
    template
        .render()
        .map(|html| Html(html).into_response())
        .map_err(|e| PageError { ctx: ctx.clone(), error: e.into() })
}

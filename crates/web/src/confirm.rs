//! A confirmation page before an irreversible or mass-mailing action (publish,
//! close, close the ballot, countersign, publish the summary). It is an ordinary
//! form that posts the same fields again with `confirm=1`, so it works without
//! JavaScript; the action runs only when that field is present.

use askama::Template;
use axum::response::{IntoResponse, Response};

use crate::page::PageContext;
use crate::page::render;

/// What the confirmation page asks.
pub struct Confirmation {
    /// The page's heading: the action, as a question.
    pub title: String,
    /// What will happen, in one or two sentences.
    pub text: String,
    /// Problems found that the office should look at first; empty when none.
    pub warnings: Vec<String>,
    /// Where the confirmed form posts, and the fields it carries again.
    pub action: String,
    pub fields: Vec<(String, String)>,
    pub button: String,
    /// Where "cancel" goes back to.
    pub back: String,
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    ctx: PageContext,
    c: Confirmation,
}

/// Whether the form carries the confirmation.
pub fn confirmed(fields: &[(String, String)]) -> bool {
    fields.iter().any(|(k, v)| k == "confirm" && v == "1")
}

/// The confirmation page (200): nothing has changed yet.
pub fn ask(ctx: PageContext, c: Confirmation) -> Response {
    let page = ConfirmPage { ctx, c };
    render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response)
}

//! Errors at the edge: each becomes a precise status and a message in the reader's
//! language, as a page for people and as JSON for programs.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use concerto_domain::FieldErrors;
use concerto_store::StoreError;

use crate::page::PageContext;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Render(#[from] askama::Error),
    #[error("{0}")]
    Internal(String),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            WebError::Store(StoreError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Store(StoreError::NotFound) => StatusCode::NOT_FOUND,
            WebError::Store(_) | WebError::Render(_) | WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
    }
}

/// An error shown as a page.
pub struct PageError {
    pub ctx: PageContext,
    pub error: WebError,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a PageContext,
    title: &'static str,
    text: &'static str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.error.log();
        let status = self.error.status();
        let (title, text) = match status {
            StatusCode::NOT_FOUND => ("error.not_found.title", "error.not_found.text"),
            StatusCode::FORBIDDEN => ("error.forbidden.title", "error.forbidden.text"),
            StatusCode::UNPROCESSABLE_ENTITY => ("error.invalid.title", "error.invalid.text"),
            _ => ("error.internal.title", "error.internal.text"),
        };
        let page = ErrorPage { ctx: &self.ctx, title: self.ctx.t(title), text: self.ctx.t(text) };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.ctx.t(title)).into_response(),
        }
    }
}

/// One error in a JSON answer: the field it concerns (none for the whole request),
/// a stable code for programs and a message in Italian for people.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorItem {
    /// The field, as a dotted path into the request body (`applicant.tax_code`).
    pub field: Option<String>,
    pub code: String,
    pub message: String,
}

/// The body of every error answer of the JSON API: `{"errors": [{"field", "code", "message"}]}`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorList {
    pub errors: Vec<ErrorItem>,
}

impl ErrorList {
    fn one(code: &str, message: String) -> ErrorList {
        ErrorList { errors: vec![ErrorItem { field: None, code: code.into(), message }] }
    }

    pub(crate) fn one_for(field: &str, code: &str, message: String) -> ErrorList {
        ErrorList { errors: vec![ErrorItem { field: Some(field.into()), code: code.into(), message }] }
    }
}

impl From<&FieldErrors> for ErrorList {
    fn from(errors: &FieldErrors) -> Self {
        ErrorList {
            errors: errors
                .errors
                .iter()
                .map(|e| ErrorItem { field: Some(e.field.clone()), code: e.code.into(), message: e.message.clone() })
                .collect(),
        }
    }
}

/// An error answered as JSON, as an [`ErrorList`].
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let body = match &self.0 {
            WebError::Store(StoreError::Invalid(errors)) => ErrorList::from(errors),
            WebError::NotFound => ErrorList::one("not_found", "Risorsa non trovata.".into()),
            WebError::Forbidden => ErrorList::one("forbidden", "Operazione non consentita.".into()),
            WebError::Store(StoreError::Conflict(what)) => ErrorList::one("conflict", format!("Esiste già: {what}.")),
            _ => ErrorList::one("internal", "Errore interno del servizio. Riprova più tardi.".into()),
        };
        (status, Json(body)).into_response()
    }
}

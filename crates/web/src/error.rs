//! Errors at the edge: each becomes a precise status and a message in the reader's
//! language, as a page for people and as JSON for programs.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use concerto_domain::{FieldErrors, SubmissionConflict};
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
    /// A limit on public writes was reached: try again after this long.
    #[error("too many requests")]
    TooManyRequests(std::time::Duration),
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
            WebError::Store(StoreError::Refused(SubmissionConflict::TaxCodeChanged)) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            WebError::Store(StoreError::Refused(_)) => StatusCode::CONFLICT,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Store(_) | WebError::Render(_) | WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// `Retry-After` for a refusal that passes with time.
    fn retry_after(&self) -> Option<[(axum::http::HeaderName, String); 1]> {
        match self {
            WebError::TooManyRequests(wait) => Some([(axum::http::header::RETRY_AFTER, wait.as_secs().to_string())]),
            _ => None,
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
            StatusCode::CONFLICT => ("error.conflict.title", "error.conflict.text"),
            StatusCode::TOO_MANY_REQUESTS => ("error.too_many.title", "error.too_many.text"),
            _ => ("error.internal.title", "error.internal.text"),
        };
        let page = ErrorPage { ctx: &self.ctx, title: self.ctx.t(title), text: self.ctx.t(text) };
        let retry_after = self.error.retry_after();
        match page.render() {
            Ok(html) => (status, retry_after, Html(html)).into_response(),
            Err(_) => (status, retry_after, self.ctx.t(title)).into_response(),
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

/// A registration rule's refusal as the field error it is about: the tax code.
pub fn conflict_errors(conflict: SubmissionConflict) -> FieldErrors {
    let code = match conflict {
        SubmissionConflict::AlreadyRegistered => "already_registered",
        SubmissionConflict::NotAmendable(_) => "not_amendable",
        SubmissionConflict::TaxCodeChanged => "tax_code_changed",
    };
    let mut errors = FieldErrors::default();
    let message = match conflict {
        SubmissionConflict::AlreadyRegistered => "Questo codice fiscale ha già una manifestazione di interesse in corso per questo processo: per modificarla usa il collegamento personale ricevuto per e-mail, o chiedi che ti sia inviato di nuovo.".to_string(),
        SubmissionConflict::TaxCodeChanged => "Il codice fiscale non può cambiare: per un altro soggetto invia una nuova manifestazione di interesse.".to_string(),
        SubmissionConflict::NotAmendable(status) => format!(
            "Questa manifestazione di interesse non è più modificabile: {}.",
            match status {
                concerto_domain::ExpressionStatus::Withdrawn => "è stata ritirata",
                concerto_domain::ExpressionStatus::Annulled => "è stata annullata dall'Ufficio di Piano",
                _ => "è stata sostituita da una rettifica più recente",
            }
        ),
    };
    errors.push("applicant.tax_code", code, message);
    errors
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
            WebError::Store(StoreError::Refused(conflict)) => ErrorList::from(&conflict_errors(*conflict)),
            WebError::TooManyRequests(wait) => ErrorList::one(
                "too_many_requests",
                format!("Troppe richieste da questo indirizzo: riprova tra {} secondi.", wait.as_secs()),
            ),
            _ => ErrorList::one("internal", "Errore interno del servizio. Riprova più tardi.".into()),
        };
        (status, self.0.retry_after(), Json(body)).into_response()
    }
}

impl WebError {
    /// This error as a page in the reader's language.
    pub fn into_page(self, ctx: &PageContext) -> Response {
        PageError { ctx: ctx.clone(), error: self }.into_response()
    }
}

/// What a page handler answers: the page, or the answer that stopped it on the way
/// (an error page, the login page, a form shown again), so that each step is one `?`.
pub type PageResult = Result<Response, Response>;

/// A failed step of a page handler, as its error page in the reader's language.
pub trait OrPage<T> {
    fn or_page(self, ctx: &PageContext) -> Result<T, Response>;
}

impl<T, E: Into<WebError>> OrPage<T> for Result<T, E> {
    fn or_page(self, ctx: &PageContext) -> Result<T, Response> {
        self.map_err(|e| e.into().into_page(ctx))
    }
}

/// A page's error ends a page handler with `?`.
impl From<PageError> for Response {
    fn from(error: PageError) -> Response {
        error.into_response()
    }
}

//! What every HTML page shares: its locale, its path (for the language switch) and
//! the texts of its chrome.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header::SET_COOKIE};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::error::{PageError, WebError};
use crate::i18n::Locale;

/// The context of one page request, available to every template as `ctx`.
#[derive(Clone, Debug)]
pub struct PageContext {
    pub locale: Locale,
    pub path: String,
    /// The request's id, shown on error pages for the reader to quote.
    pub request_id: Option<String>,
    /// What the save before this page did, from the redirect's `?fatto=` (see [`Flash`]).
    pub flash: Option<Flash>,
}

/// The message after a save: the redirect names what changed (`fatto=KEY`, a
/// locale key under `flash.`) and how many e-mails went out (`email=N`), so that
/// it works without JavaScript and without a session. An unknown key shows nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flash {
    pub key: String,
    pub emails: Option<u32>,
}

impl Flash {
    fn from_query(query: Option<&str>) -> Option<Flash> {
        let pairs = || query.into_iter().flat_map(|q| q.split('&')).filter_map(|p| p.split_once('='));
        let key = pairs().find(|(k, _)| *k == "fatto").map(|(_, v)| v)?;
        if key.is_empty() || key.len() > 40 || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return None;
        }
        let emails = pairs().find(|(k, _)| *k == "email").and_then(|(_, v)| v.parse().ok());
        Some(Flash { key: key.to_string(), emails })
    }

    /// The path to go back to after a save: `path` with the message's query.
    pub fn redirect(path: &str, key: &str, emails: Option<usize>) -> String {
        let (path, anchor) = path.split_once('#').map_or((path, String::new()), |(p, a)| (p, format!("#{a}")));
        let joiner = if path.contains('?') { '&' } else { '?' };
        match emails {
            Some(n) => format!("{path}{joiner}fatto={key}&email={n}{anchor}"),
            None => format!("{path}{joiner}fatto={key}{anchor}"),
        }
    }
}

impl PageContext {
    pub fn t(&self, key: &str) -> &'static str {
        self.locale.t(key)
    }

    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.locale.tf(key, args)
    }

    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }

    /// The link that shows this same page in `code`.
    pub fn switch_to(&self, code: &str) -> String {
        format!("{}?lang={code}", self.path)
    }

    pub fn is(&self, code: &str) -> bool {
        self.locale.code() == code
    }

    /// The message of the save before this page, in the reader's language; empty
    /// when there is none.
    pub fn flash_text(&self) -> String {
        let Some(flash) = &self.flash else { return String::new() };
        let done = self.locale.t(&format!("flash.{}", flash.key));
        if done.is_empty() {
            return String::new();
        }
        match flash.emails {
            Some(n) => format!("{done} {}", self.tf("flash.emails", &[("count", &n.to_string())])),
            None => done.to_string(),
        }
    }
}

fn query_lang(query: Option<&str>) -> Option<&str> {
    query?.split('&').find_map(|pair| pair.strip_prefix("lang="))
}

impl<S: Send + Sync> FromRequestParts<S> for PageContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(PageContext {
            locale: Locale::negotiate(query_lang(parts.uri.query()), &parts.headers),
            path: parts.uri.path().to_string(),
            request_id: parts.extensions.get::<crate::request_log::RequestId>().map(|id| id.0.clone()),
            flash: Flash::from_query(parts.uri.query()),
        })
    }
}

/// A `?lang=` choice is remembered in a cookie, so the next pages keep it.
pub async fn remember_language(request: Request, next: Next) -> Response {
    let chosen = query_lang(request.uri().query()).and_then(Locale::from_code);
    let mut response = next.run(request).await;
    if let Some(locale) = chosen {
        let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", locale.code());
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
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

/// A file to download, or the error page when it could not be made.
pub fn send_file(
    bytes: Result<Vec<u8>, concerto_documents::ExportError>,
    content_type: &str,
    file: String,
    ctx: &PageContext,
) -> Response {
    match bytes {
        Ok(bytes) => (
            [
                (axum::http::header::CONTENT_TYPE, content_type.to_string()),
                (axum::http::header::CONTENT_DISPOSITION, crate::security::content_disposition(false, &file)),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => PageError { ctx: ctx.clone(), error: WebError::Internal(e.to_string()) }.into_response(),
    }
}

/// How a spreadsheet is downloaded.
#[derive(Clone, Copy)]
pub enum SheetFormat {
    Csv,
    Xlsx,
}

/// `sheet` as the download `{stem}.csv` or `{stem}.xlsx`.
pub fn send_sheet(sheet: &concerto_documents::Sheet, format: SheetFormat, stem: &str, ctx: &PageContext) -> Response {
    let (bytes, content_type, extension) = match format {
        SheetFormat::Csv => (sheet.to_csv(), "text/csv; charset=utf-8", "csv"),
        SheetFormat::Xlsx => {
            (sheet.to_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
        }
    };
    send_file(bytes, content_type, format!("{stem}.{extension}"), ctx)
}

#[cfg(test)]
mod flash_tests {
    use super::Flash;

    #[test]
    fn a_flash_comes_from_a_known_shape_of_query_only() {
        assert_eq!(
            Flash::from_query(Some("fatto=published&email=3")),
            Some(Flash { key: "published".into(), emails: Some(3) })
        );
        assert_eq!(Flash::from_query(Some("lang=en&fatto=saved")), Some(Flash { key: "saved".into(), emails: None }));
        assert_eq!(Flash::from_query(Some("fatto=%3Cscript%3E")), None);
        assert_eq!(Flash::from_query(None), None);
        assert_eq!(Flash::redirect("/a#priorita", "ballot_open", Some(2)), "/a?fatto=ballot_open&email=2#priorita");
        assert_eq!(Flash::redirect("/a?x=1", "saved", None), "/a?x=1&fatto=saved");
    }
}

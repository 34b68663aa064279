//! What every HTML page shares: its locale, its path (for the language switch) and
//! the texts of its chrome.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header::SET_COOKIE};
use axum::middleware::Next;
use axum::response::Response;

use crate::i18n::Locale;

/// The context of one page request, available to every template as `ctx`.
#[derive(Clone, Debug)]
pub struct PageContext {
    pub locale: Locale,
    pub path: String,
    /// The request's id, shown on error pages for the reader to quote.
    pub request_id: Option<String>,
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

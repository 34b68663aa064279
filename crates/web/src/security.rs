//! Security headers on every response: no inline script, no framing, no sniffing,
//! HSTS behind https, no caching of private pages; and one answer, in Italian, to
//! every body too large for its route.

use axum::extract::Request;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::response::Response;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/// Paths whose answers belong to one person: the workspace, the secret links of an
/// expression and its pact, a representative's own pacts, sign-in and password
/// reset. Shared caches and the browser's history keep none of them.
const PRIVATE_PREFIXES: [&str; 5] = ["/ufficio", "/manifestazioni/", "/i-miei-patti", "/accedi", "/esci"];

fn is_private(path: &str) -> bool {
    PRIVATE_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

/// The headers of every answer; `https` says whether the public address is https,
/// and so whether browsers are told to come back over TLS only (HSTS).
pub async fn headers(State(https): State<bool>, request: Request, next: Next) -> Response {
    let private = is_private(request.uri().path());
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if https {
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    if private {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

/// Refuses state-changing requests that a browser marks as coming from another
/// site: by `Sec-Fetch-Site`, or by an `Origin` that is not this host. Programs that
/// send neither (API clients, curl) are not browsers carrying someone's cookies.
pub async fn same_origin_writes(request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) && is_cross_site(&request) {
        return (StatusCode::FORBIDDEN, "Richiesta rifiutata: proviene da un altro sito.").into_response();
    }
    next.run(request).await
}

fn is_cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(axum::http::header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(axum::http::header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    origin == "null" || origin_host != host
}

/// Compares secrets in a time that does not tell how much of them matched.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The largest body any route takes: a signed pact with its form around it. A
/// request announcing more is refused before a byte of it is read.
pub const LARGEST_BODY: usize = concerto_domain::MAX_SIGNED_FILE_BYTES + 64 * 1024;

const TOO_LARGE: &str = "Richiesta troppo grande: i dati o il file inviati superano il limite consentito.";

/// 413 in Italian, as JSON under the API and as text elsewhere.
pub fn too_large(api: bool) -> Response {
    if api {
        let body = crate::error::ErrorList::one_for("body", "too_large", TOO_LARGE.into());
        (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response()
    } else {
        (StatusCode::PAYLOAD_TOO_LARGE, [(CONTENT_TYPE, "text/plain; charset=utf-8")], TOO_LARGE).into_response()
    }
}

/// One answer to every body too large: a `Content-Length` past [`LARGEST_BODY`] is
/// refused at once, and the English text axum's extractors give when a body
/// passes its route's limit is replaced by the Italian one. Handlers that read
/// uploads themselves answer 413 with their own page.
pub async fn body_size(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let announced =
        request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > LARGEST_BODY as u64) {
        return too_large(api);
    }
    let response = next.run(request).await;
    let plain =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/plain"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && plain {
        return too_large(api);
    }
    response
}

/// Types a browser may show in its own window without running anything: PDF and
/// the raster images the upload check recognises. Everything else is downloaded.
const SAFE_INLINE: [&str; 3] = ["application/pdf", "image/png", "image/jpeg"];

/// Whether a served file of the checked `content_type` may open inline.
pub fn is_safe_inline(content_type: &str) -> bool {
    SAFE_INLINE.contains(&content_type)
}

/// A `Content-Disposition` value as RFC 6266 writes it: a plain-ASCII `filename`
/// for old clients, and the exact name as UTF-8 in `filename*`. No quote,
/// backslash, control or path character of `name` can reach the header.
pub fn content_disposition(inline: bool, name: &str) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let fallback: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && !"\"\\/%;".contains(c) || c == ' ' { c } else { '_' })
        .collect();
    let encoded = crate::view::url_encode(name);
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_carry_an_ascii_name_and_the_exact_one() {
        assert_eq!(
            content_disposition(false, "verbale Nardò \"1\".pdf"),
            "attachment; filename=\"verbale Nard_ _1_.pdf\"; filename*=UTF-8''verbale%20Nard%C3%B2%20%221%22.pdf"
        );
        let hostile = content_disposition(true, "a\r\nSet-Cookie: x=1;/../b.pdf");
        assert!(hostile.starts_with("inline; filename=\"a__Set-Cookie: x=1__.._b.pdf\""), "{hostile}");
        assert!(axum::http::HeaderValue::from_str(&hostile).is_ok());
        assert!(is_safe_inline("image/png") && !is_safe_inline("image/svg+xml") && !is_safe_inline("text/html"));
    }
}

//! One log line per request, with the route's template (never its path: a secret
//! link's token is part of the path), its status, its duration and an id. The id is
//! returned in `X-Request-Id` and printed on error pages, so that a citizen can quote
//! it to the office and the office can find the request in the log.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::metrics::Metrics;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, in its extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// The route of a request that matched none: its path is never recorded.
pub const UNMATCHED: &str = "unmatched";

/// Longest id taken over from a reverse proxy.
const MAX_FORWARDED_ID: usize = 64;

/// The id a reverse proxy already gave the request (nginx's `$request_id`), when it
/// is short and plain, so that both logs share it; otherwise a new one.
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            !id.is_empty()
                && id.len() <= MAX_FORWARDED_ID
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map_or_else(new_id, str::to_owned)
}

/// Sixteen hex digits: short enough to read over the phone.
fn new_id() -> String {
    let mut bytes = [0u8; 8];
    // Without the system's randomness, the clock still tells requests apart.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        bytes = (nanos as u64).to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Methods outside the standard ones are counted together: a client may invent any.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Gives the request its id, serves it inside a span that carries the id (so any
/// line logged meanwhile has it), then logs it once and counts it in the metrics.
pub async fn observe(
    axum::extract::State(metrics): axum::extract::State<Arc<Metrics>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = request_id(&request);
    let method = method_label(request.method());
    let route = request.extensions().get::<MatchedPath>().map_or(UNMATCHED, MatchedPath::as_str).to_owned();
    request.extensions_mut().insert(RequestId(id.clone()));
    // For `/metrics`, which shows them.
    request.extensions_mut().insert(Arc::clone(&metrics));
    let span = tracing::info_span!("request", id = %id);
    let mut response = next.run(request).instrument(span).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics.record(method, &route, status, elapsed);
    tracing::info!(
        target: "concerto::request",
        request_id = %id, method, route = %route, status, duration_ms = elapsed.as_micros() as f64 / 1000.0,
        "request"
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxys_plain_id_is_kept_and_anything_else_replaced() {
        let with = |value: &str| {
            request_id(&Request::builder().header("x-request-id", value).body(axum::body::Body::empty()).unwrap())
        };
        assert_eq!(with("7f0c2a1b-93d4"), "7f0c2a1b-93d4");
        for bad in ["", "a b", "<script>", &"x".repeat(65)] {
            let id = with(bad);
            assert_eq!(id.len(), 16, "{bad:?} gave {id}");
            assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }
}

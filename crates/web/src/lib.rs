//! Concerto's HTTP interface: public pages in Italian and English, the calendar
//! feed and the JSON API. Handlers turn requests into domain values, ask the store,
//! and render; they hold no SQL and no process rules.

// A page's error carries its context to render itself; it is answered at once, so
// boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

mod api;
mod archives;
mod assets;
mod audit;
pub mod auth;
mod calendar_feed;
pub mod client;
pub mod clock;
mod confirm;
mod documents;
mod error;
mod expressions;
mod form;
mod guard;
pub mod i18n;
pub mod limits;
mod meetings;
mod metrics;
mod municipalities;
mod observatory;
mod office;
mod onboarding;
mod openapi;
mod pacts;
mod page;
mod public;
mod qr;
pub mod request_log;
mod retention;
pub(crate) mod secret;
mod security;
mod tables;
mod view;

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use concerto_store::Store;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use archives::{build_due_archives, run_archive_worker};
pub use clock::Clock;
pub use meetings::{pass_on_expired_offers, run_meetings_worker, send_due_reminders};
pub use onboarding::first_run_link;
pub use retention::{RETENTION_ACTOR, apply_retention, run_retention_worker};

/// Settings the web layer needs from the configuration.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The address the public reaches the server at, for links in feeds and e-mails.
    pub public_url: String,
    /// SPID/CIE login through an OpenID Connect provider, when configured.
    pub oidc: Option<auth::OidcConfig>,
    /// Reverse proxies whose `X-Forwarded-For` names the client ([`client::ClientAddress`]).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Lets `/metrics` be read from elsewhere than this machine, as a bearer token.
    pub metrics_token: Option<String>,
    /// The days around a session's own on which check-in is accepted.
    pub checkin_window: concerto_domain::tables::CheckinWindow,
}

impl WebConfig {
    /// The configuration of a server reached at `public_url`, with no SPID/CIE
    /// login and no trusted proxy.
    pub fn new(public_url: impl Into<String>) -> WebConfig {
        WebConfig {
            public_url: public_url.into(),
            oidc: None,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            checkin_window: concerto_domain::tables::CheckinWindow::default(),
        }
    }

    /// Cookies travel only over TLS when the public address is https.
    fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    pub config: WebConfig,
    /// Wakes the mail worker when a change has queued a message.
    pub outbox: concerto_mail::OutboxWaker,
    /// Login sessions, in the database.
    pub sessions: concerto_store::SessionBackend,
    /// The limits on anonymous writes, counted per client address.
    pub limiter: limits::Limiter,
}

/// The largest request body the extractors accept; the notice upload has its own.
const BODY_LIMIT: usize = 256 * 1024;

pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name("concerto_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::hours(8)));
    Router::new()
        .merge(public::routes())
        .merge(api::routes())
        .merge(municipalities::routes())
        .merge(openapi::routes())
        .merge(expressions::routes())
        .merge(auth::routes())
        .merge(onboarding::routes())
        .merge(office::routes())
        .merge(tables::routes())
        .merge(meetings::routes())
        .merge(observatory::routes())
        .merge(documents::routes())
        .merge(pacts::routes())
        .merge(archives::routes())
        .route("/healthz", get(health))
        .route("/readyz", get(metrics::ready))
        .route("/metrics", get(metrics::scrape))
        .route("/static/{file}", get(assets::serve))
        .fallback(page::not_found)
        .with_state(state.clone())
        .layer(sessions)
        .layer(axum::middleware::from_fn(security::same_origin_writes))
        .layer(axum::middleware::from_fn(page::remember_language))
        .layer(axum::middleware::from_fn_with_state(state.config.secure_cookies(), security::headers))
        .layer(CompressionLayer::new().compress_when(compressible()))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(security::body_size))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        // Outermost, so that its line and its count see the answer the client gets.
        .layer(axum::middleware::from_fn_with_state(Default::default(), request_log::observe))
}

/// Serves the application on `listener` until `shutdown` completes. Each request
/// carries the peer's address ([`client::ClientAddress`]): the pact's events and the
/// login throttle record it.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// A process the public may see, or not found: drafts stay with their office.
async fn public_process(store: &Store, slug: &str) -> Result<concerto_domain::Process, error::WebError> {
    // No address holds a control character: such a request is answered without a query.
    if !concerto_domain::is_acceptable_text(slug, false) {
        return Err(error::WebError::NotFound);
    }
    store.process_by_slug(slug).await?.filter(|p| p.header.is_public()).ok_or(error::WebError::NotFound)
}

/// 200 when the database answers, 503 otherwise.
async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> axum::http::StatusCode {
    match state.store.ping().await {
        Ok(()) => axum::http::StatusCode::OK,
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// What the response compression compresses: text, not what is compressed already.
/// A ZIP or a PDF gains nothing from gzip, and a streamed archive keeps the length it
/// announced only when it passes untouched.
fn compressible() -> impl tower_http::compression::Predicate {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    DefaultPredicate::new()
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/pdf"))
}

//! `/accedi` and `/esci`.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Duration;
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::client::ClientAddress;
use crate::error::{PageError, WebError};
use crate::guard::Caller;
use crate::guard::CurrentUser;
use crate::limits::Door;
use crate::page::PageContext;
use crate::page::render;

/// Failed attempts that cost no wait, for one account from one address and from one
/// address for any account (an office behind one address shares it); past them
/// each attempt waits twice as long as the last (`login_delay`). The owner signing
/// in from another address is never slowed by a guesser's failures.
const FREE_FAILURES_PER_ACCOUNT: i64 = 3;
const FREE_FAILURES_PER_ADDRESS: i64 = 10;
const FAILURE_WINDOW_MINUTES: i64 = 15;

/// A hash of no password, verified when the account is unknown or has no password,
/// so that the answer takes as long as for a wrong password and does not tell
/// whether the address has an account.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| crate::secret::hash_password("nessuna password: solo per il tempo di verifica"));

pub fn routes() -> Router<AppState> {
    Router::new().route("/accedi", get(form).post(login)).route("/esci", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageContext,
    email: String,
    next: String,
    error: Option<&'static str>,
    signed_in: Option<String>,
    /// Whether SPID/CIE login is configured, for its button.
    oidc: bool,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only paths of this site: never an open redirect to somewhere else.
pub(super) fn safe_next(next: Option<&str>) -> String {
    match next {
        // A line break would end the Location header (and cost a 500 to build it).
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && concerto_domain::is_acceptable_text(n, false) =>
        {
            n.to_string()
        }
        _ => "/ufficio".to_string(),
    }
}

pub(super) fn page(
    ctx: PageContext,
    email: String,
    next: String,
    error: Option<&'static str>,
    status: StatusCode,
    oidc: bool,
) -> Result<Response, PageError> {
    let page = LoginPage { ctx, email, next, error, signed_in: None, oidc };
    render(&page.ctx, &page).map(|r| (status, r).into_response())
}

pub async fn form(Caller { state, ctx, user }: Caller, Query(q): Query<NextQuery>) -> Result<Response, PageError> {
    let page = LoginPage {
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
        signed_in: user.map(|u| u.email),
        oidc: state.config.oidc.is_some(),
        ctx,
    };
    render(&page.ctx, &page)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
    ClientAddress(address): ClientAddress,
    Form(input): Form<LoginForm>,
) -> Result<Response, PageError> {
    let fail = |error: WebError| PageError { ctx: ctx.clone(), error };
    state.limiter.admit(Door::SignIn, &address).map_err(fail)?;
    let next = safe_next(input.next.as_deref());
    let now = state.clock.now();
    let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let failures = state.store.login_failures(&input.email, &address, since).await.map_err(|e| fail(e.into()))?;
    let waits_until = [(failures.here, FREE_FAILURES_PER_ACCOUNT), (failures.by_address, FREE_FAILURES_PER_ADDRESS)]
        .into_iter()
        .filter_map(|((count, last), free)| last.map(|at| at + concerto_domain::access::login_delay(count, free)))
        .max();
    if waits_until.is_some_and(|until| until > now) {
        return page(
            ctx,
            input.email,
            next,
            Some("login.throttled"),
            StatusCode::TOO_MANY_REQUESTS,
            state.config.oidc.is_some(),
        );
    }
    let credentials = state.store.credentials(&input.email).await.map_err(|e| fail(e.into()))?;
    let usable = credentials.as_ref().filter(|c| !c.disabled).and_then(|c| c.password_hash.clone());
    let (hash, real) = match usable {
        Some(hash) => (hash, true),
        None => (DUMMY_HASH.clone(), false),
    };
    let password = input.password.clone();
    let matches = tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .unwrap_or(false);
    let verified = real && matches;
    let Some(credentials) = credentials.filter(|_| verified) else {
        state.store.record_login_failure(&input.email, &address, now).await.map_err(|e| fail(e.into()))?;
        return page(
            ctx,
            input.email,
            next,
            Some("login.invalid"),
            StatusCode::UNAUTHORIZED,
            state.config.oidc.is_some(),
        );
    };
    state
        .store
        .record_sign_in(credentials.principal.account_id, "password", &address, now)
        .await
        .map_err(|e| fail(e.into()))?;
    // Hashes made with weaker parameters are upgraded while the password is at hand.
    let obsolete =
        credentials.password_hash.as_deref().is_some_and(|h| password_auth::is_hash_obsolete(h).unwrap_or(false));
    if obsolete {
        let password = input.password.clone();
        if let Ok(fresh) = tokio::task::spawn_blocking(move || crate::secret::hash_password(&password)).await {
            state
                .store
                .set_password_hash(credentials.principal.account_id, &fresh)
                .await
                .map_err(|e| fail(e.into()))?;
        }
    }
    crate::guard::sign_in(&session, &credentials)
        .await
        .map_err(|e| fail(WebError::Internal(format!("session: {e}"))))?;
    Ok(Redirect::to(&next).into_response())
}

pub async fn logout(State(state): State<AppState>, CurrentUser(user): CurrentUser, session: Session) -> Response {
    if let Some(user) = user {
        // The sign-out is recorded even if the session store fails to forget it.
        if let Err(e) = state.store.record_sign_out(user.account_id, state.clock.now()).await {
            tracing::error!(error = %e, "recording a sign-out");
        }
    }
    let _ = session.flush().await;
    Redirect::to("/").into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/ufficio/processi/x")), "/ufficio/processi/x");
        assert_eq!(safe_next(Some("//evil.example")), "/ufficio");
        assert_eq!(safe_next(Some("https://evil.example")), "/ufficio");
        assert_eq!(safe_next(Some("/\\evil.example")), "/ufficio");
        assert_eq!(safe_next(Some("/\r\nSet-Cookie: x=y")), "/ufficio");
        assert_eq!(safe_next(Some("/ufficio\u{0}")), "/ufficio");
        assert_eq!(safe_next(None), "/ufficio");
    }
}

//! Signing in and out with e-mail and password, the signed-in account of a request,
//! and the answers authorization decisions turn into.

mod login;
mod oidc;
pub(crate) mod reset;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use concerto_domain::{Decision, Principal};
use tower_sessions::Session;

use crate::AppState;
use crate::error::{PageError, WebError};
use crate::page::PageContext;

pub use oidc::{OidcConfig, OidcConfigError};

/// `/accedi`, `/esci` and the SPID/CIE login under `/accedi/spid`.
pub fn routes() -> axum::Router<AppState> {
    login::routes().merge(oidc::routes()).merge(reset::routes())
}

/// The session key that holds the signed-in account's id.
const ACCOUNT_KEY: &str = "account_id";
/// The session key that holds the account's session generation at sign-in; a
/// password reset moves the account's, which ends the session.
const GENERATION_KEY: &str = "account_generation";

/// Makes `session` the signed-in session of `account`, under a new id: a session
/// fixed before the login is worth nothing after it.
pub(crate) async fn sign_in(session: &Session, account: &concerto_store::Credentials) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(ACCOUNT_KEY, account.principal.account_id).await?;
    session.insert(GENERATION_KEY, account.session_generation).await
}

/// The account signed in on this request, if any.
pub struct CurrentUser(pub Option<Principal>);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let id: Option<i64> = session.get(ACCOUNT_KEY).await.ok().flatten();
        let Some(id) = id else { return Ok(CurrentUser(None)) };
        let generation: i64 = session.get(GENERATION_KEY).await.ok().flatten().unwrap_or(0);
        match state.store.principal(id, generation).await {
            Ok(principal) => Ok(CurrentUser(principal)),
            Err(e) => {
                tracing::error!(error = %e, "loading the signed-in account");
                Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
            }
        }
    }
}

/// Turns a decision into the answer the request gets when it is not allowed:
/// 302 to the login page, 403, or 404 for what belongs to another Ambito.
pub fn enforce(decision: Decision, ctx: &PageContext) -> Result<(), Response> {
    match decision {
        Decision::Allow => Ok(()),
        Decision::SignIn => {
            let next = format!("/accedi?next={}", ctx.path);
            Err((StatusCode::FOUND, [(header::LOCATION, next)]).into_response())
        }
        Decision::Forbidden => Err(PageError { ctx: ctx.clone(), error: WebError::Forbidden }.into_response()),
        Decision::Hidden => Err(PageError { ctx: ctx.clone(), error: WebError::NotFound }.into_response()),
    }
}

/// Argon2id with a fresh salt. Deliberately slow: call it off the async threads.
pub fn hash_password(password: &str) -> String {
    password_auth::generate_hash(password)
}

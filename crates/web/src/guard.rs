//! Who a request comes from and what it may do: the signed-in account, and the
//! answers that authorization decisions turn into.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use concerto_domain::{Decision, OfficeAction, Principal, Process};
use tower_sessions::Session;

use crate::AppState;
use crate::audit::{self, Auditor};
use crate::client::ClientAddress;
use crate::error::{PageError, WebError};
use crate::page::PageContext;

/// The session key that holds the signed-in account's id.
const ACCOUNT_KEY: &str = "account_id";
/// The session key that holds the account's session generation at sign-in; a
/// password reset moves the account's, which ends the session.
const GENERATION_KEY: &str = "account_generation";

/// Makes `session` the signed-in session of `account`, under a new id: a session
/// fixed before the login is worth nothing after it.
pub async fn sign_in(
    session: &Session,
    account: &concerto_store::Credentials,
) -> Result<(), tower_sessions::session::Error> {
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

/// A page request's basics: the state, the page's context and the account signed
/// in, if any. Each handler still enforces its own decision about that account.
pub struct Caller {
    pub state: AppState,
    pub ctx: PageContext,
    pub user: Option<Principal>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(ctx) = PageContext::from_request_parts(parts, state).await;
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        Ok(Caller { state: state.clone(), ctx, user })
    }
}

/// A page request from anyone: the state, the page's context and the client's
/// address, which bounds what one address may write.
pub struct Visitor {
    pub state: AppState,
    pub ctx: PageContext,
    pub client: String,
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(ctx) = PageContext::from_request_parts(parts, state).await;
        let Ok(ClientAddress(client)) = ClientAddress::from_request_parts(parts, state).await;
        Ok(Visitor { state: state.clone(), ctx, client })
    }
}

/// The login page, coming back here after it.
pub fn sign_in_first(ctx: &PageContext) -> Response {
    let next = format!("/accedi?next={}", ctx.path);
    (StatusCode::FOUND, [(header::LOCATION, next)]).into_response()
}

/// Turns a decision into the answer the request gets when it is not allowed:
/// 302 to the login page, 403, or 404 for what belongs to another Ambito.
pub fn enforce(decision: Decision, ctx: &PageContext) -> Result<(), Response> {
    match decision {
        Decision::Allow => Ok(()),
        Decision::SignIn => Err(sign_in_first(ctx)),
        Decision::Forbidden => Err(PageError { ctx: ctx.clone(), error: WebError::Forbidden }.into_response()),
        Decision::Hidden => Err(PageError { ctx: ctx.clone(), error: WebError::NotFound }.into_response()),
    }
}

/// A process of the workspace, with the decision about `action` on it enforced.
pub async fn office_process(
    state: &AppState,
    ctx: &PageContext,
    user: Option<&concerto_domain::Principal>,
    slug: &str,
    action: OfficeAction,
) -> Result<Process, Response> {
    enforce(concerto_domain::may_enter_workspace(user), ctx)?;
    let process = state
        .store
        .process_by_slug(slug)
        .await
        .map_err(|e| WebError::from(e).into_page(ctx))?
        .ok_or_else(|| WebError::NotFound.into_page(ctx))?;
    enforce(concerto_domain::may_act_on_ambito(user, action, process.ambito.id), ctx)?;
    Ok(process)
}

/// A request to the workspace about the process its route names (`{slug}`), from an
/// account that may edit it (`EDIT`) or read it: everything its handler needs. The
/// login page, 403 or 404 answer the others before the handler runs.
pub struct Office<const EDIT: bool> {
    pub state: AppState,
    pub ctx: PageContext,
    pub process: Process,
    pub user: Principal,
}

/// The workspace's request about a process its account edits.
pub type Editor = Office<true>;
/// The workspace's request about a process its account reads.
pub type Reader = Office<false>;

impl<const EDIT: bool> FromRequestParts<AppState> for Office<EDIT> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(ctx) = PageContext::from_request_parts(parts, state).await;
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let slug = path_param(parts, state, "slug").await.ok_or_else(|| WebError::NotFound.into_page(&ctx))?;
        let action = if EDIT { OfficeAction::Edit } else { OfficeAction::View };
        let process = office_process(state, &ctx, user.as_ref(), &slug, action).await?;
        // Entering the workspace needs an account, so there is one here.
        let user = user.ok_or_else(|| WebError::NotFound.into_page(&ctx))?;
        Ok(Office { state: state.clone(), ctx, process, user })
    }
}

impl<const EDIT: bool> Office<EDIT> {
    /// The audit entries of this request, about its process.
    pub fn auditor(&self) -> Auditor {
        Auditor::new(
            &self.user,
            self.state.clock.now(),
            &self.process.ambito.slug,
            audit::process_subject(&self.process),
        )
    }
}

/// A request to the workspace about one session (`{id}`) of a process its account
/// edits (`EDIT`) or reads: the process's, with the session.
pub struct OfficeSession<const EDIT: bool> {
    pub state: AppState,
    pub ctx: PageContext,
    pub process: Process,
    pub session: concerto_domain::Session,
    pub user: Principal,
}

/// The workspace's request about a session its account edits.
pub type SessionEditor = OfficeSession<true>;
/// The workspace's request about a session its account reads.
pub type SessionReader = OfficeSession<false>;

impl<const EDIT: bool> FromRequestParts<AppState> for OfficeSession<EDIT> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Office::<EDIT> { state, ctx, process, user } = Office::from_request_parts(parts, state).await?;
        let id = path_param(parts, &state, "id").await.and_then(|id| id.parse::<i64>().ok());
        let session = id.and_then(|id| process.sessions.iter().find(|s| s.id == id).cloned());
        let session = session.ok_or_else(|| WebError::NotFound.into_page(&ctx))?;
        Ok(OfficeSession { state, ctx, process, session, user })
    }
}

impl<const EDIT: bool> OfficeSession<EDIT> {
    /// The audit entries of this request, about its session.
    pub fn auditor(&self) -> Auditor {
        let subject = audit::session_subject(&self.process, &self.session);
        Auditor::new(&self.user, self.state.clock.now(), &self.process.ambito.slug, subject)
    }
}

/// The value of the route's parameter `name`, if the route has one.
pub async fn path_param(parts: &mut Parts, state: &AppState, name: &str) -> Option<String> {
    let params = RawPathParams::from_request_parts(parts, state).await.ok()?;
    params.iter().find(|(param, _)| *param == name).map(|(_, value)| value.to_string())
}

//! SPID and CIE through OpenID Connect: `/accedi/spid` sends the person to the
//! identity provider with an authorization code request (PKCE S256, `state` and
//! `nonce` kept in the session); `/accedi/spid/callback` exchanges the code, verifies
//! the ID token (signature, issuer, audience, nonce, expiry), reads the person's
//! attributes, and signs them in to their account, created as a citizen's on the
//! first visit.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use concerto_domain::{Decision, TaxCode, may_enter_workspace};
use concerto_store::{Credentials, StoreError};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, StandardErrorResponse,
    StandardTokenResponse, SubjectIdentifier, TokenResponse, UserInfoClaims, reqwest,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::login::{page, safe_next};
use crate::AppState;
use crate::error::{PageError, WebError};
use crate::page::PageContext;

/// The session key of a login on its way to the provider and back.
const PENDING_KEY: &str = "oidc_pending";
/// The session key of the tax code the provider vouched for, for forms that ask it.
pub const TAX_CODE_KEY: &str = "spid_tax_code";
/// Discovery and keys are fetched again after this long, so rotated keys are learnt.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// How long a call to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The relying party's settings: the provider's issuer and this client's credentials.
/// Cheap to clone; clones share the cached provider metadata.
#[derive(Clone)]
pub struct OidcConfig {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    http: reqwest::Client,
    metadata: tokio::sync::Mutex<Option<(Instant, Arc<CoreProviderMetadata>)>>,
}

/// A configuration that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum OidcConfigError {
    #[error("l'issuer OIDC «{0}» non è un indirizzo valido")]
    Issuer(String),
    #[error("client HTTP per OIDC: {0}")]
    Http(#[from] reqwest::Error),
}

impl OidcConfig {
    /// `client_secret` is `None` for a public client, which relies on PKCE alone.
    pub fn new(issuer: &str, client_id: &str, client_secret: Option<&str>) -> Result<OidcConfig, OidcConfigError> {
        let issuer = IssuerUrl::new(issuer.to_string()).map_err(|_| OidcConfigError::Issuer(issuer.to_string()))?;
        if !matches!(issuer.url().scheme(), "https" | "http") {
            return Err(OidcConfigError::Issuer(issuer.to_string()));
        }
        // No redirects: a provider that redirects a back-channel call is not followed (SSRF).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(PROVIDER_TIMEOUT)
            .build()?;
        Ok(OidcConfig {
            inner: Arc::new(Inner {
                issuer,
                client_id: ClientId::new(client_id.to_string()),
                client_secret: client_secret.map(|s| ClientSecret::new(s.to_string())),
                http,
                metadata: tokio::sync::Mutex::new(None),
            }),
        })
    }

    pub fn issuer(&self) -> &str {
        self.inner.issuer.as_str()
    }

    /// The provider's discovery document and keys, fetched on first use and cached.
    async fn metadata(&self) -> Result<Arc<CoreProviderMetadata>, Failure> {
        let mut cached = self.inner.metadata.lock().await;
        if let Some((fetched, metadata)) = cached.as_ref()
            && fetched.elapsed() < METADATA_TTL
        {
            return Ok(metadata.clone());
        }
        let metadata = CoreProviderMetadata::discover_async(self.inner.issuer.clone(), &self.inner.http)
            .await
            .map_err(|e| Failure::Unavailable(format!("discovery: {e}")))?;
        let metadata = Arc::new(metadata);
        *cached = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    /// Forgets the cached metadata, so that the next login fetches keys again.
    async fn forget_metadata(&self) {
        *self.inner.metadata.lock().await = None;
    }

    async fn client(&self, public_url: &str) -> Result<OidcClient, Failure> {
        let metadata = self.metadata().await?;
        let redirect = RedirectUrl::new(format!("{}/accedi/spid/callback", public_url.trim_end_matches('/')))
            .map_err(|e| Failure::Unavailable(format!("redirect URI: {e}")))?;
        Ok(OidcClient::from_provider_metadata(
            (*metadata).clone(),
            self.inner.client_id.clone(),
            self.inner.client_secret.clone(),
        )
        .set_redirect_uri(redirect))
    }
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.inner.issuer.as_str())
            .field("client_id", &self.inner.client_id.as_str())
            .field("client_secret", &self.inner.client_secret.as_ref().map(|_| "…"))
            .finish()
    }
}

/// The Italian attributes beyond the standard claims. SPID and CIE name the tax
/// code `https://attributes.eid.gov.it/fiscal_number`; other providers `fiscal_number`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ItalianClaims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fiscal_number: Option<String>,
    #[serde(default, rename = "https://attributes.eid.gov.it/fiscal_number", skip_serializing_if = "Option::is_none")]
    eid_fiscal_number: Option<String>,
}

impl AdditionalClaims for ItalianClaims {}

impl ItalianClaims {
    fn fiscal_number(&self) -> Option<&str> {
        self.eid_fiscal_number.as_deref().or(self.fiscal_number.as_deref())
    }
}

type ItalianTokenResponse = StandardTokenResponse<
    IdTokenFields<
        ItalianClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

/// A client built from discovery: authorization endpoint set, token and userinfo
/// endpoints as the provider announced them.
type OidcClient = openidconnect::Client<
    ItalianClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    ItalianTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A login between `/accedi/spid` and its callback.
#[derive(Serialize, Deserialize)]
struct Pending {
    state: String,
    nonce: String,
    pkce_verifier: String,
    /// A local path to return to, when the login page was given one.
    next: Option<String>,
}

/// Why a SPID/CIE login did not complete: each is the login page again with a
/// message and a status, never a 500.
#[derive(Debug)]
enum Failure {
    /// No login was started in this session, or the `state` does not match it.
    BadState,
    /// The person refused, or the provider refused them.
    Denied,
    /// The provider cannot be reached or answers nonsense.
    Unavailable(String),
    /// The provider's answer does not prove who signed in.
    Invalid(String),
    /// The provider did not give an e-mail address.
    NoEmail,
    /// The e-mail belongs to another account that this identity may not take.
    Conflict,
    /// The account exists but is disabled.
    Disabled,
}

impl Failure {
    fn answer(&self) -> (&'static str, StatusCode) {
        match self {
            Failure::BadState => ("login.oidc.state", StatusCode::BAD_REQUEST),
            Failure::Denied => ("login.oidc.denied", StatusCode::FORBIDDEN),
            Failure::Unavailable(_) => ("login.oidc.unavailable", StatusCode::BAD_GATEWAY),
            Failure::Invalid(_) => ("login.oidc.invalid", StatusCode::UNAUTHORIZED),
            Failure::NoEmail => ("login.oidc.no_email", StatusCode::FORBIDDEN),
            Failure::Conflict => ("login.oidc.conflict", StatusCode::CONFLICT),
            Failure::Disabled => ("login.oidc.disabled", StatusCode::FORBIDDEN),
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/accedi/spid", get(start)).route("/accedi/spid/callback", get(callback))
}

/// The login page again, with what went wrong.
fn failed(ctx: PageContext, next: Option<String>, failure: Failure) -> Result<Response, PageError> {
    match &failure {
        Failure::Unavailable(detail) => tracing::warn!(detail, "SPID/CIE provider unavailable"),
        Failure::Invalid(detail) => tracing::warn!(detail, "SPID/CIE login refused"),
        other => tracing::info!(failure = ?other, "SPID/CIE login not completed"),
    }
    let (key, status) = failure.answer();
    page(ctx, String::new(), safe_next(next.as_deref()), Some(key), status, true)
}

#[derive(Deserialize)]
struct StartQuery {
    next: Option<String>,
}

/// `GET /accedi/spid`: off to the identity provider.
async fn start(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
    Query(q): Query<StartQuery>,
) -> Result<Response, PageError> {
    let Some(oidc) = state.config.oidc.as_ref() else {
        return Err(PageError { ctx, error: WebError::NotFound });
    };
    // Only a path of this site, by the same rule as the password login.
    let next = q.next.filter(|n| safe_next(Some(n)) == *n);
    let client = match oidc.client(&state.config.public_url).await {
        Ok(client) => client,
        Err(failure) => return failed(ctx, next, failure),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = Pending {
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next,
    };
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(|e| PageError { ctx: ctx.clone(), error: WebError::Internal(format!("session: {e}")) })?;
    Ok(Redirect::to(url.as_str()).into_response())
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// RFC 9207: the issuer of the response, checked against ours when present.
    iss: Option<String>,
}

/// What the provider says about the person who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    /// `issuer|sub`, unique across providers.
    subject: String,
    email: Option<String>,
    email_verified: Option<bool>,
    name: Option<String>,
    tax_code: Option<TaxCode>,
}

/// `GET /accedi/spid/callback`: back from the identity provider.
async fn callback(
    State(state): State<AppState>,
    ctx: PageContext,
    crate::client::ClientAddress(address): crate::client::ClientAddress,
    session: Session,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let Some(oidc) = state.config.oidc.clone() else {
        return Err(PageError { ctx, error: WebError::NotFound });
    };
    let internal = |ctx: &PageContext, e: String| PageError { ctx: ctx.clone(), error: WebError::Internal(e) };
    // One attempt per login started: whatever happens now, the pending login is spent.
    let pending: Option<Pending> = session.remove(PENDING_KEY).await.unwrap_or(None);
    let Some(pending) =
        pending.filter(|p| q.state.as_deref().is_some_and(|s| crate::security::constant_time_eq(s, &p.state)))
    else {
        return failed(ctx, None, Failure::BadState);
    };
    let next = pending.next.clone();
    let identity = match identify(&oidc, &state.config.public_url, &q, pending).await {
        Ok(identity) => identity,
        Err(failure) => return failed(ctx, next, failure),
    };
    let Some(email) = identity.email.as_deref() else { return failed(ctx, next, Failure::NoEmail) };
    let name = identity.name.clone().unwrap_or_else(|| email.to_string());
    // An e-mail the provider says it has not verified never takes over an existing account.
    let link_by_email = identity.email_verified != Some(false);
    let account = state
        .store
        .link_or_create_oidc_account(&identity.subject, email, &name, link_by_email, state.clock.now())
        .await;
    let account: Credentials = match account {
        Ok(account) => account,
        Err(StoreError::Conflict(_)) => return failed(ctx, next, Failure::Conflict),
        Err(e) => return Err(PageError { ctx, error: e.into() }),
    };
    if account.disabled {
        return failed(ctx, next, Failure::Disabled);
    }
    // A new session id at login, as for the password login.
    crate::guard::sign_in(&session, &account).await.map_err(|e| internal(&ctx, format!("session: {e}")))?;
    state
        .store
        .record_sign_in(account.principal.account_id, "spid-cie", &address, state.clock.now())
        .await
        .map_err(|e| PageError { ctx: ctx.clone(), error: e.into() })?;
    if let Some(tax_code) = &identity.tax_code {
        session.insert(TAX_CODE_KEY, tax_code.as_str()).await.map_err(|e| internal(&ctx, format!("session: {e}")))?;
    }
    let to = landing(may_enter_workspace(Some(&account.principal)), next);
    Ok(Redirect::to(&to).into_response())
}

/// Where a login ends: the page asked for, except a workspace page for someone who
/// may not enter it; otherwise the workspace for the offices and the home page for
/// everyone else.
fn landing(workspace: Decision, next: Option<String>) -> String {
    let office = workspace == Decision::Allow;
    match next {
        Some(n) if office || !(n == "/ufficio" || n.starts_with("/ufficio/") || n.starts_with("/ufficio?")) => n,
        _ if office => "/ufficio".to_string(),
        _ => "/".to_string(),
    }
}

/// Exchanges the code and verifies what comes back.
async fn identify(
    oidc: &OidcConfig,
    public_url: &str,
    q: &CallbackQuery,
    pending: Pending,
) -> Result<Identity, Failure> {
    if let Some(iss) = &q.iss
        && iss != oidc.issuer()
    {
        return Err(Failure::Invalid(format!("the response comes from {iss}")));
    }
    if let Some(error) = &q.error {
        return Err(match error.as_str() {
            "access_denied" | "consent_required" | "login_required" | "interaction_required" => Failure::Denied,
            other => Failure::Invalid(format!("the provider answered {other}")),
        });
    }
    let code = q.code.clone().ok_or(Failure::BadState)?;
    let client = oidc.client(public_url).await?;
    let request = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| Failure::Unavailable(format!("token endpoint: {e}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier));
    let tokens = request.request_async(&oidc.inner.http).await.map_err(|e| match e {
        RequestTokenError::ServerResponse(r) => Failure::Invalid(format!("token endpoint: {r}")),
        other => Failure::Unavailable(format!("token endpoint: {other}")),
    })?;
    let id_token = tokens.id_token().ok_or_else(|| Failure::Invalid("no ID token".into()))?;
    let verifier = client.id_token_verifier();
    let nonce = Nonce::new(pending.nonce);
    let claims = match id_token.claims(&verifier, &nonce) {
        Ok(claims) => claims,
        Err(e) => {
            if matches!(e, openidconnect::ClaimsVerificationError::SignatureVerification(_)) {
                // Perhaps the provider rotated its keys: learn them for the next attempt.
                oidc.forget_metadata().await;
            }
            return Err(Failure::Invalid(format!("ID token: {e}")));
        }
    };
    if let Some(expected) = claims.access_token_hash() {
        let invalid = |e: &dyn std::fmt::Display| Failure::Invalid(format!("at_hash: {e}"));
        let alg = id_token.signing_alg().map_err(|e| invalid(&e))?;
        let key = id_token.signing_key(&verifier).map_err(|e| invalid(&e))?;
        let actual = AccessTokenHash::from_token(tokens.access_token(), alg, key).map_err(|e| invalid(&e))?;
        if actual != *expected {
            return Err(Failure::Invalid("the access token does not match the ID token".into()));
        }
    }
    let sub = claims.subject().clone();
    let mut identity = Identity {
        subject: format!("{}|{}", oidc.issuer(), sub.as_str()),
        email: claims.email().map(|e| e.as_str().to_string()),
        email_verified: claims.email_verified(),
        name: full_name(
            claims.name().and_then(|n| n.get(None)).map(|n| n.as_str()),
            claims.given_name().and_then(|n| n.get(None)).map(|n| n.as_str()),
            claims.family_name().and_then(|n| n.get(None)).map(|n| n.as_str()),
        ),
        tax_code: claims.additional_claims().fiscal_number().and_then(tax_code),
    };
    // In the code flow providers usually keep the attributes for the userinfo endpoint.
    let incomplete = identity.email.is_none() || identity.name.is_none() || identity.tax_code.is_none();
    if incomplete && client.user_info_url().is_some() {
        let info: UserInfoClaims<ItalianClaims, CoreGenderClaim> = client
            .user_info(tokens.access_token().clone(), Some(SubjectIdentifier::new(sub.as_str().to_string())))
            .map_err(|e| Failure::Unavailable(format!("userinfo: {e}")))?
            .request_async(&oidc.inner.http)
            .await
            .map_err(|e| match e {
                openidconnect::UserInfoError::ClaimsVerification(e) => Failure::Invalid(format!("userinfo: {e}")),
                other => Failure::Unavailable(format!("userinfo: {other}")),
            })?;
        if identity.email.is_none() {
            identity.email = info.email().map(|e| e.as_str().to_string());
            identity.email_verified = info.email_verified();
        }
        identity.name = identity.name.or_else(|| {
            full_name(
                info.name().and_then(|n| n.get(None)).map(|n| n.as_str()),
                info.given_name().and_then(|n| n.get(None)).map(|n| n.as_str()),
                info.family_name().and_then(|n| n.get(None)).map(|n| n.as_str()),
            )
        });
        identity.tax_code = identity.tax_code.or_else(|| info.additional_claims().fiscal_number().and_then(tax_code));
    }
    identity.email = identity.email.map(|e| e.trim().to_string()).filter(|e| e.contains('@'));
    Ok(identity)
}

/// `name`, or else the given and family names together.
fn full_name(name: Option<&str>, given: Option<&str>, family: Option<&str>) -> Option<String> {
    let name = name.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    name.or_else(|| {
        let parts: Vec<&str> = [given, family].into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })
}

/// SPID writes the tax code as `TINIT-<code>` (ETSI semantics identifier).
fn tax_code(fiscal_number: &str) -> Option<TaxCode> {
    let code = fiscal_number.trim();
    let code = code.strip_prefix("TINIT-").unwrap_or(code);
    TaxCode::parse(code).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizens_never_land_in_the_workspace() {
        assert_eq!(landing(Decision::Forbidden, None), "/");
        assert_eq!(landing(Decision::Forbidden, Some("/ufficio".into())), "/");
        assert_eq!(landing(Decision::Forbidden, Some("/ufficio/processi/x".into())), "/");
        assert_eq!(landing(Decision::Forbidden, Some("/processi/x".into())), "/processi/x");
        assert_eq!(landing(Decision::Allow, None), "/ufficio");
        assert_eq!(landing(Decision::Allow, Some("/ufficio/processi/x".into())), "/ufficio/processi/x");
    }

    #[test]
    fn the_spid_tax_code_is_read_with_or_without_its_prefix() {
        assert_eq!(tax_code("TINIT-RSSMRA45D25F205N").map(|c| c.to_string()).as_deref(), Some("RSSMRA45D25F205N"));
        assert_eq!(tax_code("rssmra45d25f205n").map(|c| c.to_string()).as_deref(), Some("RSSMRA45D25F205N"));
        assert_eq!(tax_code("TINIT-RSSMRA45D25F205X"), None, "a wrong check character");
    }

    #[test]
    fn names_fall_back_to_given_and_family() {
        assert_eq!(full_name(Some("Mario Rossi"), None, None).as_deref(), Some("Mario Rossi"));
        assert_eq!(full_name(None, Some("Mario"), Some("Rossi")).as_deref(), Some("Mario Rossi"));
        assert_eq!(full_name(Some(" "), None, Some("Rossi")).as_deref(), Some("Rossi"));
        assert_eq!(full_name(None, None, None), None);
    }

    #[test]
    fn the_italian_claims_parse_under_either_name() {
        let spid: ItalianClaims =
            serde_json::from_str(r#"{"https://attributes.eid.gov.it/fiscal_number":"TINIT-RSSMRA45D25F205N"}"#)
                .unwrap();
        assert_eq!(spid.fiscal_number(), Some("TINIT-RSSMRA45D25F205N"));
        let plain: ItalianClaims = serde_json::from_str(r#"{"fiscal_number":"RSSMRA45D25F205N"}"#).unwrap();
        assert_eq!(plain.fiscal_number(), Some("RSSMRA45D25F205N"));
    }

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let config = OidcConfig::new("https://idp.example.org", "concerto", Some("segretissimo")).unwrap();
        assert!(!format!("{config:?}").contains("segretissimo"));
        assert!(OidcConfig::new("non un url", "concerto", None).is_err());
    }
}

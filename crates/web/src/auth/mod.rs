//! Signing in and out with e-mail and password, the signed-in account of a request,
//! and the answers authorization decisions turn into.

mod login;
mod oidc;
pub(crate) mod reset;

use crate::AppState;

pub use crate::secret::hash_password;
pub use oidc::{OidcConfig, OidcConfigError};

/// `/accedi`, `/esci` and the SPID/CIE login under `/accedi/spid`.
pub fn routes() -> axum::Router<AppState> {
    login::routes().merge(oidc::routes()).merge(reset::routes())
}

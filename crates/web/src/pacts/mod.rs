//! The participation pact (patto di partecipazione) on the web: the organization's
//! page behind its secret link or its representative's account (read, accept
//! online, upload the signed file, withdraw), the representative's list of its
//! pacts, and the office's register with the countersignature and exports.
//! The rules are the domain's; these handlers read forms, ask, and render.

mod mine;
mod office;
mod organization;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use concerto_domain::{Pact, PactAction, Process, ReceivedExpression};
use concerto_mail::templates::{PactNotice, pact_step};
use concerto_store::NewEmail;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(organization_routes("/manifestazioni/{token}/patto", "/manifestazioni/{token}/patto.pdf"))
        .route(OWN_PACTS, get(mine::list))
        .merge(organization_routes("/i-miei-patti/{id}", "/i-miei-patti/{id}/patto.pdf"))
        .route("/ufficio/processi/{slug}/patti", get(office::register))
        .route("/ufficio/processi/{slug}/patti.csv", get(office::csv))
        .route("/ufficio/processi/{slug}/patti.xlsx", get(office::xlsx))
        .route("/ufficio/processi/{slug}/patti/{id}/controfirma", post(office::countersign))
        .route("/ufficio/processi/{slug}/patti/{id}/firmato", get(office::signed_file))
}

/// The organization's routes below `page`, the same behind the secret link
/// (`{token}`) and for a signed-in representative (`{id}` of the pact).
fn organization_routes(page: &str, pdf: &str) -> Router<AppState> {
    Router::new()
        .route(page, get(organization::page))
        .route(pdf, get(organization::pdf))
        .route(&format!("{page}/accettazione"), post(organization::accept))
        .route(
            &format!("{page}/firmato"),
            // Past the limit the multipart reader fails, and the page says why (413).
            post(organization::upload)
                .layer(DefaultBodyLimit::max(concerto_domain::MAX_SIGNED_FILE_BYTES + organization::FORM_OVERHEAD)),
        )
        .route(&format!("{page}/recesso"), post(organization::withdraw))
}

pub fn pact_path(token: &str) -> String {
    format!("/manifestazioni/{token}/patto")
}

/// "I miei patti": a representative's pacts, across processes.
const OWN_PACTS: &str = "/i-miei-patti";

/// A pact's page for its representative's account.
fn own_pact_path(id: i64) -> String {
    format!("{OWN_PACTS}/{id}")
}

/// The pre-filled pact of `received`, as the organization downloads it. The same
/// expression always gives the same bytes, so their SHA-256 names the version.
/// A pact with the expression it follows and its process.
struct Loaded {
    process: Process,
    received: ReceivedExpression,
    pact: Pact,
}

impl Loaded {
    /// The message that tells the organization about `action` on its pact. Its link
    /// is the pact page the step came through (`path`, behind the management link
    /// or the account's); the office does not hold the token, so its messages link
    /// the process page.
    fn email(
        &self,
        state: &AppState,
        action: PactAction,
        at: DateTime<Utc>,
        sha256: Option<String>,
        path: Option<&str>,
    ) -> NewEmail {
        let base = state.config.public_url.trim_end_matches('/');
        let pact_url = match path {
            Some(path) => format!("{base}{path}"),
            None => format!("{base}/processi/{}", self.process.header.slug),
        };
        let applicant = &self.received.expression.applicant;
        pact_step(&PactNotice {
            pact_id: self.pact.id,
            kind: self.pact.kind,
            action,
            at,
            recipient: applicant.email.clone(),
            applicant_name: applicant.name.clone(),
            ambito_name: self.process.ambito.full_name(),
            process_title: self.process.header.title.clone(),
            document_sha256: sha256,
            pact_url,
        })
    }
}

//! Receiving expressions of interest: the public form, the JSON API and the secret
//! management link share one path from input to receipt.

pub mod api;
mod form;
mod manage;
mod resend;

use axum::Router;
use axum::routing::{get, post};
use concerto_domain::{ExpressionInput, FieldErrors, Process, SubmissionConflict, validate_expression};

use concerto_mail::templates::{ReceiptEmail, expression_receipt};
use concerto_store::{NewEmail, Receipt, StoreError, Submission};

use crate::AppState;
use crate::error::{WebError, conflict_errors};
use crate::limits::Door;
use crate::secret::{new_token, token_digest};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/processi/{slug}/manifestazione", get(form::new_form).post(form::submit))
        .route("/processi/{slug}/manifestazione/collegamento", get(resend::form).post(resend::send))
        .route("/manifestazioni/{token}", get(manage::page))
        .route("/manifestazioni/{token}/ricevuta", get(manage::receipt))
        .route("/manifestazioni/{token}/modifica", get(form::amend_form).post(form::amend))
        .route("/manifestazioni/{token}/ritiro", post(manage::withdraw))
        .route("/api/v1/processes/{slug}/expressions", post(api::submit))
}

/// Why a submission was not received.
pub enum SubmitError {
    Invalid(FieldErrors),
    /// A registration rule refused it: a tax code already registered, an
    /// expression no longer amendable.
    Refused(SubmissionConflict),
    Web(WebError),
}

impl From<WebError> for SubmitError {
    fn from(e: WebError) -> Self {
        SubmitError::Web(e)
    }
}

/// A received expression and the secret token of its management link.
pub struct Submitted {
    pub receipt: Receipt,
    pub token: String,
}

pub fn receipt_path(token: &str) -> String {
    format!("/manifestazioni/{token}/ricevuta")
}

pub fn manage_path(token: &str) -> String {
    format!("/manifestazioni/{token}")
}

/// Whether the honeypot field of a public form was filled: only a robot sees it.
pub fn caught_in_trap(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(name, value)| name == HONEYPOT && !value.trim().is_empty())
}

/// The public forms' honeypot field.
pub const HONEYPOT: &str = "website";

/// Validates `input` against the process's rules at the server's time and, when it
/// passes, receives it: protocol number, storage and the receipt e-mail in one
/// transaction. `amends` is the token of the management link used to amend.
pub async fn receive(
    state: &AppState,
    process: &Process,
    input: &ExpressionInput,
    amends: Option<&str>,
    client: &str,
) -> Result<Submitted, SubmitError> {
    state.limiter.admit(Door::Expression, client)?;
    let now = state.clock.now();
    let expression = validate_expression(input, process, now).map_err(SubmitError::Invalid)?;
    let token = new_token()?;
    let submission = Submission {
        process,
        expression: &expression,
        received_at: now,
        manage_token_digest: token_digest(&token),
        amends: amends.map(token_digest),
    };
    let base = state.config.public_url.trim_end_matches('/');
    let areas: Vec<String> =
        expression.participations.iter().filter_map(|p| process.area(p.area_id)).map(|a| a.name.clone()).collect();
    let email = |receipt: &Receipt| {
        let message = expression_receipt(&ReceiptEmail {
            recipient: expression.applicant.email.clone(),
            applicant_name: expression.applicant.name.clone(),
            process_title: process.header.title.clone(),
            ambito_name: process.ambito.full_name(),
            protocol_number: receipt.protocol.to_string(),
            received_at: receipt.received_at,
            sha256: receipt.sha256.clone(),
            areas: areas.clone(),
            receipt_url: format!("{base}{}", receipt_path(&token)),
            manage_url: format!("{base}{}", manage_path(&token)),
            replaces: receipt.supersedes.map(|p| p.to_string()),
            pact_url: expression.eligible_for_pact.then(|| format!("{base}{}/patto", manage_path(&token))),
            privacy_url: format!("{base}/processi/{}/privacy", process.header.slug),
        });
        // Protocol numbers repeat across Ambiti; the expression's id does not.
        NewEmail { dedup_key: format!("receipt:{}", receipt.expression_id), ..message }
    };
    match state.store.submit_expression(&submission, email).await {
        Ok(receipt) => {
            state.outbox.wake();
            Ok(Submitted { receipt, token })
        }
        Err(StoreError::Refused(SubmissionConflict::TaxCodeChanged)) => {
            Err(SubmitError::Invalid(conflict_errors(SubmissionConflict::TaxCodeChanged)))
        }
        Err(StoreError::Refused(conflict)) => Err(SubmitError::Refused(conflict)),
        Err(StoreError::NotFound) => Err(SubmitError::Web(WebError::NotFound)),
        Err(e) => Err(SubmitError::Web(e.into())),
    }
}

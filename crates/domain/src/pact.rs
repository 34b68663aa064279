//! Participation pact (patto di partecipazione): what an admitted organization signs
//! with the Ambito, and its life from generation to countersignature or withdrawal
//! (recesso). Unions sign a memorandum of understanding (protocollo d'intesa) instead.
//!
//! The life is a small state machine: generated → signed (by uploading the signed
//! file or accepting online) → countersigned by the office; withdrawn from any of
//! them by a written declaration. A generated pact may be withdrawn too: an
//! organization that will not sign says so, and the office's lists stop waiting.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{ApplicantKind, Expression};

pub mod upload;

/// Which document the applicant signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PactKind {
    /// Patto di partecipazione.
    ParticipationPact,
    /// Protocollo d'intesa, for unions (organizzazioni sindacali).
    Memorandum,
}

/// Where a pact is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PactState {
    /// Generated, pre-filled, waiting for the organization's signature.
    Generated,
    /// Signed by the organization (firmato).
    Signed,
    /// Countersigned by the office (controfirmato): in force.
    Countersigned,
    /// Withdrawn (recesso) by a written declaration, or with the expression.
    Withdrawn,
}

/// How the organization signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureMethod {
    /// Accepted online through the management link (accettazione online).
    Online,
    /// Uploaded a signed PDF or `.p7m` (caricamento del file firmato).
    Upload,
}

/// What can happen to a pact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PactAction {
    Sign,
    Countersign,
    Withdraw,
}

codes!(PactKind { ParticipationPact => "participation_pact", Memorandum => "memorandum" });
codes!(PactState { Generated => "generated", Signed => "signed", Countersigned => "countersigned", Withdrawn => "withdrawn" });
codes!(SignatureMethod { Online => "online", Upload => "upload" });
codes!(PactAction { Sign => "signed", Countersign => "countersigned", Withdraw => "withdrawn" });

impl PactKind {
    /// The document an expression leads to, when it is eligible for one.
    pub fn for_expression(expression: &Expression) -> Option<PactKind> {
        if !expression.eligible_for_pact {
            return None;
        }
        Some(match expression.applicant.kind {
            ApplicantKind::Union => PactKind::Memorandum,
            _ => PactKind::ParticipationPact,
        })
    }
}

/// A pact as stored: its state and the instant of each step taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pact {
    pub id: i64,
    pub process_id: i64,
    pub ambito_id: i64,
    /// The applicant's current expression; an amendment moves the pact along.
    pub expression_id: i64,
    pub kind: PactKind,
    pub state: PactState,
    pub generated_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signature: Option<SignatureMethod>,
    pub countersigned_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PactError {
    #[error("il patto è già stato firmato")]
    AlreadySigned,
    #[error("il patto non è ancora stato firmato dall'organizzazione")]
    NotSigned,
    #[error("il patto è già stato controfirmato")]
    AlreadyCountersigned,
    #[error("il patto è stato oggetto di recesso")]
    Withdrawn,
}

/// The state after `action` on a pact in `state`, or why it cannot be taken.
pub fn next_state(state: PactState, action: PactAction) -> Result<PactState, PactError> {
    use PactAction::*;
    use PactState::*;
    match (state, action) {
        (Withdrawn, _) => Err(PactError::Withdrawn),
        (Generated, Sign) => Ok(Signed),
        (Signed | Countersigned, Sign) => Err(PactError::AlreadySigned),
        (Generated, Countersign) => Err(PactError::NotSigned),
        (Signed, Countersign) => Ok(Countersigned),
        (Countersigned, Countersign) => Err(PactError::AlreadyCountersigned),
        (Generated | Signed | Countersigned, Withdraw) => Ok(Withdrawn),
    }
}

/// The written declaration of withdrawal (dichiarazione di recesso).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WithdrawalDeclaration {
    /// Who declares, for the organization.
    pub declarant: String,
    /// In what capacity (legale rappresentante, delegato…).
    pub capacity: String,
    pub reason: Option<String>,
}

/// The declaration as typed in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct WithdrawalInput {
    pub declarant: String,
    pub capacity: String,
    pub reason: String,
    pub confirm: Option<String>,
}

/// The online acceptance as typed: who accepts, and the version they read.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct AcceptanceInput {
    pub signer: String,
    /// SHA-256 of the version shown to the signer, sent back with the form.
    pub sha256: String,
    pub confirm: Option<String>,
}

const MAX_NAME: usize = 200;
const MAX_REASON: usize = 2_000;

fn required(errors: &mut crate::FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.push(field, "required", "Campo obbligatorio.");
    } else if value.chars().count() > max {
        errors.push(field, "too_long", format!("Al massimo {max} caratteri."));
    }
    errors.check_text(field, value, false);
    value.to_string()
}

/// Checks a withdrawal declaration: who, in what capacity, and the box ticked.
pub fn validate_withdrawal(input: &WithdrawalInput) -> Result<WithdrawalDeclaration, crate::FieldErrors> {
    let mut errors = crate::FieldErrors::default();
    let declarant = required(&mut errors, "declarant", &input.declarant, MAX_NAME);
    let capacity = required(&mut errors, "capacity", &input.capacity, MAX_NAME);
    let reason = Some(input.reason.trim().to_string()).filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REASON) {
        errors.push("reason", "too_long", format!("Al massimo {MAX_REASON} caratteri."));
    }
    errors.check_text("reason", reason.as_deref().unwrap_or(""), true);
    if input.confirm.is_none() {
        errors.push("confirm", "required_acceptance", "Occorre confermare la dichiarazione di recesso.");
    }
    errors.into_result(WithdrawalDeclaration { declarant, capacity, reason })
}

/// Checks an online acceptance against the SHA-256 of the version now in force: a
/// signer who read an older version must read the new one first.
pub fn validate_acceptance(input: &AcceptanceInput, current_sha256: &str) -> Result<String, crate::FieldErrors> {
    let mut errors = crate::FieldErrors::default();
    let signer = required(&mut errors, "signer", &input.signer, MAX_NAME);
    if input.confirm.is_none() {
        errors.push("confirm", "required_acceptance", "Occorre dichiarare di accettare il patto.");
    }
    if input.sha256.trim() != current_sha256 {
        errors.push(
            "sha256",
            "version_changed",
            "Il documento è cambiato da quando è stato aperto: rileggere la versione attuale prima di accettarla.",
        );
    }
    errors.into_result(signer)
}

#[cfg(test)]
mod tests;

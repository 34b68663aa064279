//! The life of a registration in the protocol register: who may send a new
//! expression, who may amend one, what an amendment does to the pact, and the
//! annulment that replaces deletion (DPR 445/2000, art. 54).
//!
//! A tax code is public: anyone can type an organization's. Only the holder of the
//! registration (the secret management link, or the signed-in representative) may
//! change it, so a second public submission with the same tax code is refused
//! rather than read as an amendment.

use crate::{ExpressionStatus, FieldErrors, PactKind, PactState};

/// Why a submission is not received as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionConflict {
    /// A new submission names a tax code that already has a current expression in
    /// the process: the holder amends it through the link instead.
    #[error("questo codice fiscale ha già una manifestazione di interesse in corso per questo processo")]
    AlreadyRegistered,
    /// The expression behind the link is no longer the current one, or was withdrawn
    /// or annulled.
    #[error("questa manifestazione di interesse non è più modificabile ({})", status_label(*.0))]
    NotAmendable(ExpressionStatus),
    /// An amendment tried to move the registration to another subject.
    #[error("il codice fiscale non può cambiare in una rettifica")]
    TaxCodeChanged,
}

fn status_label(status: ExpressionStatus) -> &'static str {
    match status {
        ExpressionStatus::Active => "in corso",
        ExpressionStatus::Superseded => "sostituita da una rettifica",
        ExpressionStatus::Withdrawn => "ritirata",
        ExpressionStatus::Annulled => "annullata",
    }
}

/// A new, non-amending submission: refused when the applicant already has a
/// current expression in the process.
pub fn admit_new_submission(has_current_expression: bool) -> Result<(), SubmissionConflict> {
    if has_current_expression { Err(SubmissionConflict::AlreadyRegistered) } else { Ok(()) }
}

/// Whether an expression in `status` may still be amended by its holder.
pub fn amendable(status: ExpressionStatus) -> Result<(), SubmissionConflict> {
    match status {
        ExpressionStatus::Active => Ok(()),
        other => Err(SubmissionConflict::NotAmendable(other)),
    }
}

/// An amendment of the expression in `status` with tax code `current_tax_code`,
/// sent with `new_tax_code`.
pub fn admit_amendment(
    status: ExpressionStatus,
    current_tax_code: &str,
    new_tax_code: &str,
) -> Result<(), SubmissionConflict> {
    amendable(status)?;
    if current_tax_code != new_tax_code {
        return Err(SubmissionConflict::TaxCodeChanged);
    }
    Ok(())
}

/// What happens to the applicant's pact when a new version of the expression is
/// received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PactChange {
    /// A first eligible expression: a pact is generated for it.
    Generate(PactKind),
    /// An amendment that stays eligible: the pact, with its signatures, follows the
    /// new version (its kind may change, a union's memorandum for instance).
    Follow(PactKind),
    /// An amendment no longer eligible: the pact ends.
    End,
    /// Nothing to do.
    Keep,
}

impl PactChange {
    /// What the audit entry of a submission records.
    pub fn code(self) -> &'static str {
        match self {
            PactChange::Generate(_) => "generated",
            PactChange::Follow(_) => "followed",
            PactChange::End => "ended",
            PactChange::Keep => "unchanged",
        }
    }
}

/// The pact rule: `current` is the state of the pact of the version being replaced
/// (none for a first submission), `kind` what the new version is eligible for.
pub fn pact_change(current: Option<PactState>, kind: Option<PactKind>) -> PactChange {
    match (current.filter(|s| *s != PactState::Withdrawn), kind) {
        (Some(_), Some(kind)) => PactChange::Follow(kind),
        (Some(_), None) => PactChange::End,
        (None, Some(kind)) if current.is_none() => PactChange::Generate(kind),
        // A withdrawn pact is not revived by an amendment: withdrawal is final.
        (None, _) => PactChange::Keep,
    }
}

/// The longest reason an annulment may give.
pub const MAX_ANNULMENT_REASON_CHARS: usize = 1000;

/// The reason of an annulment, checked: required, one paragraph of plain text.
pub fn validate_annulment_reason(reason: &str) -> Result<String, FieldErrors> {
    let reason = reason.trim();
    let mut errors = FieldErrors::default();
    if reason.is_empty() {
        errors.push("reason", "required", "Indica il motivo dell'annullamento.");
    } else if reason.chars().count() > MAX_ANNULMENT_REASON_CHARS {
        errors.push("reason", "too_long", format!("Al massimo {MAX_ANNULMENT_REASON_CHARS} caratteri."));
    } else {
        errors.check_text("reason", reason, true);
    }
    errors.into_result(reason.to_string())
}

/// Whether the office may annul an expression in `status`: anything but an
/// expression already annulled. A superseded version is annulled with its chain by
/// annulling the current one.
pub fn may_annul(status: ExpressionStatus) -> bool {
    matches!(status, ExpressionStatus::Active | ExpressionStatus::Withdrawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_public_submission_for_a_tax_code_is_refused() {
        assert_eq!(admit_new_submission(true), Err(SubmissionConflict::AlreadyRegistered));
        assert_eq!(admit_new_submission(false), Ok(()));
    }

    #[test]
    fn only_the_current_expression_is_amendable() {
        assert_eq!(amendable(ExpressionStatus::Active), Ok(()));
        for status in [ExpressionStatus::Superseded, ExpressionStatus::Withdrawn, ExpressionStatus::Annulled] {
            assert_eq!(amendable(status), Err(SubmissionConflict::NotAmendable(status)));
        }
        assert_eq!(
            admit_amendment(ExpressionStatus::Active, "62096654280", "00743110157"),
            Err(SubmissionConflict::TaxCodeChanged)
        );
        // A withdrawn expression says it is withdrawn, not that the tax code changed.
        assert_eq!(
            admit_amendment(ExpressionStatus::Withdrawn, "62096654280", "00743110157"),
            Err(SubmissionConflict::NotAmendable(ExpressionStatus::Withdrawn))
        );
        assert!(SubmissionConflict::NotAmendable(ExpressionStatus::Annulled).to_string().contains("annullata"));
    }

    #[test]
    fn the_pact_follows_ends_or_stays_withdrawn() {
        let pact = PactKind::ParticipationPact;
        assert_eq!(pact_change(None, Some(pact)), PactChange::Generate(pact));
        assert_eq!(pact_change(None, None), PactChange::Keep);
        assert_eq!(
            pact_change(Some(PactState::Countersigned), Some(PactKind::Memorandum)),
            PactChange::Follow(PactKind::Memorandum)
        );
        assert_eq!(pact_change(Some(PactState::Signed), None), PactChange::End);
        assert_eq!(pact_change(Some(PactState::Withdrawn), Some(pact)), PactChange::Keep);
    }

    #[test]
    fn an_annulment_needs_a_reason() {
        assert!(validate_annulment_reason("  ").is_err());
        assert!(validate_annulment_reason(&"x".repeat(1001)).is_err());
        assert!(validate_annulment_reason("a\u{7}b").is_err());
        assert_eq!(validate_annulment_reason(" Invio di prova ").unwrap(), "Invio di prova");
        assert!(may_annul(ExpressionStatus::Active));
        assert!(!may_annul(ExpressionStatus::Annulled));
        assert!(!may_annul(ExpressionStatus::Superseded));
    }
}

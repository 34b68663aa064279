//! The monitoring board (cabina di regia): referents appointed by the office among
//! the organizations that signed the participation pact, at most one each.
//!
//! A pact in force is one signed by the organization (or also countersigned by the
//! office): a pact only generated is not yet an agreement, and a withdrawn one
//! (recesso) no longer is. A referent appointed before their organization withdrew
//! stays on the board, since the appointment was an act of the office: the office
//! sees the member flagged and decides ([`pact_lapsed`]).

use crate::{FieldErrors, PactState};

/// An organization the office might appoint from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardCandidate {
    pub tax_code: String,
    /// Has it signed the participation pact (patto di partecipazione)? An input: the
    /// caller says where it comes from.
    pub pact_signed: bool,
}

/// Does a pact in `state` let its organization sit on the board?
pub fn pact_in_force(state: PactState) -> bool {
    matches!(state, PactState::Signed | PactState::Countersigned)
}

impl BoardCandidate {
    /// The organization `tax_code`, whose pacts (every one it ever had, withdrawn
    /// ones too) are in `states`.
    pub fn of(tax_code: &str, states: impl IntoIterator<Item = PactState>) -> BoardCandidate {
        BoardCandidate { tax_code: tax_code.to_string(), pact_signed: states.into_iter().any(pact_in_force) }
    }
}

/// Has an appointed member's organization, with pacts in `states`, lost its pact
/// since (withdrawn, or never signed)?
pub fn pact_lapsed(states: impl IntoIterator<Item = PactState>) -> bool {
    !states.into_iter().any(pact_in_force)
}

/// May `candidate` get a referent, with `appointed` the organizations already on the board?
pub fn check_appointment(candidate: &BoardCandidate, referent: &str, appointed: &[String]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    if !candidate.pact_signed {
        errors.push("organization", "no_pact", "L'organizzazione non ha sottoscritto il patto di partecipazione.");
    } else if appointed.iter().any(|t| t == &candidate.tax_code) {
        errors.push("organization", "already_appointed", "L'organizzazione ha già un referente nella cabina di regia.");
    }
    if referent.trim().is_empty() {
        errors.push("referent", "required", "Indicare il nome del referente.");
    }
    errors.check_text("referent", referent, false);
    errors.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_referent_per_organization_with_a_pact() {
        let signed = BoardCandidate { tax_code: "A".into(), pact_signed: true };
        assert!(check_appointment(&signed, "Anna", &[]).is_ok());
        assert_eq!(check_appointment(&signed, "Anna", &["A".into()]).unwrap_err().errors[0].code, "already_appointed");
        let unsigned = BoardCandidate { tax_code: "B".into(), pact_signed: false };
        assert_eq!(check_appointment(&unsigned, "Bruno", &[]).unwrap_err().errors[0].code, "no_pact");
        assert_eq!(check_appointment(&signed, " ", &[]).unwrap_err().errors[0].field, "referent");
    }

    #[test]
    fn only_a_signed_or_countersigned_pact_is_in_force() {
        use PactState::*;
        assert!(!BoardCandidate::of("A", [Generated]).pact_signed);
        assert!(BoardCandidate::of("A", [Signed]).pact_signed);
        assert!(BoardCandidate::of("A", [Withdrawn, Countersigned]).pact_signed, "a new pact after a withdrawn one");
        assert!(!BoardCandidate::of("A", [Withdrawn]).pact_signed, "withdrawn");
        assert!(!BoardCandidate::of("A", []).pact_signed, "no pact at all");
        assert!(pact_lapsed([Withdrawn]) && !pact_lapsed([Countersigned]));
    }
}

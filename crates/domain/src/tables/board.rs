//! The monitoring board (cabina di regia): referents appointed by the office among
//! the organizations that signed the participation pact, at most one each.

use crate::FieldErrors;

/// An organization the office might appoint from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardCandidate {
    pub tax_code: String,
    /// Has it signed the participation pact (patto di partecipazione)? An input: the
    /// caller says where it comes from.
    pub pact_signed: bool,
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
}

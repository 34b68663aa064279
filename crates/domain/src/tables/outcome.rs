//! The outcome (esito) of each proposal in the summary of proposals (prospetto di
//! sintesi): the office must say why whenever a proposal is not accepted as it is.

use crate::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Accolta.
    Accepted,
    /// Accolta parzialmente.
    PartlyAccepted,
    /// Non accolta.
    NotAccepted,
    /// Unita ad altra proposta: a duplicate, merged into another one.
    Merged,
}

codes!(Outcome { Accepted => "accepted", PartlyAccepted => "partly_accepted", NotAccepted => "not_accepted", Merged => "merged" });

impl Outcome {
    /// Italian label, as the summary prints it.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Accepted => "Accolta",
            Outcome::PartlyAccepted => "Accolta parzialmente",
            Outcome::NotAccepted => "Non accolta",
            Outcome::Merged => "Unita ad altra proposta",
        }
    }
}

/// An outcome the office may record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeDecision {
    pub outcome: Outcome,
    /// Always present unless the proposal was accepted as it is.
    pub motivation: Option<String>,
    /// The proposal a merged one now lives in.
    pub merged_into: Option<i64>,
}

/// Checks the office's outcome for proposal `proposal_id`. `targets` are the
/// proposals it may be merged into (the others of the process not merged themselves).
pub fn decide_outcome(
    proposal_id: i64,
    outcome: &str,
    motivation: &str,
    merged_into: Option<i64>,
    targets: &[i64],
) -> Result<OutcomeDecision, FieldErrors> {
    let mut errors = FieldErrors::default();
    let motivation = Some(motivation.trim().to_string()).filter(|m| !m.is_empty());
    let Some(outcome) = Outcome::from_code(outcome) else {
        errors.push("outcome", "required", "Scegliere l'esito della proposta.");
        return Err(errors);
    };
    if outcome != Outcome::Accepted && motivation.is_none() {
        errors.push("motivation", "required", "La motivazione è obbligatoria per ogni esito diverso da «Accolta».");
    }
    if motivation.as_ref().is_some_and(|m| m.chars().count() > 5_000) {
        errors.push("motivation", "too_long", "La motivazione non può superare 5.000 caratteri.");
    }
    errors.check_text("motivation", motivation.as_deref().unwrap_or(""), true);
    let merged_into = match outcome {
        Outcome::Merged => match merged_into {
            Some(target) if target != proposal_id && targets.contains(&target) => Some(target),
            _ => {
                errors.push("merged_into", "required", "Scegliere la proposta in cui unire questa.");
                None
            }
        },
        _ => None,
    };
    errors.into_result(OutcomeDecision { outcome, motivation, merged_into })
}

/// The summary may be published once every proposal has its outcome; `decided`
/// says, proposal by proposal, whether it has one.
pub fn check_summary_complete(decided: &[bool]) -> Result<(), FieldErrors> {
    let missing = decided.iter().filter(|d| !**d).count();
    let mut errors = FieldErrors::default();
    if decided.is_empty() {
        errors.push("summary", "no_proposals", "Non ci sono proposte da includere nel prospetto.");
    } else if missing > 0 {
        errors.push("summary", "undecided", format!("{missing} proposte sono ancora senza esito."));
    }
    errors.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_accepted_goes_without_motivation() {
        assert!(decide_outcome(1, "accepted", "", None, &[]).is_ok());
        for code in ["partly_accepted", "not_accepted"] {
            let errors = decide_outcome(1, code, "  ", None, &[]).unwrap_err();
            assert_eq!(errors.errors[0].field, "motivation", "{code}");
            assert!(decide_outcome(1, code, "Perché sì", None, &[]).is_ok());
        }
    }

    #[test]
    fn a_merge_needs_another_proposal_and_a_motivation() {
        let errors = decide_outcome(1, "merged", "", Some(1), &[1, 2]).unwrap_err();
        let fields: Vec<_> = errors.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["motivation", "merged_into"]);
        let ok = decide_outcome(1, "merged", "Duplicato", Some(2), &[2]).unwrap();
        assert_eq!(ok.merged_into, Some(2));
    }

    #[test]
    fn the_summary_waits_for_every_outcome() {
        assert!(check_summary_complete(&[true, true]).is_ok());
        assert_eq!(check_summary_complete(&[true, false]).unwrap_err().errors[0].code, "undecided");
        assert_eq!(check_summary_complete(&[]).unwrap_err().errors[0].code, "no_proposals");
    }

    #[test]
    fn an_unknown_outcome_is_named() {
        assert_eq!(decide_outcome(1, "", "", None, &[]).unwrap_err().errors[0].field, "outcome");
    }
}

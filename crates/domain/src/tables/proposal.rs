//! A proposal (proposta) made at a table: entered by the office during a session or
//! sent online by a registered participant.

use crate::FieldErrors;

/// What a proposal says, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDraft {
    pub title: String,
    pub text: String,
    pub area_ids: Vec<i64>,
    /// The proposing organization (ente proponente).
    pub organization: String,
}

/// Checks a proposal against the process's areas; every bad field is named.
pub fn validate_proposal(
    title: &str,
    text: &str,
    area_ids: &[i64],
    organization: &str,
    process_areas: &[i64],
) -> Result<ProposalDraft, FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = title.trim();
    let text = text.trim();
    let organization = organization.trim();
    if title.is_empty() {
        errors.push("title", "required", "Indicare il titolo della proposta.");
    } else if title.chars().count() > 200 {
        errors.push("title", "too_long", "Il titolo non può superare 200 caratteri.");
    }
    if text.is_empty() {
        errors.push("text", "required", "Descrivere la proposta.");
    } else if text.chars().count() > 10_000 {
        errors.push("text", "too_long", "Il testo non può superare 10.000 caratteri.");
    }
    if organization.is_empty() {
        errors.push("organization", "required", "Indicare l'organizzazione proponente.");
    }
    errors.check_text("title", title, false);
    errors.check_text("text", text, true);
    errors.check_text("organization", organization, false);
    let mut areas: Vec<i64> = area_ids.iter().copied().filter(|id| process_areas.contains(id)).collect();
    areas.sort_unstable();
    areas.dedup();
    if areas.is_empty() || areas.len() != area_ids.iter().collect::<std::collections::BTreeSet<_>>().len() {
        errors.push("area", "required", "Scegliere almeno un'area tematica del processo.");
    }
    errors.into_result(ProposalDraft {
        title: title.to_string(),
        text: text.to_string(),
        area_ids: areas,
        organization: organization.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_missing_field_is_named() {
        let errors = validate_proposal(" ", "", &[], "", &[1, 2]).unwrap_err();
        let fields: Vec<_> = errors.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "text", "organization", "area"]);
    }

    #[test]
    fn an_area_of_another_process_is_refused() {
        assert!(validate_proposal("T", "X", &[1, 9], "Org", &[1, 2]).is_err());
        let ok = validate_proposal(" T ", "X", &[2, 1, 2], "Org", &[1, 2]).unwrap();
        assert_eq!((ok.title.as_str(), ok.area_ids), ("T", vec![1, 2]));
    }
}

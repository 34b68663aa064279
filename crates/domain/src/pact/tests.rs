use super::*;
use crate::{Applicant, TaxCode};

#[test]
fn every_transition_of_the_life_is_allowed_or_named() {
    use PactAction::*;
    use PactState::*;
    let cases = [
        (Generated, Sign, Ok(Signed)),
        (Generated, Countersign, Err(PactError::NotSigned)),
        (Generated, Withdraw, Ok(Withdrawn)),
        (Signed, Sign, Err(PactError::AlreadySigned)),
        (Signed, Countersign, Ok(Countersigned)),
        (Signed, Withdraw, Ok(Withdrawn)),
        (Countersigned, Sign, Err(PactError::AlreadySigned)),
        (Countersigned, Countersign, Err(PactError::AlreadyCountersigned)),
        (Countersigned, Withdraw, Ok(Withdrawn)),
        (Withdrawn, Sign, Err(PactError::Withdrawn)),
        (Withdrawn, Countersign, Err(PactError::Withdrawn)),
        (Withdrawn, Withdraw, Err(PactError::Withdrawn)),
    ];
    for (state, action, expected) in cases {
        assert_eq!(next_state(state, action), expected, "{state:?} {action:?}");
    }
}

#[test]
fn codes_round_trip() {
    for s in PactState::ALL {
        assert_eq!(PactState::from_code(s.code()), Some(s));
    }
    for k in PactKind::ALL {
        assert_eq!(PactKind::from_code(k.code()), Some(k));
    }
    for m in SignatureMethod::ALL {
        assert_eq!(SignatureMethod::from_code(m.code()), Some(m));
    }
    assert_eq!(PactState::from_code("lost"), None);
}

fn expression(kind: ApplicantKind, eligible: bool) -> Expression {
    Expression {
        applicant: Applicant {
            kind,
            name: "APS Esempio".into(),
            legal_form: None,
            tax_code: TaxCode::parse("00743110157").unwrap(),
            legal_representative: Some("Maria Rossi".into()),
            address: "Via Roma 1".into(),
            municipality: "Casarano".into(),
            email: "info@aps.example.org".into(),
            pec: None,
            phone: None,
            founded_on: None,
        },
        participations: vec![],
        proposal: None,
        eligible_for_pact: eligible,
        public_name_consent: false,
    }
}

#[test]
fn eligible_expressions_get_a_pact_and_unions_a_memorandum() {
    assert_eq!(
        PactKind::for_expression(&expression(ApplicantKind::Organization, true)),
        Some(PactKind::ParticipationPact)
    );
    assert_eq!(
        PactKind::for_expression(&expression(ApplicantKind::PublicBody, true)),
        Some(PactKind::ParticipationPact)
    );
    assert_eq!(PactKind::for_expression(&expression(ApplicantKind::Union, true)), Some(PactKind::Memorandum));
    assert_eq!(PactKind::for_expression(&expression(ApplicantKind::Organization, false)), None);
    assert_eq!(PactKind::for_expression(&expression(ApplicantKind::Citizen, false)), None);
}

#[test]
fn a_withdrawal_names_who_declares_and_needs_the_box_ticked() {
    let errors = validate_withdrawal(&WithdrawalInput::default()).unwrap_err();
    let fields: Vec<&str> = errors.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["declarant", "capacity", "confirm"]);
    let ok = validate_withdrawal(&WithdrawalInput {
        declarant: " Maria Rossi ".into(),
        capacity: "legale rappresentante".into(),
        reason: "  ".into(),
        confirm: Some("1".into()),
    })
    .unwrap();
    assert_eq!(
        ok,
        WithdrawalDeclaration {
            declarant: "Maria Rossi".into(),
            capacity: "legale rappresentante".into(),
            reason: None
        }
    );
}

#[test]
fn an_acceptance_holds_only_for_the_version_in_force() {
    let input = AcceptanceInput { signer: "Maria Rossi".into(), sha256: "abc".into(), confirm: Some("1".into()) };
    assert_eq!(validate_acceptance(&input, "abc"), Ok("Maria Rossi".to_string()));
    let stale = validate_acceptance(&input, "def").unwrap_err();
    assert_eq!(stale.errors[0].code, "version_changed");
    let unticked = validate_acceptance(&AcceptanceInput { confirm: None, ..input }, "abc").unwrap_err();
    assert_eq!(unticked.errors[0].field, "confirm");
}

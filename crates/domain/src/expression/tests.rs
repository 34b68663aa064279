use chrono::{NaiveDate, NaiveTime};

use super::*;
use crate::{
    Ambito, ApplicationChannels, Contacts, Deadline, NewAmbito, PlanCycle, ProcessHeader, ProcessStatus, ThematicArea,
};

fn process(minimum_age: Option<MinimumAge>) -> Process {
    let deadline = Deadline::from_local(
        NaiveDate::from_ymd_opt(2026, 12, 22).unwrap(),
        NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
    )
    .unwrap();
    Process {
        id: 1,
        ambito: Ambito {
            id: 1,
            profile: NewAmbito {
                slug: "esempio".into(),
                name: "Esempio".into(),
                number: None,
                province: "ES".into(),
                region: "Esempio".into(),
                lead_municipality: "Esempio".into(),
                municipalities: vec!["Esempio".into()],
                managing_body: None,
                address: None,
                contacts: Contacts::default(),
            },
        },
        header: ProcessHeader {
            slug: "esempio-2026-2028".into(),
            title: "Piano".into(),
            cycle: PlanCycle { from: 2026, to: 2028 },
            regional_plan: None,
            legal_references: vec![],
            status: ProcessStatus::Published,
            deadline: Some(deadline),
            channels: ApplicationChannels { online_form: true, ..Default::default() },
            contact_person: None,
            description: String::new(),
            eligibility: String::new(),
            signatory: None,
            minimum_age,
        },
        phases: vec![],
        areas: vec![
            ThematicArea { id: 10, name: "Welfare d'accesso".into(), catalogue_code: None },
            ThematicArea { id: 11, name: "Minori".into(), catalogue_code: None },
        ],
        tables: vec![],
        sessions: vec![],
    }
}

fn now() -> DateTime<Utc> {
    "2026-11-22T12:00:00Z".parse().unwrap()
}

fn representative() -> RepresentativeInput {
    RepresentativeInput { name: "Anna Bianchi".into(), email: "anna@example.org".into(), phone: None }
}

fn valid_input() -> ExpressionInput {
    ExpressionInput {
        applicant: ApplicantInput {
            kind: "organization".into(),
            name: "Associazione Esempio ODV".into(),
            legal_form: Some("odv".into()),
            tax_code: "00743110157".into(),
            legal_representative: Some("Mario Rossi".into()),
            address: "Via Roma 1".into(),
            municipality: "Esempio".into(),
            email: "info@esempio.org".into(),
            pec: None,
            phone: Some("+39 0833 123456".into()),
            founded_on: Some("2010-05-01".into()),
        },
        participations: vec![ParticipationInput {
            area_id: AreaRef::Text("10".into()),
            representative: representative(),
        }],
        proposal: None,
        privacy_accepted: true,
        declaration_accepted: true,
        public_name_consent: false,
    }
}

fn codes(result: Result<Expression, FieldErrors>) -> Vec<(String, &'static str)> {
    result.unwrap_err().errors.into_iter().map(|e| (e.field, e.code)).collect()
}

#[test]
fn a_complete_expression_is_valid() {
    let e = validate_expression(&valid_input(), &process(None), now()).unwrap();
    assert_eq!(e.applicant.tax_code.as_str(), "00743110157");
    assert_eq!(e.participations[0].area_id, 10);
    assert!(e.eligible_for_pact);
}

#[test]
fn a_bad_tax_code_names_its_field() {
    let mut input = valid_input();
    input.applicant.tax_code = "00743110158".into();
    assert_eq!(
        codes(validate_expression(&input, &process(None), now())),
        [("applicant.tax_code".into(), "invalid_tax_code")]
    );
}

#[test]
fn a_citizen_needs_a_personal_tax_code_and_an_entity_an_entity_code() {
    let mut input = valid_input();
    input.applicant.kind = "citizen".into();
    input.applicant.legal_form = None;
    assert_eq!(
        codes(validate_expression(&input, &process(None), now())),
        [("applicant.tax_code".into(), "tax_code_kind")]
    );
    input.applicant.tax_code = "RSSMRA45D25F205N".into();
    let citizen = validate_expression(&input, &process(None), now()).unwrap();
    assert!(!citizen.eligible_for_pact, "the pact is for organizations");
}

#[test]
fn a_citizen_born_in_no_known_municipality_is_refused_on_the_tax_code() {
    let mut input = valid_input();
    input.applicant.kind = "citizen".into();
    input.applicant.legal_form = None;
    // Check letters valid, birthplace A000 unknown to ISTAT's list.
    input.applicant.tax_code =
        (b'A'..=b'Z').map(|c| format!("RSSMRA45D25A000{}", c as char)).find(|c| TaxCode::parse(c).is_ok()).unwrap();
    assert_eq!(
        codes(validate_expression(&input, &process(None), now())),
        [("applicant.tax_code".into(), "unknown_birthplace")]
    );
}

#[test]
fn a_second_representative_for_one_area_is_a_field_error() {
    let mut input = valid_input();
    input.participations.push(ParticipationInput { area_id: AreaRef::Id(10), representative: representative() });
    assert_eq!(
        codes(validate_expression(&input, &process(None), now())),
        [("participations[1].area_id".into(), "duplicate_area")]
    );
}

#[test]
fn missing_acceptances_are_each_named() {
    let mut input = valid_input();
    input.privacy_accepted = false;
    input.declaration_accepted = false;
    assert_eq!(
        codes(validate_expression(&input, &process(None), now())),
        [("privacy_accepted".into(), "required_acceptance"), ("declaration_accepted".into(), "required_acceptance")]
    );
}

#[test]
fn areas_outside_the_process_are_refused() {
    let mut input = valid_input();
    input.participations[0].area_id = AreaRef::Id(99);
    input.proposal = Some(ProposalInput {
        title: "Centro".into(),
        text: "Un centro diurno".into(),
        area_ids: vec![AreaRef::Text("x".into())],
    });
    assert_eq!(
        codes(validate_expression(&input, &process(None), now())),
        [("participations[0].area_id".into(), "unknown_area"), ("proposal.area_ids[0]".into(), "unknown_area")]
    );
}

#[test]
fn the_deadline_is_checked_to_the_minute_and_before_anything_else() {
    let p = process(None);
    let open: DateTime<Utc> = "2026-12-22T11:00:59Z".parse().unwrap();
    let closed: DateTime<Utc> = "2026-12-22T11:01:00Z".parse().unwrap();
    assert!(validate_expression(&valid_input(), &p, open).is_ok());
    assert_eq!(
        codes(validate_expression(&ExpressionInput::default(), &p, closed)),
        [("deadline".into(), "deadline_passed")]
    );
}

#[test]
fn a_draft_or_closed_process_accepts_nothing() {
    let mut p = process(None);
    p.header.status = ProcessStatus::Draft;
    assert_eq!(codes(validate_expression(&valid_input(), &p, now())), [("process".into(), "not_accepting")]);
}

#[test]
fn organizations_younger_than_the_minimum_age_are_not_eligible_for_the_pact() {
    // Seed 002: constituted at least one year before 14 November 2013.
    let rule = MinimumAge { years: 1, reference_date: NaiveDate::from_ymd_opt(2013, 11, 14).unwrap() };
    assert!(rule.is_met_by(NaiveDate::from_ymd_opt(2012, 11, 14).unwrap()));
    assert!(!rule.is_met_by(NaiveDate::from_ymd_opt(2012, 11, 15).unwrap()));
    let p = process(Some(MinimumAge { years: 1, reference_date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() }));
    let mut input = valid_input();
    assert!(validate_expression(&input, &p, now()).unwrap().eligible_for_pact);
    input.applicant.founded_on = Some("2026-03-01".into());
    assert!(!validate_expression(&input, &p, now()).unwrap().eligible_for_pact);
    input.applicant.founded_on = None;
    assert!(!validate_expression(&input, &p, now()).unwrap().eligible_for_pact, "unknown age is not enough");
}

#[test]
fn leap_day_reference_dates_do_not_break_the_rule() {
    let rule = MinimumAge { years: 1, reference_date: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap() };
    assert_eq!(rule.latest_founding(), NaiveDate::from_ymd_opt(2023, 2, 28).unwrap());
}

#[test]
fn every_text_field_is_checked() {
    let input = ExpressionInput {
        applicant: ApplicantInput {
            kind: "organization".into(),
            email: "not-an-email".into(),
            phone: Some("abc".into()),
            founded_on: Some("31/12/2020".into()),
            ..Default::default()
        },
        participations: vec![ParticipationInput {
            area_id: AreaRef::Id(10),
            representative: RepresentativeInput::default(),
        }],
        ..Default::default()
    };
    let fields: Vec<_> =
        codes(validate_expression(&input, &process(None), now())).into_iter().map(|(f, _)| f).collect();
    for expected in [
        "applicant.name",
        "applicant.legal_form",
        "applicant.tax_code",
        "applicant.legal_representative",
        "applicant.address",
        "applicant.municipality",
        "applicant.email",
        "applicant.phone",
        "applicant.founded_on",
        "participations[0].representative.name",
        "participations[0].representative.email",
        "privacy_accepted",
        "declaration_accepted",
    ] {
        assert!(fields.iter().any(|f| f == expected), "{expected} not reported in {fields:?}");
    }
}

#[test]
fn addresses_are_those_the_mailer_can_send_to() {
    for bad in [
        "a,b@example.org",
        "a@example.org;bcc",
        "a@example.org, c@example.org",
        "a b@example.org",
        "a@localhost",
        "@example.org",
        "a@",
    ] {
        assert!(!is_email(bad), "{bad}");
    }
    for good in ["maria.rossi@example.org", "ufficio+piano@comune.example.it", "a@pec.example.it"] {
        assert!(is_email(good), "{good}");
    }
}

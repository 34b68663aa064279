use super::*;

fn content() -> RecordContent {
    RecordContent {
        title: "Percorso partecipato".into(),
        status: RecordStatus::Concluded,
        starts_on: NaiveDate::from_ymd_opt(2022, 5, 1),
        ends_on: NaiveDate::from_ymd_opt(2022, 7, 31),
        managing_body: "Ufficio di Piano".into(),
        address: None,
        decision_holders: "Ambito territoriale di Nardò".into(),
        ambito: "Nardò".into(),
        municipalities: vec!["Nardò".into(), "Seclì".into()],
        province: "LE".into(),
        region: "Puglia".into(),
        cycle: Some(PlanCycle { from: 2022, to: 2024 }),
        areas: vec!["L'invecchiamento attivo".into()],
        intervention_domain: "Politiche sociali".into(),
        specific_theme: String::new(),
        design: "Tavoli tematici".into(),
        objectives: String::new(),
        results: String::new(),
        reported_by: "Concerto".into(),
    }
}

fn input(results: &str) -> CorrectionInput {
    CorrectionInput {
        name: "Anna Bianchi".into(),
        email: "anna@example.org".into(),
        privacy_accepted: true,
        completion: Completion { results: results.into(), ..Completion::of(&content()) },
    }
}

#[test]
fn a_correction_needs_name_email_consent_and_a_change() {
    let current = content();
    assert!(validate_correction(&input("Approvato il Piano"), &current).is_ok());
    let mut bad = input("");
    bad.name = " ".into();
    bad.email = "anna".into();
    bad.privacy_accepted = false;
    let errors = validate_correction(&bad, &current).unwrap_err();
    let fields: Vec<&str> = errors.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "email", "privacy_accepted", "results"]);
}

#[test]
fn a_refresh_takes_what_concerto_knows_and_keeps_what_was_completed() {
    let current = content().completed(&Completion { results: "Piano approvato".into(), ..Completion::of(&content()) });
    let mut derived = content();
    derived.title = "Nuovo titolo".into();
    derived.results = String::new();
    derived.specific_theme = "Piano Sociale di Zona 2022-2024".into();
    let fresh = current.refreshed(derived);
    assert_eq!(fresh.title, "Nuovo titolo");
    assert_eq!(fresh.results, "Piano approvato");
    assert_eq!(fresh.specific_theme, "Piano Sociale di Zona 2022-2024");
}

#[test]
fn a_rejection_needs_a_reason() {
    assert_eq!(Moderation::parse("accept", "").unwrap().code(), "accepted");
    assert!(Moderation::parse("reject", " ").is_err());
    assert_eq!(Moderation::parse("reject", "non verificabile").unwrap().reason(), "non verificabile");
    assert!(Moderation::parse("maybe", "x").is_err());
}

#[test]
fn search_terms_are_words_without_operators() {
    assert_eq!(search_terms("Nardò  \"violenza\" OR -x*"), ["nardò", "violenza", "or", "x"]);
    assert_eq!(search_terms("a b c d e f g h i j").len(), MAX_TERMS);
}

#[test]
fn a_moderator_record_needs_its_identity_and_ordered_dates() {
    let mut c = content();
    assert_eq!(c.validate(), Ok(()));
    c.title.clear();
    c.ends_on = NaiveDate::from_ymd_opt(2021, 1, 1);
    let errors = c.validate().unwrap_err();
    assert_eq!(errors.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["title", "ends_on"]);
}

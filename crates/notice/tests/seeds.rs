//! Each seed notice against the draft a careful reader would write by hand.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use chrono::{NaiveDate, NaiveTime};
use concerto_notice::{PlanPeriod, ProcessDraft, SessionKind, parse_notice};

fn seed(text: &str) -> ProcessDraft {
    parse_notice(text)
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn time(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

/// (date, start, end, kind) of every session, in order.
type Slot = (Option<NaiveDate>, Option<NaiveTime>, Option<NaiveTime>, SessionKind);

fn slots(draft: &ProcessDraft) -> Vec<Slot> {
    draft.sessions.iter().map(|s| (s.date, s.start, s.end, s.kind)).collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(std::string::ToString::to_string).collect()
}

const CASARANO: [&str; 7] = ["Casarano", "Collepasso", "Matino", "Parabita", "Ruffano", "Supersano", "Taurisano"];

#[test]
fn seed_000_casarano_notice_with_table() {
    let draft = seed(include_str!("seeds/000_c7aa5ff5bb19b09b.txt"));
    assert_eq!(draft.ambito.as_deref(), Some("Casarano"));
    assert_eq!(draft.municipality_names(), strings(&CASARANO));
    assert_eq!(draft.plan_period, Some(PlanPeriod { from: 2022, to: 2024 }));
    assert_eq!(draft.deadline.map(|d| (d.date, d.time)), Some((date(2022, 6, 8).expect("valid"), time(12, 0))));
    assert_eq!(draft.contacts.emails, ["udp@ambitodicasarano.it"]);
    assert!(draft.title.as_deref().is_some_and(|t| t.starts_with("AVVISO PUBBLICO DI AVVIO")));

    use SessionKind::*;
    assert_eq!(
        slots(&draft),
        vec![
            (date(2022, 6, 8), time(9, 30), None, Concertation),
            (date(2022, 6, 9), time(9, 30), None, Concertation),
            (date(2022, 6, 13), time(9, 0), time(13, 0), Table),
            (date(2022, 6, 14), time(9, 0), time(13, 0), Table),
            (None, None, None, Table),
            (date(2022, 6, 15), time(9, 0), time(13, 0), Table),
            (date(2022, 6, 16), time(9, 0), time(13, 0), Table),
            (None, None, None, Table),
            (date(2022, 6, 21), time(9, 0), time(13, 0), Plenary),
        ]
    );
    let titles: Vec<&str> = draft.sessions[2..].iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Tavolo 1", "Tavolo 2", "Tavolo 3", "Tavolo 4", "Tavolo 5", "Tavolo 6", "Plenaria"]);
    assert_eq!(draft.sessions[2].areas, ["Le politiche familiari e la tutela dei minori"]);
    assert_eq!(draft.sessions[3].areas, ["Il sistema di Welfare per l'accesso"]);
    assert_eq!(
        draft.sessions[4].areas,
        ["La prevenzione e contrasto di tutte le forme di maltrattamento e violenza su donne e minori"]
    );
    assert_eq!(draft.sessions[5].areas, ["La promozione dell'inclusione sociale ed il contrasto alle povertà"]);
    assert_eq!(
        draft.sessions[6].areas,
        [
            "L'invecchiamento attivo",
            "Le politiche per l'integrazione delle persone con disabilità e la presa in carico della non autosufficienza"
        ]
    );
    assert_eq!(draft.sessions[7].areas, ["Le pari opportunità e la conciliazione vita-lavoro"]);
    assert!(draft.sessions[8].areas.is_empty());
    assert!(draft.sessions[0].title.starts_with("Sessione di concertazione e programmazione preliminare sui servizi"));
    assert!(
        draft
            .sessions
            .iter()
            .all(|s| s.venue.as_deref() == Some("sede dell'Ambito, in Viale Stazione n.44 – Casarano")),
        "«Tutti gli incontri si svolgeranno presso …» applies to every session"
    );
    assert_eq!(draft.legal_references, ["DGR 353/2022", "L. 328/2000", "L.R. 19/2006", "R.R. 4/2007"]);
    assert!(draft.warnings.contains(&"Sessione «Tavolo 3»: data da definire".to_string()));
    assert!(draft.warnings.contains(&"Sessione «Tavolo 6»: data da definire".to_string()));
    assert!(draft.warnings.iter().any(|w| w.contains("del 08/06/2022: anno non indicato")));
}

#[test]
fn seed_001_fasano_press_article() {
    let draft = seed(include_str!("seeds/001_de1f6638fdaff468.txt"));
    assert_eq!(draft.ambito.as_deref(), Some("Fasano"));
    assert_eq!(draft.municipality_names(), ["Fasano", "Cisternino", "Ostuni"]);
    assert_eq!(draft.plan_period, Some(PlanPeriod { from: 2022, to: 2024 }));
    assert_eq!(draft.deadline.map(|d| (d.date, d.time)), Some((date(2022, 7, 31).expect("valid"), None)));
    assert!(draft.contacts.emails.is_empty());
    assert_eq!(draft.contacts.urls, ["www.comune.fasano.br.it/"]);
    assert!(draft.sessions.is_empty(), "the article names tables but gives no calendar");
    assert_eq!(draft.legal_references, ["L. 328/2000", "L.R. 19/2006"]);
    assert!(draft.warnings.contains(&"Scadenza senza orario: verificare l'ora".to_string()));
    assert!(draft.warnings.contains(&"Nessuna sessione trovata nel calendario".to_string()));
}

#[test]
fn seed_002_lecce_doubled_pdf_text_with_prose_calendar() {
    let draft = seed(include_str!("seeds/002_6fa560d22c46af22.txt"));
    assert_eq!(draft.ambito.as_deref(), Some("Lecce"));
    assert!(draft.municipalities.is_empty(), "the notice does not list the Comuni");
    assert_eq!(draft.plan_period, Some(PlanPeriod { from: 2014, to: 2016 }));
    assert_eq!(draft.notice_date, date(2013, 10, 9));
    assert_eq!(draft.deadline.map(|d| (d.date, d.time)), Some((date(2013, 10, 18).expect("valid"), time(12, 0))));
    assert_eq!(draft.contacts.emails, ["segretariatosociale@comune.lecce.it"]);
    assert_eq!(draft.contacts.urls, ["www.comune.lecce.it"]);
    assert_eq!(draft.contacts.phones, ["0832/315842", "800724292"]);
    assert_eq!(draft.legal_references, ["L. 328/2000", "L.R. 19/2006", "R.R. 4/2007", "DGR 1534/2013"]);
    assert!(draft.title.as_deref().is_some_and(|t| t.starts_with("AVVISO \"Per la partecipazione")));

    use SessionKind::*;
    assert_eq!(
        slots(&draft),
        vec![
            (date(2013, 10, 17), time(9, 0), None, Institutional),
            (date(2013, 10, 18), time(9, 0), None, Concertation),
            (date(2013, 10, 21), time(9, 0), None, Concertation),
            (date(2013, 10, 22), time(15, 0), time(20, 0), Plenary),
            (date(2013, 10, 23), time(15, 0), time(20, 0), Table),
            (date(2013, 10, 24), time(9, 0), None, Concertation),
            (date(2013, 10, 25), time(9, 0), None, Concertation),
            (date(2013, 10, 28), time(9, 0), None, Concertation),
            (date(2013, 11, 11), time(9, 0), None, Institutional),
            (date(2013, 11, 13), time(9, 0), None, Concertation),
            (date(2013, 11, 14), time(15, 0), None, Concertation),
            (date(2013, 11, 15), time(9, 0), None, Institutional),
        ]
    );
    let plenary = &draft.sessions[3];
    assert_eq!(plenary.title, "Sessione Plenaria – presentazione generale Piano Regionale ed obiettivi di servizio");
    assert_eq!(plenary.venue.as_deref(), Some("Sala Conferenze – San Massimiliano Kolbe – Via Terni Lecce"));
    assert_eq!(
        plenary.areas,
        [
            "Prima infanzia e la conciliazione dei tempi e PAC Infanzia (Piani di azione e coesione)",
            "Contrasto alla povertà e percorsi di inclusione attiva",
            "La cultura dell'accoglienza",
            "Il sostegno alla genitorialità e la tutela dei diritti dei minori",
            "L'integrazione socio sanitaria e la presa in carico integrata delle non autosufficienze e PAC Anziani (Piani di azione e coesione)",
            "Il contrasto al maltrattamento ed alla violenza",
        ]
    );
    assert_eq!(draft.sessions[4].title, "Tavoli tematici");
    assert_eq!(draft.sessions[4].venue.as_deref(), Some("San Massimiliano Kolbe – Via Terni Lecce"));
    assert_eq!(
        draft.sessions[0].title,
        "Coordinamento Istituzionale di Ambito con la Provincia e la ASL per la definizione di indirizzi programmatici per la concertazione"
    );
    assert_eq!(draft.sessions[0].venue.as_deref(), Some("Ufficio di Piano – Via San Massimiliano KOLBE – Lecce"));
    assert!(draft.warnings.iter().any(|w| w.contains("del 22/10/2013: anno non indicato")));
    assert!(draft.warnings.iter().any(|w| w.contains("del 15/11/2013: anno non indicato")));
    assert!(draft.warnings.iter().any(|w| w.starts_with("Periodo «Dal 29 ottobre al 08 novembre 2013")));
}

#[test]
fn seed_003_participation_pact_template() {
    let draft = seed(include_str!("seeds/003_be7d58f5d067bff0.txt"));
    assert_eq!(draft.ambito.as_deref(), Some("Casarano"));
    assert_eq!(draft.municipality_names(), strings(&CASARANO));
    assert_eq!(draft.plan_period, Some(PlanPeriod { from: 2022, to: 2024 }));
    assert_eq!(draft.deadline, None);
    assert!(draft.contacts.emails.is_empty());
    assert!(draft.title.as_deref().is_some_and(|t| t.starts_with("PATTO DI PARTECIPAZIONE")));
    let tables: Vec<&str> = draft.sessions.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        tables,
        [
            "Le politiche familiari e la tutela dei minori",
            "Il sistema di Welfare per l'accesso",
            "La prevenzione e contrasto di tutte le forme di maltrattamento e violenza su donne e minori",
            "La promozione dell'inclusione sociale ed il contrasto alle povertà",
            "L'invecchiamento attivo",
            "Le politiche per l'integrazione delle persone con disabilità e la presa in carico della non autosufficienza",
            "Le pari opportunità e la conciliazione vita-lavoro",
        ]
    );
    assert!(
        draft.sessions.iter().all(|s| s.date.is_none() && s.kind == SessionKind::Table && s.areas == [s.title.clone()])
    );
    assert_eq!(draft.legal_references, ["DGR 353/2022"]);
    assert!(draft.warnings.contains(&"Nessuna scadenza trovata".to_string()));
}

#[test]
fn seed_004_observatory_record() {
    let draft = seed(include_str!("seeds/004_e298aa1c7dba7099.txt"));
    assert_eq!(draft.ambito.as_deref(), Some("Nardò"));
    assert_eq!(draft.municipality_names(), ["Copertino", "Galatone", "Leverano", "Nardò", "Seclì", "Porto Cesareo"]);
    assert_eq!(draft.plan_period, Some(PlanPeriod { from: 2022, to: 2024 }));
    assert_eq!(draft.deadline, None);
    assert!(draft.sessions.is_empty());
    assert!(draft.contacts.emails.is_empty());
    assert_eq!(draft.legal_references, ["DGR 353/2022", "L. 328/2000", "L.R. 19/2006"]);
    assert!(draft.warnings.iter().any(|w| w.contains("dedotto dal Piano Regionale delle Politiche Sociali 2022-2024")));
    assert!(draft.warnings.contains(&"Nessuna scadenza trovata".to_string()));
}

#[test]
fn json_shape_matches_the_contract() {
    let draft = seed(include_str!("seeds/000_c7aa5ff5bb19b09b.txt"));
    let json = serde_json::to_value(&draft).expect("serializable");
    assert_eq!(json["deadline"]["date"], "2022-06-08");
    assert_eq!(json["deadline"]["time"], "12:00");
    let quoted = |source: &serde_json::Value| -> String {
        let (start, end) = (source["start"].as_u64().unwrap() as usize, source["end"].as_u64().unwrap() as usize);
        draft.text.chars().skip(start).take(end - start).collect()
    };
    assert_eq!(quoted(&json["deadline"]["source"]), "entro le ore 12,00 del 08/06/2022");
    assert_eq!(quoted(&json["sessions"][0]["source"]), "08 giugno h. 9,30");
    assert!(quoted(&json["sessions"][2]["source"]).starts_with("1\t13/06/2022\t9,00\t13,00"));
    assert_eq!(quoted(&json["municipalities"][1]["source"]), "COLLEPASSO");
    assert_eq!(json["municipalities"][1]["istat"], "075021");
    assert_eq!(json["plan_period"], serde_json::json!({"from": 2022, "to": 2024}));
    let table3 = &json["sessions"][4];
    assert_eq!(table3["date"], serde_json::Value::Null);
    assert_eq!(table3["kind"], "table");
    assert_eq!(json["sessions"][8]["start"], "09:00");
    assert_eq!(json["sessions"][8]["kind"], "plenary");
    for key in ["ambito", "municipalities", "sessions", "contacts", "legal_references", "warnings", "title"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert!(json["contacts"]["phones"].is_array());
}

const SEEDS: [&str; 5] = [
    include_str!("seeds/000_c7aa5ff5bb19b09b.txt"),
    include_str!("seeds/001_de1f6638fdaff468.txt"),
    include_str!("seeds/002_6fa560d22c46af22.txt"),
    include_str!("seeds/003_be7d58f5d067bff0.txt"),
    include_str!("seeds/004_e298aa1c7dba7099.txt"),
];

/// Every seed's draft becomes a process the store accepts.
#[test]
fn every_seed_converts_to_a_valid_process() {
    for (i, text) in SEEDS.iter().enumerate() {
        let proposal = parse_notice(text).to_new_process("importato");
        assert_eq!(proposal.process.validate(), Ok(()), "seed {i}");
    }
}

#[test]
fn casarano_converts_with_its_tables_deadline_and_areas() {
    let proposal = parse_notice(SEEDS[0]).to_new_process("casarano-importato");
    let p = proposal.process;
    assert_eq!(p.tables.len(), 6);
    assert_eq!(p.tables[4].areas.len(), 2, "table 5 merges two areas");
    assert_eq!(p.areas.len(), 7);
    assert_eq!(p.header.deadline.unwrap().local().to_rfc3339(), "2022-06-08T12:00:00+02:00");
    assert_eq!(p.header.channels.email.as_deref(), Some("udp@ambitodicasarano.it"));
    assert_eq!(p.header.cycle.to_string(), "2022-2024");
    let undated = p.sessions.iter().filter(|s| s.date.is_none()).count();
    assert_eq!(undated, 2, "tables 3 and 6");
}

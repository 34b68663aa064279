//! A clearly fictional Ambito with an open process, laid out like seed 000 from the
//! day the demo is loaded, so that a newcomer can try everything that needs an open
//! process: the form, the receipt, the pact.

use chrono::{Days, NaiveDate};
use concerto_domain::{ApplicationChannels, Deadline, NewSession, ProcessStatus, SessionKind};

use crate::builder::*;
use crate::{DemoProcess, V_PLAN_AREA_CODES, V_PLAN_AREA_NAMES};

const VENUE: &str = "Sala consiliare, Piazza del Municipio 1 – Esempio";

pub fn demo(today: NaiveDate) -> DemoProcess {
    let mut ambito =
        ambito("esempio", "Esempio", "ES", &["Esempio", "Borgo Fittizio", "Villa Modello", "San Prova", "Campione"]);
    ambito.region = "Regione di Esempio".into();
    ambito.address = Some("Piazza del Municipio 1, Esempio".into());
    ambito.contacts.email = Some("ufficiodipiano@esempio.invalid".into());
    ambito.contacts.pec = Some("ambito.esempio@pec.esempio.invalid".into());

    let day = |offset: u64| today.checked_add_days(Days::new(offset));
    let mut header = header(
        "esempio-2026-2028",
        "Programmazione partecipata per il Piano Sociale di Zona 2026-2028 (processo dimostrativo)",
        2026,
        2028,
    );
    header.status = ProcessStatus::Published;
    header.regional_plan = Some("Piano Regionale delle Politiche Sociali (esempio)".into());
    header.deadline = day(30).and_then(|d| Deadline::from_local(d, time(12, 0)?).ok());
    header.channels = ApplicationChannels {
        email: Some("ufficiodipiano@esempio.invalid".into()),
        pec: Some("ambito.esempio@pec.esempio.invalid".into()),
        url: None,
        online_form: true,
    };
    header.contact_person = Some("Ufficio di Piano, dal lunedì al venerdì dalle 9:00 alle 13:00".into());
    header.description = "Questo è un processo dimostrativo di un Ambito immaginario. Serve a provare Concerto: leggere l'avviso, scaricare il calendario, inviare una manifestazione di interesse e ricevere la ricevuta con il numero di protocollo. I dati inseriti qui non hanno alcun valore.".into();
    header.eligibility = "Organizzazioni del terzo settore, cittadini singoli e associati, enti pubblici e organizzazioni sindacali. Per ciascuna area tematica è ammesso un rappresentante per ciascuna organizzazione.".into();
    header.signatory = signatory("Il Presidente del Coordinamento Istituzionale", "Maria Esempio");

    let mut p = ProcessBuilder::new(header);
    let preliminary = p.phase("Fase I: Concertazione e programmazione preliminare", "");
    let participatory = p.phase("Fase II: Programmazione partecipata", "");
    let names = V_PLAN_AREA_NAMES;
    let areas: Vec<usize> = names.iter().zip(V_PLAN_AREA_CODES).map(|(n, c)| p.area(n, Some(c))).collect();
    let [access, family, ageing, disability, inclusion, violence, equality] = areas[..] else {
        unreachable!("seven areas were just added")
    };

    for (offset, title, invited) in [
        (
            30,
            "Sessione di concertazione e programmazione preliminare sui servizi",
            "Servizio Sociale Professionale e referenti delle Amministrazioni coinvolte",
        ),
        (
            31,
            "Sessione di concertazione con le organizzazioni sindacali e la ASL",
            "Organizzazioni sindacali maggiormente rappresentative e ASL",
        ),
    ] {
        p.session(NewSession {
            phase: Some(preliminary),
            date: day(offset),
            start: time(9, 30),
            end: time(12, 30),
            venue: Some(VENUE.into()),
            invited: Some(invited.into()),
            ..session(SessionKind::Concertation, title)
        });
    }
    let tables: [(&str, Option<u64>, &[usize]); 6] = [
        ("1", Some(35), &[family]),
        ("2", Some(36), &[access]),
        ("3", None, &[violence]),
        ("4", Some(37), &[inclusion]),
        ("5", Some(38), &[ageing, disability]),
        ("6", None, &[equality]),
    ];
    for (label, offset, table_areas) in tables {
        let title = format!("Tavolo {label}");
        let table = p.table(label, &title, table_areas);
        p.session(NewSession {
            phase: Some(participatory),
            table: Some(table),
            date: offset.and_then(day),
            start: offset.and(time(9, 0)),
            end: offset.and(time(13, 0)),
            venue: Some(VENUE.into()),
            areas: table_areas.to_vec(),
            ..session(SessionKind::Table, &title)
        });
    }
    p.session(NewSession {
        phase: Some(participatory),
        date: day(43),
        start: time(9, 0),
        end: time(13, 0),
        venue: Some(VENUE.into()),
        areas: areas.clone(),
        ..session(SessionKind::Plenary, "Restituzione dei lavori dei tavoli e condivisione delle priorità")
    });
    DemoProcess { ambito, process: p.build() }
}

//! Seed 000: the notice of the Ambito Territoriale Sociale di Casarano (LE) for the
//! Piano Sociale di Zona 2022-2024.

use concerto_domain::{ApplicationChannels, NewSession, ProcessStatus, SessionKind};

use crate::builder::*;
use crate::{DemoProcess, V_PLAN_AREA_CODES};

const VENUE: &str = "Sede dell'Ambito, Viale Stazione n. 44 – Casarano";

pub fn demo() -> DemoProcess {
    let mut ambito = ambito(
        "casarano",
        "Casarano",
        "LE",
        &["Casarano", "Collepasso", "Matino", "Parabita", "Ruffano", "Supersano", "Taurisano"],
    );
    ambito.address = Some("Viale Stazione n. 44, Casarano".into());
    ambito.contacts.email = Some("udp@ambitodicasarano.it".into());

    let mut header = header(
        "casarano-2022-2024",
        "Programmazione partecipata per la stesura del Piano Sociale di Zona 2022-2024",
        2022,
        2024,
    );
    header.status = ProcessStatus::Closed;
    header.regional_plan = Some(
        "V Piano Regionale delle Politiche Sociali 2022-2024 (DGR n. 353 del 14/03/2022, BURP n. 40 del 05/04/2022)"
            .into(),
    );
    header.deadline = deadline(2022, 6, 8, 12, 0);
    header.channels =
        ApplicationChannels { email: Some("udp@ambitodicasarano.it".into()), pec: None, url: None, online_form: false };
    header.description = "Il processo di partecipazione e di concertazione ha come obiettivo il consolidamento di un sistema di servizi sociali e sociosanitari proteso al miglioramento della qualità della vita e delle condizioni di benessere, alla presa in carico delle persone con fragilità e all'inclusione sociale dei soggetti svantaggiati, mediante il coinvolgimento di tutti gli attori sociali, pubblici e privati, interessati alla pianificazione sociale. Il Coordinamento Istituzionale di Ambito, nella seduta del 20 maggio, ha definito gli indirizzi programmatici per la concertazione e ha dato avvio al percorso di programmazione partecipata.".into();
    header.eligibility = "Cittadini singoli e associati, enti pubblici, associazioni familiari, organismi di tutela, organismi di rappresentanza del volontariato e della cooperazione sociale. Nella manifestazione di interesse, datata e sottoscritta, si indica l'area tematica a cui si intende partecipare; per ciascuna area è ammesso n. 1 rappresentante per ciascuna organizzazione.".into();
    header.signatory = signatory("Il Presidente del Coordinamento Istituzionale", "Pompilio Giovanni Ottavio De Nuzzo");

    let mut p = ProcessBuilder::new(header);
    let preliminary = p.phase("Fase I: Concertazione e programmazione preliminare", "");
    let participatory = p.phase("Fase II: Programmazione partecipata", "");

    let names = [
        "Il sistema di Welfare per l'accesso",
        "Le politiche familiari e la tutela dei minori",
        "L'invecchiamento attivo",
        "Le politiche per l'integrazione delle persone con disabilità e la presa in carico della non autosufficienza",
        "La promozione dell'inclusione sociale ed il contrasto alle povertà",
        "La prevenzione e contrasto di tutte le forme di maltrattamento e violenza su donne e minori",
        "Le pari opportunità e la conciliazione vita-lavoro",
    ];
    let areas: Vec<usize> = names.iter().zip(V_PLAN_AREA_CODES).map(|(name, code)| p.area(name, Some(code))).collect();
    let [access, family, ageing, disability, inclusion, violence, equality] = areas[..] else {
        unreachable!("seven areas were just added")
    };

    p.session(NewSession {
        phase: Some(preliminary),
        date: date(2022, 6, 8),
        start: time(9, 30),
        venue: Some(VENUE.into()),
        invited: Some("Servizio Sociale Professionale di Ambito e referenti delle Amministrazioni Pubbliche coinvolte nei servizi dell'area socio-educativa, socio-assistenziale e socio-sanitaria".into()),
        ..session(SessionKind::Concertation, "Sessione di concertazione e programmazione preliminare sui servizi")
    });
    p.session(NewSession {
        phase: Some(preliminary),
        date: date(2022, 6, 9),
        start: time(9, 30),
        venue: Some(VENUE.into()),
        invited: Some("Organizzazioni sindacali maggiormente rappresentative e ASL".into()),
        ..session(
            SessionKind::Concertation,
            "Sessione di concertazione e programmazione preliminare con le organizzazioni sindacali e la ASL",
        )
    });

    // A table's label, its June days (first session, second session) and its areas.
    type TableSeed<'a> = (&'a str, Option<(u32, u32)>, &'a [usize]);
    let tables: [TableSeed<'_>; 6] = [
        ("1", Some((6, 13)), &[family]),
        ("2", Some((6, 14)), &[access]),
        ("3", None, &[violence]),
        ("4", Some((6, 15)), &[inclusion]),
        ("5", Some((6, 16)), &[ageing, disability]),
        ("6", None, &[equality]),
    ];
    for (label, day, table_areas) in tables {
        let title = format!("Tavolo {label}");
        let table = p.table(label, &title, table_areas);
        p.session(NewSession {
            phase: Some(participatory),
            table: Some(table),
            date: day.and_then(|(m, d)| date(2022, m, d)),
            start: day.and(time(9, 0)),
            end: day.and(time(13, 0)),
            venue: Some(VENUE.into()),
            areas: table_areas.to_vec(),
            ..session(SessionKind::Table, &title)
        });
    }
    p.session(NewSession {
        phase: Some(participatory),
        date: date(2022, 6, 21),
        start: time(9, 0),
        end: time(13, 0),
        venue: Some(VENUE.into()),
        areas: areas.clone(),
        ..session(
            SessionKind::Plenary,
            "Restituzione dei lavori dei Tavoli Tematici, discussione e condivisione delle priorità",
        )
    });

    DemoProcess { ambito, process: p.build() }
}

//! Seed 001: the press release of the CIISAF consortium (Fasano, Cisternino, Ostuni)
//! opening the participatory planning of the Piano Sociale di Zona 2022-2024.

use concerto_domain::{ApplicationChannels, NewSession, ProcessStatus, SessionKind};

use crate::builder::*;
use crate::{DemoProcess, V_PLAN_AREA_CODES, V_PLAN_AREA_NAMES};

pub fn demo() -> DemoProcess {
    let mut ambito = ambito("fasano", "Fasano", "BR", &["Fasano", "Cisternino", "Ostuni"]);
    ambito.managing_body = Some(
        "CIISAF – Consorzio per l'integrazione e l'inclusione sociale dell'Ambito di Fasano, Cisternino e Ostuni"
            .into(),
    );
    ambito.contacts.website = Some("https://www.comune.fasano.br.it/".into());

    let mut header = header(
        "fasano-2022-2024",
        "Concertazione e progettazione partecipata per il Piano Sociale di Zona 2022-2024",
        2022,
        2024,
    );
    header.status = ProcessStatus::Closed;
    header.regional_plan = Some("V Piano Regionale delle Politiche Sociali 2022-2024".into());
    // The release gives the day only: the deadline is the end of that day.
    header.deadline = deadline(2022, 7, 31, 23, 59);
    header.channels = ApplicationChannels {
        email: None,
        pec: None,
        url: Some("https://www.comune.fasano.br.it/".into()),
        online_form: false,
    };
    header.description = "Con deliberazione del CdA n. 25 del 13 luglio 2022 il Consorzio CIISAF ha dato avvio al percorso di concertazione e progettazione partecipata per la stesura del nuovo Piano di Zona, finalizzato all'individuazione dei bisogni da soddisfare, degli interventi necessari, delle modalità di realizzazione degli stessi e delle risorse disponibili. Il percorso prevede tre tavoli divisi per aree tematiche e una sessione plenaria con illustrazione e condivisione dello schema del Piano.".into();
    header.eligibility = "Tutti gli attori sociali, pubblici e privati, interessati alla pianificazione sociale: cittadini singoli e associati, enti pubblici, associazioni familiari, organismi di tutela, volontariato e cooperazione sociale.".into();

    let mut p = ProcessBuilder::new(header);
    let participatory = p.phase("Concertazione e progettazione partecipata", "");
    // The release names four of the seven regional areas.
    let areas: Vec<usize> =
        [0, 1, 3, 4].into_iter().map(|i| p.area(V_PLAN_AREA_NAMES[i], Some(V_PLAN_AREA_CODES[i]))).collect();
    let [access, family, disability, inclusion] = areas[..] else { unreachable!("four areas were just added") };

    let tables: [(&str, &str, &[usize]); 3] = [
        ("1", "Tavolo dell'area socio-educativa: politiche familiari e tutela dei minori", &[family]),
        (
            "2",
            "Tavolo dell'area assistenziale e welfare d'accesso: contrasto alla povertà, cultura dell'accoglienza, reinserimento lavorativo degli over 40",
            &[access, inclusion],
        ),
        (
            "3",
            "Tavolo dell'area socio-sanitaria: disabilità, non autosufficienza e dipendenze patologiche",
            &[disability],
        ),
    ];
    for (label, title, table_areas) in tables {
        let table = p.table(label, title, table_areas);
        p.session(NewSession {
            phase: Some(participatory),
            table: Some(table),
            areas: table_areas.to_vec(),
            ..session(SessionKind::Table, title)
        });
    }
    p.session(NewSession {
        phase: Some(participatory),
        areas: areas.clone(),
        ..session(
            SessionKind::Plenary,
            "Sessione plenaria: illustrazione e condivisione dello schema del Piano Sociale di Zona 2022-2024",
        )
    });
    DemoProcess { ambito, process: p.build() }
}

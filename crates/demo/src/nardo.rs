//! Seed 004: the observatory record of the participatory planning of the Ambito
//! Territoriale Sociale n. 3 di Nardò, held from May to July 2022.

use concerto_domain::ProcessStatus;

use crate::builder::*;
use crate::{DemoProcess, V_PLAN_AREA_CODES, V_PLAN_AREA_NAMES};

pub fn demo() -> DemoProcess {
    let mut ambito =
        ambito("nardo", "Nardò", "LE", &["Nardò", "Copertino", "Galatone", "Leverano", "Porto Cesareo", "Seclì"]);
    ambito.number = Some("n. 3".into());
    ambito.address = Some("Piazza Cesare Battisti, 73048 Nardò (LE)".into());

    let mut header = header(
        "nardo-2022-2024",
        "Percorso di programmazione partecipata per la stesura del V Piano Sociale di Zona",
        2022,
        2024,
    );
    header.status = ProcessStatus::Closed;
    header.regional_plan = Some(
        "V Piano Regionale delle Politiche Sociali 2022-2024 (DGR n. 353 del 14/03/2022, BURP n. 40 del 05/04/2022)"
            .into(),
    );
    header.description = "Con l'approvazione del V Piano Regionale delle Politiche Sociali per il 2022-2024 ha preso il via il percorso di programmazione partecipata per la stesura del V Piano Sociale di Zona dell'Ambito Territoriale Sociale n. 3 di Nardò. Il processo ha avuto come obiettivo il consolidamento di un sistema di servizi sociali e sociosanitari proteso al miglioramento della qualità della vita e delle condizioni di benessere, alla presa in carico delle persone con fragilità e all'inclusione sociale dei soggetti svantaggiati. Il percorso si è svolto nei mesi di maggio-luglio 2022.".into();
    header.eligibility =
        "Tutti gli attori sociali, pubblici e privati, interessati alla pianificazione sociale.".into();

    let mut p = ProcessBuilder::new(header);
    p.phase_dated(
        "Programmazione partecipata",
        "Individuazione dei bisogni da soddisfare, degli interventi necessari, delle modalità di realizzazione e delle risorse disponibili.",
        date(2022, 5, 1),
        date(2022, 7, 31),
    );
    let names = V_PLAN_AREA_NAMES;
    for (name, code) in names.iter().zip(V_PLAN_AREA_CODES) {
        p.area(name, Some(code));
    }
    DemoProcess { ambito, process: p.build() }
}

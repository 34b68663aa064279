//! Generated observatory records for the benchmark (`concerto observatory-generate`,
//! a hidden command): plausible, varied and deterministic, so that two runs search
//! the same catalogue.

use chrono::{NaiveDate, Utc};
use concerto_demo::V_PLAN_AREA_NAMES;
use concerto_domain::PlanCycle;
use concerto_domain::observatory::{RecordContent, RecordSource, RecordStatus};
use concerto_store::Store;

const PLACES: [(&str, &str); 12] = [
    ("Altamura", "BA"),
    ("Molfetta", "BA"),
    ("Andria", "BT"),
    ("Barletta", "BT"),
    ("Brindisi", "BR"),
    ("Ostuni", "BR"),
    ("Foggia", "FG"),
    ("Lucera", "FG"),
    ("Galatina", "LE"),
    ("Maglie", "LE"),
    ("Taranto", "TA"),
    ("Manduria", "TA"),
];

const METHODS: [&str; 5] = [
    "tavoli tematici aperti alle associazioni del terzo settore",
    "assemblee pubbliche itineranti nei comuni dell'Ambito",
    "laboratori di co-progettazione con le cooperative sociali",
    "questionari online e focus group con i cittadini",
    "sessioni plenarie di concertazione con sindacati e ASL",
];

/// The `i`-th generated record.
pub fn record(i: usize) -> RecordContent {
    let (place, province) = PLACES[i % PLACES.len()];
    let from = 2010 + 3 * ((i / PLACES.len()) % 6) as i32;
    let cycle = PlanCycle { from, to: from + 2 };
    let areas: Vec<String> =
        (0..3).map(|k| V_PLAN_AREA_NAMES[(i + 2 * k) % V_PLAN_AREA_NAMES.len()].to_string()).collect();
    let starts_on = NaiveDate::from_ymd_opt(from - 1, 1 + (i % 12) as u32, 1);
    RecordContent {
        title: format!("Percorso partecipato n. {i} per il Piano Sociale di Zona {cycle} di {place}"),
        status: if from < 2022 { RecordStatus::Concluded } else { RecordStatus::Ongoing },
        starts_on,
        ends_on: starts_on.and_then(|d| d.checked_add_months(chrono::Months::new(3))),
        managing_body: format!("Ufficio di Piano dell'Ambito di {place}"),
        address: Some(format!("Piazza Municipio {}, {place}", i % 40 + 1)),
        decision_holders: format!("Coordinamento Istituzionale dell'Ambito di {place}"),
        ambito: place.to_string(),
        municipalities: vec![place.to_string(), format!("Frazione {}", i % 7 + 1)],
        province: province.to_string(),
        region: "Puglia".into(),
        cycle: Some(cycle),
        areas,
        intervention_domain: "Politiche sociali".into(),
        specific_theme: format!("Piano Sociale di Zona {cycle}"),
        design: format!("Il percorso si è svolto con {} e {}.", METHODS[i % 5], METHODS[(i / 5) % 5]),
        objectives: "Individuare i bisogni del territorio e le priorità degli interventi.".into(),
        results: format!("Raccolte {} proposte, discusse in sessione plenaria.", 5 + i % 30),
        reported_by: "Generatore di prova".into(),
    }
}

/// Adds `count` generated records to the catalogue, in transactions of 500.
pub async fn generate(database_url: &str, count: usize) -> anyhow::Result<()> {
    let store = Store::open(database_url).await?;
    let mut done = 0;
    while done < count {
        let batch: Vec<RecordContent> = (done..count.min(done + 500)).map(record).collect();
        store.create_observatory_records(&batch, RecordSource::External, Utc::now(), None).await?;
        done += batch.len();
    }
    println!("{done} records added");
    store.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_records_are_valid_and_varied() {
        let records: Vec<_> = (0..100).map(super::record).collect();
        assert!(records.iter().all(|r| r.validate().is_ok()));
        let provinces: std::collections::HashSet<_> = records.iter().map(|r| r.province.as_str()).collect();
        assert_eq!(provinces.len(), 6);
        assert_ne!(records[0].title, records[1].title);
    }
}

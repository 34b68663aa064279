//! The demo processes an empty Concerto starts with. Four are faithful to real
//! documents (the seeds: notices of Casarano, Fasano and Lecce, the observatory
//! record of Nardò); one, for a fictional Ambito, is open so that a newcomer can try
//! everything that needs an open process.

mod builder;
mod casarano;
mod esempio;
mod fasano;
mod lecce;
mod nardo;

use chrono::NaiveDate;
use concerto_domain::{NewAmbito, NewProcess};

/// One demo process with the Ambito that runs it.
pub struct DemoProcess {
    pub ambito: NewAmbito,
    pub process: NewProcess,
}

/// Every demo process. `today` is the day the demo is loaded (Europe/Rome): the
/// fictional process's calendar is laid out from it.
pub fn demo_processes(today: NaiveDate) -> Vec<DemoProcess> {
    vec![casarano::demo(), fasano::demo(), lecce::demo(), nardo::demo(), esempio::demo(today)]
}

/// The seven thematic areas of the V Piano Regionale delle Politiche Sociali
/// 2022-2024 (Puglia, DGR 353/2022), as codes of the regional catalogue that the
/// store's migrations seed.
pub const V_PLAN_AREA_CODES: [&str; 7] = ["pr5-1", "pr5-2", "pr5-3", "pr5-4", "pr5-5", "pr5-6", "pr5-7"];

/// Their names as the regional catalogue words them; notices that reword them (seed
/// 000) keep their own wording.
pub const V_PLAN_AREA_NAMES: [&str; 7] = [
    "Il sistema di welfare d'accesso",
    "Le politiche familiari e la tutela dei minori",
    "L'invecchiamento attivo",
    "Le politiche per l'integrazione delle persone con disabilità e la presa in carico della non autosufficienza",
    "La promozione dell'inclusione sociale ed il contrasto alle povertà",
    "La prevenzione e contrasto di tutte le forme di maltrattamento e violenza su donne e minori",
    "Le pari opportunità e la conciliazione vita-lavoro",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_process_is_valid_and_slugs_are_unique() {
        let demos = demo_processes(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        let mut slugs: Vec<_> = demos.iter().map(|d| d.process.header.slug.clone()).collect();
        for demo in &demos {
            assert_eq!(demo.process.validate(), Ok(()), "{}", demo.process.header.slug);
        }
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 5);
    }
}

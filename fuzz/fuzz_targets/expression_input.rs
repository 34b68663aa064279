//! The body of an expression of interest, as the JSON API and the form's decoding hand
//! it to the rules: any bytes deserialize or fail, any input validates or gets field
//! errors, and what passes holds only characters the text rule accepts.
#![no_main]

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use concerto_domain::{Ambito, ExpressionInput, Process, ThematicArea, is_acceptable_text, validate_expression};
use libfuzzer_sys::fuzz_target;

/// The demo's open process, with the ids a store would give it.
static PROCESS: LazyLock<Process> = LazyLock::new(|| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date");
    let demo = concerto_demo::demo_processes(today).pop().expect("the open demo process comes last");
    Process {
        id: 1,
        ambito: Ambito { id: 1, profile: demo.ambito },
        header: demo.process.header,
        phases: vec![],
        areas: (1..)
            .zip(demo.process.areas)
            .map(|(id, a)| ThematicArea { id, name: a.name, catalogue_code: a.catalogue_code })
            .collect(),
        tables: vec![],
        sessions: vec![],
    }
});

static NOW: LazyLock<DateTime<Utc>> = LazyLock::new(|| "2026-11-22T12:00:00Z".parse().expect("an instant"));

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<ExpressionInput>(data) else { return };
    match validate_expression(&input, &PROCESS, *NOW) {
        Ok(expression) => {
            let a = &expression.applicant;
            for text in [&a.name, &a.address, &a.municipality, &a.email] {
                assert!(is_acceptable_text(text, false), "{text:?} passed");
            }
            assert!(!expression.participations.is_empty());
        }
        Err(errors) => assert!(!errors.is_empty()),
    }
});

//! A big office for the benchmark (`concerto bench-seed`, a hidden command): one
//! published process of a fictional Ambito with 20 thematic areas and `count`
//! expressions, each eligible for a pact, received through the store's submission
//! path (numbers, pacts and audit entries as a real rush would leave them).
//! Deterministic, so that two runs measure the same office.

use chrono::Utc;
use concerto_demo::{V_PLAN_AREA_CODES, V_PLAN_AREA_NAMES, demo_processes};
use concerto_domain::{ExpressionInput, NewThematicArea, ProcessStatus, ROME, sha256_hex, validate_expression};
use concerto_store::{NewEmail, Store, Submission};

/// The process the benchmark measures.
pub const SLUG: &str = "ufficio-grande-2026-2028";
const AREAS: usize = 20;

/// Ten digits of `n` and the Luhn check digit, as `bench/rush.lua` makes them.
fn tax_code(n: usize) -> String {
    let body = format!("{n:010}");
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d = d * 2;
                if d > 9 { d - 9 } else { d }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// The `i`-th expression: an association in one to three of the areas.
fn input(i: usize, areas: &[i64]) -> anyhow::Result<ExpressionInput> {
    let chosen: Vec<i64> = (0..1 + i % 3).map(|k| areas[(i + 7 * k) % areas.len()]).collect();
    let participations: Vec<serde_json::Value> = chosen
        .iter()
        .enumerate()
        .map(|(k, area)| {
            serde_json::json!({
                "area_id": area.to_string(),
                "representative": { "name": format!("Referente {i}-{k}"), "email": format!("ref{i}-{k}@bench.invalid") },
            })
        })
        .collect();
    let json = serde_json::json!({
        "applicant": {
            "kind": "organization", "name": format!("Associazione di prova n. {i}"), "legal_form": "aps",
            "tax_code": tax_code(1_000_000 + i), "legal_representative": format!("Rappresentante {i}"),
            "address": format!("Via del Carico {}", i % 200 + 1), "municipality": "Esempio",
            "email": format!("org{i}@bench.invalid"), "founded_on": "2015-01-01",
        },
        "participations": participations,
        "privacy_accepted": true,
        "declaration_accepted": true,
    });
    Ok(serde_json::from_value(json)?)
}

/// Creates the process (unless it exists) and submits expressions until it holds
/// `count`.
pub async fn seed(database_url: &str, count: usize) -> anyhow::Result<()> {
    let store = Store::open(database_url).await?;
    let today = Utc::now().with_timezone(&ROME).date_naive();
    if store.process_by_slug(SLUG).await?.is_none() {
        // The open demo process, moved to an Ambito of its own, with 20 areas.
        let demo = demo_processes(today).pop().ok_or_else(|| anyhow::anyhow!("no demo process"))?;
        let mut ambito = demo.ambito;
        ambito.slug = "ufficio-grande".into();
        ambito.name = "Ufficio Grande".into();
        let mut process = demo.process;
        process.header.slug = SLUG.into();
        process.header.title = "Piano Sociale di Zona 2026-2028 di un Ambito grande (benchmark)".into();
        process.header.status = ProcessStatus::Published;
        process.areas = (0..AREAS)
            .map(|k| NewThematicArea {
                name: V_PLAN_AREA_NAMES
                    .get(k)
                    .map_or_else(|| format!("Area tematica n. {}", k + 1), std::string::ToString::to_string),
                catalogue_code: V_PLAN_AREA_CODES.get(k).map(std::string::ToString::to_string),
            })
            .collect();
        let ambito_id = store.upsert_ambito(&ambito).await?;
        store.create_process(ambito_id, &process).await?;
    }
    let process = store.process_by_slug(SLUG).await?.ok_or_else(|| anyhow::anyhow!("{SLUG} not created"))?;
    let areas: Vec<i64> = process.areas.iter().map(|a| a.id).collect();
    let already = store.active_expressions(process.id).await?.len();
    // The demo's deadline is a month from the day it is laid out: now is inside it.
    let now = Utc::now();
    for i in already..count {
        let expression = validate_expression(&input(i, &areas)?, &process, now)
            .map_err(|e| anyhow::anyhow!("generated expression {i} refused: {e:?}"))?;
        let submission = Submission {
            process: &process,
            expression: &expression,
            received_at: now,
            manage_token_digest: sha256_hex(format!("bench-seed-{i}").as_bytes()),
            amends: None,
        };
        // One shared key: the outbox keeps a single message for the whole seed, so
        // the server measured afterwards is not busy mailing 5,000 receipts.
        store
            .submit_expression(&submission, |_| NewEmail {
                dedup_key: "bench-seed".into(),
                recipient: "bench@bench.invalid".into(),
                subject: "bench-seed".into(),
                body: String::new(),
                html: None,
                attachments: vec![],
            })
            .await?;
    }
    println!("{SLUG}: {count} expressions over {} areas", areas.len());
    store.close().await;
    Ok(())
}

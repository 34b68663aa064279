//! `concerto import-notice` through the binary, and its draft stored as a process.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use std::io::Write;
use std::process::{Command, Stdio};

use concerto_store::testing::fresh_store;
use serde_json::Value;

const CASARANO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../notice/tests/seeds/000_c7aa5ff5bb19b09b.txt");

fn concerto() -> Command {
    Command::new(env!("CARGO_BIN_EXE_concerto"))
}

fn check_casarano(json: &Value) {
    assert_eq!(json["ambito"], "Casarano");
    assert_eq!(json["municipalities"].as_array().unwrap().len(), 7);
    assert_eq!(json["plan_period"]["from"], 2022);
    assert_eq!(json["deadline"]["date"], "2022-06-08");
    assert_eq!(json["deadline"]["time"], "12:00");
    let table1 = json["sessions"].as_array().unwrap().iter().find(|s| s["date"] == "2022-06-13").unwrap();
    assert_eq!((table1["start"].as_str(), table1["end"].as_str()), (Some("09:00"), Some("13:00")));
    assert_eq!(table1["kind"], "table");
    assert_eq!(json["contacts"]["emails"][0], "udp@ambitodicasarano.it");
}

#[test]
fn a_notice_file_prints_its_draft_as_json() {
    let output = concerto().args(["import-notice", CASARANO]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    check_casarano(&serde_json::from_slice(&output.stdout).unwrap());
}

#[test]
fn a_dash_reads_the_notice_from_standard_input() {
    let mut child =
        concerto().args(["import-notice", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read(CASARANO).unwrap()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    check_casarano(&serde_json::from_slice(&output.stdout).unwrap());
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let output = concerto().args(["import-notice", "/nonexistent/avviso.pdf"]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/avviso.pdf"));
}

#[tokio::test]
async fn an_imported_draft_is_stored_as_a_process_in_draft() {
    let store = fresh_store().await;
    let draft = concerto_notice::import(&std::fs::read(CASARANO).unwrap()).unwrap();
    let proposal = draft.to_new_process("casarano-importato");
    let demo = concerto_demo::demo_processes(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).remove(0);
    let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
    store.create_process(ambito, &proposal.process).await.unwrap();
    let stored = store.process_by_slug("casarano-importato").await.unwrap().unwrap();
    assert_eq!(stored.to_new(), proposal.process);
    assert!(!stored.header.is_public(), "an import waits for review");
}

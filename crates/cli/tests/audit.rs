//! `concerto audit verify` through the binary: 0 on an untouched log, non-zero
//! naming the entry once a row is altered by hand.

use std::process::{Command, Output};

use chrono::{DateTime, Duration, Utc};
use concerto_domain::AuditEntry;
use concerto_store::Store;
use concerto_store::testing::fresh_database_url;

fn verify(database_url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concerto"))
        .args(["audit", "verify", "--database-url", database_url])
        .env_remove("CONCERTO_DATABASE_URL")
        .output()
        .unwrap()
}

/// A database, SQLite unless `CONCERTO_TEST_DATABASE_URL` names a server, whose
/// log holds three entries.
async fn database_with_log() -> (String, Store) {
    let url = fresh_database_url().await;
    let store = Store::open(&url).await.unwrap();
    let at: DateTime<Utc> = "2026-03-02T09:15:00Z".parse().unwrap();
    for (n, action) in [(1, "process.create"), (2, "process.publish"), (3, "session.move")] {
        let entry = AuditEntry {
            actor: "cli".into(),
            at: at + Duration::minutes(n),
            action: action.into(),
            subject: "process:casarano-2022-2024".into(),
            ambito: Some("casarano".into()),
            before: None,
            after: Some(format!(r#"{{"step":{n}}}"#)),
        };
        store.append_audit(&entry).await.unwrap();
    }
    (url, store)
}

#[tokio::test]
async fn an_untouched_log_passes() {
    let (url, store) = database_with_log().await;
    let last_hash = store.verify_audit().await.unwrap().last_hash;
    store.close().await;
    let output = verify(&url);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("audit: 3 entries, chain intact, last hash {last_hash}")
    );
}

#[tokio::test]
async fn an_altered_row_fails_and_is_named() {
    let (url, store) = database_with_log().await;
    store.tamper_audit_for_tests(2, "after_state", r#"{"step":20}"#).await.unwrap();
    store.close().await;
    let output = verify(&url);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("la voce n. 2 (process.publish, process:casarano-2022-2024) è stata alterata"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_database_comes_from_the_environment_too() {
    let (url, store) = database_with_log().await;
    store.delete_audit_for_tests(3).await.unwrap();
    store.close().await;
    let output = Command::new(env!("CARGO_BIN_EXE_concerto"))
        .args(["audit", "verify"])
        .env("CONCERTO_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("la voce n. 3 è stata cancellata"));
}

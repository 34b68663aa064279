//! `concerto audit verify` through the binary: 0 on an untouched log, non-zero
//! naming the entry once a row is altered by hand.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

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
    assert!(stderr.contains("la voce n. 2 (process.publish, process:casarano-2022-2024) è stata alterata"), "{stderr}");
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

fn concerto(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concerto")).args(args).env_remove("CONCERTO_DATABASE_URL").output().unwrap()
}

/// Deleting the last entries and moving the recorded end of the chain back leaves a
/// chain that verifies on its own; a head saved outside the database shows it.
#[tokio::test]
async fn a_truncated_tail_fails_against_a_saved_head() {
    let (url, store) = database_with_log().await;
    let head = concerto(&["audit", "head", "--database-url", &url]);
    assert!(head.status.success(), "{}", String::from_utf8_lossy(&head.stderr));
    let saved = String::from_utf8_lossy(&head.stdout).trim().to_string();
    assert!(saved.starts_with("3:") && saved.len() == 2 + 64, "{saved}");
    let intact = concerto(&["audit", "verify", "--database-url", &url, "--from", &saved]);
    assert!(intact.status.success(), "{}", String::from_utf8_lossy(&intact.stderr));

    let second = store.audit_entries(None, 10, None).await.unwrap().into_iter().find(|e| e.sequence == 2).unwrap();
    store.delete_audit_for_tests(3).await.unwrap();
    store.move_audit_head_for_tests(2, &second.hash).await.unwrap();
    store.close().await;
    // Without the saved head the shortened chain looks whole...
    assert!(verify(&url).status.success());
    // ...with it, the deletion shows.
    let output = concerto(&["audit", "verify", "--database-url", &url, "--from", &saved]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("n. 3") || stderr.contains("cancellata"), "{stderr}");
    // A rewritten entry at the saved place shows too.
    assert!(
        !concerto(&["audit", "verify", "--database-url", &url, "--from", &format!("2:{}", "0".repeat(64))])
            .status
            .success()
    );
    assert!(!concerto(&["audit", "verify", "--database-url", &url, "--from", "not-a-head"]).status.success());
}

#[tokio::test]
async fn user_add_is_audited() {
    let url = fresh_database_url().await;
    Store::open(&url).await.unwrap().close().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_concerto"))
        .args(["user", "add", "--database-url", &url, "--email", "admin@ambito.example", "--role", "platform-admin"])
        .env_remove("CONCERTO_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"una password lunga e sicura\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let store = Store::open(&url).await.unwrap();
    let log = store.audit_entries(None, 10, None).await.unwrap();
    store.close().await;
    let entry = &log.first().unwrap().entry;
    assert_eq!((entry.action.as_str(), entry.actor.as_str()), ("account.create", "cli"));
    assert!(entry.after.as_deref().unwrap().contains("platform-admin"));
}

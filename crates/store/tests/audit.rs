//! The audit log: a hash chain appended in order, and every hand-made change found.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use chrono::{DateTime, Duration, Utc};
use concerto_domain::{AuditEntry, BreakReason, verify_chain};
use concerto_store::testing::fresh_store;
use concerto_store::{AuditReport, Backend, Store};

fn entry(n: i64, ambito: &str) -> AuditEntry {
    let at: DateTime<Utc> = "2026-03-02T09:15:00.123456789Z".parse().unwrap();
    AuditEntry {
        actor: format!("account:{n}"),
        at: at + Duration::seconds(n),
        action: "process.publish".into(),
        subject: format!("process:{ambito}-{n}"),
        ambito: Some(ambito.into()),
        before: Some(r#"{"status":"draft"}"#.into()),
        after: Some(r#"{"status":"published"}"#.into()),
    }
}

/// A store whose log holds `n` entries, alternating between two Ambiti.
async fn store_with(n: i64) -> Store {
    let store = fresh_store().await;
    for i in 1..=n {
        let ambito = if i % 2 == 0 { "fasano" } else { "casarano" };
        assert_eq!(store.append_audit(&entry(i, ambito)).await.unwrap(), i);
    }
    store
}

async fn first_break(store: &Store) -> concerto_domain::ChainBreak {
    let report = store.verify_audit().await.unwrap();
    report.first_break.expect("the change is found")
}

#[tokio::test]
async fn appends_build_a_valid_chain() {
    let store = store_with(3).await;
    let newest_first = store.audit_entries(None, 10, None).await.unwrap();
    assert_eq!(newest_first.iter().map(|e| e.sequence).collect::<Vec<_>>(), [3, 2, 1]);
    let report = store.verify_audit().await.unwrap();
    assert_eq!(
        report,
        AuditReport { entries: 3, first_break: None, last_sequence: 3, last_hash: newest_first[0].hash.clone() }
    );
    assert_eq!(verify_chain(newest_first.iter().rev().cloned()), Ok(3));
    // The instant comes back as it was hashed: to the microsecond.
    let first = &newest_first[2].entry;
    assert_eq!(first.at, "2026-03-02T09:15:01.123456Z".parse::<DateTime<Utc>>().unwrap());
    assert_eq!((first.actor.as_str(), first.ambito.as_deref()), ("account:1", Some("casarano")));
}

#[tokio::test]
async fn an_empty_log_is_intact() {
    let report = fresh_store().await.verify_audit().await.unwrap();
    assert!(report.is_intact());
    assert_eq!((report.entries, report.last_sequence), (0, 0));
}

#[tokio::test]
async fn an_office_sees_its_own_ambito_page_by_page() {
    let store = store_with(7).await;
    let casarano = store.audit_entries(Some("casarano"), 2, None).await.unwrap();
    assert_eq!(casarano.iter().map(|e| e.sequence).collect::<Vec<_>>(), [7, 5]);
    let older = store.audit_entries(Some("casarano"), 2, Some(5)).await.unwrap();
    assert_eq!(older.iter().map(|e| e.sequence).collect::<Vec<_>>(), [3, 1]);
    assert!(store.audit_entries(Some("lecce"), 10, None).await.unwrap().is_empty());
}

#[tokio::test]
async fn concurrent_appends_never_fork_the_chain() {
    let store = fresh_store().await;
    let tasks: Vec<_> = (1..=50)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.append_audit(&entry(i, "casarano")).await })
        })
        .collect();
    let mut sequences = Vec::new();
    for task in tasks {
        sequences.push(task.await.unwrap().unwrap());
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=50).collect::<Vec<_>>());
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{:?}", report.first_break);
    assert_eq!((report.entries, report.last_sequence), (50, 50));
}

#[tokio::test]
async fn a_log_longer_than_a_page_is_checked_to_its_end() {
    // Sixteen writers at once, so that PostgreSQL flushes their commits together.
    let store = fresh_store().await;
    let writers: Vec<_> = (0..16)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in (w..2_100).step_by(16) {
                    store.append_audit(&entry(i, "casarano")).await.unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{:?}", report.first_break);
    assert_eq!((report.entries, report.last_sequence), (2_100, 2_100));
    store.tamper_audit_for_tests(2_001, "actor", "account:666").await.unwrap();
    assert_eq!(first_break(&store).await.sequence, 2_001);
}

#[tokio::test]
async fn altering_any_column_by_hand_names_the_entry() {
    let altered = [
        ("actor", "account:666"),
        ("action", "process.delete"),
        ("subject", "process:altro"),
        ("ambito", "lecce"),
        ("before_state", "{}"),
        ("after_state", r#"{"status":"cancelled"}"#),
        ("at", "2020-01-01T00:00:00Z"),
        ("hash", &"f".repeat(64)),
        ("previous_hash", &"e".repeat(64)),
    ];
    for (column, value) in altered {
        let store = store_with(5).await;
        store.tamper_audit_for_tests(3, column, value).await.unwrap();
        let found = first_break(&store).await;
        assert_eq!((found.sequence, &found.reason), (3, &BreakReason::Altered), "{column}");
        assert!(found.to_string().starts_with("la voce n. 3 ("), "{found}");
        assert_eq!(store.verify_audit().await.unwrap().entries, 2);
    }
}

#[tokio::test]
async fn a_renumbered_or_deleted_entry_is_named() {
    let store = store_with(5).await;
    store.tamper_audit_for_tests(3, "sequence", "300").await.unwrap();
    let found = first_break(&store).await;
    assert_eq!((found.sequence, found.reason), (3, BreakReason::OutOfSequence { found: 4 }));

    let store = store_with(5).await;
    store.delete_audit_for_tests(2).await.unwrap();
    assert_eq!(
        first_break(&store).await.to_string(),
        "la voce n. 2 manca o è fuori posto: al suo posto si trova la n. 3"
    );
}

#[tokio::test]
async fn deleting_the_last_entries_shows_through_the_head() {
    let store = store_with(5).await;
    store.delete_audit_for_tests(5).await.unwrap();
    store.delete_audit_for_tests(4).await.unwrap();
    let report = store.verify_audit().await.unwrap();
    assert_eq!((report.entries, report.last_sequence), (3, 3));
    let found = report.first_break.unwrap();
    assert_eq!((found.sequence, found.reason), (4, BreakReason::Deleted { through: 5 }));

    // The next entry follows the recorded head, so the gap stays in view.
    assert_eq!(store.append_audit(&entry(6, "casarano")).await.unwrap(), 6);
    assert_eq!(first_break(&store).await.reason, BreakReason::OutOfSequence { found: 6 });
}

#[tokio::test]
async fn an_unreadable_row_is_named() {
    let store = store_with(3).await;
    // Only SQLite stores text in a timestamp column; PostgreSQL refuses it.
    if store.backend() != Backend::Sqlite {
        return;
    }
    store.tamper_audit_for_tests(2, "at", "ieri").await.unwrap();
    let found = first_break(&store).await;
    assert!(matches!(found.reason, BreakReason::Unreadable { .. }), "{found}");
    assert!(found.to_string().starts_with("la voce n. 2 (process.publish, process:fasano-2) è illeggibile"), "{found}");
}

//! Storage of Ambiti and processes, on the backend the environment selects.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use chrono::{NaiveDate, NaiveTime};
use concerto_demo::demo_processes;
use concerto_domain::{ProcessStatus, SessionKind};
use concerto_store::testing::fresh_store;
use concerto_store::{Store, StoreError};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

async fn store_with_demo() -> Store {
    let store = fresh_store().await;
    for demo in demo_processes(today()) {
        let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
        store.create_process(ambito, &demo.process).await.unwrap();
    }
    store
}

#[tokio::test]
async fn migrations_are_idempotent_and_seed_the_regional_catalogue() {
    let store = fresh_store().await;
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
    assert!(!store.has_processes().await.unwrap());
    assert_eq!(store.regional_areas().await.unwrap().len(), 7);
}

#[tokio::test]
async fn every_demo_process_reads_back_as_it_was_written() {
    let store = store_with_demo().await;
    for demo in demo_processes(today()) {
        let stored = store.process_by_slug(&demo.process.header.slug).await.unwrap().unwrap();
        assert_eq!(stored.to_new(), demo.process, "{}", demo.process.header.slug);
        assert_eq!(stored.ambito.profile, demo.ambito);
    }
}

#[tokio::test]
async fn casarano_keeps_its_calendar_and_deadline() {
    let store = store_with_demo().await;
    let p = store.process_by_slug("casarano-2022-2024").await.unwrap().unwrap();
    assert_eq!(p.header.deadline.unwrap().local().to_rfc3339(), "2022-06-08T12:00:00+02:00");
    assert_eq!(p.ambito.municipalities.len(), 7);
    let tables: Vec<_> = p.sessions.iter().filter(|s| s.kind == SessionKind::Table).collect();
    assert_eq!(tables.len(), 6);
    assert_eq!(tables[0].date, NaiveDate::from_ymd_opt(2022, 6, 13));
    assert_eq!(tables[0].start, NaiveTime::from_hms_opt(9, 0, 0));
    assert_eq!(tables[0].end, NaiveTime::from_hms_opt(13, 0, 0));
    assert_eq!(tables[2].date, None, "table 3 is to be fixed");
    assert_eq!(tables[5].date, None, "table 6 is to be fixed");
    let table5 = p.table(tables[4].table_id.unwrap()).unwrap();
    assert_eq!(table5.area_ids.len(), 2, "table 5 merges two areas");
}

#[tokio::test]
async fn a_second_process_with_the_same_slug_is_a_conflict() {
    let store = store_with_demo().await;
    let demo = demo_processes(today()).remove(0);
    let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
    let err = store.create_process(ambito, &demo.process).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(message) if message.contains("casarano-2022-2024")));
}

#[tokio::test]
async fn an_invalid_process_is_refused_before_any_write() {
    let store = fresh_store().await;
    let mut demo = demo_processes(today()).remove(0);
    demo.process.header.slug = "Non Valido".into();
    let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
    let err = store.create_process(ambito, &demo.process).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(e) if e.for_field("slug").is_some()));
    assert!(!store.has_processes().await.unwrap());
}

#[tokio::test]
async fn public_lists_leave_drafts_out() {
    let store = store_with_demo().await;
    let mut draft = demo_processes(today()).pop().unwrap();
    draft.process.header.slug = "bozza-2026-2028".into();
    draft.process.header.status = ProcessStatus::Draft;
    let ambito = store.upsert_ambito(&draft.ambito).await.unwrap();
    store.create_process(ambito, &draft.process).await.unwrap();

    let public = store.process_summaries(false).await.unwrap();
    assert_eq!(public.len(), 5);
    assert!(public.iter().all(|p| p.slug != "bozza-2026-2028"));
    assert_eq!(store.process_summaries(true).await.unwrap().len(), 6);
    assert_eq!(public[0].cycle.from, 2026, "newest cycle first");
}

#[tokio::test]
async fn updating_an_ambito_profile_replaces_its_municipalities() {
    let store = fresh_store().await;
    let mut ambito = demo_processes(today()).remove(0).ambito;
    let first = store.upsert_ambito(&ambito).await.unwrap();
    ambito.municipalities.truncate(2);
    let second = store.upsert_ambito(&ambito).await.unwrap();
    assert_eq!(first, second);
}

#[tokio::test]
async fn a_changed_ambito_profile_shows_on_its_processes_at_once() {
    let store = store_with_demo().await;
    let first = store.process_by_slug("casarano-2022-2024").await.unwrap().unwrap();
    let cached = store.process_by_slug("casarano-2022-2024").await.unwrap().unwrap();
    assert_eq!(first, cached);
    let mut ambito = first.ambito.profile.clone();
    ambito.address = Some("Piazza Nuova 1, Casarano".into());
    store.upsert_ambito(&ambito).await.unwrap();
    let after = store.process_by_slug("casarano-2022-2024").await.unwrap().unwrap();
    assert_eq!(after.ambito.address.as_deref(), Some("Piazza Nuova 1, Casarano"));
}

#[tokio::test]
async fn a_second_store_on_the_same_database_sees_changes_made_by_the_first() {
    let url = concerto_store::testing::fresh_database_url().await;
    let one = Store::open(&url).await.unwrap();
    let two = Store::open(&url).await.unwrap();
    let demo = demo_processes(today()).remove(0);
    let ambito = one.upsert_ambito(&demo.ambito).await.unwrap();
    one.create_process(ambito, &demo.process).await.unwrap();
    assert!(two.process_by_slug("casarano-2022-2024").await.unwrap().is_some());
    let mut profile = demo.ambito.clone();
    profile.name = "Casarano (rinominato)".into();
    two.upsert_ambito(&profile).await.unwrap();
    let seen_by_one = one.process_by_slug("casarano-2022-2024").await.unwrap().unwrap();
    assert_eq!(seen_by_one.ambito.name, "Casarano (rinominato)");
}

#[tokio::test]
async fn two_stores_creating_the_same_process_at_once_get_one_success_and_one_conflict() {
    let url = concerto_store::testing::fresh_database_url().await;
    let one = Store::open(&url).await.unwrap();
    let two = Store::open(&url).await.unwrap();
    let demo = demo_processes(today()).remove(0);
    let ambito = one.upsert_ambito(&demo.ambito).await.unwrap();
    let (a, b) = tokio::join!(one.create_process(ambito, &demo.process), two.create_process(ambito, &demo.process));
    let outcomes = [a, b];
    assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(outcomes.iter().any(|r| matches!(r, Err(StoreError::Conflict(_)))), "{outcomes:?}");
}

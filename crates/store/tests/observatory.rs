//! The observatory's records on the backend the environment selects: derived from
//! the demo processes, searched in Italian without accents, completed by the public
//! through a moderator, every version kept.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use chrono::{NaiveDate, TimeZone, Utc};
use concerto_demo::demo_processes;
use concerto_domain::observatory::{Completion, Correction, Moderation, RecordQuery, RecordSource, search_terms};
use concerto_domain::{AuditEntry, ProcessStatus};
use concerto_store::Store;
use concerto_store::testing::fresh_store;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

async fn store_with_demo() -> Store {
    let store = fresh_store().await;
    for demo in demo_processes(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()) {
        let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
        store.create_process(ambito, &demo.process).await.unwrap();
    }
    store.refresh_observatory(now()).await.unwrap();
    store
}

async fn slugs_for(store: &Store, q: &str) -> Vec<String> {
    let query = RecordQuery { terms: search_terms(q), page: 1, ..Default::default() };
    let page = store.search_observatory(&query).await.unwrap();
    assert_eq!(page.total, page.hits.len() as i64, "{q}: one page");
    let mut slugs: Vec<String> = page.hits.into_iter().map(|h| h.record.process_slug.unwrap_or_default()).collect();
    slugs.sort();
    slugs
}

fn audit(action: &str) -> AuditEntry {
    AuditEntry {
        actor: "account:1 <moderatore@concerto.invalid>".into(),
        at: now(),
        action: action.into(),
        subject: "observatory".into(),
        ambito: None,
        before: None,
        after: None,
    }
}

#[tokio::test]
async fn nardo_is_found_with_or_without_its_accent_and_violenza_finds_its_tables() {
    let store = store_with_demo().await;
    assert_eq!(slugs_for(&store, "nardo").await, ["nardo-2022-2024"]);
    assert_eq!(slugs_for(&store, "Nardò").await, ["nardo-2022-2024"]);
    assert_eq!(
        slugs_for(&store, "violenza").await,
        ["casarano-2022-2024", "esempio-2026-2028", "lecce-2014-2016", "nardo-2022-2024"]
    );
    let page = store
        .search_observatory(&RecordQuery { terms: search_terms("Nardò"), page: 1, ..Default::default() })
        .await
        .unwrap();
    let title = page.hits[0].title_marked.clone().unwrap();
    assert!(title.contains("\u{2}Nardò\u{3}"), "{title}");
}

#[tokio::test]
async fn facets_count_the_matches_and_filter_them() {
    let store = store_with_demo().await;
    let all = store.search_observatory(&RecordQuery { page: 1, ..Default::default() }).await.unwrap();
    assert_eq!(all.total, 5);
    let le = all.facets.iter().find(|f| f.facet == "province" && f.value == "LE").unwrap();
    let lecce_province = RecordQuery { province: Some("LE".into()), page: 1, ..Default::default() };
    let filtered = store.search_observatory(&lecce_province).await.unwrap();
    assert_eq!(filtered.total, le.count);
    assert!(filtered.hits.iter().all(|h| h.record.content.province == "LE"));
    let area = "L'invecchiamento attivo".to_string();
    let by_area =
        RecordQuery { area: Some(area.clone()), cycle: Some("2022-2024".into()), page: 1, ..Default::default() };
    let by_area = store.search_observatory(&by_area).await.unwrap();
    assert!(by_area.total >= 2);
    assert!(by_area.hits.iter().all(|h| h.record.content.areas.contains(&area)));
}

#[tokio::test]
async fn a_completion_is_invisible_until_accepted_and_then_both_versions_are_kept() {
    let store = store_with_demo().await;
    let id = store
        .search_observatory(&RecordQuery { terms: search_terms("nardo"), page: 1, ..Default::default() })
        .await
        .unwrap()
        .hits[0]
        .record
        .id;
    let before = store.observatory_record(id).await.unwrap().unwrap();
    let completion = Completion {
        results: "Piano approvato con il laboratorio Zibaldone".into(),
        ..Completion::of(&before.content)
    };
    let correction = Correction { name: "Anna Bianchi".into(), email: "anna@example.org".into(), completion };
    let proposal = store.propose_correction(id, before.version, &correction, now()).await.unwrap();
    assert_eq!(store.observatory_record(id).await.unwrap().unwrap(), before);
    assert!(slugs_for(&store, "zibaldone").await.is_empty());
    assert_eq!(store.pending_corrections().await.unwrap().len(), 1);

    store
        .decide_correction(
            proposal,
            &Moderation::Accept { reason: String::new() },
            "moderatore",
            &audit("observatory.accept"),
        )
        .await
        .unwrap();
    let after = store.observatory_record(id).await.unwrap().unwrap();
    assert_eq!(after.version, before.version + 1);
    assert_eq!(after.content.results, "Piano approvato con il laboratorio Zibaldone");
    assert_eq!(slugs_for(&store, "zibaldone").await, ["nardo-2022-2024"]);
    let versions = store.observatory_versions(id).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [after.version, before.version]);
    assert_eq!(versions[1].content, before.content);
    assert!(store.pending_corrections().await.unwrap().is_empty());
    assert!(store.verify_audit().await.unwrap().is_intact());
    // Decided once only.
    assert!(
        store
            .decide_correction(proposal, &Moderation::Reject { reason: "doppia".into() }, "m", &audit("x"))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn derived_records_follow_their_process_and_keep_what_was_completed() {
    let store = store_with_demo().await;
    let process = store.process_by_slug("esempio-2026-2028").await.unwrap().unwrap();
    let id =
        store.observatory_catalogue().await.unwrap().into_iter().find(|r| r.process_id == Some(process.id)).unwrap().id;
    let record = store.observatory_record(id).await.unwrap().unwrap();
    let completion = Completion { objectives: "Più servizi domiciliari".into(), ..Completion::of(&record.content) };
    let correction = Correction { name: "A".into(), email: "a@example.org".into(), completion };
    let proposal = store.propose_correction(id, record.version, &correction, now()).await.unwrap();
    store
        .decide_correction(proposal, &Moderation::Accept { reason: "verificato".into() }, "m", &audit("accept"))
        .await
        .unwrap();

    store.set_process_status(process.id, ProcessStatus::Closed, &audit("process.status")).await.unwrap();
    store.refresh_observatory(now()).await.unwrap();
    let closed = store.observatory_record(id).await.unwrap().unwrap();
    assert_eq!(closed.content.status.code(), "concluded");
    assert_eq!(closed.content.objectives, "Più servizi domiciliari");
    assert_eq!(closed.version, record.version + 2);

    store.set_process_status(process.id, ProcessStatus::Draft, &audit("process.status")).await.unwrap();
    store.refresh_observatory(now()).await.unwrap();
    assert_eq!(store.observatory_record(id).await.unwrap(), None, "a draft is not in the catalogue");
    assert_eq!(store.observatory_catalogue().await.unwrap().len(), 4);
}

#[tokio::test]
async fn external_records_are_searchable_and_validated() {
    let store = store_with_demo().await;
    let mut content = store.observatory_catalogue().await.unwrap()[0].content.clone();
    content.title = "Bilancio partecipativo di Ostuni".into();
    content.province = "BR".into();
    let ids = store
        .create_observatory_records(
            &[content.clone()],
            RecordSource::External,
            now(),
            Some(&audit("observatory.create")),
        )
        .await
        .unwrap();
    let record = store.observatory_record(ids[0]).await.unwrap().unwrap();
    assert_eq!(record.source, RecordSource::External);
    assert_eq!(record.process_slug, None);
    let q = RecordQuery { terms: search_terms("ostuni bilancio"), page: 1, ..Default::default() };
    assert_eq!(store.search_observatory(&q).await.unwrap().total, 1);
    content.title.clear();
    assert!(store.create_observatory_records(&[content], RecordSource::External, now(), None).await.is_err());
}

#[tokio::test]
async fn readers_refreshing_at_once_derive_each_record_once() {
    let store = fresh_store().await;
    for demo in demo_processes(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()) {
        let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
        store.create_process(ambito, &demo.process).await.unwrap();
    }
    let refreshes: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.refresh_observatory(now()).await })
        })
        .collect();
    for r in refreshes {
        r.await.unwrap().unwrap();
    }
    let catalogue = store.observatory_catalogue().await.unwrap();
    assert_eq!(catalogue.len(), 5);
    for record in catalogue {
        assert_eq!(store.observatory_versions(record.id).await.unwrap().len(), 1);
    }
}

/// The total and ambiti of a search, after the same search ran once, so that a
/// remembered answer would be served if it were not dropped by the write between.
async fn searched_twice(store: &Store, query: &RecordQuery) -> (i64, Vec<String>) {
    store.search_observatory(query).await.unwrap();
    let page = store.search_observatory(query).await.unwrap();
    (page.total, page.hits.into_iter().map(|h| h.record.content.ambito).collect())
}

#[tokio::test]
async fn every_write_to_the_catalogue_shows_in_the_very_next_search() {
    let url = concerto_store::testing::fresh_database_url().await;
    let store = Store::open(&url).await.unwrap();
    for demo in demo_processes(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()) {
        let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
        store.create_process(ambito, &demo.process).await.unwrap();
    }
    store.refresh_observatory(now()).await.unwrap();
    let novel = RecordQuery { terms: search_terms("zanzibar"), page: 1, ..Default::default() };
    let everything = RecordQuery { page: 1, ..Default::default() };
    assert_eq!(searched_twice(&store, &novel).await.0, 0);
    let all = searched_twice(&store, &everything).await.0;

    // A new record, written through another store on the same database: another
    // instance, or the command line.
    let other = Store::connect(&url).await.unwrap();
    let mut content = store.observatory_catalogue().await.unwrap()[0].content.clone();
    content.title = "Bilancio partecipativo di Zanzibar".into();
    content.ambito = "Zanzibar".into();
    let ids = other.create_observatory_records(&[content], RecordSource::External, now(), None).await.unwrap();
    assert_eq!(searched_twice(&store, &novel).await.0, 1);
    assert_eq!(searched_twice(&store, &everything).await.0, all + 1);

    // An accepted correction: its words are found, and the facets follow.
    let zibaldone = RecordQuery { terms: search_terms("zibaldone"), page: 1, ..Default::default() };
    assert_eq!(searched_twice(&store, &zibaldone).await.0, 0);
    let record = store.observatory_record(ids[0]).await.unwrap().unwrap();
    let completion = Completion { results: "Laboratorio Zibaldone".into(), ..Completion::of(&record.content) };
    let correction = Correction { name: "A".into(), email: "a@example.org".into(), completion };
    let proposal = store.propose_correction(ids[0], record.version, &correction, now()).await.unwrap();
    assert_eq!(searched_twice(&store, &zibaldone).await.0, 0, "a proposal is not yet the record");
    store
        .decide_correction(proposal, &Moderation::Accept { reason: String::new() }, "m", &audit("accept"))
        .await
        .unwrap();
    let found = store.search_observatory(&zibaldone).await.unwrap();
    assert_eq!(found.total, 1);
    let excerpt = found.hits[0].excerpt_marked.clone().unwrap();
    assert!(excerpt.starts_with("… ") && excerpt.ends_with("Laboratorio \u{2}Zibaldone\u{3}"), "{excerpt}");

    // A process change: its record leaves the ongoing ones when it closes, and the
    // catalogue when it goes back to draft.
    let process = store.process_by_slug("esempio-2026-2028").await.unwrap().unwrap();
    let ongoing_esempio = RecordQuery {
        ambito: Some("Esempio".into()),
        status: Some(concerto_domain::observatory::RecordStatus::Ongoing),
        page: 1,
        ..Default::default()
    };
    assert_eq!(searched_twice(&store, &ongoing_esempio).await, (1, vec!["Esempio".to_string()]));
    store.set_process_status(process.id, ProcessStatus::Closed, &audit("process.status")).await.unwrap();
    store.refresh_observatory(now()).await.unwrap();
    assert_eq!(store.search_observatory(&ongoing_esempio).await.unwrap().total, 0);
    store.set_process_status(process.id, ProcessStatus::Draft, &audit("process.status")).await.unwrap();
    store.refresh_observatory(now()).await.unwrap();
    assert_eq!(store.search_observatory(&everything).await.unwrap().total, all);
}

#[tokio::test]
async fn pages_split_the_ranked_matches_and_mark_the_words() {
    let store = store_with_demo().await;
    let mut content = store.observatory_catalogue().await.unwrap()[0].content.clone();
    let contents: Vec<_> = (0..45)
        .map(|i| {
            content.title = format!("Percorso {i} sulla città di Ostuni");
            content.clone()
        })
        .collect();
    store.create_observatory_records(&contents, RecordSource::External, now(), None).await.unwrap();
    let page = |n| RecordQuery { terms: search_terms("citta ostuni"), page: n, ..Default::default() };
    let mut seen = Vec::new();
    for n in 1..=3 {
        let found = store.search_observatory(&page(n)).await.unwrap();
        assert_eq!(found.total, 45);
        assert_eq!(found.hits.len(), [20, 20, 5][n as usize - 1]);
        for hit in found.hits {
            assert!(hit.title_marked.unwrap().contains("\u{2}città\u{3} di \u{2}Ostuni\u{3}"));
            seen.push(hit.record.id);
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 45, "no record on two pages");
    assert!(store.search_observatory(&page(4)).await.unwrap().hits.is_empty());
    let status: i64 = store
        .search_observatory(&page(1))
        .await
        .unwrap()
        .facets
        .iter()
        .filter(|f| f.facet == "status")
        .map(|f| f.count)
        .sum();
    assert_eq!(status, 45);
}

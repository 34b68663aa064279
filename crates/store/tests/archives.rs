//! Bulk archive jobs in the store: one worker per job, a crashed worker's job
//! claimed again past its lease, a stale claim writing nothing, and a job that
//! keeps crashing its worker failed instead of retried for ever.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use chrono::{NaiveDate, TimeDelta};
use concerto_demo::demo_processes;
use concerto_domain::{ARCHIVE_LEASE, ArchiveKind, ArchiveState, Role};
use concerto_store::testing::fresh_store;
use concerto_store::{NewAccount, Store};

async fn process_and_account(store: &Store) -> (i64, i64) {
    let demo = demo_processes(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).pop().unwrap();
    let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
    let process = store.create_process(ambito, &demo.process).await.unwrap();
    let account = NewAccount {
        email: "ufficio@example.org".into(),
        display_name: "Ufficio".into(),
        role: Role::AmbitoEditor,
        ambito_id: Some(ambito),
        password_hash: None,
    };
    (process, store.create_account(&account, "test", chrono::Utc::now()).await.unwrap())
}

#[tokio::test]
async fn one_worker_claims_a_job_and_a_crashed_one_gives_it_back() {
    let store = fresh_store().await;
    let (process, account) = process_and_account(&store).await;
    let t0 = chrono::Utc::now();
    let job = store.queue_archive(ArchiveKind::Pacts, process, account, t0).await.unwrap();
    assert_eq!(job.state, ArchiveState::Queued);
    let again = store.queue_archive(ArchiveKind::Pacts, process, account, t0).await.unwrap();
    assert_eq!(again.id, job.id, "a second request joins the job under way");
    let other = store.queue_archive(ArchiveKind::SignInSheets, process, account, t0).await.unwrap();
    assert_ne!(other.id, job.id);

    let first = store.claim_archive(t0, t0 + ARCHIVE_LEASE).await.unwrap().unwrap();
    assert_eq!((first.id, first.state, first.attempts), (job.id, ArchiveState::Running, 1));
    let second = store.claim_archive(t0, t0 + ARCHIVE_LEASE).await.unwrap().unwrap();
    assert_eq!(second.id, other.id, "the claimed job is not handed out twice");
    assert!(store.claim_archive(t0, t0 + ARCHIVE_LEASE).await.unwrap().is_none());
    assert!(store.archive_progress(&first, 2, 5, t0 + ARCHIVE_LEASE).await.unwrap());

    // The first worker dies; past its lease another claims the job again.
    let later = t0 + ARCHIVE_LEASE + TimeDelta::seconds(1);
    let retaken = store.claim_archive(later, later + ARCHIVE_LEASE).await.unwrap().unwrap();
    assert_eq!((retaken.id, retaken.attempts, retaken.done), (job.id, 2, 0));
    assert!(!store.archive_progress(&first, 3, 5, later).await.unwrap(), "the old claim writes nothing");
    assert!(!store.finish_archive(&first, "x.zip", b"PK", later).await.unwrap());
    assert!(store.finish_archive(&retaken, "patti.zip", b"PK..", later).await.unwrap());
    let done = store.archive_job(job.id).await.unwrap().unwrap();
    assert_eq!((done.state, done.size, done.file_name.as_deref()), (ArchiveState::Done, Some(4), Some("patti.zip")));
    assert_eq!(store.archive_file(job.id).await.unwrap().unwrap().1, b"PK..");

    // A new request after the end makes a new job; old ones are purged.
    let fresh = store.queue_archive(ArchiveKind::Pacts, process, account, later).await.unwrap();
    assert_ne!(fresh.id, job.id);
    assert_eq!(store.purge_archives(later + TimeDelta::seconds(1)).await.unwrap(), 1);
    assert!(store.archive_job(job.id).await.unwrap().is_none());
}

#[tokio::test]
async fn a_job_that_keeps_crashing_its_worker_fails() {
    let store = fresh_store().await;
    let (process, account) = process_and_account(&store).await;
    let mut now = chrono::Utc::now();
    let job = store.queue_archive(ArchiveKind::SignInSheets, process, account, now).await.unwrap();
    for attempt in 1..=concerto_domain::MAX_ARCHIVE_ATTEMPTS {
        let claimed = store.claim_archive(now, now + ARCHIVE_LEASE).await.unwrap().unwrap();
        assert_eq!(claimed.attempts, attempt);
        now += ARCHIVE_LEASE + TimeDelta::seconds(1);
    }
    assert!(store.claim_archive(now, now + ARCHIVE_LEASE).await.unwrap().is_none());
    let failed = store.archive_job(job.id).await.unwrap().unwrap();
    assert_eq!(failed.state, ArchiveState::Failed);
    assert!(failed.error.unwrap().contains("interrotta"));
}

#[tokio::test]
async fn a_big_archive_is_kept_in_parts_and_read_back_whole() {
    let store = fresh_store().await;
    let (process, account) = process_and_account(&store).await;
    let t0 = chrono::Utc::now();
    let job = store.queue_archive(ArchiveKind::Pacts, process, account, t0).await.unwrap();
    let first = store.claim_archive(t0, t0 + ARCHIVE_LEASE).await.unwrap().unwrap();
    let later = t0 + ARCHIVE_LEASE + TimeDelta::seconds(1);
    let retaken = store.claim_archive(later, later + ARCHIVE_LEASE).await.unwrap().unwrap();
    // Two full parts and a piece of a third, every byte told apart by its place.
    let content: Vec<u8> = (0..2 * concerto_store::ARCHIVE_PART + 1234).map(|i| (i % 251) as u8).collect();
    assert!(
        !store.finish_archive_from(&first, "x.zip", content.as_slice(), later).await.unwrap(),
        "the old claim keeps nothing"
    );
    assert_eq!(store.archive_part_count(job.id).await.unwrap(), 0);
    assert!(store.finish_archive_from(&retaken, "patti.zip", content.as_slice(), later).await.unwrap());
    let done = store.archive_job(job.id).await.unwrap().unwrap();
    assert_eq!((done.state, done.size), (ArchiveState::Done, Some(content.len() as i64)));
    assert_eq!(store.archive_part_count(job.id).await.unwrap(), 3);
    assert_eq!(store.archive_part(job.id, 2).await.unwrap().unwrap().len(), 1234);
    assert!(store.archive_part(job.id, 3).await.unwrap().is_none());
    let (name, whole) = store.archive_file(job.id).await.unwrap().unwrap();
    assert_eq!(name, "patti.zip");
    assert!(whole == content, "the parts put together give the archive back");

    // Purging the job takes its parts with it.
    assert_eq!(store.purge_archives(later + TimeDelta::seconds(1)).await.unwrap(), 1);
    assert_eq!(store.archive_part_count(job.id).await.unwrap(), 0);
}

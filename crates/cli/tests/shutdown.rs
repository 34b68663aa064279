//! SIGTERM while citizens submit: every submission answered 201 is kept, the
//! process exits 0, and the outbox messages the worker had claimed are given back,
//! so that the next start sends them at once instead of after their lease.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{Rush, Server, open_process, protocol_parts};
use concerto_domain::RegisterCheck;
use concerto_mail::testing::SmtpSink;
use concerto_store::Store;
use concerto_store::testing::fresh_database_url;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_during_the_rush_loses_nothing_and_releases_the_outbox() {
    let url = fresh_database_url().await;
    // Accepts connections and never greets: the worker's messages stay claimed.
    let silent_smtp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let smtp = format!("smtp://127.0.0.1:{}", silent_smtp.local_addr().unwrap().port());
    let server = Server::start(&url, &["--smtp-url", &smtp]).await;
    let client = common::client();
    let (slug, area) = open_process(&server.base).await;

    let rush = Rush::start(&client, &server.base, &slug, area, 6);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let signalled = Instant::now();
    let log = server.log.clone();
    server.terminate();
    let status = server.wait(Duration::from_secs(40)).await;
    let stopped_in = signalled.elapsed();
    let answered = rush.stop().await;
    assert!(status.success(), "exit status {status:?}");
    let log = std::fs::read_to_string(log).unwrap();
    assert!(
        log.contains("outbox worker released its claims") && !log.contains("released=0"),
        "the worker held claims on the silent server when it stopped: {log}"
    );
    assert!(answered.len() >= 10, "the rush was under way: {} answered", answered.len());

    let store = Store::open(&url).await.unwrap();
    let register = store.protocol_register("esempio").await.unwrap();
    let kept: BTreeSet<(i32, i64)> =
        register.iter().flat_map(|(y, s)| s.iter().map(move |n| (*y, n.sequence))).collect();
    for accepted in &answered {
        assert!(kept.contains(&protocol_parts(&accepted.protocol)), "{} answered 201 but lost", accepted.protocol);
    }
    for (year, lines) in &register {
        let seqs: Vec<i64> = lines.iter().map(|l| l.sequence).collect();
        assert!(RegisterCheck::of(&seqs).is_sound(), "register {year}: {seqs:?}");
    }
    let pending = store.pending_email_count().await.unwrap();
    assert!(pending >= answered.len() as i64, "every receipt waits: {pending}");
    let due = store.due_emails(Utc::now(), 100_000).await.unwrap().len() as i64;
    assert_eq!(due, pending, "every message waiting is due now: no lease held by the stopped server");
    store.close().await;
    drop(silent_smtp);

    // The next start sends them at once.
    let sink = SmtpSink::start().await;
    let again = Server::start(&url, &["--smtp-url", &sink.url()]).await;
    let received = sink.wait_for(pending as usize, Duration::from_secs(20)).await;
    assert_eq!(received.len() as i64, pending);
    again.terminate();
    assert!(again.wait(Duration::from_secs(30)).await.success());
    println!(
        "{} answered; stopped {stopped_in:?} after SIGTERM; {pending} messages sent by the next start",
        answered.len()
    );
}

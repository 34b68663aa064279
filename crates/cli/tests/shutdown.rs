//! SIGTERM while citizens submit: every submission answered 201 is kept, the
//! process exits 0, and the outbox messages the worker had claimed are given back,
//! so that the next start sends them at once instead of after their lease.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{Server, entity_code, expression, open_process, protocol_parts, submit};
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

    let answered = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut rush = Vec::new();
    for worker in 0..6u64 {
        let (client, base, slug) = (client.clone(), server.base.clone(), slug.clone());
        let (answered, stop) = (answered.clone(), stop.clone());
        rush.push(tokio::spawn(async move {
            let mut n = worker * 100_000;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let body = expression(area, &entity_code(n), &format!("ente{n}@example.org"), "Luca Verdi");
                if let Some(accepted) = submit(&client, &base, &slug, &body).await {
                    answered.lock().unwrap().push(accepted);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let signalled = Instant::now();
    let log = server.log.clone();
    server.terminate();
    let status = server.wait(Duration::from_secs(40)).await;
    let stopped_in = signalled.elapsed();
    stop.store(true, Ordering::Relaxed);
    for task in rush {
        task.await.unwrap();
    }
    assert!(status.success(), "exit status {status:?}");
    let log = std::fs::read_to_string(log).unwrap();
    assert!(
        log.contains("outbox worker released its claims") && !log.contains("released=0"),
        "the worker held claims on the silent server when it stopped: {log}"
    );
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() >= 10, "the rush was under way: {} answered", answered.len());

    let store = Store::open(&url).await.unwrap();
    let register = store.protocol_register("esempio").await.unwrap();
    let kept: BTreeSet<(i32, i64)> = register.iter().flat_map(|(y, s)| s.iter().map(move |n| (*y, *n))).collect();
    for accepted in &answered {
        assert!(kept.contains(&protocol_parts(&accepted.protocol)), "{} answered 201 but lost", accepted.protocol);
    }
    for (year, seqs) in &register {
        assert!(RegisterCheck::of(seqs).is_sound(), "register {year}: {seqs:?}");
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
    println!("{} answered; stopped {stopped_in:?} after SIGTERM; {pending} messages sent by the next start", answered.len());
}

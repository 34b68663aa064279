//! The outbox drained into a real SMTP server (or into files), on the backend that
//! `CONCERTO_TEST_DATABASE_URL` selects.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use concerto_mail::templates::{ReceiptEmail, expression_receipt};
use concerto_mail::testing::{Email, SmtpSink};
use concerto_mail::{MailConfig, Mailer, OutboxWaker, deliver_due, run_outbox_worker};
use concerto_store::testing::fresh_store;
use concerto_store::{NewEmail, Store};

const WAIT: Duration = Duration::from_secs(20);

fn receipt(protocol: &str) -> ReceiptEmail {
    ReceiptEmail {
        recipient: "Associazione Però <segreteria@auser-lecce.example.org>".into(),
        applicant_name: "Associazione Però".into(),
        process_title: "Piano Sociale di Zona 2026-2028".into(),
        ambito_name: "Ambito Territoriale Sociale di Lecce".into(),
        protocol_number: protocol.into(),
        received_at: Utc::now(),
        sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
        areas: vec!["Le pari opportunità e la conciliazione vita-lavoro".into()],
        receipt_url: format!("https://concerto.example.org/ricevute/{}", protocol.replace('/', "-")),
        manage_url: "https://concerto.example.org/gestisci/s3gr3t0".into(),
        replaces: None,
        pact_url: None,
        privacy_url: "https://concerto.example.org/processi/lecce-2026-2028/privacy".into(),
    }
}

fn plain(key: &str, recipient: &str) -> NewEmail {
    NewEmail {
        dedup_key: key.into(),
        recipient: recipient.into(),
        subject: format!("Prova {key}"),
        body: "Testo.\n".into(),
        ..NewEmail::default()
    }
}

fn smtp_mailer(sink: &SmtpSink) -> Mailer {
    let config = MailConfig {
        smtp_url: Some(sink.url()),
        from: "Concerto <noreply@concerto.invalid>".into(),
        outbox_dir: PathBuf::from("unused"),
    };
    Mailer::from_config(&config).expect("mailer for the sink")
}

async fn wait_until_all_sent(store: &Store) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while store.pending_email_count().await.expect("count") > 0 {
        assert!(tokio::time::Instant::now() < deadline, "the outbox was not drained");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_worker_delivers_a_receipt_to_the_smtp_server() {
    let sink = SmtpSink::start().await;
    let store = fresh_store().await;
    let waker = OutboxWaker::new();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(run_outbox_worker(store.clone(), smtp_mailer(&sink), waker.clone(), async {
        let _ = stopped.await;
    }));

    store.enqueue_email(&expression_receipt(&receipt("2026/0000042")), Utc::now()).await.expect("enqueue");
    waker.wake();
    let messages = sink.wait_for(1, WAIT).await;
    wait_until_all_sent(&store).await;
    let _ = stop.send(());
    worker.await.expect("the worker ends cleanly");

    let [message] = messages.as_slice() else { panic!("one message expected, got {}", messages.len()) };
    assert_eq!(message.mail_from, "noreply@concerto.invalid");
    assert_eq!(message.rcpt_to, ["segreteria@auser-lecce.example.org"]);
    let email = &message.email;
    assert_eq!(email.subject().as_deref(), Some("Ricevuta n. 2026/0000042 – Manifestazione di interesse"));
    assert!(email.raw().is_ascii(), "accents travel encoded: {}", email.raw());
    assert_eq!(email.to().as_deref(), Some("Associazione Però <segreteria@auser-lecce.example.org>"));
    assert_eq!(email.message_id(), Some("<receipt.2026-0000042@concerto.invalid>"));
    assert!(email.header("Date").is_some());
    let body = email.text_body();
    assert!(body.contains("Numero di protocollo: 2026/0000042"), "{body}");
    assert!(body.contains("Le pari opportunità e la conciliazione vita-lavoro"), "{body}");
    assert!(body.contains("https://concerto.example.org/ricevute/2026-0000042"), "{body}");
    assert!(body.contains("https://concerto.example.org/gestisci/s3gr3t0"), "{body}");
    assert_eq!(store.pending_email_count().await.expect("count"), 0);
}

#[tokio::test]
async fn the_same_key_queued_twice_is_delivered_once() {
    let sink = SmtpSink::start().await;
    let store = fresh_store().await;
    let mailer = smtp_mailer(&sink);
    let now = Utc::now();
    let email = expression_receipt(&receipt("2026/0000007"));
    store.enqueue_email(&email, now).await.expect("enqueue");
    store.enqueue_email(&email, now).await.expect("enqueue again");

    assert_eq!(deliver_due(&store, &mailer, now).await.expect("pass"), 1);
    assert_eq!(deliver_due(&store, &mailer, now + TimeDelta::hours(2)).await.expect("second pass"), 0);
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn a_message_that_fails_is_retried_after_the_backoff_and_sent_once() {
    let sink = SmtpSink::start().await;
    let store = fresh_store().await;
    let mailer = smtp_mailer(&sink);
    let now = Utc::now();
    // A first message leaves a pooled connection open, which the stop then breaks.
    store.enqueue_email(&plain("first", "a@example.org"), now).await.expect("enqueue");
    assert_eq!(deliver_due(&store, &mailer, now).await.expect("pass"), 1);

    sink.stop().await;
    store.enqueue_email(&plain("second", "b@example.org"), now).await.expect("enqueue");
    assert_eq!(deliver_due(&store, &mailer, now).await.expect("failing pass"), 0);
    assert_eq!(store.pending_email_count().await.expect("count"), 1, "kept in the outbox");
    assert!(store.due_emails(now + TimeDelta::seconds(14), 10).await.expect("due").is_empty(), "not before 15 s");
    let due = store.due_emails(now + TimeDelta::seconds(15), 10).await.expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].dedup_key.as_str(), due[0].attempts), ("second", 1));

    sink.restart().await;
    let later = now + TimeDelta::seconds(16);
    assert_eq!(deliver_due(&store, &mailer, later).await.expect("pass after restart"), 1);
    assert_eq!(deliver_due(&store, &mailer, later + TimeDelta::hours(2)).await.expect("idle pass"), 0);
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1].email.message_id(), Some("<second@concerto.invalid>"));
    assert_eq!(store.pending_email_count().await.expect("count"), 0);
}

#[tokio::test]
async fn an_invalid_address_is_parked_and_does_not_stop_the_others() {
    let sink = SmtpSink::start().await;
    let store = fresh_store().await;
    let mailer = smtp_mailer(&sink);
    let now = Utc::now();
    store.enqueue_email(&plain("bad", "non è un indirizzo"), now).await.expect("enqueue");
    store.enqueue_email(&plain("good", "ok@example.org"), now).await.expect("enqueue");

    assert_eq!(deliver_due(&store, &mailer, now).await.expect("pass"), 1);
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(store.pending_email_count().await.expect("count"), 1, "the bad one is kept, with its error");
    assert!(store.due_emails(now + TimeDelta::days(365), 10).await.expect("due").is_empty(), "and not retried");
}

#[tokio::test]
async fn without_smtp_each_message_is_one_eml_file_overwritten_on_resend() {
    let dir = std::env::temp_dir().join("concerto-mail-tests").join(format!(
        "{}-{}",
        std::process::id(),
        Utc::now().timestamp_micros()
    ));
    let config =
        MailConfig { smtp_url: None, from: "Concerto <noreply@concerto.invalid>".into(), outbox_dir: dir.clone() };
    let mailer = Mailer::from_config(&config).expect("file mailer");
    let store = fresh_store().await;
    let now = Utc::now();
    store.enqueue_email(&expression_receipt(&receipt("2026/0000042")), now).await.expect("enqueue");
    store.enqueue_email(&plain("session:7:2:b@example.org", "b@example.org"), now).await.expect("enqueue");
    let queued = store.due_emails(now, 10).await.expect("due");

    assert_eq!(deliver_due(&store, &mailer, now).await.expect("pass"), 2);
    // A crash between sending and recording sends again: the file is replaced.
    let later = now + TimeDelta::minutes(5);
    mailer.send(&queued[0], later).await.expect("resend");

    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("outbox dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["receipt.2026-0000042.eml", "session.7.2.b=40example=2Eorg.eml"]);

    let email = Email::parse(std::fs::read_to_string(dir.join(&names[0])).expect("read eml"));
    assert_eq!(email.message_id(), Some("<receipt.2026-0000042@concerto.invalid>"));
    assert_eq!(email.subject().as_deref(), Some("Ricevuta n. 2026/0000042 – Manifestazione di interesse"));
    assert_eq!(email.from().as_deref(), Some("Concerto <noreply@concerto.invalid>"));
    assert_eq!(email.header("Date"), Some(rfc2822(later).as_str()), "the resend replaced the first file");
    assert!(email.text_body().contains("Numero di protocollo: 2026/0000042"));
    std::fs::remove_dir_all(&dir).expect("clean up");
}

fn rfc2822(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

#[tokio::test]
async fn a_hundred_messages_queued_at_once_are_each_delivered_once() {
    let sink = SmtpSink::start().await;
    let store = fresh_store().await;
    let waker = OutboxWaker::new();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(run_outbox_worker(store.clone(), smtp_mailer(&sink), waker.clone(), async {
        let _ = stopped.await;
    }));

    let mut writers = tokio::task::JoinSet::new();
    for i in 0..100 {
        let (store, waker) = (store.clone(), waker.clone());
        writers.spawn(async move {
            let email = expression_receipt(&receipt(&format!("2026/{i:07}")));
            store.enqueue_email(&email, Utc::now()).await.expect("enqueue");
            waker.wake();
        });
    }
    writers.join_all().await;

    sink.wait_for(100, WAIT).await;
    wait_until_all_sent(&store).await;
    // Give a duplicate the time to show up before counting.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let _ = stop.send(());
    worker.await.expect("the worker ends cleanly");

    let messages = sink.messages();
    assert_eq!(messages.len(), 100);
    let ids: HashSet<&str> = messages.iter().filter_map(|m| m.email.message_id()).collect();
    assert_eq!(ids.len(), 100);
    assert!(ids.contains("<receipt.2026-0000099@concerto.invalid>"));
}

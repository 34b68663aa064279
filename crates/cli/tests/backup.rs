//! `concerto backup` while a server takes submissions, then `concerto restore`
//! into an empty database: every expression answered 201 before the copy began is
//! there, the register has no gap, and the signed pacts are the same bytes. A
//! restore over a database that holds data is refused unless forced.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{Rush, Server, entity_code, expression, open_process, protocol_parts, run, submit, upload_signed_pact};
use concerto_domain::{RegisterCheck, sha256_hex};
use concerto_store::Store;
use concerto_store::testing::fresh_database_url;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_copy_made_during_the_rush_restores_every_answered_expression_and_file() {
    let source = fresh_database_url().await;
    let server = Server::start(&source, &[]).await;
    let client = common::client();
    let (slug, area) = open_process(&server.base).await;

    let mut signed = Vec::new();
    for n in 0..3u64 {
        let body = expression(area, &entity_code(n), &format!("ente{n}@example.org"), "Maria Rossi");
        let accepted = submit(&client, &server.base, &slug, &body).await.expect("201");
        let file = format!("%PDF-1.7\n1 0 obj << /Type /Sig /ByteRange [0 1 2 3] /Contents <0{n}> >> endobj\n%%EOF\n");
        assert_eq!(upload_signed_pact(&client, &server.base, &accepted.token, file.as_bytes()).await, 303);
        signed.push((accepted.token, sha256_hex(file.as_bytes())));
    }

    let rush = Rush::start(&client, &server.base, &slug, area, 4);
    tokio::time::sleep(Duration::from_millis(800)).await;

    let copy = std::env::temp_dir().join(format!("concerto-backup-{}-{}.copy", std::process::id(), source.len()));
    let _ = std::fs::remove_file(&copy);
    let backup_started = Instant::now();
    let (ok, output) = run(&["backup", "--database-url", &source, "--to", copy.to_str().unwrap()]).await;
    assert!(ok, "backup failed: {output}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answered = rush.stop().await;
    let before: Vec<String> =
        answered.iter().filter(|a| a.answered_at < backup_started).map(|a| a.protocol.clone()).collect();
    assert!(before.len() >= 10, "the rush was under way when the copy began: {} answered", before.len());
    let total = answered.len();

    // Over the database that holds data: refused, unless forced.
    let (ok, output) = run(&["restore", "--database-url", &source, "--from", copy.to_str().unwrap()]).await;
    assert!(!ok && output.contains("not empty"), "{output}");
    drop(server);

    let target = fresh_database_url().await;
    let (ok, output) = run(&["restore", "--database-url", &target, "--from", copy.to_str().unwrap()]).await;
    assert!(ok, "restore failed: {output}");

    let restored = Store::open(&target).await.unwrap();
    let register = restored.protocol_register("esempio").await.unwrap();
    let numbers: BTreeSet<(i32, i64)> =
        register.iter().flat_map(|(year, lines)| lines.iter().map(move |l| (*year, l.sequence))).collect();
    for protocol in &before {
        assert!(numbers.contains(&protocol_parts(protocol)), "{protocol}, answered before the copy, is missing");
    }
    for (year, lines) in &register {
        let seqs: Vec<i64> = lines.iter().map(|l| l.sequence).collect();
        assert!(RegisterCheck::of(&seqs).is_sound(), "the register of {year} has gaps or duplicates: {seqs:?}");
    }
    for (token, sha256) in &signed {
        let expression = restored.expression_by_token(&sha256_hex(token.as_bytes())).await.unwrap().expect("restored");
        let pact = restored.pact_of_expression(expression.id).await.unwrap().expect("its pact");
        let file = restored.pact_file(pact.id).await.unwrap().expect("the signed file");
        assert_eq!(&sha256_hex(&file.content), sha256, "the signed file's bytes");
        assert_eq!(&file.sha256, sha256);
    }
    restored.close().await;
    println!("{} answered before the copy, {total} in all, {} in the copy", before.len(), numbers.len());

    // Forced, over a database with data: the copy replaces it.
    let (ok, output) = run(&["restore", "--database-url", &target, "--from", copy.to_str().unwrap(), "--force"]).await;
    assert!(ok, "forced restore failed: {output}");
    let again = Store::open(&target).await.unwrap();
    let count: usize = again.protocol_register("esempio").await.unwrap().iter().map(|(_, s)| s.len()).sum();
    assert_eq!(count, numbers.len());
    again.close().await;
    let _ = std::fs::remove_file(&copy);
}

#[tokio::test]
async fn a_file_that_is_no_copy_is_refused() {
    let junk = std::env::temp_dir().join(format!("concerto-not-a-copy-{}", std::process::id()));
    std::fs::write(&junk, b"hello").unwrap();
    let target = fresh_database_url().await;
    let (ok, output) = run(&["restore", "--database-url", &target, "--from", junk.to_str().unwrap()]).await;
    assert!(!ok && output.contains("not a copy"), "{output}");
    let _ = std::fs::remove_file(&junk);
}

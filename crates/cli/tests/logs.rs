//! The log as a collector reads it (`--log-format json`): one JSON object per line,
//! each request once with its route's template, status, duration and id (the one
//! in X-Request-Id), and no personal data or secret-link token anywhere.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use common::{Server, expression, open_process, submit};
use concerto_store::testing::fresh_database_url;
use serde_json::Value;

#[tokio::test]
async fn no_log_line_names_a_person_or_carries_a_token() {
    let url = fresh_database_url().await;
    let server = Server::start(&url, &["--log-format", "json"]).await;
    let client = common::client();
    let (slug, area) = open_process(&server.base).await;
    let (tax_code, email, person) = ("00743110157", "presidente.faro@example.org", "Ermenegilda Quaglierini");
    let accepted = submit(&client, &server.base, &slug, &expression(area, tax_code, email, person)).await.expect("201");
    let token = accepted.token.clone();

    let mut ids = Vec::new();
    for path in [
        format!("/manifestazioni/{token}"),
        format!("/manifestazioni/{token}/ricevuta.pdf"),
        format!("/manifestazioni/{token}/patto"),
        format!("/manifestazioni/{token}x"),
        format!("/non-esiste/{token}"),
    ] {
        let reply = client.get(format!("{}{path}", server.base)).send().await.unwrap();
        let id = reply.headers()["x-request-id"].to_str().unwrap().to_owned();
        let status = reply.status().as_u16();
        let page = reply.text().await.unwrap();
        if status == 404 {
            assert!(page.contains(&id), "the error page shows the request id {id} for {status}");
        }
        ids.push(id);
    }
    server.terminate();
    let log = server.log_text();
    assert!(server.wait(std::time::Duration::from_secs(30)).await.success());

    let lines: Vec<Value> =
        log.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
    for secret in [tax_code, email, person, &token, &token[..16]] {
        assert!(!log.contains(secret), "the log holds «{secret}»:\n{log}");
    }
    let requests: Vec<&Value> = lines.iter().filter(|l| l["target"] == "concerto::request").collect();
    for id in &ids {
        let mine: Vec<_> = requests.iter().filter(|l| l["request_id"] == id.as_str()).collect();
        assert_eq!(mine.len(), 1, "request {id} is logged once: {log}");
        assert!(mine[0]["duration_ms"].as_f64().is_some() && mine[0]["status"].as_u64().is_some());
    }
    let routes: Vec<&str> = requests.iter().filter_map(|l| l["route"].as_str()).collect();
    assert!(routes.contains(&"/manifestazioni/{token}"), "{routes:?}");
    assert!(routes.contains(&"unmatched"), "{routes:?}");
}

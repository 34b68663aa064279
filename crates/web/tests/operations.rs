//! What an operator watches: `/metrics` (who may read it, the outbox gauge rising
//! while the mail server is down and falling once it is back, routes by template),
//! `/readyz`, and the request id on error pages.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use chrono::TimeDelta;
use common::{Reply, TestApp, app};
use concerto_mail::testing::SmtpSink;
use concerto_mail::{MailConfig, Mailer, deliver_due};
use serde_json::json;

async fn scrape(app: &TestApp) -> Reply {
    let local: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    app.send(Request::get("/metrics").extension(ConnectInfo(local)).body(Body::empty()).unwrap()).await
}

/// The value of the sample `name` (with its labels, if any) in an exposition.
fn value(exposition: &str, name: &str) -> f64 {
    exposition
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {name} in:\n{exposition}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_outbox_gauge_rises_while_the_mail_server_is_down_and_falls_once_it_is_back() {
    let app = app().await;
    let sink = SmtpSink::start().await;
    sink.stop().await;
    let mailer = Mailer::from_config(&MailConfig {
        smtp_url: Some(sink.url()),
        from: "Concerto <noreply@concerto.test>".into(),
        outbox_dir: std::env::temp_dir(),
    })
    .unwrap();
    assert_eq!(value(&scrape(&app).await.body, "concerto_outbox_pending_messages"), 0.0);

    let p: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/processes/esempio-2026-2028").await.body).unwrap();
    let body = json!({
        "applicant": {"kind": "organization", "name": "Associazione Il Faro ODV", "legal_form": "odv",
                      "tax_code": "00743110157", "legal_representative": "Maria Rossi",
                      "address": "Via Roma 1", "municipality": "Esempio", "email": "info@ilfaro.example",
                      "founded_on": "2010-05-01"},
        "participations": [{"area_id": p["areas"][0]["id"], "representative": {"name": "Luca Verdi", "email": "luca@ilfaro.example"}}],
        "privacy_accepted": true, "declaration_accepted": true
    });
    let reply = app.post_json("/api/v1/processes/esempio-2026-2028/expressions", &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let queued = value(&scrape(&app).await.body, "concerto_outbox_pending_messages");
    assert!(queued >= 1.0, "the receipt waits: {queued}");

    assert_eq!(deliver_due(&app.store, &mailer, app.clock.now()).await.unwrap(), 0, "the mail server is down");
    let down = scrape(&app).await.body;
    assert_eq!(value(&down, "concerto_outbox_pending_messages"), queued);
    assert_eq!(value(&down, "concerto_outbox_failing_messages"), queued);
    assert!(value(&down, "concerto_outbox_oldest_pending_age_seconds") >= 0.0);

    sink.restart().await;
    let later = app.clock.now() + TimeDelta::hours(2);
    assert_eq!(deliver_due(&app.store, &mailer, later).await.unwrap() as f64, queued);
    let back = scrape(&app).await.body;
    assert_eq!(value(&back, "concerto_outbox_pending_messages"), 0.0);
    assert_eq!(value(&back, "concerto_outbox_failing_messages"), 0.0);
    assert_eq!(value(&back, "concerto_database_up"), 1.0);
    assert_eq!(value(&back, "concerto_archive_jobs{state=\"queued\"}"), 0.0);
    assert!(back.contains("concerto_build_info{version=\""));
    assert!(back.contains("concerto_db_pool_connections{pool="));
}

#[tokio::test]
async fn requests_are_counted_by_route_template_never_by_path() {
    let app = app().await;
    let token = "QmFzZTY0c2VncmV0b05vblJpdmVsYXRv";
    assert_eq!(app.get(&format!("/manifestazioni/{token}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/percorso-inesistente/{token}")).await.status, StatusCode::NOT_FOUND);
    let metrics = scrape(&app).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(metrics.headers["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    assert!(!metrics.body.contains(token), "{}", metrics.body);
    let by_template = r#"concerto_http_requests_total{method="GET",route="/manifestazioni/{token}",status="404"}"#;
    assert_eq!(value(&metrics.body, by_template), 1.0);
    assert_eq!(
        value(&metrics.body, r#"concerto_http_requests_total{method="GET",route="unmatched",status="404"}"#),
        1.0
    );
    assert_eq!(
        value(
            &metrics.body,
            r#"concerto_http_request_duration_seconds_count{method="GET",route="/manifestazioni/{token}"}"#
        ),
        1.0
    );
}

#[tokio::test]
async fn only_this_machine_or_the_token_reads_the_metrics() {
    let app = app().await;
    assert_eq!(app.get("/metrics").await.status, StatusCode::FORBIDDEN, "no peer address: not local");
    let remote: SocketAddr = "192.0.2.7:40000".parse().unwrap();
    let from = |peer: SocketAddr, token: Option<&str>| {
        let mut request = Request::get("/metrics").extension(ConnectInfo(peer));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(Body::empty()).unwrap()
    };
    assert_eq!(app.send(from(remote, None)).await.status, StatusCode::FORBIDDEN);
    let forwarded = Request::get("/metrics")
        .extension(ConnectInfo("127.0.0.1:40000".parse::<SocketAddr>().unwrap()))
        .header("x-forwarded-for", "192.0.2.7")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(forwarded).await.status, StatusCode::FORBIDDEN, "through a proxy on this machine");

    let mut state = app.state.clone();
    state.config.metrics_token = Some("un-token-lungo".into());
    let with_token = TestApp {
        router: concerto_web::router(state.clone()),
        store: app.store.clone(),
        clock: app.clock.clone(),
        state,
    };
    assert_eq!(with_token.send(from(remote, Some("un-token-lungo"))).await.status, StatusCode::OK);
    assert_eq!(with_token.send(from(remote, Some("un-token-corto"))).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn readiness_follows_the_database_and_health_stays_as_it_was() {
    let app = app().await;
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    app.store.close().await;
    assert_eq!(app.get("/readyz").await.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(app.get("/healthz").await.status, StatusCode::SERVICE_UNAVAILABLE);
    let metrics = scrape(&app).await;
    assert_eq!(metrics.status, StatusCode::OK, "the counters of this process still answer");
    assert_eq!(value(&metrics.body, "concerto_database_up"), 0.0);
}

#[tokio::test]
async fn an_error_page_shows_the_request_id_the_header_carries() {
    let app = app().await;
    for path in ["/processi/non-esiste", "/manifestazioni/non-esiste"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let id = page.headers["x-request-id"].to_str().unwrap();
        assert_eq!(id.len(), 16);
        assert!(page.body.contains(&format!("<code>{id}</code>")), "{path}: {}", page.body);
    }
    let forwarded = app.get_with("/processi/non-esiste", "x-request-id", "nginx-7f3a9c").await;
    assert_eq!(forwarded.headers["x-request-id"], "nginx-7f3a9c", "the proxy's id is kept");
    assert!(forwarded.body.contains("<code>nginx-7f3a9c</code>"));
    let english = app.get_with("/processi/non-esiste", "accept-language", "en").await;
    assert!(english.body.contains("Request code"));
}

//! Expressions of interest through the JSON API, the HTML form and the management
//! link, with the receipt delivered to a real SMTP server on loopback.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::http::StatusCode;
use common::{TestApp, app};
use concerto_mail::testing::SmtpSink;
use concerto_mail::{MailConfig, Mailer, deliver_due};
use serde_json::{Value, json};

async fn esempio_area_ids(app: &TestApp) -> Vec<i64> {
    let reply = app.get("/api/v1/processes/esempio-2026-2028").await;
    let p: Value = serde_json::from_str(&reply.body).unwrap();
    p["areas"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

fn valid_body(area: i64) -> Value {
    json!({
        "applicant": {"kind": "organization", "name": "Associazione Il Faro ODV", "legal_form": "odv",
                      "tax_code": "00743110157", "legal_representative": "Maria Rossi",
                      "address": "Via Roma 1", "municipality": "Esempio", "email": "info@ilfaro.example",
                      "pec": null, "phone": null, "founded_on": "2010-05-01"},
        "participations": [{"area_id": area.to_string(),
                            "representative": {"name": "Luca Verdi", "email": "luca@ilfaro.example", "phone": null}}],
        "proposal": null,
        "privacy_accepted": true, "declaration_accepted": true
    })
}

fn errors(reply: &common::Reply) -> Vec<(String, String)> {
    let json: Value = serde_json::from_str(&reply.body).unwrap();
    json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap_or("").to_string(), e["code"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn a_valid_expression_gets_201_a_receipt_and_an_email_at_the_smtp_sink() {
    let app = app().await;
    let sink = SmtpSink::start().await;
    let area = esempio_area_ids(&app).await[0];
    let reply = app.post_json("/api/v1/processes/esempio-2026-2028/expressions", &valid_body(area)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(created["protocol_number"], "2026/0000001");
    assert_eq!(created["sha256"].as_str().unwrap().len(), 64);
    assert!(created["received_at"].as_str().unwrap().ends_with("+01:00"), "Rome time in November");
    let manage_url = created["manage_url"].as_str().unwrap();
    let receipt_url = created["receipt_url"].as_str().unwrap();
    assert!(manage_url.starts_with("http://concerto.test/manifestazioni/"));

    let receipt = app.get(receipt_url.trim_start_matches("http://concerto.test")).await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert!(receipt.body.contains("2026/0000001"));
    assert!(receipt.body.contains(created["sha256"].as_str().unwrap()));

    let mailer = Mailer::from_config(&MailConfig {
        smtp_url: Some(sink.url()),
        from: "Concerto <noreply@concerto.test>".into(),
        outbox_dir: std::env::temp_dir(),
    })
    .unwrap();
    let sent = deliver_due(&app.store, &mailer, app.clock.now()).await.unwrap();
    assert_eq!(sent, 1);
    let messages = sink.wait_for(1, std::time::Duration::from_secs(5)).await;
    let message = &messages[0];
    assert!(message.rcpt_to.iter().any(|r| r.contains("info@ilfaro.example")));
    let body = message.email.text_body();
    assert!(body.contains("2026/0000001"));
    assert!(body.contains(manage_url), "the mail carries the management link");
    assert!(body.contains(receipt_url), "and the receipt link");
}

#[tokio::test]
async fn each_bad_field_gets_422_naming_it() {
    let app = app().await;
    let area = esempio_area_ids(&app).await[0];
    let url = "/api/v1/processes/esempio-2026-2028/expressions";

    let mut bad_code = valid_body(area);
    bad_code["applicant"]["tax_code"] = json!("00743110158");
    let reply = app.post_json(url, &bad_code).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors(&reply), [("applicant.tax_code".to_string(), "invalid_tax_code".to_string())]);
    let message =
        serde_json::from_str::<Value>(&reply.body).unwrap()["errors"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("controllo"), "an Italian message: {message}");

    let mut two_reps = valid_body(area);
    let second = two_reps["participations"][0].clone();
    two_reps["participations"].as_array_mut().unwrap().push(second);
    let reply = app.post_json(url, &two_reps).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors(&reply), [("participations[1].area_id".to_string(), "duplicate_area".to_string())]);

    let mut no_privacy = valid_body(area);
    no_privacy["privacy_accepted"] = json!(false);
    let reply = app.post_json(url, &no_privacy).await;
    assert_eq!(errors(&reply), [("privacy_accepted".to_string(), "required_acceptance".to_string())]);

    let reply = app.post_json(url, &json!("not an object")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors(&reply)[0].1, "invalid_json");
    assert_eq!(app.store.pending_email_count().await.unwrap(), 0, "nothing was received");
}

#[tokio::test]
async fn casarano_refuses_with_deadline_passed() {
    let app = app().await;
    let reply = app.post_json("/api/v1/processes/casarano-2022-2024/expressions", &valid_body(1)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors(&reply), [("deadline".to_string(), "deadline_passed".to_string())]);
}

#[tokio::test]
async fn the_deadline_follows_the_servers_clock_to_the_minute() {
    let app = app().await;
    let area = esempio_area_ids(&app).await[0];
    let url = "/api/v1/processes/esempio-2026-2028/expressions";
    // The deadline is 22/12/2026 at 12:00 in Rome, 11:00 UTC.
    app.clock.set("2026-12-22T11:00:30Z".parse().unwrap());
    assert_eq!(app.post_json(url, &valid_body(area)).await.status, StatusCode::CREATED);
    app.clock.set("2026-12-22T11:01:00Z".parse().unwrap());
    let reply = app.post_json(url, &valid_body(area)).await;
    assert_eq!(errors(&reply), [("deadline".to_string(), "deadline_passed".to_string())]);
}

fn form_pairs(area: &str) -> Vec<(String, String)> {
    [
        ("applicant.kind", "organization".into()),
        ("applicant.name", "Cooperativa Sociale Aurora".into()),
        ("applicant.legal_form", "social_cooperative".into()),
        ("applicant.tax_code", "00743110157".into()),
        ("applicant.legal_representative", "Giulia Neri".into()),
        ("applicant.address", "Piazza Garibaldi 3".into()),
        ("applicant.municipality", "Borgo Fittizio".into()),
        ("applicant.email", "aurora@example.org".into()),
        ("applicant.founded_on", "2001-02-03".into()),
        ("area", area.into()),
        ("privacy_accepted", "1".into()),
        ("declaration_accepted", "1".into()),
    ]
    .into_iter()
    .map(|(k, v): (&str, String)| (k.to_string(), v))
    .collect()
}

fn with(pairs: &[(String, String)], extra: &[(String, String)]) -> Vec<(String, String)> {
    pairs.iter().chain(extra).cloned().collect()
}

async fn post_form(app: &TestApp, uri: &str, pairs: &[(String, String)]) -> common::Reply {
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_form(uri, &borrowed).await
}

#[tokio::test]
async fn the_html_form_shows_errors_beside_fields_and_keeps_what_was_typed() {
    let app = app().await;
    let form = app.get("/processi/esempio-2026-2028/manifestazione").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"applicant.tax_code\""));
    assert!(form.body.contains("Informativa sul trattamento dei dati personali"));

    let area = esempio_area_ids(&app).await[1].to_string();
    let mut pairs = form_pairs(&area);
    pairs.retain(|(k, _)| k != "privacy_accepted" && k != "applicant.tax_code");
    pairs.push(("applicant.tax_code".into(), "00743110158".into()));
    let reply = post_form(&app, "/processi/esempio-2026-2028/manifestazione", &pairs).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &reply.body;
    assert!(body.contains("Il modulo contiene errori"));
    assert!(body.contains("href=\"#f-applicant-tax_code\""), "the summary links to the field");
    assert!(body.contains("value=\"00743110158\""), "what was typed is kept");
    assert!(
        body.contains("aria-describedby=\"h-f-applicant-tax_code e-f-applicant-tax_code\""),
        "hint and error both describe the field"
    );
    assert!(body.contains("value=\"Cooperativa Sociale Aurora\""));
    assert!(body.contains(&format!("id=\"e-f-rep-{area}-name\"")), "the missing representative is named");
    assert!(body.contains("id=\"e-f-privacy_accepted\""));
    assert_eq!(app.store.pending_email_count().await.unwrap(), 0);
}

#[tokio::test]
async fn the_form_receives_then_the_link_amends_and_withdraws() {
    let app = app().await;
    let area = esempio_area_ids(&app).await[1].to_string();
    let pairs = with(
        &form_pairs(&area),
        &[(format!("rep.{area}.name"), "Paolo Blu".into()), (format!("rep.{area}.email"), "paolo@example.org".into())],
    );
    let reply = post_form(&app, "/processi/esempio-2026-2028/manifestazione", &pairs).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let receipt_path = reply.headers.get("location").unwrap().to_str().unwrap().to_string();
    let manage_path = receipt_path.trim_end_matches("/ricevuta").to_string();
    let receipt = app.get(&receipt_path).await;
    assert!(receipt.body.contains("2026/0000001"));
    assert!(receipt.body.contains("Paolo Blu"));

    let amend_form = app.get(&format!("{manage_path}/modifica")).await;
    assert_eq!(amend_form.status, StatusCode::OK);
    assert!(amend_form.body.contains("value=\"Cooperativa Sociale Aurora\""), "prefilled");

    let amended = with(&pairs, &[("applicant.phone".into(), "0833 123456".into())]);
    let reply = post_form(&app, &format!("{manage_path}/modifica"), &amended).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let new_receipt = reply.headers.get("location").unwrap().to_str().unwrap().to_string();
    let new_manage = new_receipt.trim_end_matches("/ricevuta").to_string();
    let page = app.get(&new_manage).await;
    assert!(page.body.contains("2026/0000001") && page.body.contains("2026/0000002"), "the history keeps both");
    assert!(page.body.contains("Sostituita da una versione successiva"));
    let old_link = app.get(&manage_path).await;
    assert_eq!(old_link.status, StatusCode::OK, "the first e-mail's link opens the current version");
    assert!(old_link.body.contains("2026/0000002"), "the current number");

    let process = app.store.process_by_slug("esempio-2026-2028").await.unwrap().unwrap();
    assert_eq!(app.store.active_expressions(process.id).await.unwrap().len(), 1, "one organization, not two");

    let reply = post_form(&app, &format!("{new_manage}/ritiro"), &[("confirm".into(), "1".into())]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(app.get(&new_manage).await.body.contains("Ritirata"));
    assert!(app.store.active_expressions(process.id).await.unwrap().is_empty());
}

//! The JSON API.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::http::StatusCode;
use common::app;
use serde_json::Value;

#[tokio::test]
async fn the_process_list_has_the_five_demo_processes() {
    let app = app().await;
    let reply = app.get("/api/v1/processes").await;
    assert_eq!(reply.status, StatusCode::OK);
    let json: Value = serde_json::from_str(&reply.body).unwrap();
    let slugs: Vec<_> = json["processes"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs.len(), 5);
    assert!(slugs.contains(&"lecce-2014-2016"));
}

#[tokio::test]
async fn casarano_has_its_deadline_with_offset_and_its_sessions() {
    let app = app().await;
    let reply = app.get("/api/v1/processes/casarano-2022-2024").await;
    assert_eq!(reply.status, StatusCode::OK);
    let p: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(p["deadline"], "2022-06-08T12:00:00+02:00");
    assert_eq!(p["ambito"]["name"], "Casarano");
    assert_eq!(p["ambito"]["municipalities"].as_array().unwrap().len(), 7);
    assert_eq!(p["accepting_expressions"], false);

    let areas = p["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 7);
    assert!(areas.iter().all(|a| a["id"].is_i64() && a["name"].is_string()));

    let sessions = p["sessions"].as_array().unwrap();
    let table = |title: &str| sessions.iter().find(|s| s["title"] == title).unwrap();
    assert_eq!(table("Tavolo 1")["kind"], "table");
    assert_eq!(table("Tavolo 1")["date"], "2022-06-13");
    assert_eq!(table("Tavolo 1")["start"], "09:00");
    assert_eq!(table("Tavolo 1")["end"], "13:00");
    assert!(table("Tavolo 3")["date"].is_null());
    assert!(table("Tavolo 3")["start"].is_null());
    assert!(table("Tavolo 6")["date"].is_null());
    let area_ids: Vec<_> = areas.iter().map(|a| a["id"].clone()).collect();
    for s in sessions {
        for id in s["area_ids"].as_array().unwrap() {
            assert!(area_ids.contains(id), "session areas point to the process's areas");
        }
    }
    let plenary = sessions.iter().find(|s| s["kind"] == "plenary").unwrap();
    assert_eq!(plenary["date"], "2022-06-21");
}

#[tokio::test]
async fn an_unknown_process_is_a_json_404() {
    let app = app().await;
    let reply = app.get("/api/v1/processes/nessuno").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let json: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["errors"][0]["code"], "not_found");
}

#[tokio::test]
async fn municipalities_by_the_start_of_their_name_with_the_istat_code() {
    let app = app().await;
    let reply = app.get("/api/v1/municipalities?q=molf").await;
    assert_eq!(reply.status, StatusCode::OK);
    let json: Value = serde_json::from_str(&reply.body).unwrap();
    let found = json["municipalities"].as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["name"], "Molfetta");
    assert_eq!(found[0]["istat"], "072029");
    assert_eq!(found[0]["province_code"], "BA");
    assert_eq!(found[0]["cadastral_code"], "F284");

    let reply = app.get("/api/v1/municipalities?q=monte%20sant%E2%80%99a&province=FG").await;
    let json: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["municipalities"][0]["name"], "Monte Sant'Angelo");
    let reply = app.get("/api/v1/municipalities?q=cas&province=Lecce").await;
    let json: Value = serde_json::from_str(&reply.body).unwrap();
    let all = json["municipalities"].as_array().unwrap();
    assert!(!all.is_empty() && all.len() <= 20 && all.iter().all(|m| m["province_code"] == "LE"));
}

#[tokio::test]
async fn an_unknown_province_or_a_huge_query_is_a_field_error() {
    let app = app().await;
    let reply = app.get("/api/v1/municipalities?q=bar&province=Atlantide").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let json: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["errors"][0]["field"], "province");
    let long = "a".repeat(101);
    let reply = app.get(&format!("/api/v1/municipalities?q={long}")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let json: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["errors"][0]["field"], "q");
}

/// Issue 16, acceptance 3: a person's tax code whose birthplace (positions 12-15) is
/// no municipality of ISTAT's list, nor a foreign country, is refused on its field.
#[tokio::test]
async fn a_tax_code_born_in_an_unknown_municipality_is_a_field_error() {
    let app = app().await;
    let p: Value = serde_json::from_str(&app.get("/api/v1/processes/esempio-2026-2028").await.body).unwrap();
    let area = p["areas"][0]["id"].as_i64().unwrap();
    // RSSMRA45D25 + A000 (no municipality has it) + the check letter that fits.
    let nowhere = (b'A'..=b'Z')
        .map(|c| format!("RSSMRA45D25A000{}", c as char))
        .find(|code| concerto_domain::TaxCode::parse(code).is_ok())
        .unwrap();
    for (code, accepted) in [(nowhere.as_str(), false), ("RSSMRA45D25F205N", true)] {
        let body = serde_json::json!({
            "applicant": {"kind": "citizen", "name": "Mario Rossi", "tax_code": code, "address": "Via Roma 1",
                          "municipality": "Esempio", "email": "mario.rossi@example.org"},
            "participations": [{"area_id": area, "representative": {"name": "Mario Rossi", "email": "mario.rossi@example.org"}}],
            "privacy_accepted": true, "declaration_accepted": true
        });
        let reply = app.post_json("/api/v1/processes/esempio-2026-2028/expressions", &body).await;
        if accepted {
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
            continue;
        }
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        let json: Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(json["errors"][0]["field"], "applicant.tax_code", "{json}");
        assert_eq!(json["errors"][0]["code"], "unknown_birthplace", "{json}");
        assert!(json["errors"][0]["message"].as_str().unwrap().contains("codice catastale"), "{json}");
    }
}

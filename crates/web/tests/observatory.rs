//! The observatory through HTTP: search in Italian without accents, facets and the
//! API, "Integra le informazioni" through the moderators' queue, the statistics, a
//! moderator's own records, and open data that parse and hold no personal data.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp, app};
use concerto_domain::Role;
use serde_json::{Value, json};

async fn api(app: &TestApp, query: &str) -> Value {
    let reply = app.get(&format!("/api/v1/observatory?{query}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

fn titles(found: &Value) -> Vec<String> {
    let mut t: Vec<String> =
        found["records"].as_array().unwrap().iter().map(|r| r["ambito"].as_str().unwrap().to_string()).collect();
    t.sort();
    t
}

async fn nardo_id(app: &TestApp) -> i64 {
    api(app, "q=nardo").await["records"][0]["id"].as_i64().unwrap()
}

async fn send(app: &TestApp, method: &str, uri: &str, body: Option<&str>, cookie: Option<&str>) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if body.is_some() {
        request = request.header("content-type", "application/x-www-form-urlencoded");
    }
    app.send(request.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).unwrap()).await
}

fn form(pairs: &[(&str, &str)]) -> String {
    let enc = |t: &str| {
        t.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

async fn moderator(app: &TestApp) -> String {
    let password = app.account("moderatore@concerto.invalid", Role::PlatformAdmin, None).await;
    app.login("moderatore@concerto.invalid", &password).await.unwrap()
}

#[tokio::test]
async fn nardo_is_found_with_and_without_the_accent_and_violenza_finds_its_tables() {
    let app = app().await;
    for q in ["nardo", "Nard%C3%B2"] {
        assert_eq!(titles(&api(&app, &format!("q={q}")).await), ["Nardò"], "{q}");
        let page = app.get(&format!("/osservatorio?q={q}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<mark>Nardò</mark>"), "{q}: highlighted");
    }
    assert_eq!(titles(&api(&app, "q=violenza").await), ["Casarano", "Esempio", "Lecce", "Nardò"]);
    let le = api(&app, "q=violenza&province=LE").await;
    assert_eq!(titles(&le), ["Casarano", "Lecce", "Nardò"]);
    assert!(le["facets"].as_array().unwrap().iter().any(|f| f["facet"] == "area" && f["count"].as_i64() >= Some(1)));
    let area = api(&app, "area=L%27invecchiamento+attivo&page=1").await;
    assert!(area["total"].as_i64().unwrap() >= 3);
    // Markup typed into a search is text, never HTML.
    let page = app.get("/osservatorio?q=%3Cscript%3E").await;
    assert!(!page.body.contains("<script>"));
}

#[tokio::test]
async fn bad_query_values_are_named_field_errors() {
    let app = app().await;
    let reply = app.get("/api/v1/observatory?page=zero&status=forse").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["status", "page"]);
    assert_eq!(app.get("/osservatorio?page=-1").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/osservatorio/999999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/osservatorio/abc").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_facets_filter_and_the_pages_follow() {
    let app = app().await;
    let page = app.get("/osservatorio").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("href=\"/osservatorio?province=LE\""), "province facet link");
    let filtered = app.get("/osservatorio?province=LE").await;
    assert!(filtered.body.contains("aria-current=\"true\""), "the chosen facet is marked");
    assert!(!filtered.body.contains("Fasano"));
    assert!(
        page.body.contains("/osservatorio/dati/catalogo.csv")
            && page.body.contains("/osservatorio/dati/catalogo.jsonld")
    );
}

#[tokio::test]
async fn a_completion_is_invisible_until_a_moderator_accepts_it_and_both_versions_stay() {
    let app = app().await;
    let id = nardo_id(&app).await;
    let uri = format!("/osservatorio/{id}/integra");
    let text = "Approvato dal Coordinamento con il laboratorio Zibaldone";

    // Without consent nor e-mail: the form comes back with what was typed.
    let refused = send(&app, "POST", &uri, Some(&form(&[("name", "Anna Bianchi"), ("results", text)])), None).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#c-privacy_accepted\"") && refused.body.contains("href=\"#c-email\""));
    assert!(refused.body.contains("value=\"Anna Bianchi\"") && refused.body.contains(text));

    let sent =
        form(&[("name", "Anna Bianchi"), ("email", "anna@example.org"), ("privacy_accepted", "1"), ("results", text)]);
    let reply = send(&app, "POST", &uri, Some(&sent), None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let record = app.get(&format!("/osservatorio/{id}")).await;
    assert!(!record.body.contains("Zibaldone"), "pending proposals are not shown");
    assert_eq!(api(&app, "q=zibaldone").await["total"], 0);

    // Only platform administrators moderate.
    assert_eq!(send(&app, "GET", "/ufficio/osservatorio", None, None).await.status, StatusCode::FOUND);
    let password = app.account("ufficio@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let office = app.login("ufficio@esempio.invalid", &password).await.unwrap();
    assert_eq!(send(&app, "GET", "/ufficio/osservatorio", None, Some(&office)).await.status, StatusCode::FORBIDDEN);
    let m = moderator(&app).await;
    let queue = send(&app, "GET", "/ufficio/osservatorio", None, Some(&m)).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Zibaldone") && queue.body.contains("anna@example.org"));
    let proposal =
        queue.body.split("/ufficio/osservatorio/integrazioni/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let decide = format!("/ufficio/osservatorio/integrazioni/{proposal}");
    assert_eq!(send(&app, "POST", &decide, Some("decision=accept"), Some(&office)).await.status, StatusCode::FORBIDDEN);
    let no_reason = send(&app, "POST", &decide, Some("decision=reject&reason="), Some(&m)).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("Indicare il motivo del rifiuto."));
    assert!(!app.get(&format!("/osservatorio/{id}")).await.body.contains("Zibaldone"));

    let accepted = send(&app, "POST", &decide, Some("decision=accept&reason=verificato"), Some(&m)).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let record = app.get(&format!("/osservatorio/{id}")).await;
    assert!(record.body.contains("Zibaldone"));
    assert!(record.body.contains(&format!("/osservatorio/{id}?versione=1")), "the first version is linked");
    let first = app.get(&format!("/osservatorio/{id}?versione=1")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(!first.body.contains("laboratorio Zibaldone</p>"), "version 1 as it was");
    assert_eq!(api(&app, "q=zibaldone").await["total"], 1);
    assert!(app.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn moderators_write_records_of_processes_run_elsewhere_or_start_them_from_a_notice() {
    let app = app().await;
    let m = moderator(&app).await;
    assert_eq!(send(&app, "GET", "/ufficio/osservatorio/nuova", None, Some(&m)).await.status, StatusCode::OK);
    let notice =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../notice/tests/seeds/000_c7aa5ff5bb19b09b.txt"))
            .unwrap();
    let imported = send(
        &app,
        "POST",
        "/ufficio/osservatorio/nuova",
        Some(&form(&[("action", "import"), ("notice_text", &notice)])),
        Some(&m),
    )
    .await;
    assert_eq!(imported.status, StatusCode::OK);
    assert!(imported.body.contains("value=\"notice\""), "the record will say it came from a notice");
    assert!(imported.body.contains("Casarano"));

    let missing = send(
        &app,
        "POST",
        "/ufficio/osservatorio/nuova",
        Some(&form(&[("action", "save"), ("cycle", "duemila")])),
        Some(&m),
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("href=\"#n-title\"") && missing.body.contains("href=\"#n-cycle\""));

    let fields = [
        ("action", "save"),
        ("title", "Bilancio sociale partecipato di Ostuni"),
        ("status", "concluded"),
        ("starts_on", "2023-02-01"),
        ("ends_on", "2023-04-30"),
        ("managing_body", "Consorzio CIISAF"),
        ("ambito", "Fasano"),
        ("municipalities", "Fasano\nOstuni\nCisternino"),
        ("province", "br"),
        ("region", "Puglia"),
        ("cycle", "2022-2024"),
        ("areas", "L'invecchiamento attivo"),
        ("reported_by", "Segnalazione web"),
    ];
    let created = send(&app, "POST", "/ufficio/osservatorio/nuova", Some(&form(&fields)), Some(&m)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let found = api(&app, "q=ostuni+bilancio").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["records"][0]["source"], "external");
    assert_eq!(found["records"][0]["province"], "BR");
    let anonymous = send(&app, "POST", "/ufficio/osservatorio/nuova", Some(&form(&fields)), None).await;
    assert_eq!(anonymous.status, StatusCode::FOUND);
}

async fn area_ids(app: &TestApp) -> Vec<i64> {
    let p: Value = serde_json::from_str(&app.get("/api/v1/processes/esempio-2026-2028").await.body).unwrap();
    p["areas"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

fn csv_rows(body: &str) -> Vec<csv::StringRecord> {
    let mut reader =
        csv::ReaderBuilder::new().delimiter(b';').from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(rows.iter().all(|r| r.len() == headers.len()));
    rows
}

#[tokio::test]
async fn open_data_parses_with_standard_parsers_and_holds_no_personal_data() {
    let app = app().await;
    let areas = area_ids(&app).await;
    let people = [
        (
            "organization",
            Some("odv"),
            "Associazione Il Faro ODV",
            "00743110157",
            "info@ilfaro.example",
            "luca.verdi@ilfaro.example",
        ),
        ("citizen", None, "Mario Rossi", "RSSMRA45D25F205N", "mario.rossi@example.org", "mario.rossi@example.org"),
    ];
    for (kind, legal_form, name, tax_code, email, rep_email) in people {
        let body = json!({
            "applicant": {"kind": kind, "name": name, "legal_form": legal_form, "tax_code": tax_code,
                          "legal_representative": "Maria Rossi", "address": "Via Roma 1", "municipality": "Esempio",
                          "email": email, "pec": null, "phone": "0831 000000", "founded_on": "2010-05-01"},
            "participations": [{"area_id": areas[0].to_string(), "representative": {"name": "Luca Verdi", "email": rep_email, "phone": null}}],
            "proposal": {"title": "Centro diurno", "text": "Un centro diurno per anziani", "area_ids": [areas[0].to_string()]},
            "privacy_accepted": true, "declaration_accepted": true
        });
        let reply = app.post_json("/api/v1/processes/esempio-2026-2028/expressions", &body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    }
    // A proposer's own data stay with the moderators too.
    let id = nardo_id(&app).await;
    let sent = form(&[
        ("name", "Anna Bianchi"),
        ("email", "anna.bianchi@example.org"),
        ("privacy_accepted", "1"),
        ("results", "Piano approvato"),
    ]);
    assert_eq!(
        send(&app, "POST", &format!("/osservatorio/{id}/integra"), Some(&sent), None).await.status,
        StatusCode::SEE_OTHER
    );

    let dcat = app.get("/osservatorio/dati/catalogo.jsonld").await;
    assert_eq!(dcat.status, StatusCode::OK);
    assert_eq!(dcat.headers["content-type"], "application/ld+json");
    let graph: Value = serde_json::from_str(&dcat.body).unwrap();
    assert_eq!(graph["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    assert_eq!(graph["@context"]["dcatapit"], "http://dati.gov.it/onto/dcatapit#");
    let nodes = graph["@graph"].as_array().unwrap();
    let datasets: Vec<&Value> =
        nodes.iter().filter(|n| n["@type"].as_array().is_some_and(|t| t.contains(&json!("dcat:Dataset")))).collect();
    assert_eq!(datasets.len(), 1 + 5, "the catalogue and one per public process");
    let catalog = nodes.iter().find(|n| n["@type"][0] == "dcat:Catalog").unwrap();
    assert_eq!(catalog["dcat:dataset"].as_array().unwrap().len(), datasets.len());

    // Every distribution the catalogue names is served and parses.
    let mut files = Vec::new();
    for d in &datasets {
        assert_eq!(d["dct:license"]["@id"], "https://creativecommons.org/licenses/by/4.0/");
        for dist in d["dcat:distribution"].as_array().unwrap() {
            assert_eq!(dist["dct:license"]["@id"], "https://creativecommons.org/licenses/by/4.0/");
            let url = dist["dcat:downloadURL"]["@id"].as_str().unwrap();
            let path = url.strip_prefix("http://concerto.test").unwrap().to_string();
            let reply = app.get(&path).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}");
            if path.ends_with(".csv") {
                assert!(!csv_rows(&reply.body).is_empty() || path.contains("calendario"), "{path}");
            } else {
                serde_json::from_str::<Value>(&reply.body).unwrap();
            }
            files.push((path, reply.body));
        }
    }
    files.push(("dcat".into(), dcat.body));
    assert_eq!(files.len(), 2 + 3 * 5 + 1);

    let esempio = files.iter().find(|(p, _)| p.ends_with("esempio-2026-2028/aree.csv")).unwrap();
    let first = &csv_rows(&esempio.1)[0];
    assert_eq!(
        [&first[1], &first[2], &first[3]],
        ["1", "2", "2"],
        "organizations, participants, proposals of the first area"
    );

    for secret in [
        "00743110157",
        "RSSMRA45D25F205N",
        "info@ilfaro.example",
        "luca.verdi@ilfaro.example",
        "mario.rossi@example.org",
        "anna.bianchi@example.org",
        "Anna Bianchi",
        "Luca Verdi",
        "0831 000000",
    ] {
        for (path, body) in &files {
            assert!(!body.contains(secret), "{path} holds «{secret}»");
        }
    }
}

#[tokio::test]
async fn the_statistics_draw_each_chart_beside_its_table() {
    let app = app().await;
    let reply = app.get("/osservatorio/statistiche").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body.matches("<svg").count(), 2, "processes per year and per province; no expressions yet");
    assert!(reply.body.contains("<th scope=\"row\">LE</th>"));
    assert!(reply.body.contains("<th scope=\"row\">2022</th>"));
}

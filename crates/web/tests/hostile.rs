//! Hostile strings sent to every form and JSON endpoint: script tags, SQL, bidi marks,
//! NUL and other control characters, line breaks in headers and feeds, 10 MB fields and
//! invalid UTF-8. Each is stored as text and shown escaped, or refused with a 4xx:
//! never a 5xx, never reflected as markup.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp, app, encode, multipart};
use concerto_domain::Role;
use serde_json::{Value, json};

const PROCESS: &str = "esempio-2026-2028";

/// What an attacker, a broken client or a copy-paste from a word processor sends.
const HOSTILE: &[&str] = &[
    "<script>alert('x')</script>",
    "\"><img src=x onerror=alert(1)>",
    "'; DROP TABLE expressions; --",
    "Robert'); DELETE FROM accounts WHERE ('1'='1",
    "\u{202E}fdp.exe\u{200F} مؤسسة \u{200D}",
    "nul\u{0}byte",
    "bell\u{7}escape\u{1b}[31mdel\u{7f}c1\u{85}",
    "line\r\nLocation: https://evil.example\r\nX: y",
    "%00%0d%0a${jndi:ldap://x}{{7*7}}",
];

/// Markup that must never come back unescaped in a page.
const RAW_MARKERS: &[&str] = &["<script>alert", "<img src=x"];

fn ten_megabytes() -> String {
    "A".repeat(10 * 1024 * 1024)
}

fn assert_safe(reply: &Reply, what: &str) {
    let head: String = reply.body.chars().take(600).collect();
    assert!(!reply.status.is_server_error(), "{what}: {} {head}", reply.status);
    let html =
        reply.headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
    if html {
        for marker in RAW_MARKERS {
            assert!(!reply.body.contains(marker), "{what}: {marker} reflected unescaped");
        }
    }
}

/// A success must be a redirect or a creation, anything else a client error.
fn assert_stored_or_refused(reply: &Reply, what: &str) {
    assert_safe(reply, what);
    assert!(
        reply.status.is_client_error() || reply.status.is_redirection() || reply.status == StatusCode::CREATED,
        "{what}: unexpected {}",
        reply.status
    );
}

fn location(reply: &Reply) -> Option<String> {
    reply.headers.get("location").map(|v| v.to_str().unwrap().to_string())
}

async fn area_ids(app: &TestApp) -> Vec<i64> {
    let p: Value = serde_json::from_str(&app.get(&format!("/api/v1/processes/{PROCESS}")).await.body).unwrap();
    p["areas"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

fn form_pairs(area: i64) -> Vec<(String, String)> {
    let area = area.to_string();
    [
        ("applicant.kind", "organization"),
        ("applicant.name", "Cooperativa Sociale Aurora"),
        ("applicant.legal_form", "social_cooperative"),
        ("applicant.tax_code", "00743110157"),
        ("applicant.legal_representative", "Giulia Neri"),
        ("applicant.address", "Piazza Garibaldi 3"),
        ("applicant.municipality", "Borgo Fittizio"),
        ("applicant.email", "aurora@example.org"),
        ("applicant.pec", "aurora@pec.example.org"),
        ("applicant.phone", "0833 123456"),
        ("applicant.founded_on", "2001-02-03"),
        ("area", &area),
        (&format!("rep.{area}.name"), "Paolo Blu"),
        (&format!("rep.{area}.email"), "paolo@example.org"),
        ("proposal.title", "Una proposta"),
        ("proposal.text", "Il testo della proposta."),
        ("privacy_accepted", "1"),
        ("declaration_accepted", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn post_pairs(app: &TestApp, uri: &str, pairs: &[(String, String)]) -> Reply {
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_form(uri, &borrowed).await
}

async fn post_raw(app: &TestApp, uri: &str, content_type: &str, body: Vec<u8>, cookie: Option<&str>) -> Reply {
    let mut request = Request::post(uri).header("content-type", content_type);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

async fn get_with_cookie(app: &TestApp, uri: &str, cookie: &str) -> Reply {
    app.get_with(uri, "cookie", cookie).await
}

/// Follows a receipt redirect and checks the receipt and the management page.
async fn check_receipt(app: &TestApp, receipt: &str, what: &str) {
    let page = app.get(receipt).await;
    assert_eq!(page.status, StatusCode::OK, "{what}: receipt");
    assert_safe(&page, what);
    assert_safe(&app.get(receipt.trim_end_matches("/ricevuta")).await, what);
}

#[tokio::test]
async fn the_expression_form_stores_as_text_or_refuses_every_hostile_string() {
    let app = app().await;
    let area = area_ids(&app).await[0];
    let uri = format!("/processi/{PROCESS}/manifestazione");
    let valid = form_pairs(area);
    let mut stored = 0;
    let mut n = 0;
    for (field, _) in &valid {
        for hostile in HOSTILE {
            // Each submission is a new applicant: a registered tax code is refused.
            n += 1;
            let pairs: Vec<_> = valid
                .iter()
                .map(|(k, v)| {
                    let v = if k == "applicant.tax_code" { fresh_tax_code(n) } else { v.clone() };
                    (k.clone(), if k == field { hostile.to_string() } else { v })
                })
                .collect();
            let what = format!("form {field} = {hostile:?}");
            let reply = post_pairs(&app, &uri, &pairs).await;
            assert_stored_or_refused(&reply, &what);
            if let Some(receipt) = location(&reply) {
                check_receipt(&app, &receipt, &what).await;
                stored += 1;
            }
        }
    }
    assert!(stored > 0, "free-text fields take hostile text");

    // The name, stored as typed, comes back escaped.
    let pairs: Vec<_> = valid
        .iter()
        .map(|(k, v)| match k.as_str() {
            "applicant.name" => (k.clone(), HOSTILE[0].to_string()),
            "applicant.tax_code" => (k.clone(), fresh_tax_code(0)),
            _ => (k.clone(), v.clone()),
        })
        .collect();
    let receipt = location(&post_pairs(&app, &uri, &pairs).await).expect("a name with markup is received");
    let page = app.get(&receipt).await.body;
    assert!(page.contains("&#60;script&#62;alert(") || page.contains("&lt;script&gt;alert("), "shown as text: {page}");

    let big = post_pairs(&app, &uri, &[("applicant.name".into(), ten_megabytes())]).await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    let invalid =
        post_raw(&app, &uri, "application/x-www-form-urlencoded", b"applicant.name=\xff\xfe%ff%c3(".to_vec(), None)
            .await;
    assert_stored_or_refused(&invalid, "invalid UTF-8 in the form");
}

/// A valid 11-digit tax code of its own for each `n`: ten digits and the Luhn digit.
fn fresh_tax_code(n: u32) -> String {
    let body = format!("{:010}", 2_000_000 + n);
    let sum: u32 = body
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap();
            if i % 2 == 0 {
                d
            } else if d * 2 > 9 {
                d * 2 - 9
            } else {
                d * 2
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// Sets the value at a dotted path of a JSON object.
fn set(body: &mut Value, path: &str, value: Value) {
    let mut at = body;
    for part in path.split('.') {
        at = match part.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[part],
        };
    }
    *at = value;
}

#[tokio::test]
async fn the_json_api_stores_as_text_or_refuses_every_hostile_string() {
    let app = app().await;
    let area = area_ids(&app).await[0];
    let uri = format!("/api/v1/processes/{PROCESS}/expressions");
    let valid = json!({
        "applicant": {"kind": "organization", "name": "Associazione Il Faro ODV", "legal_form": "odv",
                      "tax_code": "00743110157", "legal_representative": "Maria Rossi",
                      "address": "Via Roma 1", "municipality": "Esempio", "email": "info@ilfaro.example",
                      "pec": "faro@pec.example", "phone": "0833 1234567", "founded_on": "2010-05-01"},
        "participations": [{"area_id": area.to_string(),
                            "representative": {"name": "Luca Verdi", "email": "luca@ilfaro.example", "phone": "0833 7654321"}}],
        "proposal": {"title": "Proposta", "text": "Testo", "area_ids": [area]},
        "privacy_accepted": true, "declaration_accepted": true
    });
    let fields = [
        "applicant.kind",
        "applicant.name",
        "applicant.legal_form",
        "applicant.tax_code",
        "applicant.legal_representative",
        "applicant.address",
        "applicant.municipality",
        "applicant.email",
        "applicant.pec",
        "applicant.phone",
        "applicant.founded_on",
        "participations.0.area_id",
        "participations.0.representative.name",
        "participations.0.representative.email",
        "participations.0.representative.phone",
        "proposal.title",
        "proposal.text",
        "proposal.area_ids.0",
    ];
    let mut n = 10_000;
    for field in fields {
        for hostile in HOSTILE {
            n += 1;
            let mut body = valid.clone();
            set(&mut body, "applicant.tax_code", json!(fresh_tax_code(n)));
            set(&mut body, field, json!(hostile));
            let what = format!("API {field} = {hostile:?}");
            let reply = app.post_json(&uri, &body).await;
            assert_stored_or_refused(&reply, &what);
            assert!(reply.headers["content-type"].to_str().unwrap().starts_with("application/json"), "{what}");
            if reply.status == StatusCode::CREATED {
                let created: Value = serde_json::from_str(&reply.body).unwrap();
                let receipt = created["receipt_url"].as_str().unwrap().trim_start_matches("http://concerto.test");
                check_receipt(&app, receipt, &what).await;
            }
        }
    }
    let mut big = valid.clone();
    set(&mut big, "applicant.name", json!(ten_megabytes()));
    assert_eq!(app.post_json(&uri, &big).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    for body in [
        b"{\"applicant\": {\"name\": \"\xff\xfe\"}}".to_vec(),
        "[".repeat(100_000).into_bytes(),
        b"\x00\x00\x00".to_vec(),
    ] {
        let reply = post_raw(&app, &uri, "application/json", body, None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    }
}

#[tokio::test]
async fn amend_and_withdraw_take_hostile_strings_and_hostile_links() {
    let app = app().await;
    let area = area_ids(&app).await[0];
    let valid = form_pairs(area);
    let reply = post_pairs(&app, &format!("/processi/{PROCESS}/manifestazione"), &valid).await;
    let mut manage = location(&reply).expect("received").trim_end_matches("/ricevuta").to_string();
    for field in ["applicant.name", "applicant.address", "proposal.text", "applicant.tax_code"] {
        for hostile in HOSTILE {
            let pairs: Vec<_> = valid
                .iter()
                .map(|(k, v)| (k.clone(), if k == field { hostile.to_string() } else { v.clone() }))
                .collect();
            let what = format!("amend {field} = {hostile:?}");
            let reply = post_pairs(&app, &format!("{manage}/modifica"), &pairs).await;
            assert_stored_or_refused(&reply, &what);
            if let Some(receipt) = location(&reply) {
                check_receipt(&app, &receipt, &what).await;
                manage = receipt.trim_end_matches("/ricevuta").to_string();
            }
        }
    }
    for hostile in HOSTILE {
        let reply = post_pairs(&app, &format!("{manage}/ritiro"), &[("confirm".into(), hostile.to_string())]).await;
        assert_safe(&reply, &format!("withdraw confirm = {hostile:?}"));
        let token = encode(hostile);
        for path in [
            format!("/manifestazioni/{token}"),
            format!("/manifestazioni/{token}/ricevuta"),
            format!("/manifestazioni/{token}/modifica"),
            format!("/processi/{token}"),
            format!("/processi/{token}/manifestazione"),
            format!("/api/v1/processes/{token}"),
        ] {
            let reply = app.get(&path).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "GET {path}");
            assert_safe(&reply, &path);
        }
        for path in [format!("/manifestazioni/{token}/ritiro"), format!("/manifestazioni/{token}/modifica")] {
            let reply = post_pairs(&app, &path, &[("confirm".into(), "1".into())]).await;
            assert_stored_or_refused(&reply, &format!("POST {path}"));
        }
    }
    assert_eq!(
        post_pairs(&app, &format!("{manage}/ritiro"), &[("confirm".into(), ten_megabytes())]).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn login_refuses_hostile_credentials_without_reflecting_them() {
    let app = app().await;
    // A hostile `next` after a good password stays on this site.
    let password = app.account("editor@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    for next in ["//evil.example/", "https://evil.example/", "/\r\nSet-Cookie: x=y", "/ufficio\u{0}"] {
        let pairs = [
            ("email".into(), "editor@esempio.invalid".to_string()),
            ("password".into(), password.clone()),
            ("next".into(), next.to_string()),
        ];
        let reply = post_pairs(&app, "/accedi", &pairs).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "login with next {next:?}");
        let to = location(&reply).unwrap();
        assert!(to.starts_with('/') && !to.starts_with("//"), "next {next:?} led to {to:?}");
    }

    // Then hostile credentials, until the throttle answers 429 (a client error too).
    for hostile in HOSTILE {
        for (email, password, next) in
            [(*hostile, "x", "/ufficio"), ("ufficio@esempio.invalid", *hostile, "/ufficio"), ("a@b.it", "x", *hostile)]
        {
            let pairs = [
                ("email".into(), email.to_string()),
                ("password".into(), password.to_string()),
                ("next".into(), next.to_string()),
            ];
            let reply = post_pairs(&app, "/accedi", &pairs).await;
            assert_safe(&reply, &format!("login {email:?} {password:?} {next:?}"));
            assert!(reply.status.is_client_error(), "login {email:?}: {}", reply.status);
        }
        let reply = app.get(&format!("/accedi?next={}", encode(hostile))).await;
        assert_safe(&reply, &format!("GET /accedi?next={hostile:?}"));
    }
    let big = post_pairs(&app, "/accedi", &[("email".into(), ten_megabytes()), ("password".into(), "x".into())]).await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    let invalid =
        post_raw(&app, "/accedi", "application/x-www-form-urlencoded", b"email=\xff%ff&password=\xc3(".to_vec(), None)
            .await;
    assert_safe(&invalid, "invalid UTF-8 at login");
}

#[tokio::test]
async fn the_workspace_stores_as_text_or_refuses_hostile_sessions_notices_and_filters() {
    let app = app().await;
    let password = app.account("editor@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    let cookie = app.login("editor@esempio.invalid", &password).await.unwrap();
    let process = app.store.process_by_slug(PROCESS).await.unwrap().unwrap();
    let session = format!("/ufficio/processi/{PROCESS}/sessioni/{}", process.sessions[0].id);
    let valid = [("date", "2026-12-30"), ("start", "10:00"), ("end", "12:00"), ("venue", "Biblioteca")];
    for (field, _) in valid {
        for hostile in HOSTILE {
            let body: Vec<String> =
                valid.iter().map(|(k, v)| format!("{k}={}", encode(if *k == field { hostile } else { v }))).collect();
            let what = format!("session {field} = {hostile:?}");
            let reply = post_raw(
                &app,
                &session,
                "application/x-www-form-urlencoded",
                body.join("&").into_bytes(),
                Some(&cookie),
            )
            .await;
            assert_stored_or_refused(&reply, &what);
            assert_safe(&get_with_cookie(&app, &session, &cookie).await, &what);
            let feed = app.get(&format!("/processi/{PROCESS}/calendario.ics")).await;
            assert_eq!(feed.status, StatusCode::OK, "{what}");
            assert!(
                !feed.body.contains("\r\nLocation:") && !feed.body.contains('\u{0}'),
                "{what}: the feed's lines stay whole"
            );
            assert_safe(&app.get(&format!("/processi/{PROCESS}")).await, &what);
        }
    }

    let seed =
        String::from_utf8_lossy(include_bytes!("../../notice/tests/seeds/000_c7aa5ff5bb19b09b.txt")).into_owned();
    for (i, hostile) in HOSTILE.iter().enumerate() {
        let notice = format!("{hostile}\n{seed}\n{hostile}");
        let slug = format!("ostile-{i}");
        for fields in [
            vec![("mode", "import"), ("slug", slug.as_str()), ("title", hostile), ("notice_text", notice.as_str())],
            vec![("mode", "import"), ("slug", hostile), ("notice_text", notice.as_str())],
            vec![("mode", hostile), ("slug", "x-1")],
            vec![("mode", "template"), ("slug", "y-1"), ("cycle_from", hostile)],
        ] {
            let what = format!("notice import {fields:?}");
            let (content_type, body) = multipart(&fields, None);
            let reply = post_raw(&app, "/ufficio/processi/nuovo", &content_type, body, Some(&cookie)).await;
            assert_safe(&reply, &what);
        }
        let (content_type, body) =
            multipart(&[("mode", "import"), ("slug", "z-1")], Some(("notice_file", notice.as_bytes())));
        assert_safe(
            &post_raw(&app, "/ufficio/processi/nuovo", &content_type, body, Some(&cookie)).await,
            "notice file",
        );
        if let Some(created) = app.store.process_by_slug(&slug).await.unwrap() {
            assert_safe(
                &get_with_cookie(&app, &format!("/ufficio/processi/{}", created.header.slug), &cookie).await,
                "draft",
            );
        }
        for query in ["q", "area", "table", "eligible"] {
            let uri = format!("/ufficio/processi/{PROCESS}?{query}={}", encode(hostile));
            assert_safe(&get_with_cookie(&app, &uri, &cookie).await, &uri);
        }
        let status = post_raw(
            &app,
            &format!("/ufficio/processi/{PROCESS}/stato"),
            "application/x-www-form-urlencoded",
            format!("status={}", encode(hostile)).into_bytes(),
            Some(&cookie),
        )
        .await;
        assert_stored_or_refused(&status, &format!("status = {hostile:?}"));
    }
    let (content_type, body) =
        multipart(&[("mode", "import"), ("slug", "grande-1"), ("notice_text", &ten_megabytes())], None);
    let big = post_raw(&app, "/ufficio/processi/nuovo", &content_type, body, Some(&cookie)).await;
    assert!(big.status.is_client_error(), "10 MB notice: {}", big.status);
    let (content_type, mut body) =
        multipart(&[("mode", "import"), ("slug", "binario-1")], Some(("notice_file", b"%PDF-1.4\n\xff\xfe\x00\x01")));
    body.extend(b"\xff\xfe");
    assert_safe(&post_raw(&app, "/ufficio/processi/nuovo", &content_type, body, Some(&cookie)).await, "a broken PDF");
}

/// What people type that the fonts must print, and what the text rule refuses.
const PRINTABLE: &[&str] = &["Associazione 😀 Sorriso", "协会 社会服务", "جمعية الخير"];
const REFUSED: &[&str] = &["fine\u{FFFF}", "\u{202E}evil", "Area\u{0}con\u{1b}controlli\u{7}"];

async fn get_bytes(app: &TestApp, uri: &str, cookie: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = tower::ServiceExt::oneshot(app.router.clone(), request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    (status, axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec())
}

/// Issue 15, acceptance 1: each string as organization name, representative,
/// proposal title, area, session title and venue; every document answers 200 or
/// the input was refused with a field error; CJK and Arabic come out as text.
#[tokio::test]
async fn hostile_names_reach_every_document_or_are_refused() {
    let app = app().await;
    let password = app.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let cookie = app.login("admin@esempio.invalid", &password).await.unwrap();
    let process = app.store.process_by_slug(PROCESS).await.unwrap().unwrap();
    let (area, session) = (process.areas[0].id, process.sessions[0].id);
    let office = format!("/ufficio/processi/{PROCESS}");
    let long = "N".repeat(5_000);
    let strings: Vec<&str> = PRINTABLE.iter().chain(REFUSED).copied().chain([long.as_str()]).collect();
    for (n, text) in (50_000..).zip(strings) {
        let refused = REFUSED.contains(&text) || text == long;
        let form = |pairs: &[(&str, &str)]| {
            pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
        };
        let edits = [
            (format!("{office}/aree/{area}/modifica"), form(&[("name", text)])),
            (
                format!("{office}/sessioni/{session}"),
                form(&[("date", "2026-12-30"), ("start", "10:00"), ("end", "12:00"), ("venue", text)]),
            ),
        ];
        for (uri, body) in edits {
            let reply =
                post_raw(&app, &uri, "application/x-www-form-urlencoded", body.into_bytes(), Some(&cookie)).await;
            let what = format!("{uri} with {:?}", text.chars().take(30).collect::<String>());
            if refused {
                assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: a field error");
            } else {
                assert_eq!(reply.status, StatusCode::SEE_OTHER, "{what}");
            }
        }
        let pairs: Vec<_> = form_pairs(area)
            .into_iter()
            .map(|(k, v)| {
                let hostile = ["applicant.name", "applicant.legal_representative", "proposal.title"]
                    .contains(&k.as_str())
                    || k.ends_with(".name");
                // Each applicant is new: a registered tax code is refused.
                let v = if k == "applicant.tax_code" { fresh_tax_code(n) } else { v };
                (k, if hostile { text.to_string() } else { v })
            })
            .collect();
        let reply = post_pairs(&app, &format!("/processi/{PROCESS}/manifestazione"), &pairs).await;
        let what = format!("expression from {:?}", text.chars().take(30).collect::<String>());
        let Some(receipt) = location(&reply) else {
            assert!(refused && reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{what}: {}", reply.status);
            continue;
        };
        assert!(!refused, "{what} was stored");
        let token = receipt.trim_start_matches("/manifestazioni/").split('/').next().unwrap().to_string();
        for uri in [
            format!("/manifestazioni/{token}/ricevuta.pdf"),
            format!("/manifestazioni/{token}/patto.pdf"),
            format!("/processi/{PROCESS}/avviso.pdf"),
            format!("{office}/sessioni/{session}/foglio-firme.pdf"),
        ] {
            let (status, pdf) = get_bytes(&app, &uri, Some(&cookie)).await;
            assert_eq!(status, StatusCode::OK, "{what}: {uri}");
            let printed = common::pdf_text(&pdf);
            if text.starts_with('协') && !uri.ends_with("avviso.pdf") {
                assert!(printed.contains("协会"), "{what}: {uri}: {printed}");
            }
            if text.starts_with('ج') {
                assert!(printed.contains("الخير") || printed.contains("ﺍﻟﺨﻴﺮ"), "{what}: {uri}: {printed}");
            }
        }
    }
    for kind in ["patti", "fogli-firme"] {
        let entries = app.bulk_archive(PROCESS, kind, &cookie).await;
        assert!(!entries.is_empty(), "{kind}");
        for (name, bytes) in &entries {
            common::assert_pdf_a(name, bytes);
        }
    }
}

/// Issue 15, acceptance 3: a 20 MB body is 413, in Italian, on every route that
/// takes a body, whatever it is (JSON, form, multipart upload, notice import).
#[tokio::test]
async fn twenty_megabytes_are_413_in_italian_on_every_route() {
    let app = app().await;
    let password = app.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let cookie = app.login("admin@esempio.invalid", &password).await.unwrap();
    let body = vec![b'A'; 20 * 1024 * 1024];
    let routes = [
        ("/api/v1/processes/esempio-2026-2028/expressions", "application/json"),
        ("/processi/esempio-2026-2028/manifestazione", "application/x-www-form-urlencoded"),
        ("/accedi", "application/x-www-form-urlencoded"),
        ("/accedi/password", "application/x-www-form-urlencoded"),
        ("/osservatorio/1/integra", "application/x-www-form-urlencoded"),
        ("/ufficio/processi/nuovo", "multipart/form-data; boundary=x"),
        ("/ufficio/ambiti/esempio", "application/x-www-form-urlencoded"),
        ("/ufficio/processi/esempio-2026-2028/impostazioni", "application/x-www-form-urlencoded"),
        ("/ufficio/processi/esempio-2026-2028/aree/nuova", "application/x-www-form-urlencoded"),
        ("/ufficio/processi/esempio-2026-2028/sessioni/1/verbale", "multipart/form-data; boundary=x"),
        ("/ufficio/osservatorio/nuova", "application/x-www-form-urlencoded"),
        ("/manifestazioni/0000/patto/firmato", "multipart/form-data; boundary=x"),
        ("/manifestazioni/0000/modifica", "application/x-www-form-urlencoded"),
    ];
    for (uri, content_type) in routes {
        let request = Request::post(uri)
            .header("content-type", content_type)
            .header("content-length", body.len())
            .header("cookie", &cookie)
            .body(Body::from(body.clone()))
            .unwrap();
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        assert!(reply.body.contains("troppo grande"), "{uri}: {}", reply.body);
    }
    // Without a length announced, the extractors' own limit answers the same.
    let json =
        post_raw(&app, "/api/v1/processes/esempio-2026-2028/expressions", "application/json", body.clone(), None).await;
    assert_eq!(json.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json.body.contains("\"code\":\"too_large\"") && json.body.contains("troppo grande"), "{}", json.body);
    let form = post_raw(&app, "/accedi", "application/x-www-form-urlencoded", body, None).await;
    assert_eq!(form.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(form.body.contains("troppo grande") && !form.body.contains("Failed to buffer"), "{}", form.body);
}

/// Issue 15, acceptance 4: HSTS behind https, no-store on private answers, and
/// RFC 6266 file names.
#[tokio::test]
async fn private_answers_are_not_stored_and_https_is_sticky() {
    let app = app().await;
    let password = app.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let cookie = app.login("admin@esempio.invalid", &password).await.unwrap();
    let public = app.get(&format!("/processi/{PROCESS}")).await;
    assert!(public.headers.get("strict-transport-security").is_none(), "plain http: no HSTS");
    assert!(public.headers.get("cache-control").is_none_or(|v| v != "no-store"));
    for uri in
        ["/ufficio", &format!("/ufficio/processi/{PROCESS}/manifestazioni.csv"), "/manifestazioni/0000", "/accedi"]
    {
        let reply = get_with_cookie(&app, uri, &cookie).await;
        assert_eq!(reply.headers.get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{uri}");
    }
    let notice = app.get(&format!("/processi/{PROCESS}/avviso.pdf")).await;
    let disposition = notice.headers.get("content-disposition").unwrap().to_str().unwrap();
    assert!(disposition.contains(&format!("filename*=UTF-8''avviso-{PROCESS}.pdf")), "{disposition}");

    let mut state = app.state.clone();
    state.config.public_url = "https://concerto.example".into();
    let https = common::TestApp {
        router: concerto_web::router(state.clone()),
        store: app.store.clone(),
        clock: app.clock.clone(),
        state,
    };
    let reply = https.get(&format!("/processi/{PROCESS}")).await;
    let hsts = reply.headers.get("strict-transport-security").map(|v| v.to_str().unwrap().to_string());
    assert!(hsts.is_some_and(|v| v.starts_with("max-age=")), "https: HSTS");
}

/// Issue 15, acceptance 4: a wrong password and an unknown account cost the same
/// time (medians of 20 within 3× of each other), and the throttle slows a guesser
/// from one address without locking the owner out from another.
#[tokio::test]
async fn sign_in_does_not_tell_whether_an_account_exists() {
    let app = app().await;
    app.account("editor@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    let start = common::noon_utc(common::demo_day());
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..21 {
        for (email, times) in [("editor@esempio.invalid", &mut known), ("nessuno@esempio.invalid", &mut unknown)] {
            // Each attempt in a fresh window, so the throttle never answers first.
            app.clock.set(start + chrono::TimeDelta::hours(i));
            let began = std::time::Instant::now();
            let reply = app.post_form("/accedi", &[("email", email), ("password", "sbagliata")]).await;
            let took = began.elapsed();
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{email}");
            if i > 0 {
                times.push(took);
            }
        }
    }
    let median = |times: &mut Vec<std::time::Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let (known, unknown) = (median(&mut known), median(&mut unknown));
    assert!(known < unknown * 3 && unknown < known * 3, "wrong password {known:?}, unknown account {unknown:?}");

    // A guesser from one address waits after three misses, even with the right password…
    let guessing = start + chrono::TimeDelta::days(2);
    app.clock.set(guessing);
    let right = "una password lunga e sicura";
    for _ in 0..3 {
        let reply = app.post_form("/accedi", &[("email", "editor@esempio.invalid"), ("password", "sbagliata")]).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = app.post_form("/accedi", &[("email", "editor@esempio.invalid"), ("password", right)]).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    // …while the owner, from another address, signs in at once.
    let (url, _stop) = app.serve().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let owner = client
        .post(format!("{url}/accedi"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email=editor%40esempio.invalid&password={}", encode(right)))
        .send()
        .await
        .unwrap();
    assert_eq!(owner.status(), StatusCode::SEE_OTHER, "the owner is not locked out");
    // The guesser's wait is over after its delay.
    app.clock.set(guessing + chrono::TimeDelta::seconds(2));
    let reply = app.post_form("/accedi", &[("email", "editor@esempio.invalid"), ("password", right)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}

/// Reads a served CSV with Python's `csv` module, as a script of the office would,
/// and returns its cells.
fn python_cells(csv: &[u8]) -> Vec<String> {
    use std::io::Write;
    let script = "import csv, io, json, sys\n\
        text = sys.stdin.buffer.read().decode('utf-8-sig')\n\
        rows = list(csv.reader(io.StringIO(text, newline=''), delimiter=';'))\n\
        print(json.dumps([cell for row in rows for cell in row]))\n";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is installed");
    child.stdin.take().unwrap().write_all(csv).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "Python could not read the CSV");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Issue 15, acceptance 2: formula-like names come out of every CSV with a leading
/// `'` (Python's csv module reads them back so) and as plain strings in the XLSX.
#[tokio::test]
async fn every_csv_neutralises_formula_cells() {
    let app = app().await;
    let password = app.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let cookie = app.login("admin@esempio.invalid", &password).await.unwrap();
    let process = app.store.process_by_slug(PROCESS).await.unwrap().unwrap();
    let area = process.areas[0].id;
    let formulas = [
        ("applicant.name", "=HYPERLINK(\"https://evil.example\";\"clic\")"),
        ("applicant.legal_representative", "+1+1"),
        ("applicant.address", "@SUM(A1:A9)"),
        ("applicant.municipality", "-2+3"),
    ];
    let pairs: Vec<_> = form_pairs(area)
        .into_iter()
        .map(|(k, v)| match formulas.iter().find(|(f, _)| *f == k) {
            Some((_, formula)) => (k, formula.to_string()),
            None => (k, v),
        })
        .collect();
    let receipt =
        location(&post_pairs(&app, &format!("/processi/{PROCESS}/manifestazione"), &pairs).await).expect("received");
    assert!(receipt.starts_with("/manifestazioni/"));
    let rename = format!("name={}", encode("=cmd|' /C calc'!A0"));
    let reply = post_raw(
        &app,
        &format!("/ufficio/processi/{PROCESS}/aree/{area}/modifica"),
        "application/x-www-form-urlencoded",
        rename.into_bytes(),
        Some(&cookie),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);

    let office = format!("/ufficio/processi/{PROCESS}");
    let routes = [
        (format!("{office}/manifestazioni.csv"), "=HYPERLINK("),
        (format!("{office}/manifestazioni.csv?per=organizzazioni"), "=HYPERLINK("),
        (format!("{office}/patti.csv"), "=HYPERLINK("),
        (format!("{office}/presenze.csv"), ""),
        (format!("/processi/{PROCESS}/sintesi.csv"), ""),
        ("/osservatorio/dati/catalogo.csv".to_string(), ""),
        (format!("/osservatorio/dati/processi/{PROCESS}/aree.csv"), "=cmd|"),
        (format!("/osservatorio/dati/processi/{PROCESS}/calendario.csv"), ""),
    ];
    for (uri, injected) in routes {
        let (status, bytes) = get_bytes(&app, &uri, Some(&cookie)).await;
        if uri.ends_with("sintesi.csv") && status == StatusCode::NOT_FOUND {
            continue; // published only once every proposal has its outcome
        }
        assert_eq!(status, StatusCode::OK, "{uri}");
        let cells = python_cells(&bytes);
        for cell in &cells {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{uri}: {cell:?} would run as a formula");
        }
        if !injected.is_empty() {
            assert!(
                cells.iter().any(|c| c.starts_with(&format!("'{injected}"))),
                "{uri}: the cell keeps its text: {cells:?}"
            );
        }
    }

    use calamine::{Data, Reader, Xlsx};
    for uri in [format!("{office}/manifestazioni.xlsx"), format!("{office}/patti.xlsx")] {
        let (status, bytes) = get_bytes(&app, &uri, Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = workbook.sheet_names()[0].clone();
        let formulas = workbook.worksheet_formula(&sheet).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{uri}: no cell is a formula");
        let range = workbook.worksheet_range(&sheet).unwrap();
        let texts: Vec<String> = range
            .used_cells()
            .filter_map(|(_, _, d)| match d {
                Data::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        assert!(texts.iter().any(|t| t.starts_with("=HYPERLINK(")), "{uri}: the name is kept as text: {texts:?}");
    }
}

/// Issue 15, acceptance 1, the documents that come later in a process: the session's
/// title, a union's memorandum (protocollo d'intesa), the attendance certificate, and
/// the published summary as PDF and CSV. Each hostile string is a title or a name;
/// each document answers 200 with the text, or the input was refused.
#[tokio::test]
async fn hostile_names_reach_certificates_memoranda_and_the_published_summary() {
    let app = app().await;
    let password = app.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let cookie = app.login("admin@esempio.invalid", &password).await.unwrap();
    let p: Value = serde_json::from_str(&app.get(&format!("/api/v1/processes/{PROCESS}")).await.body).unwrap();
    let area = p["areas"][0]["id"].as_i64().unwrap();
    let session = p["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["kind"] == "table" && s["area_ids"].as_array().is_some_and(|a| a.iter().any(|x| x.as_i64() == Some(area)))
        })
        .expect("a table session on the first area")
        .clone();
    let sid = session["id"].as_i64().unwrap();
    let office = format!("/ufficio/processi/{PROCESS}");
    let form = |pairs: &[(&str, String)]| {
        pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
    };
    let session_edit = |title: &str| {
        let mut pairs = vec![("kind", "table".to_string()), ("title", title.to_string()), ("areas", area.to_string())];
        for (field, key) in [("table", "table_id"), ("phase", "phase_id")] {
            pairs.push((field, session[key].as_i64().map(|id| id.to_string()).unwrap_or_default()));
        }
        form(&pairs)
    };
    let long = "N".repeat(5_000);
    for text in REFUSED.iter().copied().chain([long.as_str()]) {
        let uri = format!("{office}/sessioni/{sid}/modifica");
        let reply =
            post_raw(&app, &uri, "application/x-www-form-urlencoded", session_edit(text).into_bytes(), Some(&cookie))
                .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "session title {:?}: a field error",
            text.chars().take(20).collect::<String>()
        );
    }
    let title = format!("Tavolo {}", PRINTABLE.join(" · "));
    let reply = post_raw(
        &app,
        &format!("{office}/sessioni/{sid}/modifica"),
        "application/x-www-form-urlencoded",
        session_edit(&title).into_bytes(),
        Some(&cookie),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    // One organization per string, and a union for the memorandum; each sends a proposal
    // titled with its string. A formula-like name checks the published CSV.
    let names: Vec<&str> = PRINTABLE.iter().copied().chain(["=HYPERLINK(\"https://evil.example\";\"x\")"]).collect();
    let mut manages = Vec::new();
    for (n, name) in (60_000..).zip(&names) {
        let pairs: Vec<_> = form_pairs(area)
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "applicant.tax_code" => (k, fresh_tax_code(n)),
                "applicant.kind" if n == 60_000 => (k, "union".to_string()),
                "applicant.name" | "applicant.legal_representative" => (k, name.to_string()),
                _ => (k, v),
            })
            .collect();
        let reply = post_pairs(&app, &format!("/processi/{PROCESS}/manifestazione"), &pairs).await;
        let receipt = location(&reply).unwrap_or_else(|| panic!("{name}: {} {}", reply.status, reply.body));
        let manage = receipt.trim_end_matches("/ricevuta").to_string();
        let proposal = [("title", name.to_string()), ("text", format!("Testo di {name}")), ("area", area.to_string())];
        let proposal: Vec<(&str, &str)> = proposal.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            app.post_form(&format!("{manage}/proposte"), &proposal).await.status,
            StatusCode::SEE_OTHER,
            "{name}"
        );
        manages.push((name, manage));
    }
    let (memorandum_status, memorandum) = get_bytes(&app, &format!("{}/patto.pdf", manages[0].1), None).await;
    assert_eq!(memorandum_status, StatusCode::OK, "the union's memorandum");
    assert!(common::pdf_text(&memorandum).contains("Sorriso"), "the memorandum names the union");

    // Everyone is invited and checks in with the code on the session's day; each
    // certificate renders once the session has been held.
    let day: chrono::NaiveDate = session["date"].as_str().expect("a dated table session").parse().unwrap();
    app.clock.set(common::noon_utc(day));
    let invited = post_raw(
        &app,
        &format!("{office}/sessioni/{sid}/inviti"),
        "application/x-www-form-urlencoded",
        Vec::new(),
        Some(&cookie),
    )
    .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER);
    let pid = app.store.process_by_slug(PROCESS).await.unwrap().unwrap().id;
    for code in app.store.checkin_codes(pid).await.unwrap() {
        let body = format!("code={}", code.code).into_bytes();
        let reply = post_raw(
            &app,
            &format!("{office}/sessioni/{sid}/presenze/codice"),
            "application/x-www-form-urlencoded",
            body,
            Some(&cookie),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "check-in {}", code.code);
    }
    let (status, sheet) = get_bytes(&app, &format!("{office}/sessioni/{sid}/foglio-firme.pdf"), Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "the sign-in sheet");
    assert!(common::pdf_text(&sheet).contains("协会"), "the sheet prints the session's CJK title");
    app.clock.set(common::noon_utc(day.succ_opt().unwrap()));
    for (name, manage) in &manages {
        let uri = format!("{manage}/sessioni/{sid}/attestato.pdf?area={area}");
        let (status, pdf) = get_bytes(&app, &uri, None).await;
        assert_eq!(status, StatusCode::OK, "{name}: {uri}");
        let printed = common::pdf_text(&pdf);
        if name.starts_with('协') {
            assert!(printed.contains("协会"), "{name}: {printed}");
        }
        if name.starts_with('ج') {
            assert!(printed.contains("الخير") || printed.contains("ﺍﻟﺨﻴﺮ"), "{name}: {printed}");
        }
    }

    // Every proposal gets its outcome; the summary is published and renders them all.
    for proposal in app.store.table_proposals(pid).await.unwrap() {
        let body = b"outcome=accepted".to_vec();
        let reply = post_raw(
            &app,
            &format!("{office}/proposte/{}/esito", proposal.id),
            "application/x-www-form-urlencoded",
            body,
            Some(&cookie),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "outcome of {}", proposal.id);
    }
    let published = post_raw(
        &app,
        &format!("{office}/sintesi/pubblicazione"),
        "application/x-www-form-urlencoded",
        b"confirm=1".to_vec(),
        Some(&cookie),
    )
    .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
    let (status, summary) = get_bytes(&app, &format!("/processi/{PROCESS}/sintesi.pdf"), None).await;
    assert_eq!(status, StatusCode::OK, "the public summary");
    let printed = common::pdf_text(&summary);
    assert!(printed.contains("协会") && (printed.contains("الخير") || printed.contains("ﺍﻟﺨﻴﺮ")), "{printed}");
    let (status, csv) = get_bytes(&app, &format!("/processi/{PROCESS}/sintesi.csv"), None).await;
    assert_eq!(status, StatusCode::OK, "the published summary's CSV");
    let cells = python_cells(&csv);
    assert!(cells.iter().all(|c| !c.starts_with(['=', '+', '-', '@', '\t', '\r'])), "{cells:?}");
    assert!(cells.iter().any(|c| c.starts_with("'=HYPERLINK(")), "the formula-like title is kept as text: {cells:?}");
    assert!(cells.iter().any(|c| c.contains("协会")), "{cells:?}");
}

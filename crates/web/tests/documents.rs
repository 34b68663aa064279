//! The PDFs through HTTP: the public notice, the receipt behind the secret link,
//! and in the workspace the session's documents page, sign-in sheet and
//! attendance certificate, each with its authorization and its errors as pages.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{TestApp, app, pdf_text as text};
use concerto_domain::Role;
use serde_json::{Value, json};
use tower::ServiceExt;

const OPEN: &str = "esempio-2026-2028";

struct Pdf {
    status: StatusCode,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

async fn fetch(app: &TestApp, uri: &str, cookie: Option<&str>) -> Pdf {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = app.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
    Pdf { status, content_type, disposition, bytes }
}

/// Posts a form as the signed-in `cookie`; the answer's status.
async fn form(app: &TestApp, uri: &str, body: &str, cookie: &str) -> StatusCode {
    let request =
        Request::post(uri).header("content-type", "application/x-www-form-urlencoded").header("cookie", cookie);
    app.router.clone().oneshot(request.body(Body::from(body.to_string())).unwrap()).await.unwrap().status()
}

fn assert_pdf(pdf: &Pdf, file: &str) {
    assert_eq!(pdf.status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf.bytes));
    assert_eq!(pdf.content_type, "application/pdf");
    assert_eq!(pdf.disposition, format!("inline; filename=\"{file}\"; filename*=UTF-8''{file}"), "RFC 6266");
    assert!(pdf.bytes.starts_with(b"%PDF-"));
}

fn assert_not_found_page(pdf: &Pdf) {
    assert_eq!(pdf.status, StatusCode::NOT_FOUND);
    assert!(pdf.content_type.starts_with("text/html"), "{}", pdf.content_type);
}

#[tokio::test]
async fn the_public_notice_pdf_carries_the_calendar_and_is_linked_from_the_notice_page() {
    let app = app().await;
    let page = app.get("/processi/casarano-2022-2024/avviso").await;
    assert!(page.body.contains("href=\"/processi/casarano-2022-2024/avviso.pdf\""));
    let pdf = fetch(&app, "/processi/casarano-2022-2024/avviso.pdf", None).await;
    assert_pdf(&pdf, "avviso-casarano-2022-2024.pdf");
    let text = text(&pdf.bytes);
    assert!(text.contains("13/06/2022") && text.contains("09:00"), "{text}");
    assert!(text.contains("08/06/2022, ore 12:00"), "{text}");
    assert_not_found_page(&fetch(&app, "/processi/non-esiste/avviso.pdf", None).await);
}

async fn submit(app: &TestApp) -> (String, i64) {
    let reply = app.get(&format!("/api/v1/processes/{OPEN}")).await;
    let process: Value = serde_json::from_str(&reply.body).unwrap();
    let area = process["areas"][0]["id"].as_i64().unwrap();
    let body = json!({
        "applicant": {"kind": "organization", "name": "Associazione Il Faro ODV", "legal_form": "odv",
                      "tax_code": "00743110157", "legal_representative": "Maria Rossi",
                      "address": "Via Roma 1", "municipality": "Esempio", "email": "info@ilfaro.example",
                      "pec": null, "phone": null, "founded_on": "2010-05-01"},
        "participations": [{"area_id": area, "representative": {"name": "Luca Verdi", "email": "luca@ilfaro.example", "phone": null}}],
        "proposal": null, "privacy_accepted": true, "declaration_accepted": true
    });
    let reply = app.post_json(&format!("/api/v1/processes/{OPEN}/expressions"), &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created: Value = serde_json::from_str(&reply.body).unwrap();
    let token = created["manage_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    (token, area)
}

#[tokio::test]
async fn the_receipt_pdf_is_behind_the_secret_link_and_names_protocol_and_fingerprint() {
    let app = app().await;
    let (token, _) = submit(&app).await;
    let manage = app.get(&format!("/manifestazioni/{token}")).await;
    assert!(manage.body.contains(&format!("href=\"/manifestazioni/{token}/ricevuta.pdf\"")));
    let pdf = fetch(&app, &format!("/manifestazioni/{token}/ricevuta.pdf"), None).await;
    assert_pdf(&pdf, "ricevuta-2026-0000001.pdf");
    let text = text(&pdf.bytes);
    assert!(text.contains("2026/0000001") && text.contains("Associazione Il Faro ODV"), "{text}");
    assert_not_found_page(&fetch(&app, "/manifestazioni/0000/ricevuta.pdf", None).await);
}

#[tokio::test]
async fn the_office_gets_sign_in_sheets_and_certificates_of_its_own_sessions_only() {
    let app = app().await;
    let (token, area) = submit(&app).await;
    let reply = app.get(&format!("/api/v1/processes/{OPEN}")).await;
    let process: Value = serde_json::from_str(&reply.body).unwrap();
    let found = process["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["area_ids"].as_array().unwrap().iter().any(|a| a.as_i64() == Some(area)))
        .expect("a session on the chosen area");
    let session = found["id"].as_i64().unwrap();
    // The session's day, after it ended: check-in is still open and certificates are issued.
    app.clock.set(format!("{}T12:30:00Z", found["date"].as_str().expect("a dated session")).parse().unwrap());
    let password = app.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let admin = app.login("admin@esempio.invalid", &password).await.unwrap();
    let password = app.account("admin@casarano.invalid", Role::AmbitoAdmin, Some("casarano")).await;
    let other = app.login("admin@casarano.invalid", &password).await.unwrap();
    let base = format!("/ufficio/processi/{OPEN}/sessioni/{session}");

    let page = fetch(&app, &format!("{base}/documenti"), Some(&admin)).await;
    let html = String::from_utf8(page.bytes).unwrap();
    assert_eq!(page.status, StatusCode::OK);
    assert!(html.contains("Luca Verdi") && html.contains("foglio-firme.pdf"), "{html}");

    let sheet = fetch(&app, &format!("{base}/foglio-firme.pdf"), Some(&admin)).await;
    assert_pdf(&sheet, &format!("foglio-firme-{OPEN}-{session}.pdf"));
    let sheet_text = text(&sheet.bytes);
    assert!(sheet_text.contains("Luca Verdi") && sheet_text.contains("Associazione Il Faro ODV"), "{sheet_text}");

    // No certificate before the attendance is recorded: 409 with the reason.
    assert!(
        html.contains("Non risulta presente") && !html.contains("attestato.pdf?"),
        "no link for an absent representative"
    );
    let certificate = format!("{base}/attestato.pdf?manifestazione=1&area={area}");
    let absent = fetch(&app, &certificate, Some(&admin)).await;
    assert_eq!(absent.status, StatusCode::CONFLICT);
    assert!(String::from_utf8_lossy(&absent.bytes).contains("solo a chi risulta presente"));
    let own = format!("/manifestazioni/{token}/sessioni/{session}/attestato.pdf?area={area}");
    assert_eq!(fetch(&app, &own, None).await.status, StatusCode::CONFLICT);
    assert!(!app.get(&format!("/manifestazioni/{token}/tavoli")).await.body.contains("attestato.pdf"));

    // Invited, the code is on the sheet; checked in by it, the certificate is there.
    assert_eq!(form(&app, &format!("{base}/inviti"), "", &admin).await, StatusCode::SEE_OTHER);
    let pid = app.store.process_by_slug(OPEN).await.unwrap().unwrap().id;
    let code = app.store.checkin_codes(pid).await.unwrap()[0].code.clone();
    let sheet_text = text(&fetch(&app, &format!("{base}/foglio-firme.pdf"), Some(&admin)).await.bytes);
    assert!(sheet_text.contains(&code), "the sheet carries the code: {sheet_text}");
    assert_eq!(
        form(&app, &format!("{base}/presenze/codice"), &format!("code={code}"), &admin).await,
        StatusCode::SEE_OTHER
    );
    let pdf = fetch(&app, &certificate, Some(&admin)).await;
    assert_pdf(&pdf, &format!("attestato-luca-verdi-{OPEN}-{session}.pdf"));
    assert!(text(&pdf.bytes).contains("Luca Verdi"));
    let page = String::from_utf8(fetch(&app, &format!("{base}/documenti"), Some(&admin)).await.bytes).unwrap();
    assert!(page.contains("attestato.pdf?manifestazione=1&amp;area="), "{page}");
    let tables = app.get(&format!("/manifestazioni/{token}/tavoli")).await.body;
    assert!(tables.contains(&own.replace('&', "&amp;")), "the participant downloads their own: {tables}");
    assert_pdf(&fetch(&app, &own, None).await, &format!("attestato-luca-verdi-{OPEN}-{session}.pdf"));
    assert_not_found_page(
        &fetch(&app, &format!("/manifestazioni/0000/sessioni/{session}/attestato.pdf?area={area}"), None).await,
    );

    assert_not_found_page(
        &fetch(&app, &format!("{base}/attestato.pdf?manifestazione=99&area={area}"), Some(&admin)).await,
    );
    assert_not_found_page(&fetch(&app, &format!("{base}/attestato.pdf"), Some(&admin)).await);
    assert_not_found_page(
        &fetch(&app, &format!("/ufficio/processi/{OPEN}/sessioni/99999/foglio-firme.pdf"), Some(&admin)).await,
    );
    assert_not_found_page(&fetch(&app, &format!("{base}/foglio-firme.pdf"), Some(&other)).await);
    assert_eq!(fetch(&app, &format!("{base}/foglio-firme.pdf"), None).await.status, StatusCode::FOUND);
}

#[tokio::test]
async fn the_office_gets_the_sign_in_sheets_of_every_session_as_one_zip() {
    let app = app().await;
    submit(&app).await;
    let password = app.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let admin = app.login("admin@esempio.invalid", &password).await.unwrap();
    let process: Value = serde_json::from_str(&app.get(&format!("/api/v1/processes/{OPEN}")).await.body).unwrap();
    let sessions: Vec<&Value> =
        process["sessions"].as_array().unwrap().iter().filter(|s| s["cancelled"] != json!(true)).collect();
    let first = sessions[0]["id"].as_i64().unwrap();
    let page = fetch(&app, &format!("/ufficio/processi/{OPEN}/sessioni/{first}/documenti"), Some(&admin)).await;
    assert!(
        String::from_utf8(page.bytes).unwrap().contains("name=\"tipo\" value=\"fogli-firme\""),
        "the documents page offers the archive"
    );

    let entries = app.bulk_archive(OPEN, "fogli-firme", &admin).await;
    assert_eq!(entries.len(), sessions.len(), "one sheet per session");
    assert!(entries[0].0.starts_with("foglio-firme-20"), "dated sessions first, named by their date: {}", entries[0].0);
    for (name, pdf) in &entries {
        assert!(name.starts_with("foglio-firme-") && name.ends_with(".pdf"), "{name}");
        common::assert_pdf_a(name, pdf);
    }
    // The same sheet as the single download, registered representatives included.
    let single =
        fetch(&app, &format!("/ufficio/processi/{OPEN}/sessioni/{first}/foglio-firme.pdf"), Some(&admin)).await;
    assert!(entries.iter().any(|(_, pdf)| *pdf == single.bytes), "the archive holds the session's own sheet");
    assert!(entries.iter().any(|(_, pdf)| text(pdf).contains("Luca Verdi")));
}

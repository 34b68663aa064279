//! The participation pact through HTTP: the organization accepts online or uploads
//! the signed file behind its secret link, the office countersigns, the
//! organization withdraws; bad uploads store nothing; and only the pact's own
//! Ambito's office reaches its register.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp, app};
use concerto_domain::{MAX_SIGNED_FILE_BYTES, PactState, Role, sha256_hex};
use serde_json::{Value, json};

const PROCESS: &str = "esempio-2026-2028";

/// Submits an eligible organization's expression and returns its secret token.
async fn submit(app: &TestApp, tax_code: &str) -> String {
    let p: Value = serde_json::from_str(&app.get(&format!("/api/v1/processes/{PROCESS}")).await.body).unwrap();
    let area = p["areas"][0]["id"].as_i64().unwrap();
    let body = json!({
        "applicant": {"kind": "organization", "name": "Associazione Il Faro ODV", "legal_form": "odv",
                      "tax_code": tax_code, "legal_representative": "Maria Rossi",
                      "address": "Via Roma 1", "municipality": "Esempio", "email": "info@ilfaro.example",
                      "founded_on": "2010-05-01"},
        "participations": [{"area_id": area, "representative": {"name": "Luca Verdi", "email": "luca@ilfaro.example"}}],
        "privacy_accepted": true, "declaration_accepted": true
    });
    let reply = app.post_json(&format!("/api/v1/processes/{PROCESS}/expressions"), &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created: Value = serde_json::from_str(&reply.body).unwrap();
    created["manage_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

async fn send(app: &TestApp, method: &str, uri: &str, content_type: &str, body: Vec<u8>, cookie: Option<&str>) -> Reply {
    let mut request = Request::builder().method(method).uri(uri).header("content-type", content_type);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

async fn form(app: &TestApp, uri: &str, pairs: &[(&str, &str)], cookie: Option<&str>) -> Reply {
    let body = pairs.iter().map(|(k, v)| format!("{k}={}", v.replace(' ', "+"))).collect::<Vec<_>>().join("&");
    send(app, "POST", uri, "application/x-www-form-urlencoded", body.into_bytes(), cookie).await
}

async fn get(app: &TestApp, uri: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

async fn upload(app: &TestApp, token: &str, file_name: &str, bytes: &[u8]) -> Reply {
    let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"".to_vec();
    body.extend_from_slice(file_name.as_bytes());
    body.extend_from_slice(b"\"\r\nContent-Type: application/pdf\r\n\r\n");
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    send(app, "POST", &format!("/manifestazioni/{token}/patto/firmato"), "multipart/form-data; boundary=XyZ", body, None).await
}

async fn office(app: &TestApp, email: &str, role: Role, ambito: Option<&str>) -> String {
    let password = app.account(email, role, ambito).await;
    app.login(email, &password).await.expect("login succeeds")
}

/// The pact behind a token, read through the store.
async fn pact(app: &TestApp, token: &str) -> concerto_domain::Pact {
    let expression = app.store.expression_by_token(&sha256_hex(token.as_bytes())).await.unwrap().unwrap();
    app.store.pact_of_expression(expression.id).await.unwrap().unwrap()
}

fn hidden_sha256(page: &str) -> String {
    let start = page.find("name=\"sha256\" value=\"").expect("the acceptance form carries the version") + 21;
    page[start..start + 64].to_string()
}

#[tokio::test]
async fn accept_online_countersign_and_withdraw_with_every_step_recorded() {
    let app = app().await;
    let token = submit(&app, "00743110157").await;
    let manage = app.get(&format!("/manifestazioni/{token}")).await;
    assert!(manage.body.contains(&format!("/manifestazioni/{token}/patto")), "the pact is linked from the management page");

    let page = app.get(&format!("/manifestazioni/{token}/patto")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Da firmare"));
    let sha = hidden_sha256(&page.body);
    let pdf = app.send(Request::get(format!("/manifestazioni/{token}/patto.pdf")).body(Body::empty()).unwrap()).await;
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));

    let accept = format!("/manifestazioni/{token}/patto/accettazione");
    let refused = form(&app, &accept, &[("sha256", &sha)], None).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#accept-signer\""), "the summary names the field");
    let stale = form(&app, &accept, &[("sha256", &"0".repeat(64)), ("signer", "Maria Rossi"), ("confirm", "1")], None).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.body.contains("Il documento è cambiato"));
    assert!(stale.body.contains("value=\"Maria Rossi\""), "what was typed is kept");
    assert_eq!(pact(&app, &token).await.state, PactState::Generated);

    let done = form(&app, &accept, &[("sha256", &sha), ("signer", "Maria Rossi"), ("confirm", "1")], None).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let signed = pact(&app, &token).await;
    assert_eq!(signed.state, PactState::Signed);
    let events = app.store.pact_events(signed.id).await.unwrap();
    let acceptance = events.last().unwrap();
    assert_eq!((acceptance.action.as_str(), acceptance.actor.as_str()), ("signed", "link: Maria Rossi"));
    assert_eq!(acceptance.document_sha256.as_deref(), Some(sha.as_str()), "the exact version accepted");
    assert!(acceptance.address.is_some());
    let again = form(&app, &accept, &[("sha256", &sha), ("signer", "Maria Rossi"), ("confirm", "1")], None).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("già stato firmato"));

    let cookie = office(&app, "ufficio@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    let register = get(&app, &format!("/ufficio/processi/{PROCESS}/patti"), Some(&cookie)).await;
    assert_eq!(register.status, StatusCode::OK);
    assert!(register.body.contains("data-state=\"signed\""));
    let countersign = format!("/ufficio/processi/{PROCESS}/patti/{}/controfirma", signed.id);
    assert_eq!(form(&app, &countersign, &[], Some(&cookie)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(pact(&app, &token).await.state, PactState::Countersigned);
    assert_eq!(form(&app, &countersign, &[], Some(&cookie)).await.status, StatusCode::CONFLICT);
    let audit = app.store.audit_entries(Some("esempio"), 1, None).await.unwrap();
    assert_eq!(audit[0].entry.action, "pact.countersign");
    assert!(get(&app, &format!("/ufficio/processi/{PROCESS}/patti"), Some(&cookie)).await.body.contains("data-state=\"countersigned\""));

    let withdraw = format!("/manifestazioni/{token}/patto/recesso");
    let incomplete = form(&app, &withdraw, &[("declarant", "Maria Rossi")], None).await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(incomplete.body.contains("href=\"#withdraw-capacity\"") && incomplete.body.contains("href=\"#withdraw-confirm\""));
    let declared =
        form(&app, &withdraw, &[("declarant", "Maria Rossi"), ("capacity", "legale rappresentante"), ("confirm", "1")], None).await;
    assert_eq!(declared.status, StatusCode::SEE_OTHER);
    let withdrawn = pact(&app, &token).await;
    assert_eq!(withdrawn.state, PactState::Withdrawn);
    assert_eq!(app.store.pact_withdrawal(withdrawn.id).await.unwrap().unwrap().1.capacity, "legale rappresentante");
    assert!(app.get(&format!("/manifestazioni/{token}/patto")).await.body.contains("Maria Rossi (legale rappresentante)"));

    let csv = get(&app, &format!("/ufficio/processi/{PROCESS}/patti.csv"), Some(&cookie)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Recesso"), "{}", csv.body);
    let xlsx = get(&app, &format!("/ufficio/processi/{PROCESS}/patti.xlsx"), Some(&cookie)).await;
    assert!(xlsx.body.starts_with("PK"));
    // The receipt, then signed, countersigned and withdrawn.
    assert_eq!(app.store.pending_email_count().await.unwrap(), 4);
}

#[tokio::test]
async fn bad_uploads_are_refused_by_content_with_a_message_and_store_nothing() {
    let app = app().await;
    let token = submit(&app, "00743110157").await;
    let id = pact(&app, &token).await.id;
    let cases: [(&str, Vec<u8>, StatusCode, &str); 4] = [
        ("patto.pdf", b"PK\x03\x04 a zip file, renamed".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "non è un PDF"),
        ("patto.pdf", vec![], StatusCode::UNPROCESSABLE_ENTITY, "Il file è vuoto"),
        ("patto.pdf", vec![b'%'; MAX_SIGNED_FILE_BYTES + 1], StatusCode::PAYLOAD_TOO_LARGE, "dimensione massima"),
        // Far past the limit the request body itself is cut short: the same message.
        ("patto.pdf", vec![b'%'; MAX_SIGNED_FILE_BYTES + 256 * 1024], StatusCode::PAYLOAD_TOO_LARGE, "dimensione massima"),
    ];
    for (name, bytes, status, message) in cases {
        let reply = upload(&app, &token, name, &bytes).await;
        assert_eq!(reply.status, status, "{} bytes", bytes.len());
        assert!(reply.body.contains(message), "{}", &reply.body[..reply.body.len().min(4000)]);
        assert!(reply.body.contains("href=\"#upload-file\""), "the summary leads to the field");
        assert_eq!(app.store.pact_file_count(id).await.unwrap(), 0, "nothing stored");
        assert_eq!(app.store.pact_events(id).await.unwrap().len(), 1, "only the generation");
        assert_eq!(pact(&app, &token).await.state, PactState::Generated);
    }
}

#[tokio::test]
async fn a_signed_pdf_is_stored_with_its_signature_detected_and_the_office_downloads_it() {
    let app = app().await;
    let token = submit(&app, "00743110157").await;
    let signed = b"%PDF-1.7\n1 0 obj << /Type /Sig /ByteRange [0 1 2 3] /Contents <00> >> endobj\n%%EOF\n".to_vec();
    let reply = upload(&app, &token, "whatever.bin", &signed).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let p = pact(&app, &token).await;
    assert_eq!(p.state, PactState::Signed);
    let page = app.get(&format!("/manifestazioni/{token}/patto")).await;
    assert!(page.body.contains("firma digitale rilevata"));
    assert!(page.body.contains(&sha256_hex(&signed)), "the fingerprint of the file uploaded");

    let cookie = office(&app, "ufficio@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let file = get(&app, &format!("/ufficio/processi/{PROCESS}/patti/{}/firmato", p.id), Some(&cookie)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body.as_bytes(), signed.as_slice());
    assert!(get(&app, &format!("/ufficio/processi/{PROCESS}/patti"), Some(&cookie)).await.body.contains("firma digitale rilevata"));
}

#[tokio::test]
async fn a_p7m_envelope_is_accepted_as_digitally_signed() {
    let app = app().await;
    let token = submit(&app, "00743110157").await;
    let mut p7m = vec![0x30, 0x14, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02, 0xA0, 0x07, 0x30, 0x05];
    p7m.extend_from_slice(&[0x02, 0x01, 0x01, 0x31, 0x00]);
    let reply = upload(&app, &token, "patto.pdf.p7m", &p7m).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let file = app.store.pact_file(pact(&app, &token).await.id).await.unwrap().unwrap();
    assert_eq!((file.kind, file.signature_detected), (concerto_domain::SignedFileKind::P7m, true));
}

#[tokio::test]
async fn withdrawing_the_expression_withdraws_the_pact() {
    let app = app().await;
    let token = submit(&app, "00743110157").await;
    let reply = form(&app, &format!("/manifestazioni/{token}/ritiro"), &[("confirm", "1")], None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(pact(&app, &token).await.state, PactState::Withdrawn);
    let page = app.get(&format!("/manifestazioni/{token}/patto")).await;
    assert!(page.body.contains("pact-state") && !page.body.contains("patto/accettazione"), "no more forms");
}

#[tokio::test]
async fn only_the_pacts_ambito_reaches_the_register_and_the_countersignature() {
    let app = app().await;
    let token = submit(&app, "00743110157").await;
    let id = pact(&app, &token).await.id;
    let other = office(&app, "ufficio@casarano.invalid", Role::AmbitoAdmin, Some("casarano")).await;
    let representative = office(&app, "rappresentante@example.org", Role::Representative, None).await;
    let register = format!("/ufficio/processi/{PROCESS}/patti");
    let countersign = format!("/ufficio/processi/{PROCESS}/patti/{id}/controfirma");

    let anonymous = get(&app, &register, None).await;
    assert_eq!(anonymous.status, StatusCode::FOUND);
    assert!(anonymous.headers["location"].to_str().unwrap().starts_with("/accedi"));
    assert_eq!(form(&app, &countersign, &[], None).await.status, StatusCode::FOUND);
    for uri in [register.clone(), format!("{register}.csv"), format!("{register}.xlsx"), format!("{register}/{id}/firmato")] {
        assert_eq!(get(&app, &uri, Some(&other)).await.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(get(&app, &uri, Some(&representative)).await.status, StatusCode::FORBIDDEN, "{uri}");
    }
    assert_eq!(form(&app, &countersign, &[], Some(&other)).await.status, StatusCode::NOT_FOUND);
    // Casarano's office cannot reach Esempio's pact through its own process either.
    let through_own = format!("/ufficio/processi/casarano-2022-2024/patti/{id}/controfirma");
    assert_eq!(form(&app, &through_own, &[], Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(pact(&app, &token).await.state, PactState::Generated);
    assert_eq!(app.get("/manifestazioni/nonesiste/patto").await.status, StatusCode::NOT_FOUND);
}

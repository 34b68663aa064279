//! The participation pact through HTTP: the organization accepts online or uploads
//! the signed file behind its secret link, the office countersigns, the
//! organization withdraws; bad uploads store nothing; and only the pact's own
//! Ambito's office reaches its register.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

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

async fn send(
    app: &TestApp,
    method: &str,
    uri: &str,
    content_type: &str,
    body: Vec<u8>,
    cookie: Option<&str>,
) -> Reply {
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
    send(
        app,
        "POST",
        &format!("/manifestazioni/{token}/patto/firmato"),
        "multipart/form-data; boundary=XyZ",
        body,
        None,
    )
    .await
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
    assert!(
        manage.body.contains(&format!("/manifestazioni/{token}/patto")),
        "the pact is linked from the management page"
    );

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
    let stale =
        form(&app, &accept, &[("sha256", &"0".repeat(64)), ("signer", "Maria Rossi"), ("confirm", "1")], None).await;
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
    let asked = form(&app, &countersign, &[], Some(&cookie)).await;
    assert_eq!(asked.status, StatusCode::OK, "countersigning asks first");
    assert!(asked.body.contains("Controfirmare il patto?") && asked.body.contains("name=\"confirm\" value=\"1\""));
    assert_eq!(pact(&app, &token).await.state, PactState::Signed, "asking changes nothing");
    let done = form(&app, &countersign, &[("confirm", "1")], Some(&cookie)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(done.headers["location"].to_str().unwrap().ends_with("?fatto=pact_countersigned&email=1"));
    assert_eq!(pact(&app, &token).await.state, PactState::Countersigned);
    assert_eq!(form(&app, &countersign, &[], Some(&cookie)).await.status, StatusCode::CONFLICT);
    let audit = app.store.audit_entries(Some("esempio"), 1, None).await.unwrap();
    assert_eq!(audit[0].entry.action, "pact.countersign");
    assert!(
        get(&app, &format!("/ufficio/processi/{PROCESS}/patti"), Some(&cookie))
            .await
            .body
            .contains("data-state=\"countersigned\"")
    );

    let withdraw = format!("/manifestazioni/{token}/patto/recesso");
    let incomplete = form(&app, &withdraw, &[("declarant", "Maria Rossi")], None).await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        incomplete.body.contains("href=\"#withdraw-capacity\"")
            && incomplete.body.contains("href=\"#withdraw-confirm\"")
    );
    let declared = form(
        &app,
        &withdraw,
        &[("declarant", "Maria Rossi"), ("capacity", "legale rappresentante"), ("confirm", "1")],
        None,
    )
    .await;
    assert_eq!(declared.status, StatusCode::SEE_OTHER);
    let withdrawn = pact(&app, &token).await;
    assert_eq!(withdrawn.state, PactState::Withdrawn);
    assert_eq!(app.store.pact_withdrawal(withdrawn.id).await.unwrap().unwrap().1.capacity, "legale rappresentante");
    assert!(
        app.get(&format!("/manifestazioni/{token}/patto")).await.body.contains("Maria Rossi (legale rappresentante)")
    );

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
        (
            "patto.pdf",
            vec![b'%'; MAX_SIGNED_FILE_BYTES + 256 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            "dimensione massima",
        ),
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
    assert!(
        get(&app, &format!("/ufficio/processi/{PROCESS}/patti"), Some(&cookie))
            .await
            .body
            .contains("firma digitale rilevata")
    );
}

#[tokio::test]
async fn a_p7m_envelope_is_accepted_as_digitally_signed() {
    let app = app().await;
    let token = submit(&app, "00743110157").await;
    let mut p7m =
        vec![0x30, 0x14, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02, 0xA0, 0x07, 0x30, 0x05];
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
    for uri in
        [register.clone(), format!("{register}.csv"), format!("{register}.xlsx"), format!("{register}/{id}/firmato")]
    {
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

#[tokio::test]
async fn the_office_gets_every_pact_as_one_zip_built_in_the_background() {
    let app = app().await;
    let first = submit(&app, "00743110157").await;
    submit(&app, "01234567897").await;
    let cookie = office(&app, "ufficio@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    let register = get(&app, &format!("/ufficio/processi/{PROCESS}/patti"), Some(&cookie)).await;
    assert!(
        register.body.contains(&format!("action=\"/ufficio/processi/{PROCESS}/archivi\"")),
        "the register offers the archive"
    );
    let entries = app.bulk_archive(PROCESS, "patti", &cookie).await;
    let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["patto-2026-0000001-associazione-il-faro-odv.pdf", "patto-2026-0000002-associazione-il-faro-odv.pdf"],
        "one PDF per pact, in protocol order"
    );
    for (name, pdf) in &entries {
        common::assert_pdf_a(name, pdf);
    }
    // The very version the organization reads and accepts on its own page.
    let page = app.get(&format!("/manifestazioni/{first}/patto")).await;
    assert_eq!(sha256_hex(&entries[0].1), hidden_sha256(&page.body));
}

#[tokio::test]
async fn archives_belong_to_the_office_of_their_ambito_and_failures_are_explained() {
    let app = app().await;
    let own = office(&app, "ufficio@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    let other = office(&app, "ufficio@casarano.invalid", Role::AmbitoAdmin, Some("casarano")).await;
    let representative = office(&app, "rappresentante@example.org", Role::Representative, None).await;
    let start = format!("/ufficio/processi/{PROCESS}/archivi");
    assert_eq!(form(&app, &start, &[("tipo", "patti")], None).await.status, StatusCode::FOUND);
    assert_eq!(form(&app, &start, &[("tipo", "patti")], Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(form(&app, &start, &[("tipo", "patti")], Some(&representative)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(form(&app, &start, &[("tipo", "tutto")], Some(&own)).await.status, StatusCode::NOT_FOUND);

    // No expression yet, so no pact: the job fails, and the page says why in Italian.
    let started = form(&app, &start, &[("tipo", "patti")], Some(&own)).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let page = started.headers["location"].to_str().unwrap().to_string();
    let again = form(&app, &start, &[("tipo", "patti")], Some(&own)).await;
    assert_eq!(again.headers["location"].to_str().unwrap(), page, "a second click joins the job under way");
    assert_eq!(concerto_web::build_due_archives(&app.state).await.unwrap(), 1);
    let failed = get(&app, &page, Some(&own)).await;
    assert_eq!(failed.status, StatusCode::OK);
    assert!(failed.body.contains("data-state=\"failed\"") && failed.body.contains("role=\"alert\""), "{}", failed.body);
    assert!(failed.body.contains("non è riuscita: il processo non ha patti da archiviare."), "{}", failed.body);
    assert!(!failed.body.contains("http-equiv=\"refresh\""));
    assert_eq!(get(&app, &format!("{page}/archivio.zip"), Some(&own)).await.status, StatusCode::NOT_FOUND);

    for uri in [page.clone(), format!("{page}/archivio.zip")] {
        assert_eq!(get(&app, &uri, Some(&other)).await.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(get(&app, &uri, None).await.status, StatusCode::FOUND, "{uri}");
    }
    // Casarano's office cannot reach the job through its own process either.
    let id = page.rsplit('/').next().unwrap();
    let through_own = format!("/ufficio/processi/casarano-2022-2024/archivi/{id}");
    assert_eq!(get(&app, &through_own, Some(&other)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_organizations_representative_accepts_and_withdraws_from_its_account() {
    let app = app().await;
    let token = submit(&app, "00743110157").await;
    let id = pact(&app, &token).await.id;
    // The expression gives info@ilfaro.example as the organization's address.
    let own = office(&app, "INFO@ilfaro.example", Role::Representative, None).await;
    let stranger = office(&app, "altro@example.org", Role::Representative, None).await;
    let editor = office(&app, "ufficio@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    let page = format!("/i-miei-patti/{id}");

    for uri in ["/i-miei-patti".to_string(), page.clone(), format!("{page}/patto.pdf")] {
        let anonymous = get(&app, &uri, None).await;
        assert_eq!(anonymous.status, StatusCode::FOUND, "{uri}");
        assert_eq!(anonymous.headers["location"].to_str().unwrap(), format!("/accedi?next={uri}"));
    }
    assert_eq!(form(&app, &format!("{page}/accettazione"), &[], None).await.status, StatusCode::FOUND);
    assert_eq!(get(&app, &page, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &format!("{page}/patto.pdf"), Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &page, Some(&editor)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, "/i-miei-patti", Some(&editor)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, "/i-miei-patti/abc", Some(&own)).await.status, StatusCode::NOT_FOUND);
    let theirs = get(&app, "/i-miei-patti", Some(&stranger)).await;
    assert!(
        theirs.status == StatusCode::OK && !theirs.body.contains(&page),
        "another organization's pacts are not listed"
    );

    let list = get(&app, "/i-miei-patti", Some(&own)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains(&format!("href=\"{page}\"")) && list.body.contains("data-state=\"generated\""),
        "{}",
        list.body
    );
    let opened = get(&app, &page, Some(&own)).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert!(
        opened.body.contains(&format!("action=\"{page}/accettazione\""))
            && opened.body.contains(&format!("href=\"{page}/patto.pdf\""))
    );
    assert!(!opened.body.contains(&token), "the account's page never shows the secret link");
    let sha = hidden_sha256(&opened.body);
    assert_eq!(
        sha,
        hidden_sha256(&app.get(&format!("/manifestazioni/{token}/patto")).await.body),
        "the same version either way"
    );
    let pdf = get(&app, &format!("{page}/patto.pdf"), Some(&own)).await;
    assert_eq!(pdf.headers["content-type"], "application/pdf");

    let accept = [("sha256", sha.as_str()), ("signer", "Maria Rossi"), ("confirm", "1")];
    assert_eq!(
        form(&app, &format!("{page}/accettazione"), &accept, Some(&stranger)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(pact(&app, &token).await.state, PactState::Generated);
    let done = form(&app, &format!("{page}/accettazione"), &accept, Some(&own)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // Back to the pact, with the message that says it was accepted (issue 22).
    assert_eq!(done.headers["location"].to_str().unwrap(), format!("{page}?fatto=pact_signed&email=1"));
    assert_eq!(pact(&app, &token).await.state, PactState::Signed);
    let events = app.store.pact_events(id).await.unwrap();
    let acceptance = events.last().unwrap();
    let actor = acceptance.actor.to_lowercase();
    assert!(actor.starts_with("account:") && actor.ends_with("<info@ilfaro.example>: maria rossi"), "{actor}");
    assert_eq!(acceptance.document_sha256.as_deref(), Some(sha.as_str()));
    assert!(acceptance.address.is_some());

    let withdraw = [("declarant", "Maria Rossi"), ("capacity", "legale rappresentante"), ("confirm", "1")];
    assert_eq!(form(&app, &format!("{page}/recesso"), &withdraw, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    let declared = form(&app, &format!("{page}/recesso"), &withdraw, Some(&own)).await;
    assert_eq!(declared.status, StatusCode::SEE_OTHER, "{}", declared.body);
    assert_eq!(pact(&app, &token).await.state, PactState::Withdrawn);
    assert!(get(&app, "/i-miei-patti", Some(&own)).await.body.contains("data-state=\"withdrawn\""));
}

#[tokio::test]
async fn the_served_app_records_the_clients_address() {
    let app = app().await;
    let (url, _stop) = app.serve().await;
    let client = reqwest::Client::new();
    let token = submit(&app, "00743110157").await;
    let page = client.get(format!("{url}/manifestazioni/{token}/patto")).send().await.unwrap().text().await.unwrap();
    let body = format!("sha256={}&signer=Maria+Rossi&confirm=1", hidden_sha256(&page));
    let accepted = client
        .post(format!("{url}/manifestazioni/{token}/patto/accettazione"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(accepted.status().is_success(), "{}", accepted.status());
    let events = app.store.pact_events(pact(&app, &token).await.id).await.unwrap();
    assert_eq!(events.last().unwrap().address.as_deref(), Some("127.0.0.1"));

    let failed = client
        .post(format!("{url}/accedi"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=nessuno%40example.org&password=sbagliata")
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    let since = common::noon_utc(common::demo_day()) - chrono::TimeDelta::hours(1);
    let failures = app.store.login_failures("nessuno@example.org", "127.0.0.1", since).await.unwrap();
    assert_eq!(failures.by_address.0, 1, "the login throttle counts the real address");
}

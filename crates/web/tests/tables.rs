//! The tables through HTTP: invitations and check-in, walk-ins, proposals, the
//! ballot, outcomes (a motivation or 422), the summary with its e-mails, the board
//! and the progress page whose figures follow the data.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp, app};
use concerto_domain::Role;
use concerto_mail::testing::SmtpSink;
use concerto_mail::{MailConfig, Mailer, deliver_due};
use serde_json::{Value, json};

const SLUG: &str = "esempio-2026-2028";

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn post(app: &TestApp, uri: &str, pairs: &[(&str, &str)], cookie: Option<&str>) -> Reply {
    let body: String = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
    let mut request = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

async fn get(app: &TestApp, uri: &str, cookie: &str) -> Reply {
    app.get_with(uri, "cookie", cookie).await
}

async fn office(app: &TestApp) -> String {
    let password = app.account("ufficio@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    app.login("ufficio@esempio.invalid", &password).await.expect("login")
}

/// The process's areas and sessions as the API lists them.
async fn process(app: &TestApp) -> Value {
    serde_json::from_str(&app.get(&format!("/api/v1/processes/{SLUG}")).await.body).unwrap()
}

/// Registers an organization for `area`; returns its management path.
async fn register(app: &TestApp, tax_code: &str, name: &str, email: &str, rep: &str, area: i64) -> String {
    let body = json!({
        "applicant": {"kind": "organization", "name": name, "legal_form": "odv", "tax_code": tax_code,
                      "legal_representative": "Maria Rossi", "address": "Via Roma 1", "municipality": "Esempio",
                      "email": email, "pec": null, "phone": null, "founded_on": "2010-05-01"},
        "participations": [{"area_id": area.to_string(), "representative": {"name": rep, "email": format!("rep.{email}"), "phone": null}}],
        "proposal": null, "privacy_accepted": true, "declaration_accepted": true
    });
    let reply = app.post_json(&format!("/api/v1/processes/{SLUG}/expressions"), &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created: Value = serde_json::from_str(&reply.body).unwrap();
    created["manage_url"].as_str().unwrap().trim_start_matches("http://concerto.test").to_string()
}

/// The session of the table on `area` (the first table session listing it).
fn table_session(p: &Value, area: i64) -> i64 {
    p["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["kind"] == "table" && s["area_ids"].as_array().is_some_and(|a| a.iter().any(|x| x.as_i64() == Some(area)))
        })
        .map(|s| s["id"].as_i64().unwrap())
        .expect("a table session on the area")
}

fn first_area(p: &Value) -> i64 {
    p["areas"][0]["id"].as_i64().unwrap()
}

/// The text of the PDF at `uri`, as poppler's pdftotext extracts it.
async fn pdf_text(app: &TestApp, uri: &str) -> String {
    use tower::ServiceExt;
    let response = app.router.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    common::pdf_text(&axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap())
}

async fn proposal_ids(app: &TestApp) -> Vec<i64> {
    let id = app.store.process_by_slug(SLUG).await.unwrap().unwrap().id;
    app.store.table_proposals(id).await.unwrap().iter().map(|p| p.id).collect()
}

async fn deliver(app: &TestApp, sink: &SmtpSink) -> usize {
    let mailer = Mailer::from_config(&MailConfig {
        smtp_url: Some(sink.url()),
        from: "Concerto <noreply@concerto.test>".into(),
        outbox_dir: std::env::temp_dir(),
    })
    .unwrap();
    deliver_due(&app.store, &mailer, app.clock.now()).await.unwrap()
}

#[tokio::test]
async fn check_in_by_code_and_walk_in_with_counts_and_export() {
    let app = app().await;
    let cookie = office(&app).await;
    let p = process(&app).await;
    let area = first_area(&p);
    let session = table_session(&p, area);
    let manage = register(&app, "00743110157", "Il Faro ODV", "info@ilfaro.example", "Luca Verdi", area).await;
    let base = format!("/ufficio/processi/{SLUG}/sessioni/{session}");
    // Check-in is open on the session's day only (issue 22).
    let date = p["sessions"].as_array().unwrap().iter().find(|s| s["id"].as_i64() == Some(session)).unwrap()["date"]
        .as_str()
        .unwrap()
        .to_string();
    app.clock.set(format!("{date}T09:00:00Z").parse().unwrap());

    assert_eq!(
        post(&app, &format!("{base}/inviti"), &[], None).await.status,
        StatusCode::FOUND,
        "signed out: to the login page"
    );
    let reply = post(&app, &format!("{base}/inviti"), &[], Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let pid = app.store.process_by_slug(SLUG).await.unwrap().unwrap().id;
    let codes = app.store.checkin_codes(pid).await.unwrap();
    assert_eq!(codes.len(), 1);
    let code = codes[0].code.clone();
    assert!(concerto_domain::tables::CheckinCode::parse(&code).is_some());

    // The invitation carries the code; the manage page shows it with its QR symbol.
    let sink = SmtpSink::start().await;
    assert_eq!(deliver(&app, &sink).await, 2, "the receipt and the invitation");
    let messages = sink.wait_for(2, std::time::Duration::from_secs(5)).await;
    let invitation =
        messages.iter().find(|m| m.rcpt_to.iter().any(|r| r.contains("rep.info@ilfaro.example"))).expect("invitation");
    assert!(invitation.email.text_body().contains(&code));
    // Multipart: the text keeps the code, the HTML shows the QR image by its Content-ID.
    let parts = invitation.email.parts();
    let types: Vec<String> = parts.iter().map(concerto_mail::testing::Email::content_type).collect();
    // The calendar part (METHOD:REQUEST) is one more alternative: see meetings.rs.
    assert_eq!(types, ["text/plain", "text/html", "text/calendar", "image/png"], "{}", invitation.email.raw());
    let html = String::from_utf8(parts[1].decoded()).unwrap();
    assert!(html.contains("src=\"cid:codice-qr@concerto\"") && html.contains(&code), "{html}");
    assert_eq!(parts[3].header("Content-ID"), Some("<codice-qr@concerto>"));
    assert!(parts[3].decoded().starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG image");
    let page = app.get(&manage).await;
    assert!(
        page.body.contains(&code) && page.body.contains("<svg role=\"img\""),
        "manage page shows the code and its QR"
    );

    let wrong = post(&app, &format!("{base}/presenze/codice"), &[("code", "ZZZZZ")], Some(&cookie)).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("id=\"e-code\"") && wrong.body.contains("value=\"ZZZZZ\""),
        "the error names the field and keeps the input"
    );
    let typed = code.to_lowercase();
    assert_eq!(
        post(&app, &format!("{base}/presenze/codice"), &[("code", &typed)], Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&app, &format!("{base}/presenze/codice"), &[("code", &code)], Some(&cookie)).await.status,
        StatusCode::CONFLICT
    );
    let missing =
        post(&app, &format!("{base}/presenze/ospite"), &[("name", ""), ("organization", "Comitato")], Some(&cookie))
            .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("id=\"e-name\"") && missing.body.contains("value=\"Comitato\""));
    let walk_in = post(
        &app,
        &format!("{base}/presenze/ospite"),
        &[("name", "Ada Bianchi"), ("organization", "Comitato di quartiere")],
        Some(&cookie),
    )
    .await;
    assert_eq!(walk_in.status, StatusCode::SEE_OTHER);

    let page = get(&app, &format!("{base}/presenze?q=faro"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    let counts = get(&app, &format!("{base}/presenze/conteggi"), &cookie).await;
    assert!(counts.body.contains("http-equiv=\"refresh\""));
    let strong: Vec<&str> = counts.body.split("<strong>").skip(1).map(|s| s.split('<').next().unwrap()).collect();
    assert_eq!(strong, ["1", "1", "1", "2"], "expected, by code, walk-ins, total");
    let csv = get(&app, &format!("/ufficio/processi/{SLUG}/presenze.csv"), &cookie).await;
    assert!(csv.body.contains("Luca Verdi") && csv.body.contains("Ada Bianchi;Comitato di quartiere"), "{}", csv.body);
    assert!(app.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn proposals_ballot_outcomes_and_the_summary_with_its_emails() {
    let app = app().await;
    let cookie = office(&app).await;
    let p = process(&app).await;
    let area = first_area(&p);
    let area_s = area.to_string();
    let faro = register(&app, "00743110157", "Il Faro ODV", "info@ilfaro.example", "Luca Verdi", area).await;
    let ponte = register(&app, "01234567897", "Il Ponte APS", "info@ilponte.example", "Sara Neri", area).await;
    let tavoli = format!("/ufficio/processi/{SLUG}/tavoli");

    // Staff enter a proposal for a registered organization; a participant sends one online.
    let bad =
        post(&app, &format!("/ufficio/processi/{SLUG}/proposte"), &[("title", ""), ("text", "Testo")], Some(&cookie))
            .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"e-title\"") && bad.body.contains(">Testo</textarea>"));
    let staff =
        [("title", "Centro diurno"), ("text", "Un centro aperto"), ("area", &area_s), ("proposer", "00743110157")];
    assert_eq!(
        post(&app, &format!("/ufficio/processi/{SLUG}/proposte"), &staff, Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    let online = [("title", "Sportello unico"), ("text", "Uno sportello"), ("area", &area_s)];
    assert_eq!(post(&app, &format!("{ponte}/proposte"), &online, None).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        post(
            &app,
            &format!("{ponte}/proposte"),
            &[("title", "Duplicato"), ("text", "Come sopra"), ("area", &area_s)],
            None
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let ids = proposal_ids(&app).await;
    assert_eq!(ids.len(), 3);
    assert_eq!(
        post(&app, &format!("{faro}/proposte/{}/sostegno", ids[1]), &[], None).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&app, &format!("{faro}/proposte/{}/sostegno", ids[1]), &[], None).await.status,
        StatusCode::SEE_OTHER,
        "twice is once"
    );

    // Ballots: ten points exactly, once the office opens the vote at the plenary.
    app.clock.set("2027-01-04T09:00:00Z".parse().unwrap());
    assert_eq!(
        post(&app, &format!("/ufficio/processi/{SLUG}/priorita/apertura"), &[], Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    let (a, b) = (format!("points.{}", ids[0]), format!("points.{}", ids[1]));
    let short = post(&app, &format!("{faro}/priorita"), &[(&a, "3")], None).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("id=\"e-points\""));
    assert_eq!(
        post(&app, &format!("{faro}/priorita"), &[(&a, "4"), (&b, "6")], None).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&app, &format!("{ponte}/priorita"), &[(&a, "6"), (&b, "4")], None).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&app, &format!("/ufficio/processi/{SLUG}/priorita/chiusura"), &[("confirm", "1")], Some(&cookie))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&app, &format!("{faro}/priorita"), &[(&a, "10")], None).await.status,
        StatusCode::CONFLICT,
        "closed"
    );
    let result = app.get(&format!("/processi/{SLUG}/priorita")).await;
    assert_eq!(result.status, StatusCode::OK);
    // 10 points each, one first preference each: the earlier proposal comes first.
    let ranking = result.body.split("id=\"ranking\"").nth(1).unwrap();
    assert!(ranking.find("Centro diurno").unwrap() < ranking.find("Sportello unico").unwrap());
    assert!(
        result.body.contains("<title id=\"priorities-chart-title\">")
            && result.body.contains("<desc id=\"priorities-chart-desc\">")
    );

    // Outcomes: a motivation for anything but "accepted" (acceptance 2).
    let outcome = |id: i64| format!("/ufficio/processi/{SLUG}/proposte/{id}/esito");
    let refused =
        post(&app, &outcome(ids[1]), &[("outcome", "not_accepted"), ("motivation", " ")], Some(&cookie)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"e-motivation\"") && refused.body.contains("aria-invalid=\"true\""));
    let partly = post(&app, &outcome(ids[1]), &[("outcome", "partly_accepted")], Some(&cookie)).await;
    assert_eq!(partly.status, StatusCode::UNPROCESSABLE_ENTITY);
    let early = post(&app, &format!("/ufficio/processi/{SLUG}/sintesi/pubblicazione"), &[], Some(&cookie)).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "not before every proposal has its outcome");
    assert_eq!(
        post(&app, &outcome(ids[0]), &[("outcome", "accepted")], Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&app, &outcome(ids[1]), &[("outcome", "not_accepted"), ("motivation", "Già finanziato")], Some(&cookie))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let merge = [("outcome", "merged"), ("motivation", "Stessa proposta"), ("merged_into", &*ids[1].to_string())];
    assert_eq!(post(&app, &outcome(ids[2]), &merge, Some(&cookie)).await.status, StatusCode::SEE_OTHER);

    assert_eq!(app.get(&format!("/processi/{SLUG}/sintesi")).await.status, StatusCode::NOT_FOUND, "not yet published");
    assert_eq!(app.get(&format!("/processi/{SLUG}/sintesi.pdf")).await.status, StatusCode::NOT_FOUND, "nor its PDF");
    let published =
        post(&app, &format!("/ufficio/processi/{SLUG}/sintesi/pubblicazione"), &[("confirm", "1")], Some(&cookie))
            .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let summary = app.get(&format!("/processi/{SLUG}/sintesi")).await;
    assert_eq!(summary.status, StatusCode::OK);
    assert!(
        summary.body.contains("Già finanziato") && summary.body.contains(&format!("href=\"#proposta-{}\"", ids[1])),
        "the merge keeps the link"
    );
    let csv = app.get(&format!("/processi/{SLUG}/sintesi.csv")).await;
    assert!(
        csv.body.contains("Sportello unico;Il Ponte APS") && csv.body.contains("Non accolta;Già finanziato"),
        "{}",
        csv.body
    );
    assert!(summary.body.contains(&format!("href=\"/processi/{SLUG}/sintesi.pdf\"")), "the page links its PDF");
    let pdf = pdf_text(&app, &format!("/processi/{SLUG}/sintesi.pdf")).await;
    assert!(pdf.contains("PROSPETTO DI SINTESI DELLE PROPOSTE") && pdf.contains("Sportello unico"), "{pdf}");
    assert!(pdf.contains("Già finanziato") && pdf.contains("Unita alla proposta n."), "{pdf}");

    let sink = SmtpSink::start().await;
    assert_eq!(deliver(&app, &sink).await, 5, "two receipts and three outcomes");
    let messages = sink.wait_for(5, std::time::Duration::from_secs(5)).await;
    let to_ponte: Vec<String> = messages
        .iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r.contains("info@ilponte.example")))
        .map(|m| m.email.text_body())
        .collect();
    assert!(to_ponte.iter().any(|b| b.contains("Non accolta") && b.contains("Già finanziato")));
    assert!(to_ponte.iter().any(|b| b.contains("Unita alla proposta: «Sportello unico»")));
    assert!(get(&app, &tavoli, &cookie).await.body.contains("Centro diurno"));
    assert!(app.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn the_board_and_the_progress_page_follow_the_data() {
    let app = app().await;
    let cookie = office(&app).await;
    let p = process(&app).await;
    let area = first_area(&p);
    let faro = register(&app, "00743110157", "Il Faro ODV", "info@ilfaro.example", "Luca Verdi", area).await;

    let none = post(
        &app,
        &format!("/ufficio/processi/{SLUG}/cabina"),
        &[("organization", "99999999999"), ("referent", "X")],
        Some(&cookie),
    )
    .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY, "only organizations with a pact");
    let appoint = [("organization", "00743110157"), ("referent", "Maria Rossi")];
    assert!(
        get(&app, &format!("/ufficio/processi/{SLUG}/tavoli"), &cookie)
            .await
            .body
            .contains("Nessuna organizzazione ha un patto")
    );
    sign_pact(&app, &faro).await;
    assert_eq!(
        post(&app, &format!("/ufficio/processi/{SLUG}/cabina"), &appoint, Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    let twice = post(&app, &format!("/ufficio/processi/{SLUG}/cabina"), &appoint, Some(&cookie)).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "one referent per organization");
    assert!(app.get(&format!("/processi/{SLUG}/cabina-di-regia")).await.body.contains("Maria Rossi"));

    let add = |title: &'static str, parent: String, progress: &'static str| {
        let area = area.to_string();
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let fields = [
                ("intervention", title),
                ("area", area.as_str()),
                ("parent", parent.as_str()),
                ("status", "in_progress"),
                ("progress", progress),
            ];
            post(app, &format!("/ufficio/processi/{SLUG}/interventi"), &fields, Some(&cookie)).await.status
        }
    };
    let bad = post(
        &app,
        &format!("/ufficio/processi/{SLUG}/interventi"),
        &[("intervention", "X"), ("status", "in_progress"), ("progress", "120")],
        Some(&cookie),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(add("Servizi per la famiglia", String::new(), "0").await, StatusCode::SEE_OTHER);
    let pid = app.store.process_by_slug(SLUG).await.unwrap().unwrap().id;
    let parent = app.store.interventions(pid).await.unwrap()[0].id;
    assert_eq!(add("Centro per le famiglie", parent.to_string(), "100").await, StatusCode::SEE_OTHER);
    assert_eq!(add("Educativa domiciliare", parent.to_string(), "25").await, StatusCode::SEE_OTHER);
    let child = app.store.interventions(pid).await.unwrap()[2].id;
    let milestone = post(
        &app,
        &format!("/ufficio/processi/{SLUG}/interventi/{child}"),
        &[("milestone", "Avvio"), ("due_on", "2027-03-01")],
        Some(&cookie),
    )
    .await;
    assert_eq!(milestone.status, StatusCode::SEE_OTHER);
    let comment =
        post(&app, &format!("{faro}/interventi/{child}/commenti"), &[("comment", "Procede bene")], None).await;
    assert_eq!(comment.status, StatusCode::SEE_OTHER, "board members comment through their link");

    // The parent is the mean of 100 and 25: 62.5, shown as 63 (acceptance 4).
    let page = app.get(&format!("/processi/{SLUG}/monitoraggio")).await;
    assert_eq!(page.status, StatusCode::OK);
    let stored = app.store.interventions(pid).await.unwrap();
    let figures: Vec<u32> =
        page.body.split("data-progress=\"").skip(1).map(|s| s.split('"').next().unwrap().parse().unwrap()).collect();
    assert_eq!(figures, [63, 100, 25], "table rows in tree order");
    assert_eq!((stored[1].progress, stored[2].progress), (100, 25), "the figures come from the data");
    assert!(
        page.body.contains("<title>Servizi per la famiglia: 63 %</title>"),
        "the chart's bar agrees with the table"
    );
    assert!(page.body.contains("width=\"252\""), "63% of the 400-unit scale");
    assert!(page.body.contains("Procede bene") && page.body.contains("Avvio"));

    // A child's progress changes and the parent follows.
    let update = post(
        &app,
        &format!("/ufficio/processi/{SLUG}/interventi/{child}"),
        &[("status", "completed"), ("progress", "100")],
        Some(&cookie),
    )
    .await;
    assert_eq!(update.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(&format!("/processi/{SLUG}/monitoraggio"))
            .await
            .body
            .contains("<title>Servizi per la famiglia: 100 %</title>")
    );
}

/// Signs the pact behind the management path `manage` online, as its organization would.
async fn sign_pact(app: &TestApp, manage: &str) {
    let page = app.get(&format!("{manage}/patto")).await;
    let start = page.body.find("name=\"sha256\" value=\"").expect("the acceptance form carries the version") + 21;
    let sha = &page.body[start..start + 64];
    let accepted = post(
        app,
        &format!("{manage}/patto/accettazione"),
        &[("sha256", sha), ("signer", "Maria Rossi"), ("confirm", "1")],
        None,
    )
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
}

#[tokio::test]
async fn only_an_organization_with_a_pact_in_force_joins_the_board() {
    let app = app().await;
    let cookie = office(&app).await;
    let area = first_area(&process(&app).await);
    let faro = register(&app, "00743110157", "Il Faro ODV", "info@ilfaro.example", "Luca Verdi", area).await;
    register(&app, "01234567897", "Il Ponte APS", "info@ilponte.example", "Sara Neri", area).await;
    let cabina = format!("/ufficio/processi/{SLUG}/cabina");
    let tavoli = format!("/ufficio/processi/{SLUG}/tavoli");

    // Il Ponte's pact is only generated: not yet an agreement.
    let unsigned =
        post(&app, &cabina, &[("organization", "01234567897"), ("referent", "Sara Neri")], Some(&cookie)).await;
    assert_eq!(unsigned.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unsigned.body.contains("id=\"e-organization\"") && unsigned.body.contains("non ha sottoscritto il patto"),
        "a field error"
    );
    // The board's section of the office's page.
    let board = |page: String| {
        page.split("id=\"cabina\"").nth(1).and_then(|s| s.split("</section>").next()).unwrap_or_default().to_string()
    };
    let before = board(get(&app, &tavoli, &cookie).await.body);
    assert!(
        !before.contains("01234567897") && before.contains("Nessuna organizzazione ha un patto"),
        "not offered either: {before}"
    );

    sign_pact(&app, &faro).await;
    let after = board(get(&app, &tavoli, &cookie).await.body);
    assert!(
        after.contains("<option value=\"00743110157\">") && !after.contains("01234567897"),
        "signed: a candidate; {after}"
    );
    assert_eq!(
        post(&app, &cabina, &[("organization", "00743110157"), ("referent", "Luca Verdi")], Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(!get(&app, &tavoli, &cookie).await.body.contains("patto receduto"));

    // Withdrawing the pact afterwards leaves the member, flagged for the office.
    let withdraw = [("declarant", "Maria Rossi"), ("capacity", "legale rappresentante"), ("confirm", "1")];
    assert_eq!(post(&app, &format!("{faro}/patto/recesso"), &withdraw, None).await.status, StatusCode::SEE_OTHER);
    let hub = get(&app, &tavoli, &cookie).await.body;
    assert!(hub.contains("Luca Verdi") && hub.contains("patto receduto"), "the office sees the lapsed pact");
    let pid = app.store.process_by_slug(SLUG).await.unwrap().unwrap().id;
    assert_eq!(app.store.board_members(pid).await.unwrap().len(), 1);
}

/// A multipart body with the minutes' text, the published box and one file.
fn multipart(text: &str, published: bool, file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "concertoBoundary42";
    let mut body = Vec::new();
    let mut part = |headers: String, content: &[u8]| {
        body.extend(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend(content);
        body.extend(b"\r\n");
    };
    part("Content-Disposition: form-data; name=\"minutes\"".into(), text.as_bytes());
    if published {
        part("Content-Disposition: form-data; name=\"published\"".into(), b"1");
    }
    if let Some((name, bytes)) = file {
        part(
            format!(
                "Content-Disposition: form-data; name=\"attachment\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream"
            ),
            bytes,
        );
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_minutes(app: &TestApp, uri: &str, cookie: &str, form: (String, Vec<u8>)) -> Reply {
    let request =
        Request::post(uri).header("content-type", form.0).header("cookie", cookie).body(Body::from(form.1)).unwrap();
    app.send(request).await
}

#[tokio::test]
async fn minutes_are_internal_until_published_and_attachments_are_checked() {
    let app = app().await;
    let cookie = office(&app).await;
    let p = process(&app).await;
    let session = table_session(&p, first_area(&p));
    let uri = format!("/ufficio/processi/{SLUG}/sessioni/{session}/verbale");

    let fake = post_minutes(
        &app,
        &uri,
        &cookie,
        multipart("Verbale della seduta", true, Some(("verbale.pdf", b"<html>no</html>"))),
    )
    .await;
    assert_eq!(fake.status, StatusCode::UNPROCESSABLE_ENTITY, "the type is read from the content");
    assert!(fake.body.contains("id=\"e-attachment\"") && fake.body.contains(">Verbale della seduta</textarea>"));
    let internal =
        post_minutes(&app, &uri, &cookie, multipart("Bozza interna", false, Some(("verbale.pdf", b"%PDF-1.7 bozza"))))
            .await;
    assert_eq!(internal.status, StatusCode::SEE_OTHER, "{}", internal.body);
    let public = app.get(&format!("/processi/{SLUG}/verbali")).await;
    assert!(!public.body.contains("Bozza interna"), "internal minutes stay with the office");
    let attachment = app.store.minutes(session).await.unwrap().unwrap().attachments[0].id;
    assert_eq!(app.get(&format!("/processi/{SLUG}/verbali/allegati/{attachment}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, &format!("/ufficio/processi/{SLUG}/verbali/allegati/{attachment}"), &cookie).await.status,
        StatusCode::OK
    );

    let published = post_minutes(&app, &uri, &cookie, multipart("Presenti 12 organizzazioni.", true, None)).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/processi/{SLUG}/verbali")).await;
    assert!(
        page.body.contains("Presenti 12 organizzazioni.")
            && page.body.contains(&format!("/verbali/allegati/{attachment}"))
    );
    let file = app.get(&format!("/processi/{SLUG}/verbali/allegati/{attachment}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers["content-type"], "application/pdf");
    assert!(app.store.verify_audit().await.unwrap().is_intact());
}

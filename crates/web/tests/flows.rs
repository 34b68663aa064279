//! Flows people can trust (issue 22), through HTTP: a proposal sent with the form
//! reaches the tables, the ballot opens and closes when the office says so and its
//! tally is a snapshot, check-in happens on the session's day and can be undone,
//! certificates wait for the session, private citizens stay unnamed in public
//! unless they agreed, and the office confirms publishing with the problems found.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp, app, encode};
use concerto_domain::Role;
use serde_json::{Value, json};

const SLUG: &str = "esempio-2026-2028";
/// The demo's deadline is 30 days after its day (22/12/2026 12:00 in Rome) and its
/// plenary 43 days after (04/01/2027, 9:00–13:00 in Rome).
const AFTER_DEADLINE: &str = "2026-12-23T10:00:00Z";
const AT_PLENARY: &str = "2027-01-04T09:00:00Z";

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

fn location(reply: &Reply) -> String {
    reply.headers["location"].to_str().unwrap().to_string()
}

async fn office(app: &TestApp) -> String {
    let password = app.account("ufficio@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    app.login("ufficio@esempio.invalid", &password).await.expect("login")
}

async fn process(app: &TestApp) -> Value {
    serde_json::from_str(&app.get(&format!("/api/v1/processes/{SLUG}")).await.body).unwrap()
}

fn first_area(p: &Value) -> i64 {
    p["areas"][0]["id"].as_i64().unwrap()
}

/// The first table session on `area`: (id, date as YYYY-MM-DD).
fn table_session(p: &Value, area: i64) -> (i64, String) {
    let s = p["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["kind"] == "table" && s["area_ids"].as_array().is_some_and(|a| a.iter().any(|x| x.as_i64() == Some(area)))
        })
        .expect("a table session on the area");
    (s["id"].as_i64().unwrap(), s["date"].as_str().unwrap().to_string())
}

/// Registers an applicant through the API; returns its management path.
#[allow(clippy::too_many_arguments)] // each test names every part of the registration it varies
async fn register(
    app: &TestApp,
    kind: &str,
    tax_code: &str,
    name: &str,
    email: &str,
    area: i64,
    proposal: Option<&str>,
    consent: bool,
) -> String {
    let legal_form = (kind == "organization").then_some("odv");
    let body = json!({
        "applicant": {"kind": kind, "name": name, "legal_form": legal_form, "tax_code": tax_code,
                      "legal_representative": "Maria Rossi", "address": "Via Roma 1", "municipality": "Esempio",
                      "email": email, "pec": null, "phone": null, "founded_on": "2010-05-01"},
        "participations": [{"area_id": area.to_string(), "representative": {"name": name, "email": format!("rep.{email}"), "phone": null}}],
        "proposal": proposal.map(|t| json!({"title": t, "text": "Il testo della proposta", "area_ids": [area.to_string()]})),
        "privacy_accepted": true, "declaration_accepted": true, "public_name_consent": consent
    });
    let reply = app.post_json(&format!("/api/v1/processes/{SLUG}/expressions"), &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created: Value = serde_json::from_str(&reply.body).unwrap();
    created["manage_url"].as_str().unwrap().trim_start_matches("http://concerto.test").to_string()
}

/// The HTML form of a private citizen with a proposal; returns the management path.
async fn citizen_form(app: &TestApp, area: i64, title: &str, consent: bool) -> String {
    let area = area.to_string();
    let mut pairs = vec![
        ("applicant.kind", "citizen"),
        ("applicant.name", "Anna Bianchi"),
        ("applicant.tax_code", "BNCNNA80A41H501R"),
        ("applicant.address", "Via dei Mille 2"),
        ("applicant.municipality", "Esempio"),
        ("applicant.email", "anna.bianchi@example.org"),
        ("area", &area),
        ("privacy_accepted", "1"),
        ("declaration_accepted", "1"),
        ("proposal.title", title),
        ("proposal.text", "Uno spazio per i ragazzi del quartiere"),
        ("proposal.area", &area),
    ];
    let rep_name = format!("rep.{area}.name");
    let rep_email = format!("rep.{area}.email");
    pairs.push((&rep_name, "Anna Bianchi"));
    pairs.push((&rep_email, "anna.bianchi@example.org"));
    if consent {
        pairs.push(("public_name_consent", "1"));
    }
    let reply = app.post_form(&format!("/processi/{SLUG}/manifestazione"), &pairs).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    location(&reply).trim_end_matches("/ricevuta").to_string()
}

async fn proposal_ids(app: &TestApp) -> Vec<i64> {
    let pid = app.store.process_by_slug(SLUG).await.unwrap().unwrap().id;
    app.store.table_proposals(pid).await.unwrap().iter().map(|p| p.id).collect()
}

#[tokio::test]
async fn a_proposal_sent_with_the_form_reaches_both_tables_pages_and_follows_amendments() {
    let app = app().await;
    let cookie = office(&app).await;
    let area = first_area(&process(&app).await);
    let manage = citizen_form(&app, area, "Spazio giovani", false).await;

    let receipt = app.get(&format!("{manage}/ricevuta")).await;
    assert!(receipt.body.contains(&format!("href=\"{manage}/ricevuta.pdf\"")), "the receipt links its PDF");
    assert!(!receipt.body.contains("id=\"next-step\""), "a citizen signs no pact");
    let mine = app.get(&format!("{manage}/tavoli")).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("Spazio giovani"), "the participant's tables page lists it");
    let hub = get(&app, &format!("/ufficio/processi/{SLUG}/tavoli"), &cookie).await;
    assert!(
        hub.body.contains("Spazio giovani") && hub.body.contains("Anna Bianchi"),
        "the office's too, with the real name"
    );
    assert!(!hub.body.contains("Nessuna proposta"));

    // The amendment changes the proposal at the tables; it does not add another.
    let form = app.get(&format!("{manage}/modifica")).await;
    assert!(form.body.contains("name=\"public_name_consent\""), "the consent is on the form");
    let amended = citizen_form_amend(&app, &manage, area, "Spazio giovani e famiglie").await;
    assert_eq!(amended, StatusCode::SEE_OTHER);
    assert_eq!(proposal_ids(&app).await.len(), 1);
    // The amendment's receipt names the number it replaces (issue 22).
    let due = app.store.due_emails(app.clock.now(), 50).await.unwrap();
    let second = due.iter().find(|m| m.subject.contains("2026/0000002")).expect("the amendment's receipt");
    assert!(second.body.contains("Sostituisce la manifestazione n. 2026/0000001"), "{}", second.body);

    let mine = app.get(&format!("{manage}/tavoli")).await;
    assert!(mine.body.contains("Spazio giovani e famiglie"));
}

async fn citizen_form_amend(app: &TestApp, manage: &str, area: i64, title: &str) -> StatusCode {
    let area = area.to_string();
    let rep_name = format!("rep.{area}.name");
    let rep_email = format!("rep.{area}.email");
    let pairs = [
        ("applicant.kind", "citizen"),
        ("applicant.name", "Anna Bianchi"),
        ("applicant.tax_code", "BNCNNA80A41H501R"),
        ("applicant.address", "Via dei Mille 2"),
        ("applicant.municipality", "Esempio"),
        ("applicant.email", "anna.bianchi@example.org"),
        ("area", &area),
        (&rep_name, "Anna Bianchi"),
        (&rep_email, "anna.bianchi@example.org"),
        ("privacy_accepted", "1"),
        ("declaration_accepted", "1"),
        ("proposal.title", title),
        ("proposal.text", "Uno spazio per i ragazzi e le famiglie"),
        ("proposal.area", &area),
    ];
    let reply = app.post_form(&format!("{manage}/modifica"), &pairs).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply.status
}

/// (proposal id, points) of each row of the public ranking, in order.
fn ranking_rows(body: &str) -> Vec<(i64, String)> {
    body.split("<tr id=\"priorita-")
        .skip(1)
        .map(|row| {
            let id = row.split('"').next().unwrap().parse().unwrap();
            let cells: Vec<&str> = row.split("<td>").skip(1).map(|c| c.split('<').next().unwrap()).collect();
            (id, cells[1].to_string())
        })
        .collect()
}

#[tokio::test]
async fn the_ballot_opens_at_the_plenary_and_its_closed_tally_is_a_snapshot() {
    let app = app().await;
    let cookie = office(&app).await;
    let area = first_area(&process(&app).await);
    let area_s = area.to_string();
    let faro =
        register(&app, "organization", "00743110157", "Il Faro ODV", "info@ilfaro.example", area, None, false).await;
    let ponte =
        register(&app, "organization", "01234567897", "Il Ponte APS", "info@ilponte.example", area, None, false).await;
    for (title, proposer) in
        [("Centro diurno", "00743110157"), ("Sportello unico", "01234567897"), ("Sportello bis", "01234567897")]
    {
        let staff = [("title", title), ("text", "Testo"), ("area", area_s.as_str()), ("proposer", proposer)];
        let added = post(&app, &format!("/ufficio/processi/{SLUG}/proposte"), &staff, Some(&cookie)).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER);
        assert!(location(&added).contains("fatto=proposal_added"), "the save says what it did");
    }
    let hub = get(&app, &format!("/ufficio/processi/{SLUG}/tavoli?fatto=proposal_added"), &cookie).await;
    assert!(hub.body.contains("id=\"flash\"") && hub.body.contains("Proposta registrata."));
    let ids = proposal_ids(&app).await;
    let (a, b, c) = (format!("points.{}", ids[0]), format!("points.{}", ids[1]), format!("points.{}", ids[2]));

    // Not open yet: a vote is refused.
    let early = post(&app, &format!("{faro}/priorita"), &[(&a, "10")], None).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(early.body.contains("non è ancora aperta"), "{}", early.body);
    assert!(app.get(&format!("{faro}/tavoli")).await.body.contains("id=\"ballot-not-open\""));

    // The office cannot open it before the deadline, nor before the plenary.
    let open = format!("/ufficio/processi/{SLUG}/priorita/apertura");
    let before_deadline = post(&app, &open, &[], Some(&cookie)).await;
    assert_eq!(before_deadline.status, StatusCode::CONFLICT);
    assert!(
        before_deadline.body.contains("prima della scadenza delle adesioni (22/12/2026, 12:00)"),
        "{}",
        before_deadline.body
    );
    app.clock.set(AFTER_DEADLINE.parse().unwrap());
    let before_plenary = post(&app, &open, &[], Some(&cookie)).await;
    assert_eq!(before_plenary.status, StatusCode::CONFLICT);
    assert!(before_plenary.body.contains("04/01/2027, 09:00"), "{}", before_plenary.body);
    app.clock.set(AT_PLENARY.parse().unwrap());
    let opened = post(&app, &open, &[], Some(&cookie)).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert!(location(&opened).contains("fatto=ballot_opened"));

    assert_eq!(
        post(&app, &format!("{faro}/priorita"), &[(&a, "6"), (&c, "4")], None).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&app, &format!("{ponte}/priorita"), &[(&b, "3"), (&c, "7")], None).await.status,
        StatusCode::SEE_OTHER
    );

    // Closing asks first; the confirmation page is a plain form.
    let close = format!("/ufficio/processi/{SLUG}/priorita/chiusura");
    let asked = post(&app, &close, &[], Some(&cookie)).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked.body.contains("Chiudere la votazione delle priorità?")
            && asked.body.contains("name=\"confirm\" value=\"1\"")
    );
    assert!(asked.body.contains("Schede ricevute: 2."));
    assert!(
        app.get(&format!("/processi/{SLUG}/priorita")).await.body.contains("La votazione è in corso"),
        "not closed by asking"
    );
    let closed = post(&app, &close, &[("confirm", "1")], Some(&cookie)).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert!(location(&closed).contains("fatto=ballot_closed"));
    assert_eq!(
        post(&app, &format!("{faro}/priorita"), &[(&a, "10")], None).await.status,
        StatusCode::CONFLICT,
        "closed"
    );

    let before = ranking_rows(&app.get(&format!("/processi/{SLUG}/priorita")).await.body);
    assert_eq!(before, [(ids[2], "11".to_string()), (ids[0], "6".into()), (ids[1], "3".into())]);

    // Merging afterwards changes no figure: the merged proposal keeps its points
    // and says where it went.
    let merge = [("outcome", "merged"), ("motivation", "Stessa proposta"), ("merged_into", &*ids[1].to_string())];
    let merged =
        post(&app, &format!("/ufficio/processi/{SLUG}/proposte/{}/esito", ids[2]), &merge, Some(&cookie)).await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/processi/{SLUG}/priorita")).await;
    assert_eq!(ranking_rows(&page.body), before, "the tally kept at closing");
    assert!(page.body.contains(&format!("unita alla n. {}", ids[1])), "{}", page.body);
    let english = app.get(&format!("/processi/{SLUG}/priorita?lang=en")).await;
    assert!(english.body.contains(&format!("merged into no. {}", ids[1])));
    assert!(app.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn check_in_only_on_the_session_s_day_undone_with_a_reason_and_certificates_after_it() {
    let app = app().await;
    let cookie = office(&app).await;
    let p = process(&app).await;
    let area = first_area(&p);
    let (session, date) = table_session(&p, area);
    let manage =
        register(&app, "organization", "00743110157", "Il Faro ODV", "info@ilfaro.example", area, None, false).await;
    let receipt = app.get(&format!("{manage}/ricevuta")).await;
    assert!(
        receipt.body.contains("id=\"next-step\"") && receipt.body.contains(&format!("href=\"{manage}/patto\"")),
        "the receipt names the next step"
    );
    let base = format!("/ufficio/processi/{SLUG}/sessioni/{session}");
    assert_eq!(post(&app, &format!("{base}/inviti"), &[], Some(&cookie)).await.status, StatusCode::SEE_OTHER);
    let pid = app.store.process_by_slug(SLUG).await.unwrap().unwrap().id;
    let code = app.store.checkin_codes(pid).await.unwrap()[0].code.clone();

    // Weeks before the session: refused, with the day named.
    let early = post(&app, &format!("{base}/presenze/codice"), &[("code", &code)], Some(&cookie)).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    let day = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
    assert!(
        early.body.contains(&format!("solo il giorno dell&#39;incontro ({})", day.format("%d/%m/%Y")))
            || early.body.contains(&format!("({})", day.format("%d/%m/%Y"))),
        "{}",
        early.body
    );
    let walk_in =
        post(&app, &format!("{base}/presenze/ospite"), &[("name", "Ada"), ("organization", "Comitato")], Some(&cookie))
            .await;
    assert_eq!(walk_in.status, StatusCode::CONFLICT, "walk-ins too");
    assert!(app.store.attendances(pid).await.unwrap().is_empty());

    // On the day, 11:00 in Rome.
    app.clock.set(format!("{date}T10:00:00Z").parse().unwrap());
    assert_eq!(
        post(&app, &format!("{base}/presenze/codice"), &[("code", &code)], Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    let certificate = format!("{manage}/sessioni/{session}/attestato.pdf?area={area}");
    let not_yet = app.get(&certificate).await;
    assert_eq!(not_yet.status, StatusCode::CONFLICT, "the session ends at 13:00");
    assert!(
        not_yet.body.contains("dopo che l&#39;incontro si è svolto")
            || not_yet.body.contains("dopo che l'incontro si è svolto"),
        "{}",
        not_yet.body
    );

    // The office undoes the check-in with a reason; the row stays, annulled.
    let attendance = app.store.attendances(pid).await.unwrap()[0].id;
    let annul = format!("{base}/presenze/{attendance}/annullamento");
    let missing = post(&app, &annul, &[("reason", " ")], Some(&cookie)).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Indicare il motivo"));
    let undone = post(&app, &annul, &[("reason", "Codice usato da un'altra persona")], Some(&cookie)).await;
    assert_eq!(undone.status, StatusCode::SEE_OTHER);
    assert!(location(&undone).contains("fatto=attendance_annulled"));
    assert!(app.store.attendances(pid).await.unwrap().is_empty(), "an undone check-in does not count");
    let entries = app.store.audit_entries(None, 20, None).await.unwrap();
    let audited = entries.iter().find(|e| e.entry.action == "attendance.annul").expect("the undo is audited");
    assert!(audited.entry.after.as_deref().unwrap_or_default().contains("Codice usato da un'altra persona"));
    assert_eq!(
        post(&app, &annul, &[("reason", "Di nuovo")], Some(&cookie)).await.status,
        StatusCode::NOT_FOUND,
        "once"
    );

    // The person checks in again; after the session the certificate is issued.
    assert_eq!(
        post(&app, &format!("{base}/presenze/codice"), &[("code", &code)], Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    app.clock.set(format!("{date}T12:30:00Z").parse().unwrap());
    let issued = app.get(&certificate).await;
    assert_eq!(issued.status, StatusCode::OK);
    assert_eq!(issued.headers["content-type"], "application/pdf");
    assert!(app.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn a_private_citizen_is_named_in_public_only_with_consent() {
    let app = app().await;
    let cookie = office(&app).await;
    let area = first_area(&process(&app).await);
    citizen_form(&app, area, "Spazio giovani", false).await;
    register(
        &app,
        "citizen",
        "VRDGPP70B12F205A",
        "Giuseppe Verdi",
        "giuseppe@example.org",
        area,
        Some("Orti sociali"),
        true,
    )
    .await;
    register(
        &app,
        "organization",
        "00743110157",
        "Il Faro ODV",
        "info@ilfaro.example",
        area,
        Some("Centro diurno"),
        false,
    )
    .await;
    let ids = proposal_ids(&app).await;
    assert_eq!(ids.len(), 3, "the three proposals sent with the form");

    app.clock.set(AT_PLENARY.parse().unwrap());
    assert_eq!(
        post(&app, &format!("/ufficio/processi/{SLUG}/priorita/apertura"), &[], Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&app, &format!("/ufficio/processi/{SLUG}/priorita/chiusura"), &[("confirm", "1")], Some(&cookie))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    for id in &ids {
        let decided = post(
            &app,
            &format!("/ufficio/processi/{SLUG}/proposte/{id}/esito"),
            &[("outcome", "accepted")],
            Some(&cookie),
        )
        .await;
        assert_eq!(decided.status, StatusCode::SEE_OTHER);
    }
    let publish = format!("/ufficio/processi/{SLUG}/sintesi/pubblicazione");
    let asked = post(&app, &publish, &[], Some(&cookie)).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked.body.contains("Pubblicare il prospetto di sintesi?") && asked.body.contains("(3 messaggi)"),
        "{}",
        asked.body
    );
    let published = post(&app, &publish, &[("confirm", "1")], Some(&cookie)).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let back = location(&published);
    assert!(back.contains("fatto=summary_published&email=3"), "{back}");
    let summary = app.get(&back).await;
    assert!(summary.body.contains("Prospetto di sintesi pubblicato. E-mail in partenza: 3."), "{}", summary.body);

    let public = [
        format!("/processi/{SLUG}/sintesi"),
        format!("/processi/{SLUG}/sintesi.csv"),
        format!("/processi/{SLUG}/priorita"),
        format!("/processi/{SLUG}/cabina-di-regia"),
        format!("/processi/{SLUG}/monitoraggio"),
        format!("/processi/{SLUG}"),
        format!("/processi/{SLUG}/sintesi?lang=en"),
        format!("/processi/{SLUG}/priorita?lang=en"),
    ];
    for uri in &public {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(!page.body.contains("Anna Bianchi") && !page.body.contains("Bianchi"), "{uri} names the citizen");
    }
    let summary = app.get(&format!("/processi/{SLUG}/sintesi")).await.body;
    assert!(summary.contains("Spazio giovani") && summary.contains("Cittadina/o"));
    assert!(summary.contains("Giuseppe Verdi"), "the citizen who agreed is named");
    assert!(summary.contains("Il Faro ODV"), "organizations are always named");
    let csv = app.get(&format!("/processi/{SLUG}/sintesi.csv")).await.body;
    assert!(csv.contains("Spazio giovani;Cittadina/o") && csv.contains("Orti sociali;Giuseppe Verdi"), "{csv}");
    assert!(app.get(&format!("/processi/{SLUG}/sintesi?lang=en")).await.body.contains("Citizen"));
    let pdf = {
        use tower::ServiceExt;
        let response = app
            .router
            .clone()
            .oneshot(Request::get(format!("/processi/{SLUG}/sintesi.pdf")).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        common::pdf_text(&axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap())
    };
    assert!(!pdf.contains("Bianchi") && pdf.contains("Cittadina/o") && pdf.contains("Giuseppe Verdi"), "{pdf}");
    // The office keeps seeing who proposed what.
    assert!(get(&app, &format!("/ufficio/processi/{SLUG}/tavoli"), &cookie).await.body.contains("Anna Bianchi"));
}

#[tokio::test]
async fn publishing_shows_the_problems_found_and_asks_for_confirmation() {
    let app = app().await;
    let cookie = office(&app).await;
    let status = format!("/ufficio/processi/{SLUG}/stato");
    // Back to draft needs no confirmation; the message says what happened.
    let draft = post(&app, &status, &[("status", "draft")], Some(&cookie)).await;
    assert_eq!(draft.status, StatusCode::SEE_OTHER);
    assert!(get(&app, &location(&draft), &cookie).await.body.contains("Processo riportato in bozza"));

    // Months later, every session is past, and the deadline was after the first one.
    app.clock.set("2027-06-01T10:00:00Z".parse().unwrap());
    let asked = post(&app, &status, &[("status", "published")], Some(&cookie)).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.body.contains("id=\"warnings\""), "{}", asked.body);
    assert!(asked.body.contains("Tutti gli incontri del calendario sono già passati."));
    assert!(
        asked.body.contains("La scadenza (22/12/2026, 12:00) è successiva al primo incontro (22/12/2026, 09:30)."),
        "{}",
        asked.body
    );
    assert!(
        asked.body.contains("name=\"status\" value=\"published\"")
            && asked.body.contains("name=\"confirm\" value=\"1\"")
    );
    assert_eq!(app.get(&format!("/processi/{SLUG}")).await.status, StatusCode::NOT_FOUND, "asking publishes nothing");

    let done = post(&app, &status, &[("status", "published"), ("confirm", "1")], Some(&cookie)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = get(&app, &location(&done), &cookie).await;
    assert!(page.body.contains("Processo pubblicato"), "{}", page.body);
    assert_eq!(app.get(&format!("/processi/{SLUG}")).await.status, StatusCode::OK);

    // Closing asks too.
    let close = post(&app, &status, &[("status", "closed")], Some(&cookie)).await;
    assert_eq!(close.status, StatusCode::OK);
    assert!(close.body.contains("Chiudi il processo"));
}

//! Meetings as people hold them (issue 19), through HTTP on both backends: a full
//! session's waiting list with the offer read at the SMTP sink, the invitation's
//! iCalendar part read by two parsers (the `icalendar` crate and Python's), moves
//! and cancellations that update it, a meeting link kept off every public page and
//! feed, reminders sent once by two instances on one database, and progress taken
//! from a spreadsheet only once its preview is confirmed.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp, app, demo_day, noon_utc};
use concerto_domain::Role;
use concerto_mail::testing::{ReceivedMessage, SmtpSink};
use concerto_mail::{MailConfig, Mailer, deliver_due};
use concerto_store::testing::entity_tax_code;
use icalendar::parser::{read_calendar, unfold};
use serde_json::{Value, json};

const SLUG: &str = "esempio-2026-2028";
const LINK: &str = "https://meet.example/concerto-riservato";

async fn post(app: &TestApp, uri: &str, pairs: &[(&str, &str)], cookie: Option<&str>) -> Reply {
    let body: String =
        pairs.iter().map(|(k, v)| format!("{}={}", common::encode(k), common::encode(v))).collect::<Vec<_>>().join("&");
    let mut request = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
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

/// The first dated table session on `area`: (id, date).
fn table_session(p: &Value, area: i64) -> (i64, chrono::NaiveDate) {
    p["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["kind"] == "table"
                && s["date"].is_string()
                && s["area_ids"].as_array().is_some_and(|a| a.iter().any(|x| x.as_i64() == Some(area)))
        })
        .map(|s| (s["id"].as_i64().unwrap(), s["date"].as_str().unwrap().parse().unwrap()))
        .expect("a dated table session on the area")
}

/// Registers organization `n` for `area`; returns its management path and its
/// representative's address.
async fn register(app: &TestApp, n: u64, area: i64) -> (String, String) {
    let email = format!("org{n}@example.org");
    let body = json!({
        "applicant": {"kind": "organization", "name": format!("Associazione {n} ODV"), "legal_form": "odv",
                      "tax_code": entity_tax_code(n), "legal_representative": "Maria Rossi", "address": "Via Roma 1",
                      "municipality": "Esempio", "email": email, "pec": null, "phone": null, "founded_on": "2010-05-01"},
        "participations": [{"area_id": area.to_string(), "representative": {"name": format!("Rappresentante {n}"), "email": format!("rep.{email}"), "phone": null}}],
        "proposal": null, "privacy_accepted": true, "declaration_accepted": true
    });
    let reply = app.post_json(&format!("/api/v1/processes/{SLUG}/expressions"), &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created: Value = serde_json::from_str(&reply.body).unwrap();
    (
        created["manage_url"].as_str().unwrap().trim_start_matches("http://concerto.test").to_string(),
        format!("rep.{email}"),
    )
}

async fn deliver(app: &TestApp, sink: &SmtpSink) -> usize {
    let config = MailConfig {
        smtp_url: Some(sink.url()),
        from: "Concerto <noreply@concerto.test>".into(),
        outbox_dir: std::env::temp_dir(),
    };
    deliver_due(&app.store, &Mailer::from_config(&config).unwrap(), app.clock.now()).await.unwrap()
}

fn to<'a>(messages: &'a [ReceivedMessage], address: &str, subject: &str) -> Vec<&'a ReceivedMessage> {
    messages
        .iter()
        .filter(|m| {
            m.rcpt_to.iter().any(|r| r.contains(address)) && m.email.subject().is_some_and(|s| s.contains(subject))
        })
        .collect()
}

/// The iCalendar part of a message.
fn calendar_part(m: &ReceivedMessage) -> (String, String) {
    let part = m.email.parts().into_iter().find(|p| p.content_type() == "text/calendar").expect("a text/calendar part");
    let header = part.header("Content-Type").unwrap_or_default().to_string();
    (header, String::from_utf8(part.decoded()).unwrap())
}

fn location(reply: &Reply) -> String {
    reply.headers.get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default()
}

async fn set_meeting(app: &TestApp, cookie: &str, session: i64, fields: &[(&str, &str)]) {
    let reply = post(app, &format!("/ufficio/processi/{SLUG}/sessioni/{session}/incontro"), fields, Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

async fn seat_action(app: &TestApp, manage: &str, session: i64, email: &str, action: &str) -> String {
    let reply =
        post(app, &format!("{manage}/sessioni/{session}/posto"), &[("email", email), ("action", action)], None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    location(&reply)
}

#[tokio::test]
async fn capacity_two_the_third_waits_and_confirms_the_seat_the_first_frees() {
    let app = app().await;
    let cookie = office(&app).await;
    let p = process(&app).await;
    let area = first_area(&p);
    let (session, _) = table_session(&p, area);
    let bad = post(
        &app,
        &format!("/ufficio/processi/{SLUG}/sessioni/{session}/incontro"),
        &[("mode", "in_person"), ("capacity", "zero")],
        Some(&cookie),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"e-capacity\""), "the error names the field");
    set_meeting(&app, &cookie, session, &[("mode", "in_person"), ("capacity", "2"), ("confirm_hours", "48")]).await;

    let mut people = Vec::new();
    for n in 1..=3 {
        people.push(register(&app, n, area).await);
    }
    let states: Vec<String> = {
        let mut v = Vec::new();
        for (manage, email) in &people {
            v.push(seat_action(&app, manage, session, email, "register").await);
        }
        v
    };
    assert!(states[0].contains("esito=iscritto") && states[1].contains("esito=iscritto"), "{states:?}");
    assert!(states[2].contains("esito=attesa"), "the third waits: {states:?}");
    let office_page = format!("/ufficio/processi/{SLUG}/sessioni/{session}/incontro");
    let page = app.get_with(&office_page, "cookie", &cookie).await;
    assert!(
        page.body.contains("data-count=\"taken\">2<") && page.body.contains("data-count=\"waiting\">1<"),
        "{}",
        page.body
    );
    let again = seat_action(&app, &people[0].0, session, &people[0].1, "register").await;
    assert!(again.contains("esito=giaiscritto"), "{again}");

    // The first cancels: the seat is offered to the third, by e-mail, for 48 hours.
    let sink = SmtpSink::start().await;
    deliver(&app, &sink).await;
    let before = sink.messages().len();
    assert!(seat_action(&app, &people[0].0, session, &people[0].1, "cancel").await.contains("esito=annullato"));
    deliver(&app, &sink).await;
    let messages = sink.wait_for(before + 1, std::time::Duration::from_secs(5)).await;
    let offers = to(&messages, &people[2].1, "Posto disponibile");
    assert_eq!(offers.len(), 1, "one offer, to the third");
    assert!(to(&messages, &people[1].1, "Posto disponibile").is_empty());
    let text = offers[0].email.text_body();
    let url =
        text.split_whitespace().find(|w| w.starts_with("http://concerto.test/posti/")).expect("the confirmation link");
    let path = url.trim_start_matches("http://concerto.test");
    assert!(text.contains("24/11/2026, 13"), "48 hours from now, in Rome: {text}");

    let mine = app.get(&format!("{}/sessioni", people[2].0)).await;
    assert!(mine.body.contains("data-seat=\"offered\""), "{}", mine.body);
    let offer = app.get(path).await;
    assert_eq!(offer.status, StatusCode::OK);
    assert!(offer.body.contains(&format!("action=\"{path}\"")), "{}", offer.body);
    let confirmed = post(&app, path, &[], None).await;
    assert_eq!(confirmed.status, StatusCode::OK);
    assert!(confirmed.body.contains("id=\"seat-confirmed\""), "{}", confirmed.body);
    let page = app.get_with(&office_page, "cookie", &cookie).await;
    assert!(
        page.body.contains("data-count=\"confirmed\">2<") && page.body.contains("data-count=\"waiting\">0<"),
        "{}",
        page.body
    );
    let pid = app.store.process_by_slug(SLUG).await.unwrap().unwrap().id;
    let _ = pid;
    assert!(app.get("/posti/0000").await.status == StatusCode::NOT_FOUND);

    // The office moves people by hand; an overflow venue raises the seats.
    let seats = app.store.seats(session).await.unwrap();
    let third = seats.iter().find(|s| s.rep_email == people[2].1).unwrap().id;
    let moved = post(
        &app,
        &format!("/ufficio/processi/{SLUG}/sessioni/{session}/posti/{third}"),
        &[("to", "wait")],
        Some(&cookie),
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store.seats(session).await.unwrap().iter().find(|s| s.id == third).unwrap().state.as_str(),
        "waiting"
    );
    set_meeting(
        &app,
        &cookie,
        session,
        &[
            ("mode", "in_person"),
            ("capacity", "2"),
            ("overflow_venue", "Sala B"),
            ("overflow_capacity", "1"),
            ("confirm_hours", "48"),
        ],
    )
    .await;
    assert_eq!(
        app.store.seats(session).await.unwrap().iter().find(|s| s.id == third).unwrap().state.as_str(),
        "offered",
        "the new seat is offered"
    );
}

/// Reads `ics` with Python's `icalendar` (tests/ics/check.py), creating its venv
/// when missing; None only when there is no python3 at all.
fn python_reading(ics: &str) -> Option<String> {
    use std::io::Write;
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 is absent: the second parser is skipped");
        return None;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/ics");
    let setup =
        std::process::Command::new("bash").arg(root.join("setup.sh")).status().expect("tests/ics/setup.sh runs");
    assert!(setup.success(), "tests/ics/setup.sh installs Python's icalendar");
    let mut child = std::process::Command::new(root.join(".venv/bin/python"))
        .arg(root.join("check.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(ics.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

#[tokio::test]
async fn an_invitation_updates_the_calendar_and_the_link_stays_private() {
    let app = app().await;
    let cookie = office(&app).await;
    let p = process(&app).await;
    let area = first_area(&p);
    let (session, _) = table_session(&p, area);
    let access = "Accesso senza gradini; anello a induzione magnetica";
    set_meeting(
        &app,
        &cookie,
        session,
        &[("mode", "hybrid"), ("link", LINK), ("accessibility", access), ("agenda", "1. Apertura\n2. Proposte")],
    )
    .await;
    let (manage, rep) = register(&app, 7, area).await;
    let invited = post(&app, &format!("/ufficio/processi/{SLUG}/sessioni/{session}/inviti"), &[], Some(&cookie)).await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER);

    let sink = SmtpSink::start().await;
    deliver(&app, &sink).await;
    let messages = sink.wait_for(2, std::time::Duration::from_secs(5)).await;
    let invitation = to(&messages, &rep, "Invito")[0];
    assert!(invitation.email.text_body().contains(&format!("Collegamento alla riunione: {LINK}")));
    let (header, ics) = calendar_part(invitation);
    assert!(header.contains("method=REQUEST"), "{header}");
    let unfolded = unfold(&ics);
    let calendar = read_calendar(&unfolded).expect("the icalendar crate reads it");
    let method = calendar.properties.iter().find(|p| p.name == "METHOD").map(|p| p.val.to_string());
    assert_eq!(method.as_deref(), Some("REQUEST"));
    let event = calendar.components.iter().find(|c| c.name == "VEVENT").unwrap();
    let uid = event.find_prop("UID").unwrap().val.to_string();
    assert_eq!(event.find_prop("SEQUENCE").unwrap().val.as_str(), "0");
    assert_eq!(event.find_prop("ATTENDEE").unwrap().val.as_str(), format!("mailto:{rep}"));
    assert!(event.find_prop("ORGANIZER").unwrap().val.as_str().starts_with("mailto:"));
    assert!(event.find_prop("URL").unwrap().val.as_str().ends_with(&format!("/processi/{SLUG}/sessioni/{session}")));
    assert!(unfolded.contains(LINK), "the personal entry carries the link");
    if let Some(read) = python_reading(&ics) {
        assert!(
            read.contains("METHOD REQUEST\n")
                && read.contains(&format!("UID {uid}\n"))
                && read.contains("SEQUENCE 0\n"),
            "{read}"
        );
        assert!(read.contains(&format!("ATTENDEE mailto:{rep}\n")) && read.contains("ORGANIZER mailto:"), "{read}");
    }

    // The same UID in the public feed, without the link; the link only for the invited.
    let feed = app.get(&format!("/processi/{SLUG}/calendario.ics")).await.body;
    assert!(unfold(&feed).contains(&format!("UID:{uid}")), "one event, one UID");
    let table_id =
        p["sessions"].as_array().unwrap().iter().find(|s| s["id"] == session).unwrap()["table_id"].as_i64().unwrap();
    for public in [
        format!("/processi/{SLUG}"),
        format!("/processi/{SLUG}/sessioni/{session}"),
        format!("/processi/{SLUG}/calendario.ics"),
        format!("/processi/{SLUG}/tavoli/{table_id}/calendario.ics"),
        "/ambiti/esempio/calendario.ics".to_string(),
        format!("/processi/{SLUG}/sessioni/{session}?lang=en"),
    ] {
        let reply = app.get(&public).await;
        assert_eq!(reply.status, StatusCode::OK, "{public}");
        assert!(!reply.body.contains("meet.example"), "{public} shows the private link");
    }
    for feed in
        [format!("/processi/{SLUG}/tavoli/{table_id}/calendario.ics"), "/ambiti/esempio/calendario.ics".to_string()]
    {
        let body = app.get(&feed).await.body;
        assert!(
            read_calendar(&unfold(&body)).is_ok()
                && unfold(&body).contains(&format!("URL:http://concerto.test/processi/{SLUG}/sessioni/{session}")),
            "{feed}"
        );
    }
    let page = app.get(&format!("/processi/{SLUG}/sessioni/{session}")).await.body;
    assert!(
        page.contains("Accesso senza gradini; anello a induzione magnetica") && page.contains("anche online"),
        "{page}"
    );
    assert!(app.get(&format!("{manage}/sessioni")).await.body.contains(LINK), "the invited read the link");
    assert!(
        app.get_with(&format!("/ufficio/processi/{SLUG}/sessioni/{session}/incontro"), "cookie", &cookie)
            .await
            .body
            .contains(LINK)
    );

    // Moved: REQUEST with SEQUENCE 1; cancelled: CANCEL, same UID.
    let base = format!("/ufficio/processi/{SLUG}/sessioni/{session}");
    let moved = post(
        &app,
        &base,
        &[("date", "2027-01-20"), ("start", "10:00"), ("end", "12:00"), ("venue", "Sala consiliare")],
        Some(&cookie),
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let seen = sink.messages().len();
    deliver(&app, &sink).await;
    let messages = sink.wait_for(seen + 1, std::time::Duration::from_secs(5)).await;
    let change = to(&messages, &rep, "Variazione")[0];
    let (header, ics) = calendar_part(change);
    assert!(header.contains("method=REQUEST"), "{header}");
    let unfolded = unfold(&ics);
    assert!(unfolded.contains(&format!("UID:{uid}\r\n")) && unfolded.contains("SEQUENCE:1\r\n"), "{unfolded}");
    assert!(unfolded.contains("DTSTART;TZID=Europe/Rome:20270120T100000"), "{unfolded}");
    if let Some(read) = python_reading(&ics) {
        assert!(read.contains("SEQUENCE 1\n") && read.contains(&format!("UID {uid}\n")), "{read}");
    }
    let cancelled = post(
        &app,
        &base,
        &[
            ("date", "2027-01-20"),
            ("start", "10:00"),
            ("end", "12:00"),
            ("venue", "Sala consiliare"),
            ("cancelled", "1"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let seen = sink.messages().len();
    deliver(&app, &sink).await;
    let messages = sink.wait_for(seen + 1, std::time::Duration::from_secs(5)).await;
    let cancel = to(&messages, &rep, "annullata")[0];
    let (header, ics) = calendar_part(cancel);
    assert!(header.contains("method=CANCEL"), "{header}");
    let unfolded = unfold(&ics);
    assert!(
        unfolded.contains("METHOD:CANCEL\r\n")
            && unfolded.contains(&format!("UID:{uid}\r\n"))
            && unfolded.contains("SEQUENCE:2\r\n"),
        "{unfolded}"
    );
    if let Some(read) = python_reading(&ics) {
        assert!(read.contains("METHOD CANCEL\n") && read.contains(&format!("UID {uid}\n")), "{read}");
    }
}

/// A second instance: its own store (its own pools) on the same database.
async fn second_instance(url: &str, clock: concerto_web::Clock) -> concerto_web::AppState {
    let store = concerto_store::Store::open(url).await.unwrap();
    concerto_web::AppState {
        sessions: store.session_store().await.unwrap(),
        store,
        clock,
        config: concerto_web::WebConfig::new("http://concerto.test"),
        outbox: concerto_mail::OutboxWaker::new(),
        limiter: concerto_web::limits::Limiter::new(concerto_web::limits::RateLimits {
            expressions: 0,
            link_resends: 0,
            corrections: 0,
            password_resets: 0,
            sign_ins: 0,
        }),
    }
}

#[tokio::test]
async fn two_instances_on_one_database_send_each_reminder_once() {
    let url = concerto_store::testing::fresh_database_url().await;
    let first = common::app_on(&url).await;
    let cookie = office(&first).await;
    let p = process(&first).await;
    let area = first_area(&p);
    let (session, date) = table_session(&p, area);
    set_meeting(&first, &cookie, session, &[("mode", "online"), ("link", LINK)]).await;
    let mut reps = Vec::new();
    for n in 1..=3 {
        reps.push(register(&first, n, area).await.1);
    }
    assert_eq!(
        post(&first, &format!("/ufficio/processi/{SLUG}/sessioni/{session}/inviti"), &[], Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(concerto_web::send_due_reminders(&first.state).await.unwrap(), 0, "weeks before: nothing due");

    // The evening before the session, in Rome.
    let evening = date.pred_opt().unwrap().and_hms_opt(20, 0, 0).unwrap().and_utc();
    first.clock.set(evening);
    let second = second_instance(&url, concerto_web::Clock::fixed(evening)).await;
    let (a, b) =
        tokio::join!(concerto_web::send_due_reminders(&first.state), concerto_web::send_due_reminders(&second));
    assert_eq!(a.unwrap() + b.unwrap(), 3, "each of the three once, between the two");
    let (a, b) =
        tokio::join!(concerto_web::send_due_reminders(&first.state), concerto_web::send_due_reminders(&second));
    assert_eq!(a.unwrap() + b.unwrap(), 0, "never twice");

    let sink = SmtpSink::start().await;
    deliver(&first, &sink).await;
    let messages = sink.wait_for(9, std::time::Duration::from_secs(5)).await;
    for rep in &reps {
        let reminders = to(&messages, rep, "Promemoria");
        assert_eq!(reminders.len(), 1, "{rep}");
        let text = reminders[0].email.text_body();
        assert!(
            text.contains(&format!("Collegamento alla riunione: {LINK}")) && text.contains("Dove:   Online"),
            "{text}"
        );
        assert!(text.contains("codice personale di accesso"), "{text}");
        assert!(reminders[0].email.parts().iter().any(|p| p.content_type() == "image/png"), "with the QR");
    }
    let _ = noon_utc(demo_day());
}

/// A CSV body as multipart with the one file field `file`.
fn csv_upload(csv: &str) -> (String, Vec<u8>) {
    let boundary = "concerto-sheet-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"avanzamento.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

fn unescape(html: &str) -> String {
    html.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn a_bad_row_names_row_and_field_and_nothing_applies_until_confirmed() {
    let app = app().await;
    let cookie = office(&app).await;
    let area = first_area(&process(&app).await).to_string();
    for title in ["Centro diurno", "Sportello sociale"] {
        let fields = [
            ("intervention", title),
            ("area", area.as_str()),
            ("parent", ""),
            ("status", "planned"),
            ("progress", "0"),
        ];
        assert_eq!(
            post(&app, &format!("/ufficio/processi/{SLUG}/interventi"), &fields, Some(&cookie)).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let pid = app.store.process_by_slug(SLUG).await.unwrap().unwrap().id;
    let ids: Vec<i64> = app.store.interventions(pid).await.unwrap().iter().map(|i| i.id).collect();
    let template = app.get_with(&format!("/ufficio/processi/{SLUG}/monitoraggio/modello.csv"), "cookie", &cookie).await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(
        template.body.contains("intervento;titolo;avanzamento;stato;tappa;scadenza;tappa_completata")
            && template.body.contains("Centro diurno")
    );

    let send = |csv: String| {
        let (content_type, body) = csv_upload(&csv);
        let request = Request::post(format!("/ufficio/processi/{SLUG}/monitoraggio/foglio"))
            .header("content-type", content_type)
            .header("cookie", cookie.clone())
            .body(Body::from(body))
            .unwrap();
        app.send(request)
    };
    let head = "intervento;titolo;avanzamento;stato;tappa;scadenza;tappa_completata";
    let bad = format!(
        "{head}\r\n{};Centro diurno;55;in_progress;Avvio;15/03/2027;sì\r\n{};Sportello sociale;140;;;;\r\n",
        ids[0], ids[1]
    );
    let reply = send(bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("data-line=\"3\" data-field=\"avanzamento\""), "{}", reply.body);
    assert!(!reply.body.contains("name=\"righe\""), "no confirmation for a file with errors");
    assert!(app.store.interventions(pid).await.unwrap().iter().all(|i| i.progress == 0), "nothing applied");

    let good = format!(
        "{head}\r\n{};Centro diurno;55;in_progress;Avvio;15/03/2027;sì\r\n{};Sportello sociale;40;;;;\r\n",
        ids[0], ids[1]
    );
    let preview = send(good).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(app.store.interventions(pid).await.unwrap().iter().all(|i| i.progress == 0), "a preview applies nothing");
    let start =
        preview.body.find("name=\"righe\" value=\"").expect("the confirmation form") + "name=\"righe\" value=\"".len();
    let end = start + preview.body[start..].find('"').unwrap();
    let rows = unescape(&preview.body[start..end]);
    let applied = post(
        &app,
        &format!("/ufficio/processi/{SLUG}/monitoraggio/foglio/conferma"),
        &[("righe", &rows)],
        Some(&cookie),
    )
    .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let now = app.store.interventions(pid).await.unwrap();
    assert_eq!(now.iter().map(|i| i.progress).collect::<Vec<_>>(), vec![55, 40]);
    assert_eq!(now[0].milestones.len(), 1);
    let public = app.get(&format!("/processi/{SLUG}/monitoraggio")).await.body;
    assert!(public.contains("data-progress=\"55\"") && public.contains("data-progress=\"40\""), "{public}");
}

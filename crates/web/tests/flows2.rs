//! Flows people can trust (issue 22), second part, through HTTP: the first link
//! still opens the registration after an amendment and says it was replaced, the
//! form after the deadline says so plainly with the office's contacts, required
//! fields are marked for eyes and screen readers, accepting the pact confirms
//! itself and its history names people, not channels.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp, app};
use serde_json::{Value, json};

const SLUG: &str = "esempio-2026-2028";
/// The demo's deadline is 22/12/2026 12:00 in Rome.
const AFTER_DEADLINE: &str = "2026-12-23T10:00:00Z";

fn location(reply: &Reply) -> String {
    reply.headers["location"].to_str().unwrap().to_string()
}

async fn first_area(app: &TestApp) -> i64 {
    let p: Value = serde_json::from_str(&app.get(&format!("/api/v1/processes/{SLUG}")).await.body).unwrap();
    p["areas"][0]["id"].as_i64().unwrap()
}

/// An organization's form fields, as the HTML form posts them.
fn organization_pairs(area: i64, name: &str) -> Vec<(String, String)> {
    let area = area.to_string();
    vec![
        ("applicant.kind".into(), "organization".into()),
        ("applicant.name".into(), name.into()),
        ("applicant.legal_form".into(), "odv".into()),
        ("applicant.tax_code".into(), "00743110157".into()),
        ("applicant.legal_representative".into(), "Maria Rossi".into()),
        ("applicant.address".into(), "Via Roma 1".into()),
        ("applicant.municipality".into(), "Esempio".into()),
        ("applicant.email".into(), "info@ilfaro.example".into()),
        ("area".into(), area.clone()),
        (format!("rep.{area}.name"), "Luca Verdi".into()),
        (format!("rep.{area}.email"), "luca@ilfaro.example".into()),
        ("privacy_accepted".into(), "1".into()),
        ("declaration_accepted".into(), "1".into()),
    ]
}

async fn post_pairs(app: &TestApp, uri: &str, pairs: &[(String, String)]) -> Reply {
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_form(uri, &borrowed).await
}

/// Sends the form; returns the secret token of the management link.
async fn submit(app: &TestApp, area: i64) -> String {
    let reply =
        post_pairs(app, &format!("/processi/{SLUG}/manifestazione"), &organization_pairs(area, "Il Faro ODV")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    location(&reply).trim_end_matches("/ricevuta").rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn the_first_link_after_an_amendment_opens_the_current_version_and_says_it_was_replaced() {
    let app = app().await;
    let area = first_area(&app).await;
    let first = submit(&app, area).await;
    let before = app.get(&format!("/manifestazioni/{first}")).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!before.body.contains("id=\"replaced-note\""), "nothing replaced yet");

    let amended = post_pairs(
        &app,
        &format!("/manifestazioni/{first}/modifica"),
        &organization_pairs(area, "Il Faro ODV (nuova sede)"),
    )
    .await;
    assert_eq!(amended.status, StatusCode::SEE_OTHER, "{}", amended.body);
    let second = location(&amended).trim_end_matches("/ricevuta").rsplit('/').next().unwrap().to_string();
    assert_ne!(second, first, "the amendment's e-mail carries a link of its own");

    for path in [format!("/manifestazioni/{first}"), format!("/manifestazioni/{first}/ricevuta")] {
        let old = app.get(&path).await;
        assert_eq!(old.status, StatusCode::OK, "{path}");
        assert!(old.body.contains("Il Faro ODV (nuova sede)"), "the current version: {path}");
        assert!(
            old.body.contains(
                "Questa manifestazione di interesse (n. 2026/0000001) è stata sostituita dalla n. 2026/0000002"
            ),
            "the note: {}",
            old.body
        );
    }
    let english = app.get(&format!("/manifestazioni/{first}?lang=en")).await;
    assert!(english.body.contains("was replaced by no. 2026/0000002"), "{}", english.body);
    // The new link was issued for the current version: no note there.
    let new = app.get(&format!("/manifestazioni/{second}")).await;
    assert_eq!(new.status, StatusCode::OK);
    assert!(!new.body.contains("id=\"replaced-note\""));
    assert!(new.body.contains("Il Faro ODV (nuova sede)"));
}

#[tokio::test]
async fn after_the_deadline_the_form_says_so_plainly_with_the_offices_contacts() {
    let app = app().await;
    let area = first_area(&app).await;
    let token = submit(&app, area).await;
    app.clock.set(AFTER_DEADLINE.parse().unwrap());

    let form = app.get(&format!("/processi/{SLUG}/manifestazione")).await;
    assert_eq!(form.status, StatusCode::OK);
    let body = &form.body;
    assert!(body.contains("è scaduto il 22/12/2026 alle ore 12:00 (ora italiana)"), "{body}");
    assert!(!body.contains("Il modulo contiene errori") && !body.contains("error-summary"), "no red box");
    assert!(body.contains("href=\"mailto:ufficiodipiano@esempio.invalid\""), "the office's e-mail");
    assert!(body.contains("ambito.esempio@pec.esempio.invalid"), "its PEC");
    assert!(body.contains("Piazza del Municipio 1, Esempio"), "its address");
    assert!(!body.contains("name=\"applicant.tax_code\""), "no form to fill in vain");

    let english = app.get(&format!("/processi/{SLUG}/manifestazione?lang=en")).await;
    assert!(english.body.contains("passed on 22/12/2026 at 12:00 (Italian time)"), "{}", english.body);

    // A form sent late gets the same plain answer, and takes no number.
    let mut late = organization_pairs(area, "Ritardataria ODV");
    late.retain(|(k, _)| k != "applicant.tax_code");
    late.push(("applicant.tax_code".into(), "01234567897".into()));
    let refused = post_pairs(&app, &format!("/processi/{SLUG}/manifestazione"), &late).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("è scaduto il 22/12/2026 alle ore 12:00") && !refused.body.contains("error-summary"));
    let pid = app.store.process_by_slug(SLUG).await.unwrap().unwrap().id;
    assert_eq!(app.store.active_expressions(pid).await.unwrap().len(), 1);

    // The amendment form behind the link says the same.
    let amend = app.get(&format!("/manifestazioni/{token}/modifica")).await;
    assert_eq!(amend.status, StatusCode::OK);
    assert!(amend.body.contains("Il termine è scaduto il 22/12/2026 alle ore 12:00"), "{}", amend.body);
    assert!(!amend.body.contains("error-summary"));
}

#[tokio::test]
async fn required_fields_are_marked_for_eyes_and_screen_readers() {
    let app = app().await;
    let body = app.get(&format!("/processi/{SLUG}/manifestazione")).await.body;
    assert!(body.contains("I campi contrassegnati con * sono obbligatori"));
    let label = |id: &str| {
        let start = body.find(&format!("<label for=\"{id}\">")).unwrap_or_else(|| panic!("label of {id}"));
        body[start..start + body[start..].find("</label>").unwrap()].to_string()
    };
    for (id, hidden) in [
        ("f-applicant-name", "(campo obbligatorio)"),
        ("f-applicant-email", "(campo obbligatorio)"),
        ("f-applicant-legal_form", "(obbligatorio per le organizzazioni)"),
        ("f-applicant-legal_representative", "(obbligatorio per le organizzazioni)"),
    ] {
        let l = label(id);
        assert!(l.contains("<span aria-hidden=\"true\"> *</span>"), "{id}: {l}");
        assert!(l.contains(&format!("<span class=\"visually-hidden\"> {hidden}</span>")), "{id}: {l}");
    }
    assert!(!label("f-applicant-pec").contains('*'), "optional fields carry no mark");
    // The organization is the form's default: its own fields are required of it.
    assert!(body.contains("id=\"f-applicant-legal_form\" aria-required=\"true\""));
    assert!(
        body.contains(
            "id=\"f-applicant-legal_representative\" value=\"\" autocomplete=\"name\" aria-required=\"true\""
        )
    );
    assert!(
        body.contains(
            "id=\"f-applicant-name\" value=\"\" autocomplete=\"organization\" required aria-required=\"true\""
        )
    );
    let english = app.get(&format!("/processi/{SLUG}/manifestazione?lang=en")).await.body;
    assert!(english.contains("(required field)") && english.contains("(required of organizations)"));
}

fn hidden_sha256(page: &str) -> String {
    let start = page.find("name=\"sha256\" value=\"").expect("the acceptance form carries the version") + 21;
    page[start..start + 64].to_string()
}

#[tokio::test]
async fn accepting_the_pact_confirms_itself_and_the_history_names_people() {
    let app = app().await;
    let area = first_area(&app).await;
    let body = json!({
        "applicant": {"kind": "organization", "name": "Associazione Il Faro ODV", "legal_form": "odv",
                      "tax_code": "00743110157", "legal_representative": "Maria Rossi",
                      "address": "Via Roma 1", "municipality": "Esempio", "email": "info@ilfaro.example",
                      "founded_on": "2010-05-01"},
        "participations": [{"area_id": area, "representative": {"name": "Luca Verdi", "email": "luca@ilfaro.example"}}],
        "privacy_accepted": true, "declaration_accepted": true
    });
    let reply = app.post_json(&format!("/api/v1/processes/{SLUG}/expressions"), &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created: Value = serde_json::from_str(&reply.body).unwrap();
    let token = created["manage_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();

    let page = app.get(&format!("/manifestazioni/{token}/patto")).await;
    let sha = hidden_sha256(&page.body);
    let done = app
        .post_form(
            &format!("/manifestazioni/{token}/patto/accettazione"),
            &[("sha256", &sha), ("signer", "Maria Rossi"), ("confirm", "1")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let to = location(&done);
    assert!(to.starts_with(&format!("/manifestazioni/{token}/patto?fatto=pact_signed")), "{to}");
    let shown = app.get(&to).await;
    assert!(shown.body.contains("role=\"status\" id=\"flash\">Patto accettato"), "{}", shown.body);
    assert!(shown.body.contains("E-mail in partenza: 1."));
    let history = &shown.body[shown.body.find("<tbody").unwrap_or(0)..];
    assert!(history.contains("Ufficio di Piano (automatico)"), "the generation");
    assert!(history.contains("Maria Rossi (rappresentante)"), "the acceptance");
    assert!(!history.contains("sistema") && !history.contains(">link") && !history.contains("account:"));
    let english = app.get(&format!("{to}&lang=en")).await;
    assert!(english.body.contains("Pact accepted") && english.body.contains("Plan Office (automatic)"));
}

async fn office_cookie(app: &TestApp, email: &str, ambito: &str) -> String {
    let password = app.account(email, concerto_domain::Role::AmbitoEditor, Some(ambito)).await;
    app.login(email, &password).await.expect("login")
}

#[tokio::test]
async fn the_office_opens_each_expression_with_its_documents_history_and_pact() {
    let app = app().await;
    let area = first_area(&app).await;
    let token = submit(&app, area).await;
    let amended = post_pairs(
        &app,
        &format!("/manifestazioni/{token}/modifica"),
        &[
            organization_pairs(area, "Il Faro ODV"),
            vec![
                ("proposal.title".into(), "Doposcuola di quartiere".into()),
                ("proposal.text".into(), "Tre pomeriggi a settimana".into()),
                ("proposal.area".into(), area.to_string()),
            ],
        ]
        .concat(),
    )
    .await;
    assert_eq!(amended.status, StatusCode::SEE_OTHER, "{}", amended.body);
    let pid = app.store.process_by_slug(SLUG).await.unwrap().unwrap().id;
    let current = app.store.active_expressions(pid).await.unwrap().pop().unwrap();
    let detail = format!("/ufficio/processi/{SLUG}/manifestazioni/{}", current.id);

    assert_eq!(app.get(&detail).await.status, StatusCode::FOUND, "anonymous readers go to the sign-in");
    let stranger = office_cookie(&app, "altro@casarano.invalid", "casarano").await;
    let refused = app.get_with(&detail, "cookie", &stranger).await;
    assert!(refused.status == StatusCode::FORBIDDEN || refused.status == StatusCode::NOT_FOUND, "{}", refused.status);

    let cookie = office_cookie(&app, "ufficio@esempio.invalid", "esempio").await;
    let list = app.get_with(&format!("/ufficio/processi/{SLUG}"), "cookie", &cookie).await;
    assert!(list.body.contains(&format!("href=\"{detail}\"")), "the list opens the expression");
    assert!(list.body.contains("data-pact-state=\"generated\">Da firmare"), "the pact's real state");

    let page = app.get_with(&detail, "cookie", &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    for expected in [
        "Manifestazione di interesse n. 2026/0000002",
        "00743110157",
        "Maria Rossi",
        "luca@ilfaro.example",
        "Doposcuola di quartiere",
        "Tre pomeriggi a settimana",
        "data-state=\"generated\">Da firmare",
        "2026/0000001",
        "Sostituita",
    ] {
        assert!(body.contains(expected), "{expected}: {body}");
    }
    assert!(body.contains(&format!("{detail}/ricevuta.pdf")) && body.contains(&format!("{detail}/patto.pdf")));
    for pdf in ["ricevuta.pdf", "patto.pdf"] {
        let reply = app.get_with(&format!("{detail}/{pdf}"), "cookie", &cookie).await;
        assert_eq!(reply.status, StatusCode::OK, "{pdf}");
        assert_eq!(reply.headers["content-type"], "application/pdf");
        assert!(reply.body.starts_with("%PDF-"));
        assert_ne!(app.get_with(&format!("{detail}/{pdf}"), "cookie", &stranger).await.status, StatusCode::OK);
    }
    let english = app.get_with(&format!("{detail}?lang=en"), "cookie", &cookie).await;
    assert!(english.body.contains("Expression of interest no. 2026/0000002") && english.body.contains("Versions"));
    // Another process's ids open nothing.
    let other = app.get_with(&format!("/ufficio/processi/{SLUG}/manifestazioni/999999"), "cookie", &cookie).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn exports_speak_italian_and_xlsx_dates_are_dates() {
    use calamine::{Data, Reader, Xlsx};
    let app = app().await;
    let area = first_area(&app).await;
    let mut pairs = organization_pairs(area, "Il Faro ODV");
    pairs.push(("applicant.founded_on".into(), "2010-05-01".into()));
    let sent = post_pairs(&app, &format!("/processi/{SLUG}/manifestazione"), &pairs).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let cookie = office_cookie(&app, "ufficio@esempio.invalid", "esempio").await;
    let page = app.get_with(&format!("/ufficio/processi/{SLUG}"), "cookie", &cookie).await;
    assert!(page.body.contains("Consigliamo") && page.body.contains("perdono lo zero iniziale"));

    let csv = app
        .get_with(&format!("/ufficio/processi/{SLUG}/manifestazioni.csv?per=organizzazioni"), "cookie", &cookie)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Organizzazione di volontariato (ODV)"), "{}", csv.body);
    assert!(csv.body.contains("Organizzazione (associazione"), "{}", csv.body);
    assert!(!csv.body.contains(";odv;") && !csv.body.contains(";organization;"), "{}", csv.body);

    let request = axum::http::Request::get(format!("/ufficio/processi/{SLUG}/manifestazioni.xlsx?per=organizzazioni"))
        .header("cookie", &cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&sheet).unwrap();
    assert_eq!(range.get_value((0, 1)).unwrap().to_string(), "Ricevuta il");
    assert!(matches!(range.get_value((1, 1)).unwrap(), Data::DateTime(_)), "{:?}", range.get_value((1, 1)));
    assert_eq!(range.get_value((0, 12)).unwrap().to_string(), "Costituzione");
    assert!(matches!(range.get_value((1, 12)).unwrap(), Data::DateTime(_)));
    assert_eq!(range.get_value((1, 5)).unwrap(), &Data::String("00743110157".into()), "the tax code stays text");
    assert_eq!(range.get_value((1, 3)).unwrap().to_string(), "Organizzazione di volontariato (ODV)");
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", common::encode(k), common::encode(v))).collect::<Vec<_>>().join("&")
}

async fn post_body(app: &TestApp, uri: &str, body: String, cookie: Option<&str>) -> Reply {
    let mut request = axum::http::Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(axum::body::Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn moderation_is_linked_from_the_dashboard_confirms_itself_and_tells_the_proposer() {
    let app = app().await;
    let records: Value = serde_json::from_str(&app.get("/api/v1/observatory?q=nardo").await.body).unwrap();
    let id = records["records"][0]["id"].as_i64().unwrap();
    for (name, email, results) in [
        ("Anna Bianchi", "anna@example.org", "Approvato con il laboratorio Zibaldone"),
        ("Bruno Neri", "bruno@example.org", "Un altro esito"),
    ] {
        let body = form_body(&[("name", name), ("email", email), ("privacy_accepted", "1"), ("results", results)]);
        let sent = post_body(&app, &format!("/osservatorio/{id}/integra"), body, None).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    }
    let password = app.account("moderatore@concerto.invalid", concerto_domain::Role::PlatformAdmin, None).await;
    let m = app.login("moderatore@concerto.invalid", &password).await.unwrap();
    let dashboard = app.get_with("/ufficio", "cookie", &m).await;
    assert!(
        dashboard.body.contains(
            "href=\"/ufficio/osservatorio\" id=\"moderation-link\">Osservatorio: 2 proposte di completamento in attesa"
        ),
        "{}",
        dashboard.body
    );
    let office = office_cookie(&app, "ufficio@esempio.invalid", "esempio").await;
    assert!(
        !app.get_with("/ufficio", "cookie", &office).await.body.contains("moderation-link"),
        "only moderators see it"
    );

    let queue = app.get_with("/ufficio/osservatorio", "cookie", &m).await.body;
    let ids: Vec<String> = queue
        .split("/ufficio/osservatorio/integrazioni/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    let accepted = post_body(
        &app,
        &format!("/ufficio/osservatorio/integrazioni/{}", ids[0]),
        form_body(&[("decision", "accept"), ("reason", "verificato sul sito del Comune")]),
        Some(&m),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let to = location(&accepted);
    assert_eq!(to, "/ufficio/osservatorio?fatto=correction_accepted&email=1");
    let shown = app.get_with(&to, "cookie", &m).await;
    assert!(
        shown.body.contains("Proposta accettata: la scheda è aggiornata. E-mail in partenza: 1."),
        "{}",
        shown.body
    );
    let rejected = post_body(
        &app,
        &format!("/ufficio/osservatorio/integrazioni/{}", ids[1]),
        form_body(&[("decision", "reject"), ("reason", "non verificabile")]),
        Some(&m),
    )
    .await;
    assert_eq!(location(&rejected), "/ufficio/osservatorio?fatto=correction_rejected&email=1");
    let english = app.get_with(&format!("{}&lang=en", location(&rejected)), "cookie", &m).await;
    assert!(english.body.contains("Proposal rejected"));

    let due = app.store.due_emails(app.clock.now(), 50).await.unwrap();
    let anna = due.iter().find(|e| e.recipient == "anna@example.org").expect("Anna hears the decision");
    assert!(
        anna.body.contains("è stata accettata") && anna.body.contains("verificato sul sito del Comune"),
        "{}",
        anna.body
    );
    assert!(anna.body.contains(&format!("/osservatorio/{id}")));
    let bruno = due.iter().find(|e| e.recipient == "bruno@example.org").expect("Bruno hears the decision");
    assert!(bruno.body.contains("non è stata accettata") && bruno.body.contains("non verificabile"));
    let after = app.get_with("/ufficio", "cookie", &m).await;
    assert!(after.body.contains("nessuna proposta di completamento in attesa"));
    // A decision taken twice changes nothing and says so.
    let again = post_body(
        &app,
        &format!("/ufficio/osservatorio/integrazioni/{}", ids[0]),
        form_body(&[("decision", "accept"), ("reason", "")]),
        Some(&m),
    )
    .await;
    assert_eq!(location(&again), "/ufficio/osservatorio?fatto=nothing_changed");
}

#[tokio::test]
async fn a_published_notice_that_changes_says_when_and_what() {
    let app = app().await;
    let fresh = app.get(&format!("/processi/{SLUG}")).await.body;
    assert!(!fresh.contains("id=\"updated\""), "nothing changed yet");
    let cookie = office_cookie(&app, "ufficio@esempio.invalid", "esempio").await;
    let process = app.store.process_by_slug(SLUG).await.unwrap().unwrap();
    let session = process.sessions.iter().find(|s| s.date.is_some()).unwrap().clone();
    app.clock.set("2026-12-01T09:30:00Z".parse().unwrap());
    let moved = post_body(
        &app,
        &format!("/ufficio/processi/{SLUG}/sessioni/{}", session.id),
        "date=2026-12-30&start=10:00&end=12:00&venue=Biblioteca+comunale".into(),
        Some(&cookie),
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);

    let page = app.get(&format!("/processi/{SLUG}")).await.body;
    let start = page.find("id=\"updated\"").expect("the update note");
    let note = &page[start..start + page[start..].find("</section>").unwrap()];
    assert!(
        note.contains("Avviso aggiornato il <time datetime=\"2026-12-01T10:30:00+01:00\">01/12/2026, 10:30</time>"),
        "{note}"
    );
    let prefix: String = session.title.chars().take_while(|c| c.is_alphanumeric() || *c == ' ').collect();
    assert!(
        note.contains("data, orario, sede o dettagli cambiati") && note.contains(&format!("Incontro «{prefix}")),
        "{note}"
    );
    let english = app.get(&format!("/processi/{SLUG}?lang=en")).await.body;
    assert!(english.contains("Notice updated on") && english.contains("date, time, venue or details changed"));

    // Unpublished and published again: only what changes after counts.
    for status in ["draft", "published"] {
        let reply = post_body(
            &app,
            &format!("/ufficio/processi/{SLUG}/stato"),
            form_body(&[("status", status), ("confirm", "1")]),
            Some(&cookie),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{status}: {}", reply.body);
    }
    assert!(
        !app.get(&format!("/processi/{SLUG}")).await.body.contains("id=\"updated\""),
        "republished: no change since"
    );
}

#[tokio::test]
async fn the_importers_warnings_stay_on_the_draft_until_each_is_resolved() {
    let app = app().await;
    let cookie = office_cookie(&app, "ufficio@esempio.invalid", "esempio").await;
    let seed =
        String::from_utf8_lossy(include_bytes!("../../notice/tests/seeds/000_c7aa5ff5bb19b09b.txt")).into_owned();
    let (content_type, body) =
        common::multipart(&[("mode", "import"), ("slug", "importato-2026"), ("notice_text", seed.as_str())], None);
    let request = axum::http::Request::post("/ufficio/processi/nuovo")
        .header("content-type", content_type)
        .header("cookie", &cookie)
        .body(axum::body::Body::from(body))
        .unwrap();
    let created = app.send(request).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);

    let workspace = "/ufficio/processi/importato-2026";
    let page = app.get_with(workspace, "cookie", &cookie).await.body;
    assert!(page.contains("id=\"import-warnings\""), "the warnings are on the draft: {page}");
    assert!(page.contains("Tavolo 3»: data da definire"), "{page}");
    let ids: Vec<String> =
        page.split("/avvisi-importazione/").skip(1).map(|s| s.split('/').next().unwrap().to_string()).collect();
    assert!(ids.len() >= 2, "{ids:?}");
    // Still there on the next visit: they are kept, not shown once.
    assert_eq!(
        app.get_with(workspace, "cookie", &cookie).await.body.matches("/avvisi-importazione/").count(),
        ids.len()
    );

    let stranger = office_cookie(&app, "altro@casarano.invalid", "casarano").await;
    let refused =
        post_body(&app, &format!("{workspace}/avvisi-importazione/{}/risolto", ids[0]), String::new(), Some(&stranger))
            .await;
    assert!(
        matches!(refused.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "another Ambito's draft: {}",
        refused.status
    );

    let resolved =
        post_body(&app, &format!("{workspace}/avvisi-importazione/{}/risolto", ids[0]), String::new(), Some(&cookie))
            .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&resolved), format!("{workspace}?fatto=import_warning_resolved#import-warnings"));
    let after = app.get_with(&location(&resolved), "cookie", &cookie).await.body;
    assert!(after.contains("Avvertenza segnata come risolta."));
    assert_eq!(after.matches("/avvisi-importazione/").count(), ids.len() - 1, "one less");
    let again =
        post_body(&app, &format!("{workspace}/avvisi-importazione/{}/risolto", ids[0]), String::new(), Some(&cookie))
            .await;
    assert_eq!(location(&again), format!("{workspace}?fatto=nothing_changed#import-warnings"));
    let log = app.store.audit_entries(Some("esempio"), 20, None).await.unwrap();
    assert!(log.iter().any(|e| e.entry.action == "process.import_warning.resolve"));
    let english = app.get_with(&format!("{workspace}?lang=en"), "cookie", &cookie).await.body;
    assert!(english.contains("Import warnings to check") && english.contains("Mark as resolved"));
}

#[tokio::test]
async fn one_session_form_edits_title_date_times_venue_and_phase_together() {
    let app = app().await;
    let cookie = office_cookie(&app, "ufficio@esempio.invalid", "esempio").await;
    let process = app.store.process_by_slug(SLUG).await.unwrap().unwrap();
    let session = process.sessions.iter().find(|s| s.date.is_some()).unwrap().clone();
    let phase = process.phases.iter().find(|p| Some(p.id) != session.phase_id).expect("another phase").id;
    let uri = format!("/ufficio/processi/{SLUG}/sessioni/{}", session.id);
    let form = app.get_with(&uri, "cookie", &cookie).await.body;
    for name in ["title", "date", "start", "end", "venue", "phase"] {
        assert!(form.contains(&format!("name=\"{name}\"")), "{name} in the one form");
    }
    let bad = post_body(&app, &uri, form_body(&[("title", ""), ("date", "2026-12-30")]), Some(&cookie)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#session-title\""), "{}", bad.body);

    let phase_id = phase.to_string();
    let saved = post_body(
        &app,
        &uri,
        form_body(&[
            ("title", "Tavolo rinominato"),
            ("date", "2026-12-30"),
            ("start", "10:00"),
            ("end", "12:00"),
            ("venue", "Biblioteca comunale"),
            ("phase", &phase_id),
        ]),
        Some(&cookie),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(
        location(&saved).starts_with(&format!("/ufficio/processi/{SLUG}?fatto=session_saved")),
        "{}",
        location(&saved)
    );
    let after = app.store.process_by_slug(SLUG).await.unwrap().unwrap();
    let s = after.sessions.iter().find(|s| s.id == session.id).unwrap();
    assert_eq!(s.title, "Tavolo rinominato");
    assert_eq!(s.phase_id, Some(phase));
    assert_eq!(s.date.map(|d| d.to_string()).as_deref(), Some("2026-12-30"));
    assert_eq!(s.start.map(|t| t.format("%H:%M").to_string()).as_deref(), Some("10:00"));
    assert_eq!(s.end.map(|t| t.format("%H:%M").to_string()).as_deref(), Some("12:00"));
    assert_eq!(s.venue.as_deref(), Some("Biblioteca comunale"));
    let shown = app.get_with(&location(&saved), "cookie", &cookie).await.body;
    assert!(shown.contains("Incontro aggiornato."), "{shown}");
    // The title alone: saved, and nobody is mailed for it.
    let renamed = post_body(
        &app,
        &uri,
        form_body(&[
            ("title", "Tavolo rinominato due"),
            ("date", "2026-12-30"),
            ("start", "10:00"),
            ("end", "12:00"),
            ("venue", "Biblioteca comunale"),
            ("phase", &phase_id),
        ]),
        Some(&cookie),
    )
    .await;
    assert_eq!(location(&renamed), format!("/ufficio/processi/{SLUG}?fatto=session_saved"));
    let log = app.store.audit_entries(Some("esempio"), 10, None).await.unwrap();
    assert!(
        log.iter().any(|e| e.entry.action == "session.update") && log.iter().any(|e| e.entry.action == "session.move")
    );
}

/// A form shown in English names its errors in English, by each error's code; the
/// Italian page keeps the domain's own message.
#[tokio::test]
async fn english_pages_show_english_field_errors() {
    let app = app().await;
    let area = first_area(&app).await;
    let mut pairs = organization_pairs(area, "");
    pairs.retain(|(k, _)| k != "privacy_accepted");
    let english = post_pairs(&app, &format!("/processi/{SLUG}/manifestazione?lang=en"), &pairs).await;
    assert_eq!(english.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(english.body.contains("This field is required."), "{}", english.body);
    assert!(english.body.contains("Tick the box to confirm."), "{}", english.body);
    assert!(!english.body.contains("Campo obbligatorio"), "{}", english.body);
    let italian = post_pairs(&app, &format!("/processi/{SLUG}/manifestazione?lang=it"), &pairs).await;
    assert_eq!(italian.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!italian.body.contains("This field is required."), "{}", italian.body);
    assert!(italian.body.contains("informativa"), "{}", italian.body);
}

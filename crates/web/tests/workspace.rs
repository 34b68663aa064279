//! The plan office's workspace: login, the authorization matrix across roles and
//! Ambiti, the list per area and table, exports, and the status of a process.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp, app, multipart};
use concerto_domain::Role;
use serde_json::json;

/// Ambito A runs the open demo process; Ambito B is Casarano.
const A_PROCESS: &str = "esempio-2026-2028";
const B_PROCESS: &str = "casarano-2022-2024";

struct Cast {
    citizen: String,
    representative: String,
    editor_a: String,
    admin_a: String,
    platform: String,
}

async fn cast(app: &TestApp) -> Cast {
    let mut cookies = Vec::new();
    for (email, role, ambito) in [
        ("cittadina@example.org", Role::Citizen, None),
        ("rappresentante@example.org", Role::Representative, None),
        ("editor@esempio.invalid", Role::AmbitoEditor, Some("esempio")),
        ("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")),
        ("piattaforma@concerto.invalid", Role::PlatformAdmin, None),
    ] {
        let password = app.account(email, role, ambito).await;
        cookies.push(app.login(email, &password).await.expect("login succeeds"));
    }
    let mut c = cookies.into_iter();
    let mut next = || c.next().unwrap();
    Cast { citizen: next(), representative: next(), editor_a: next(), admin_a: next(), platform: next() }
}

async fn get(app: &TestApp, uri: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

async fn post(app: &TestApp, uri: &str, body: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(Body::from(body.to_string())).unwrap()).await
}

#[tokio::test]
async fn every_role_gets_exactly_the_allowed_answer_on_every_workspace_route() {
    let app = app().await;
    let c = cast(&app).await;
    let roles: [(&str, Option<&str>); 6] = [
        ("anonymous", None),
        ("citizen", Some(&c.citizen)),
        ("representative", Some(&c.representative)),
        ("editor A", Some(&c.editor_a)),
        ("admin A", Some(&c.admin_a)),
        ("platform admin", Some(&c.platform)),
    ];
    use StatusCode as S;
    let on_a = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::OK, S::OK, S::OK];
    let on_b = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::NOT_FOUND, S::NOT_FOUND, S::OK];
    let reads = [
        ("/ufficio".to_string(), on_a),
        (format!("/ufficio/processi/{A_PROCESS}"), on_a),
        (format!("/ufficio/processi/{A_PROCESS}/manifestazioni.csv"), on_a),
        (format!("/ufficio/processi/{A_PROCESS}/manifestazioni.xlsx?per=organizzazioni"), on_a),
        (format!("/ufficio/processi/{B_PROCESS}"), on_b),
        (format!("/ufficio/processi/{B_PROCESS}/manifestazioni.csv"), on_b),
        (format!("/ufficio/processi/{B_PROCESS}/manifestazioni.xlsx"), on_b),
    ];
    for (uri, expected) in &reads {
        for ((role, cookie), want) in roles.iter().zip(expected) {
            let reply = get(&app, uri, *cookie).await;
            assert_eq!(reply.status, *want, "GET {uri} as {role}");
            if reply.status == S::FOUND {
                let location = reply.headers.get("location").unwrap().to_str().unwrap();
                assert!(location.starts_with("/accedi"), "{location}");
            }
        }
    }
    let writes_a = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::SEE_OTHER, S::SEE_OTHER, S::SEE_OTHER];
    let writes_b = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::NOT_FOUND, S::NOT_FOUND, S::SEE_OTHER];
    for (slug, status, expected) in [(A_PROCESS, "published", writes_a), (B_PROCESS, "closed", writes_b)] {
        for ((role, cookie), want) in roles.iter().zip(&expected) {
            let reply = post(&app, &format!("/ufficio/processi/{slug}/stato"), &format!("status={status}"), *cookie).await;
            assert_eq!(reply.status, *want, "POST status of {slug} as {role}");
        }
    }
    // The public API that changes data is open to everyone, signed in or not.
    for (role, cookie) in roles {
        let mut request = Request::post(format!("/api/v1/processes/{A_PROCESS}/expressions"))
            .header("content-type", "application/json");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let reply = app.send(request.body(Body::from(json!({}).to_string())).unwrap()).await;
        assert_eq!(reply.status, S::UNPROCESSABLE_ENTITY, "API as {role}");
    }
}

#[tokio::test]
async fn nothing_of_another_ambito_shows_in_an_office_dashboard() {
    let app = app().await;
    let c = cast(&app).await;
    let mine = get(&app, "/ufficio", Some(&c.editor_a)).await.body;
    assert!(mine.contains(A_PROCESS));
    assert!(!mine.contains(B_PROCESS) && !mine.contains("Casarano"));
    let all = get(&app, "/ufficio", Some(&c.platform)).await.body;
    assert!(all.contains(A_PROCESS) && all.contains(B_PROCESS));
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_then_throttled() {
    let app = app().await;
    app.account("editor@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    for _ in 0..5 {
        let reply = app.post_form("/accedi", &[("email", "editor@esempio.invalid"), ("password", "sbagliata")]).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(reply.body.contains("E-mail o password non corretti."));
    }
    let reply = app
        .post_form("/accedi", &[("email", "editor@esempio.invalid"), ("password", "una password lunga e sicura")])
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits now");
    assert!(reply.body.contains("Troppi tentativi"));
}

#[tokio::test]
async fn login_renews_the_session_and_logout_ends_it() {
    let app = app().await;
    let password = app.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    // A session that existed before login (fixed by an attacker) must not become the signed-in one.
    let before = get(&app, "/accedi", None).await;
    assert_eq!(before.status, StatusCode::OK);
    let cookie = app.login("admin@esempio.invalid", &password).await.unwrap();
    let set_cookie = app
        .post_form("/accedi", &[("email", "admin@esempio.invalid"), ("password", &password)])
        .await
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert_eq!(get(&app, "/ufficio", Some(&cookie)).await.status, StatusCode::OK);
    let out = post(&app, "/esci", "", Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(get(&app, "/ufficio", Some(&cookie)).await.status, StatusCode::FOUND, "the old cookie is dead");
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_large_bodies_too() {
    let app = app().await;
    let reply = app
        .send(
            Request::post("/accedi")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site")
                .body(Body::from("email=a&password=b"))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = app
        .send(
            Request::post("/accedi")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", "https://evil.example")
                .header("host", "concerto.test")
                .body(Body::from("email=a&password=b"))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let big = "x".repeat(2 * 1024 * 1024);
    let reply = app
        .send(
            Request::post(format!("/processi/{A_PROCESS}/manifestazione"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!("applicant.name={big}")))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_office_list_counts_per_area_and_exports_what_it_shows() {
    let app = app().await;
    let c = cast(&app).await;
    let process: serde_json::Value =
        serde_json::from_str(&app.get(&format!("/api/v1/processes/{A_PROCESS}")).await.body).unwrap();
    let areas: Vec<i64> = process["areas"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    let body = |tax_code: &str, name: &str, area: i64| {
        json!({
            "applicant": {"kind": "organization", "name": name, "legal_form": "aps", "tax_code": tax_code,
                          "legal_representative": "R", "address": "Via 1", "municipality": "Esempio",
                          "email": "org@example.org", "founded_on": "2001-01-01"},
            "participations": [{"area_id": area, "representative": {"name": format!("Ref {name}"), "email": "ref@example.org"}}],
            "privacy_accepted": true, "declaration_accepted": true
        })
    };
    let url = format!("/api/v1/processes/{A_PROCESS}/expressions");
    assert_eq!(app.post_json(&url, &body("00743110157", "Alfa APS", areas[0])).await.status, StatusCode::CREATED);
    assert_eq!(app.post_json(&url, &body("12345678903", "Beta APS", areas[1])).await.status, StatusCode::CREATED);
    // An amendment from Alfa: the office still sees one Alfa.
    assert_eq!(app.post_json(&url, &body("00743110157", "Alfa APS rettificata", areas[0])).await.status, StatusCode::CREATED);

    let page = get(&app, &format!("/ufficio/processi/{A_PROCESS}"), Some(&c.editor_a)).await.body;
    assert!(page.contains("Alfa APS rettificata") && page.contains("Beta APS"));
    assert!(!page.contains("Alfa APS</strong>"), "the superseded version is not listed");
    let filtered = get(&app, &format!("/ufficio/processi/{A_PROCESS}?area={}", areas[1]), Some(&c.editor_a)).await.body;
    assert!(filtered.contains("Beta APS") && !filtered.contains("Alfa APS"));

    let csv = get(&app, &format!("/ufficio/processi/{A_PROCESS}/manifestazioni.csv?per=organizzazioni"), Some(&c.editor_a)).await;
    assert!(csv.headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "a header and two organizations: {lines:?}");
    assert!(lines[0].starts_with("Protocollo;"));
    let filtered_csv = get(
        &app,
        &format!("/ufficio/processi/{A_PROCESS}/manifestazioni.csv?per=rappresentanti&area={}", areas[1]),
        Some(&c.editor_a),
    )
    .await;
    assert_eq!(filtered_csv.body.lines().count(), 2, "the filter applies to the export");
}

#[tokio::test]
async fn publishing_from_the_workspace_shows_on_the_public_site() {
    let app = app().await;
    let c = cast(&app).await;
    let reply = post(&app, &format!("/ufficio/processi/{A_PROCESS}/stato"), "status=draft", Some(&c.admin_a)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&format!("/processi/{A_PROCESS}")).await.status, StatusCode::NOT_FOUND, "a draft is not public");
    post(&app, &format!("/ufficio/processi/{A_PROCESS}/stato"), "status=published", Some(&c.admin_a)).await;
    assert_eq!(app.get(&format!("/processi/{A_PROCESS}")).await.status, StatusCode::OK);
    let bad = post(&app, &format!("/ufficio/processi/{A_PROCESS}/stato"), "status=archived", Some(&c.admin_a)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Both changes are in the audit log, newest first, with who and before/after.
    let log = app.store.audit_entries(Some("esempio"), 10, None).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].entry.action, "process.status");
    assert!(log[0].entry.actor.contains("admin@esempio.invalid"));
    assert_eq!(log[0].entry.before.as_deref(), Some("\"draft\""));
    assert_eq!(log[0].entry.after.as_deref(), Some("\"published\""));
    assert!(app.store.audit_entries(Some("casarano"), 10, None).await.unwrap().is_empty());
    assert!(app.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn moving_and_cancelling_a_session_tells_participants_and_updates_the_feed() {
    let app = app().await;
    let c = cast(&app).await;
    let process = app.store.process_by_slug(A_PROCESS).await.unwrap().unwrap();
    let table1 = process.sessions.iter().find(|s| s.title == "Tavolo 1").unwrap().clone();
    let area = table1.area_ids[0];
    let body = json!({
        "applicant": {"kind": "organization", "name": "Gamma ODV", "legal_form": "odv", "tax_code": "00743110157",
                      "legal_representative": "R", "address": "Via 1", "municipality": "Esempio",
                      "email": "gamma@example.org", "founded_on": "2001-01-01"},
        "participations": [{"area_id": area, "representative": {"name": "Rita", "email": "rita@example.org"}}],
        "privacy_accepted": true, "declaration_accepted": true
    });
    assert_eq!(app.post_json(&format!("/api/v1/processes/{A_PROCESS}/expressions"), &body).await.status, StatusCode::CREATED);
    let pending_before = app.store.pending_email_count().await.unwrap();

    let uri = format!("/ufficio/processi/{A_PROCESS}/sessioni/{}", table1.id);
    assert_eq!(get(&app, &uri, Some(&c.editor_a)).await.status, StatusCode::OK);
    let bad = post(&app, &uri, "date=2026-12-30&start=13:00&end=09:00", Some(&c.editor_a)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("L&#39;ora di fine precede") || bad.body.contains("L&#x27;ora di fine precede"));

    let moved = post(&app, &uri, "date=2026-12-30&start=10:00&end=12:00&venue=Biblioteca+comunale", Some(&c.editor_a)).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.pending_email_count().await.unwrap(), pending_before + 1, "Rita is told");
    let feed = app.get(&format!("/processi/{A_PROCESS}/calendario.ics")).await.body;
    let event = feed.split("BEGIN:VEVENT").find(|e| e.contains("SUMMARY:Tavolo 1")).unwrap();
    assert!(event.contains("DTSTART;TZID=Europe/Rome:20261230T100000"));
    assert!(event.contains("SEQUENCE:1") && event.contains("STATUS:CONFIRMED"));
    assert!(event.contains("LOCATION:Biblioteca comunale"));

    let cancelled = post(&app, &uri, "date=2026-12-30&start=10:00&end=12:00&venue=Biblioteca+comunale&cancelled=1", Some(&c.editor_a)).await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let feed = app.get(&format!("/processi/{A_PROCESS}/calendario.ics")).await.body;
    let event = feed.split("BEGIN:VEVENT").find(|e| e.contains("SUMMARY:Tavolo 1")).unwrap();
    assert!(event.contains("SEQUENCE:2") && event.contains("STATUS:CANCELLED"));
    assert_eq!(app.store.pending_email_count().await.unwrap(), pending_before + 2);
    assert!(app.get(&format!("/processi/{A_PROCESS}")).await.body.contains("annullata"));

    let other = app.store.process_by_slug(B_PROCESS).await.unwrap().unwrap();
    let foreign = format!("/ufficio/processi/{B_PROCESS}/sessioni/{}", other.sessions[0].id);
    assert_eq!(post(&app, &foreign, "date=2026-12-30", Some(&c.editor_a)).await.status, StatusCode::NOT_FOUND);
}

async fn create(app: &TestApp, cookie: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Reply {
    let (content_type, body) = multipart(fields, file);
    app.send(
        Request::post("/ufficio/processi/nuovo")
            .header("content-type", content_type)
            .header("cookie", cookie)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn an_office_creates_drafts_by_import_template_and_copy() {
    let app = app().await;
    let c = cast(&app).await;
    assert_eq!(get(&app, "/ufficio/processi/nuovo", Some(&c.editor_a)).await.status, StatusCode::OK);

    let notice = include_bytes!("../../notice/tests/seeds/000_c7aa5ff5bb19b09b.txt");
    let reply = create(&app, &c.editor_a, &[("mode", "import"), ("slug", "importato-2022-2024")], Some(("notice_file", notice))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", &reply.body[..reply.body.len().min(2000)]);
    assert!(reply.body.contains("Da verificare"), "the importer's warnings are shown");
    let imported = app.store.process_by_slug("importato-2022-2024").await.unwrap().unwrap();
    assert_eq!(imported.ambito.slug, "esempio", "created in the editor's own Ambito");
    assert_eq!(imported.tables.len(), 6);
    assert!(!imported.header.is_public());

    let reply = create(&app, &c.editor_a, &[("mode", "template"), ("slug", "modello-2029-2031"), ("cycle_from", "2029")], None).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let templated = app.store.process_by_slug("modello-2029-2031").await.unwrap().unwrap();
    assert_eq!((templated.areas.len(), templated.tables.len()), (7, 7));
    assert_eq!(templated.header.cycle.to, 2031);

    let reply = create(&app, &c.editor_a, &[("mode", "copy"), ("slug", "esempio-2029-2031"), ("previous", A_PROCESS)], None).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let copy = app.store.process_by_slug("esempio-2029-2031").await.unwrap().unwrap();
    assert_eq!(copy.header.cycle.from, 2029);
    assert!(copy.sessions.iter().all(|s| s.date.is_none()), "dates are set again for the new cycle");

    let reply = create(&app, &c.editor_a, &[("mode", "copy"), ("slug", "rubata-2025-2027"), ("previous", B_PROCESS)], None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "another Ambito's process cannot be copied");
    let reply = create(&app, &c.editor_a, &[("mode", "template"), ("slug", "Non Valido"), ("cycle_from", "2029")], None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("slug"));
    let reply = create(&app, &c.editor_a, &[("mode", "template"), ("slug", "modello-2029-2031"), ("cycle_from", "2029")], None).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(
        create(&app, &c.citizen, &[("mode", "template"), ("slug", "x-1"), ("cycle_from", "2029")], None).await.status,
        StatusCode::FORBIDDEN
    );
}

//! The plan office's workspace: login, the authorization matrix across roles and
//! Ambiti, the list per area and table, exports, and the status of a process.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

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
            let reply =
                post(&app, &format!("/ufficio/processi/{slug}/stato"), &format!("status={status}&confirm=1"), *cookie)
                    .await;
            assert_eq!(reply.status, *want, "POST status of {slug} as {role}");
        }
    }
    // The process's settings and calendar, and the Ambito's profile.
    let a = app.store.process_by_slug(A_PROCESS).await.unwrap().unwrap();
    let b = app.store.process_by_slug(B_PROCESS).await.unwrap().unwrap();
    let mut reads = vec![];
    for (p, ambito, expected) in [(&a, "esempio", on_a), (&b, "casarano", on_b)] {
        let base = format!("/ufficio/processi/{}", p.header.slug);
        reads.push((format!("{base}/impostazioni"), expected));
        for part in ["fasi", "aree", "tavoli", "sessioni"] {
            reads.push((format!("{base}/{part}/nuova"), expected));
        }
        reads.push((format!("{base}/fasi/{}/modifica", p.phases[0].id), expected));
        reads.push((format!("{base}/aree/{}/modifica", p.areas[0].id), expected));
        reads.push((format!("{base}/sessioni/{}/modifica", p.sessions[0].id), expected));
        if let Some(t) = p.tables.first() {
            reads.push((format!("{base}/tavoli/{}/modifica", t.id), expected));
        }
        reads.push((format!("/ufficio/ambiti/{ambito}"), expected));
    }
    for (uri, expected) in &reads {
        for ((role, cookie), want) in roles.iter().zip(expected) {
            assert_eq!(get(&app, uri, *cookie).await.status, *want, "GET {uri} as {role}");
        }
    }
    // The register's annulled numbers, and the audit log (administrators only).
    let audit_log = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::OK, S::OK];
    let mut reads = vec![("/ufficio/registro-attivita".to_string(), audit_log)];
    for (p, expected) in [(&a, on_a), (&b, on_b)] {
        reads.push((format!("/ufficio/processi/{}/annullate", p.header.slug), expected));
    }
    for (uri, expected) in &reads {
        for ((role, cookie), want) in roles.iter().zip(expected) {
            assert_eq!(get(&app, uri, *cookie).await.status, *want, "GET {uri} as {role}");
        }
    }
    let admin_a = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::SEE_OTHER, S::SEE_OTHER];
    for (p, ambito, expected, profile_expected) in
        [(&a, "esempio", writes_a, admin_a), (&b, "casarano", writes_b, writes_b)]
    {
        let base = format!("/ufficio/processi/{}", p.header.slug);
        let area = p.areas[0].id;
        let writes = [
            (format!("{base}/impostazioni"), format!("title={}&online_form=1", p.header.title.replace(' ', "+"))),
            (format!("{base}/fasi/nuova"), "name=Fase+aggiunta".to_string()),
            (format!("{base}/fasi/{}/modifica", p.phases[0].id), "name=Fase+rinominata".to_string()),
            (format!("{base}/aree/nuova"), "name=Area+aggiunta".to_string()),
            (format!("{base}/aree/{area}/modifica"), "name=Area+rinominata".to_string()),
            (format!("{base}/tavoli/nuova"), format!("label=9&title=Tavolo+aggiunto&areas={area}")),
            (format!("{base}/sessioni/nuova"), "kind=plenary&title=Plenaria+aggiunta".to_string()),
            (
                format!("{base}/sessioni/{}/modifica", p.sessions[0].id),
                format!("kind=table&title={}", p.sessions[0].title.replace(' ', "+")),
            ),
        ];
        for (uri, body) in &writes {
            for ((role, cookie), want) in roles.iter().zip(&expected) {
                assert_eq!(post(&app, uri, body, *cookie).await.status, *want, "POST {uri} as {role}");
            }
        }
        // Each role removes a phase of its own making, so that a refusal is never a 404 by accident.
        for ((role, cookie), want) in roles.iter().zip(&expected) {
            let phase = app.store.save_phase(p.id, None, &phase_input(role), &audit_entry()).await.unwrap();
            let reply = post(&app, &format!("{base}/fasi/{phase}/elimina"), "", *cookie).await;
            assert_eq!(reply.status, *want, "POST remove a phase of {} as {role}", p.header.slug);
        }
        let profile = "municipalities=Uno%0ADue&lead_municipality=Uno";
        for ((role, cookie), want) in roles.iter().zip(&profile_expected) {
            let reply = post(&app, &format!("/ufficio/ambiti/{ambito}"), profile, *cookie).await;
            assert_eq!(reply.status, *want, "POST profile of {ambito} as {role}");
        }
    }
    // Nothing of B reached A's dashboard, whatever was done above.
    let mine = get(&app, "/ufficio", Some(&c.editor_a)).await.body;
    assert!(!mine.contains(B_PROCESS) && !mine.contains("Casarano") && !mine.contains("/ufficio/ambiti/casarano"));

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

/// The Ambiti and accounts pages of issue 16, for the six roles, on both Ambiti.
#[tokio::test]
async fn every_role_gets_exactly_the_allowed_answer_on_the_ambiti_and_accounts_routes() {
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
    let platform_only = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::OK];
    let administrators = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::OK, S::OK];
    let mut reads = vec![
        ("/ufficio/ambiti".to_string(), platform_only),
        ("/ufficio/ambiti/nuovo".to_string(), platform_only),
        ("/ufficio/utenti".to_string(), administrators),
        ("/ufficio/utenti/invita".to_string(), administrators),
    ];
    for ambito in ["esempio", "casarano"] {
        reads.push((format!("/ufficio/ambiti/{ambito}/scheda"), platform_only));
    }
    for (uri, expected) in &reads {
        for ((role, cookie), want) in roles.iter().zip(expected) {
            assert_eq!(get(&app, uri, *cookie).await.status, *want, "GET {uri} as {role}");
        }
    }
    let platform_writes = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::SEE_OTHER];
    for ambito in ["esempio", "casarano"] {
        let (_, identity) = app.store.ambito_identity(ambito).await.unwrap().unwrap();
        // The fictional Ambito's province (ES) is in no list: both are saved in Lecce's.
        let body = format!("name={}&slug={ambito}&province=LE&region=Puglia&retention_years=5", encode(&identity.name));
        for ((role, cookie), want) in roles.iter().zip(&platform_writes) {
            let reply = post(&app, &format!("/ufficio/ambiti/{ambito}/scheda"), &body, *cookie).await;
            assert_eq!(reply.status, *want, "POST identity of {ambito} as {role}: {}", reply.body);
        }
    }
    let step = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::OK];
    for ((role, cookie), want) in roles.iter().zip(&step) {
        assert_eq!(
            post(&app, "/ufficio/ambiti/nuovo", "province=BA", *cookie).await.status,
            *want,
            "POST new Ambito as {role}"
        );
    }
    // An invitation of an editor: A's administrator invites into A only.
    let invite = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::SEE_OTHER, S::SEE_OTHER];
    for (i, ((role, cookie), want)) in roles.iter().zip(&invite).enumerate() {
        let body = format!("email=invitato{i}%40esempio.invalid&role=ambito-editor&ambito=esempio");
        assert_eq!(
            post(&app, "/ufficio/utenti/invita", &body, *cookie).await.status,
            *want,
            "POST invitation as {role}"
        );
    }
    // The letterhead logo (onboarding2): read by the Ambito's office, replaced by its
    // administrators and the platform's; another Ambito's is missing.
    let png: &[u8] = include_bytes!("../../documents/tests/fixtures/logo.png");
    let (content_type, logo) = multipart(&[], Some(("logo", png)));
    for (ambito, reads_want, writes_want) in [
        (
            "esempio",
            [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::OK, S::OK, S::OK],
            [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::SEE_OTHER, S::SEE_OTHER],
        ),
        (
            "casarano",
            [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::NOT_FOUND, S::NOT_FOUND, S::OK],
            [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::NOT_FOUND, S::NOT_FOUND, S::SEE_OTHER],
        ),
    ] {
        let uri = format!("/ufficio/ambiti/{ambito}/logo");
        for ((role, cookie), want) in roles.iter().zip(&reads_want) {
            assert_eq!(get(&app, &uri, *cookie).await.status, *want, "GET {uri} as {role}");
        }
        for ((role, cookie), want) in roles.iter().zip(&writes_want) {
            let mut request = Request::post(&uri).header("content-type", &content_type);
            if let Some(cookie) = cookie {
                request = request.header("cookie", *cookie);
            }
            let reply = app.send(request.body(Body::from(logo.clone())).unwrap()).await;
            assert_eq!(reply.status, *want, "POST {uri} as {role}");
        }
    }
    // The public pages of issue 16 answer everyone alike.
    for uri in
        ["/processi/esempio-2026-2028/privacy", "/processi/casarano-2022-2024/privacy", "/api/v1/municipalities?q=molf"]
    {
        for (role, cookie) in &roles {
            assert_eq!(get(&app, uri, *cookie).await.status, S::OK, "GET {uri} as {role}");
        }
    }
    // Changing an editor of A, and of B: B's is missing for A's administrator.
    app.account("editor@casarano.invalid", Role::AmbitoEditor, Some("casarano")).await;
    let writes_a = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::SEE_OTHER, S::SEE_OTHER];
    let writes_b = [S::FOUND, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN, S::NOT_FOUND, S::SEE_OTHER];
    for (email, expected) in [("editor@esempio.invalid", writes_a), ("editor@casarano.invalid", writes_b)] {
        let id = app.store.credentials(email).await.unwrap().unwrap().principal.account_id;
        for (path, body) in [("stato", "azione=riattiva"), ("ruolo", "role=ambito-editor")] {
            for ((role, cookie), want) in roles.iter().zip(&expected) {
                let reply = post(&app, &format!("/ufficio/utenti/{id}/{path}"), body, *cookie).await;
                assert_eq!(reply.status, *want, "POST {path} of {email} as {role}");
            }
        }
    }
}

fn encode(text: &str) -> String {
    common::encode(text)
}

fn phase_input(name: &str) -> concerto_domain::PhaseInput {
    concerto_domain::PhaseInput {
        name: format!("Fase di {name}"),
        description: String::new(),
        starts_on: None,
        ends_on: None,
    }
}

fn audit_entry() -> concerto_domain::AuditEntry {
    concerto_domain::AuditEntry {
        actor: "test".into(),
        at: chrono::Utc::now(),
        action: "phase.create".into(),
        subject: "phase".into(),
        ambito: None,
        before: None,
        after: None,
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
    // Three misses are free; then each attempt from this address waits (see hostile.rs).
    for _ in 0..3 {
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
    // Another submission with Alfa's tax code is refused: the office still sees one Alfa.
    assert_eq!(
        app.post_json(&url, &body("00743110157", "Alfa APS rettificata", areas[0])).await.status,
        StatusCode::CONFLICT
    );

    let page = get(&app, &format!("/ufficio/processi/{A_PROCESS}"), Some(&c.editor_a)).await.body;
    assert!(page.contains("Alfa APS</strong>") && page.contains("Beta APS"));
    assert!(!page.contains("rettificata"), "the refused submission is not listed");
    let filtered = get(&app, &format!("/ufficio/processi/{A_PROCESS}?area={}", areas[1]), Some(&c.editor_a)).await.body;
    assert!(filtered.contains("Beta APS") && !filtered.contains("Alfa APS"));

    let csv =
        get(&app, &format!("/ufficio/processi/{A_PROCESS}/manifestazioni.csv?per=organizzazioni"), Some(&c.editor_a))
            .await;
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
    post(&app, &format!("/ufficio/processi/{A_PROCESS}/stato"), "status=published&confirm=1", Some(&c.admin_a)).await;
    assert_eq!(app.get(&format!("/processi/{A_PROCESS}")).await.status, StatusCode::OK);
    let bad = post(&app, &format!("/ufficio/processi/{A_PROCESS}/stato"), "status=archived", Some(&c.admin_a)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Both changes are in the audit log, newest first, with who and before/after
    // (beside the accounts' entries of the cast).
    let filter = concerto_store::AuditFilter {
        ambito: Some("esempio"),
        action: Some("process."),
        limit: 10,
        ..Default::default()
    };
    let log = app.store.search_audit(&filter).await.unwrap();
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
    assert_eq!(
        app.post_json(&format!("/api/v1/processes/{A_PROCESS}/expressions"), &body).await.status,
        StatusCode::CREATED
    );
    let pending_before = app.store.pending_email_count().await.unwrap();

    let uri = format!("/ufficio/processi/{A_PROCESS}/sessioni/{}", table1.id);
    assert_eq!(get(&app, &uri, Some(&c.editor_a)).await.status, StatusCode::OK);
    let bad = post(&app, &uri, "date=2026-12-30&start=13:00&end=09:00", Some(&c.editor_a)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("L&#39;ora di fine precede") || bad.body.contains("L&#x27;ora di fine precede"));

    let moved =
        post(&app, &uri, "date=2026-12-30&start=10:00&end=12:00&venue=Biblioteca+comunale", Some(&c.editor_a)).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.pending_email_count().await.unwrap(), pending_before + 1, "Rita is told");
    let feed = app.get(&format!("/processi/{A_PROCESS}/calendario.ics")).await.body;
    let event = feed.split("BEGIN:VEVENT").find(|e| e.contains("SUMMARY:Tavolo 1")).unwrap();
    assert!(event.contains("DTSTART;TZID=Europe/Rome:20261230T100000"));
    assert!(event.contains("SEQUENCE:1") && event.contains("STATUS:CONFIRMED"));
    assert!(event.contains("LOCATION:Biblioteca comunale"));

    let cancelled = post(
        &app,
        &uri,
        "date=2026-12-30&start=10:00&end=12:00&venue=Biblioteca+comunale&cancelled=1",
        Some(&c.editor_a),
    )
    .await;
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
    let reply = create(
        &app,
        &c.editor_a,
        &[("mode", "import"), ("slug", "importato-2022-2024")],
        Some(("notice_file", notice)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", &reply.body[..reply.body.len().min(2000)]);
    assert!(reply.body.contains("Da verificare"), "the importer's warnings are shown");
    // The review: every value links to a highlighted span of the notice, with a text equivalent.
    let links: Vec<&str> = reply.body.split("<a href=\"#").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    let sessions = reply.body.matches(">Sessione ").count();
    assert!(sessions >= 9, "one link per session: {sessions}");
    assert!(links.len() > 9 + 7, "sessions, municipalities and the deadline link to the text: {links:?}");
    for id in &links {
        assert!(
            reply.body.contains(&format!("<mark id=\"{id}\" tabindex=\"-1\"><span class=\"visually-hidden\">")),
            "{id} is a highlighted span"
        );
    }
    assert!(reply.body.contains(
        "entro le ore 12,00 del 08/06/2022<span class=\"visually-hidden\"> [fine evidenziazione]</span></mark>"
    ));
    assert!(reply.body.contains("Comune: Casarano (ISTAT 075016)"));
    let imported = app.store.process_by_slug("importato-2022-2024").await.unwrap().unwrap();
    assert_eq!(imported.ambito.slug, "esempio", "created in the editor's own Ambito");
    assert_eq!(imported.tables.len(), 6);
    assert!(!imported.header.is_public());

    let reply =
        create(&app, &c.editor_a, &[("mode", "template"), ("slug", "modello-2029-2031"), ("cycle_from", "2029")], None)
            .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let templated = app.store.process_by_slug("modello-2029-2031").await.unwrap().unwrap();
    assert_eq!((templated.areas.len(), templated.tables.len()), (7, 7));
    assert_eq!(templated.header.cycle.to, 2031);

    let reply =
        create(&app, &c.editor_a, &[("mode", "copy"), ("slug", "esempio-2029-2031"), ("previous", A_PROCESS)], None)
            .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let copy = app.store.process_by_slug("esempio-2029-2031").await.unwrap().unwrap();
    assert_eq!(copy.header.cycle.from, 2029);
    assert!(copy.sessions.iter().all(|s| s.date.is_none()), "dates are set again for the new cycle");

    let reply =
        create(&app, &c.editor_a, &[("mode", "blank"), ("slug", "vuoto-2029-2031"), ("cycle_from", "2029")], None)
            .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let blank = app.store.process_by_slug("vuoto-2029-2031").await.unwrap().unwrap();
    assert!(blank.areas.is_empty() && blank.sessions.is_empty() && blank.phases.is_empty());
    assert!(blank.header.description.contains("n. 328") && blank.header.legal_references.len() == 3, "the legal frame");
    assert_eq!(blank.header.cycle.to, 2031);
    let log = app.store.audit_entries(Some("esempio"), 1, None).await.unwrap();
    assert_eq!(log[0].entry.action, "process.create.blank");

    let reply =
        create(&app, &c.editor_a, &[("mode", "copy"), ("slug", "rubata-2025-2027"), ("previous", B_PROCESS)], None)
            .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "another Ambito's process cannot be copied");
    let reply =
        create(&app, &c.editor_a, &[("mode", "template"), ("slug", "Non Valido"), ("cycle_from", "2029")], None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("slug"));
    let reply =
        create(&app, &c.editor_a, &[("mode", "template"), ("slug", "modello-2029-2031"), ("cycle_from", "2029")], None)
            .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(
        create(&app, &c.citizen, &[("mode", "template"), ("slug", "x-1"), ("cycle_from", "2029")], None).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn editing_the_settings_names_bad_fields_keeps_input_and_reaches_the_public_page() {
    let app = app().await;
    let c = cast(&app).await;
    let uri = format!("/ufficio/processi/{A_PROCESS}/impostazioni");
    let form = get(&app, &uri, Some(&c.editor_a)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"name="deadline_date""#) && form.body.contains(r#"name="apply_pec""#));

    let bad = post(
        &app,
        &uri,
        "title=Piano&apply_email=non-un-indirizzo&deadline_time=12:00&minimum_age_years=due",
        Some(&c.editor_a),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["apply_email", "deadline_date", "minimum_age_years"] {
        assert!(bad.body.contains(&format!(r##"href="#f-{field}""##)), "the summary links to {field}");
    }
    assert!(
        bad.body.contains(r#"value="non-un-indirizzo""#) && bad.body.contains(r#"value="due""#),
        "what was typed is kept"
    );
    assert!(bad.body.contains(r#"aria-invalid="true""#));

    let good = "title=Piano+sociale+rinnovato&online_form=1&deadline_date=2026-12-20&deadline_time=10:30\
        &apply_pec=ambito%40pec.esempio.it&apply_url=https%3A%2F%2Fesempio.it%2Fbando&minimum_age_years=2&minimum_age_reference=2026-12-20";
    assert_eq!(post(&app, &uri, good, Some(&c.editor_a)).await.status, StatusCode::SEE_OTHER);
    let process = app.store.process_by_slug(A_PROCESS).await.unwrap().unwrap();
    assert_eq!(process.header.title, "Piano sociale rinnovato");
    assert_eq!(process.header.deadline.unwrap().instant().to_rfc3339(), "2026-12-20T09:30:00+00:00", "10:30 in Rome");
    assert_eq!(process.header.channels.pec.as_deref(), Some("ambito@pec.esempio.it"));
    assert_eq!(process.header.minimum_age.unwrap().years, 2);
    let public = app.get(&format!("/processi/{A_PROCESS}")).await.body;
    assert!(
        public.contains("Piano sociale rinnovato") && public.contains("20/12/2026"),
        "the cached page moved with the revision"
    );

    let log = app.store.audit_entries(Some("esempio"), 1, None).await.unwrap();
    assert_eq!(log[0].entry.action, "process.settings");
    assert!(log[0].entry.before.as_deref().unwrap().contains("\"title\""));
    assert!(log[0].entry.after.as_deref().unwrap().contains("Piano sociale rinnovato"));
}

#[tokio::test]
async fn the_calendar_is_edited_part_by_part_with_its_rules() {
    let app = app().await;
    let c = cast(&app).await;
    let base = format!("/ufficio/processi/{A_PROCESS}");
    let send = |uri: String, body: String| {
        let cookie = c.editor_a.clone();
        let app = &app;
        async move { post(app, &uri, &body, Some(&cookie)).await }
    };
    let phase = send(format!("{base}/fasi/nuova"), "name=Fase+VI&starts_on=2027-02-01&ends_on=2027-01-01".into()).await;
    assert_eq!(phase.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(phase.body.contains("La data di fine precede") && phase.body.contains(r#"value="Fase VI""#));
    assert_eq!(
        send(format!("{base}/fasi/nuova"), "name=Fase+VI&starts_on=01/01/2027".into()).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        send(format!("{base}/aree/nuova"), "name=Politiche+abitative".into()).await.status,
        StatusCode::SEE_OTHER
    );
    let p = app.store.process_by_slug(A_PROCESS).await.unwrap().unwrap();
    let area = p.areas.iter().find(|a| a.name == "Politiche abitative").unwrap().id;
    assert!(p.phases.iter().any(|f| f.name == "Fase VI"));

    let table = send(format!("{base}/tavoli/nuova"), "label=8&title=Casa".into()).await;
    assert_eq!(table.status, StatusCode::UNPROCESSABLE_ENTITY, "a table needs an area");
    assert!(table.body.contains(r##"href="#f-areas""##));
    assert_eq!(
        send(format!("{base}/tavoli/nuova"), format!("label=8&title=Casa&areas={area}")).await.status,
        StatusCode::SEE_OTHER
    );
    let session =
        send(format!("{base}/sessioni/nuova"), format!("kind=table&title=Tavolo+8&areas={area}&start=09:00")).await;
    assert_eq!(session.status, StatusCode::UNPROCESSABLE_ENTITY, "a time needs a date");
    assert!(session.body.contains(r##"href="#f-date""##));
    assert_eq!(
        send(format!("{base}/sessioni/nuova"), format!("kind=table&title=Tavolo+8&areas={area}")).await.status,
        StatusCode::SEE_OTHER
    );
    let p = app.store.process_by_slug(A_PROCESS).await.unwrap().unwrap();
    let new_table = p.tables.iter().find(|t| t.title == "Casa").unwrap();
    assert_eq!(new_table.area_ids, [area]);
    let undated = p.sessions.iter().find(|s| s.title == "Tavolo 8").unwrap().clone();
    assert!(undated.date.is_none() && undated.area_ids == [area]);
    assert!(app.get(&format!("/processi/{A_PROCESS}")).await.body.contains("Tavolo 8"), "the public calendar shows it");

    let edit = format!("{base}/sessioni/{}/modifica", undated.id);
    assert!(get(&app, &edit, Some(&c.editor_a)).await.body.contains(r#"value="Tavolo 8""#));
    let renamed = format!("kind=table&title=Tavolo+8+-+Casa&table={}&areas={area}", new_table.id);
    assert_eq!(send(edit.clone(), renamed).await.status, StatusCode::SEE_OTHER);
    let p = app.store.process_by_slug(A_PROCESS).await.unwrap().unwrap();
    let session = p.sessions.iter().find(|s| s.id == undated.id).unwrap();
    assert_eq!(
        (session.title.as_str(), session.table_id, session.sequence),
        ("Tavolo 8 - Casa", Some(new_table.id), 1)
    );

    // A public session is cancelled, not removed; an area that expressions name stays.
    let refused = send(format!("{base}/sessioni/{}/elimina", undated.id), String::new()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("annullarla"));
    let used_area = p.areas[0].id;
    let body = json!({
        "applicant": {"kind": "organization", "name": "Delta APS", "legal_form": "aps", "tax_code": "00743110157",
                      "legal_representative": "R", "address": "Via 1", "municipality": "Esempio",
                      "email": "delta@example.org", "founded_on": "2001-01-01"},
        "participations": [{"area_id": used_area, "representative": {"name": "Dora", "email": "dora@example.org"}}],
        "privacy_accepted": true, "declaration_accepted": true
    });
    assert_eq!(
        app.post_json(&format!("/api/v1/processes/{A_PROCESS}/expressions"), &body).await.status,
        StatusCode::CREATED
    );
    let refused = send(format!("{base}/aree/{used_area}/elimina"), String::new()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("manifestazioni di interesse già ricevute"));
    assert_eq!(
        send(format!("{base}/tavoli/{}/elimina", new_table.id), String::new()).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(send(format!("{base}/aree/{area}/elimina",), String::new()).await.status, StatusCode::SEE_OTHER);
    let p = app.store.process_by_slug(A_PROCESS).await.unwrap().unwrap();
    assert!(p.table(new_table.id).is_none() && p.area(area).is_none());
    assert!(
        p.sessions.iter().find(|s| s.id == undated.id).unwrap().area_ids.is_empty(),
        "the session lost the removed area"
    );
    assert_eq!(send(format!("{base}/aree/{area}/elimina"), String::new()).await.status, StatusCode::NOT_FOUND);

    let actions: Vec<String> =
        app.store.audit_entries(Some("esempio"), 20, None).await.unwrap().into_iter().map(|e| e.entry.action).collect();
    for action in [
        "phase.create",
        "area.create",
        "table.create",
        "session.create",
        "session.update",
        "table.remove",
        "area.remove",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
    assert!(app.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn editors_read_the_ambito_profile_and_admins_change_it() {
    let app = app().await;
    let c = cast(&app).await;
    let uri = "/ufficio/ambiti/esempio";
    let read = get(&app, uri, Some(&c.editor_a)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains(r#"name="lead_municipality""#), "an editor gets no form");
    let form = get(&app, uri, Some(&c.admin_a)).await;
    assert!(form.body.contains(r#"name="lead_municipality""#) && form.body.contains(r#"name="letterhead""#));

    let bad =
        post(&app, uri, "municipalities=Alfa%0ABeta&lead_municipality=Gamma&website=esempio.it", Some(&c.admin_a))
            .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r##"href="#f-lead_municipality""##) && bad.body.contains(r##"href="#f-website""##));
    assert!(bad.body.contains("Alfa\nBeta") && bad.body.contains(r#"value="Gamma""#));

    let good = "municipalities=Alfa%0ABeta&lead_municipality=Alfa&pec=ufficio%40pec.esempio.it\
        &privacy_notice=I+dati+sono+trattati+dall%27Ambito.&letterhead=Ambito+di+Esempio%0AUfficio+di+Piano";
    assert_eq!(post(&app, uri, good, Some(&c.admin_a)).await.status, StatusCode::SEE_OTHER);
    let saved = app.store.ambito_profile("esempio").await.unwrap().unwrap().profile;
    assert_eq!(saved.municipalities, ["Alfa", "Beta"]);
    assert_eq!(saved.letterhead.as_deref(), Some("Ambito di Esempio\nUfficio di Piano"));
    let process = app.store.process_by_slug(A_PROCESS).await.unwrap().unwrap();
    assert_eq!(process.ambito.lead_municipality, "Alfa", "the process's cached copy moved too");
    assert!(
        get(&app, uri, Some(&c.editor_a)).await.body.contains("I dati sono trattati dall&#39;Ambito.")
            || get(&app, uri, Some(&c.editor_a)).await.body.contains("I dati sono trattati dall&#x27;Ambito.")
    );
    let log = app.store.audit_entries(Some("esempio"), 1, None).await.unwrap();
    assert_eq!(log[0].entry.action, "ambito.profile");
}

/// The reset link in the last queued message to `recipient`.
async fn reset_link(app: &TestApp, recipient: &str) -> Option<String> {
    let emails = app.store.due_emails(chrono::Utc::now() + chrono::Duration::days(1), 100).await.unwrap();
    let body =
        emails.into_iter().rev().find(|e| e.recipient == recipient && e.dedup_key.starts_with("password-reset:"))?.body;
    let start = body.find("http://concerto.test/accedi/password/")?;
    let link = body[start..].split_whitespace().next()?;
    Some(link.trim_start_matches("http://concerto.test").to_string())
}

#[tokio::test]
async fn a_password_is_reset_by_a_single_use_link_that_ends_the_old_sessions() {
    let app = app().await;
    let password = app.account("editor@esempio.invalid", Role::AmbitoEditor, Some("esempio")).await;
    let old_session = app.login("editor@esempio.invalid", &password).await.unwrap();
    assert_eq!(get(&app, "/accedi/password", None).await.status, StatusCode::OK);
    assert!(get(&app, "/accedi", None).await.body.contains(r#"href="/accedi/password""#));

    let before = app.store.pending_email_count().await.unwrap();
    let unknown = app.post_form("/accedi/password", &[("email", "nessuno@esempio.invalid")]).await;
    let known = app.post_form("/accedi/password", &[("email", "Editor@Esempio.invalid")]).await;
    assert_eq!((unknown.status, known.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(unknown.body, known.body, "the answer never tells whether an account exists");
    assert_eq!(app.store.pending_email_count().await.unwrap(), before + 1, "only the account gets a message");
    let link = reset_link(&app, "editor@esempio.invalid").await.expect("a link in the message");
    assert_eq!(app.get(&link).await.status, StatusCode::OK);
    assert_eq!(app.get("/accedi/password/0123abcd").await.status, StatusCode::NOT_FOUND);

    let short = app.post_form(&link, &[("password", "corta"), ("confirmation", "corta")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("almeno 10 caratteri"));
    let mismatch = app.post_form(&link, &[("password", "una nuova password"), ("confirmation", "un'altra")]).await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done =
        app.post_form(&link, &[("password", "una nuova password"), ("confirmation", "una nuova password")]).await;
    assert_eq!(done.status, StatusCode::OK);

    assert_eq!(get(&app, "/ufficio", Some(&old_session)).await.status, StatusCode::FOUND, "the old session is over");
    assert!(app.login("editor@esempio.invalid", &password).await.is_none(), "the old password is gone");
    let fresh = app.login("editor@esempio.invalid", "una nuova password").await.expect("the new password works");
    assert_eq!(get(&app, "/ufficio", Some(&fresh)).await.status, StatusCode::OK);
    let again = app.post_form(&link, &[("password", "ancora un'altra"), ("confirmation", "ancora un'altra")]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a link is used once");

    // A link expires: an hour later it opens nothing.
    app.post_form("/accedi/password", &[("email", "editor@esempio.invalid")]).await;
    let late = reset_link(&app, "editor@esempio.invalid").await.unwrap();
    assert_ne!(late, link);
    assert_eq!(app.get(&late).await.status, StatusCode::OK);
    app.clock.set(app.clock.now() + chrono::Duration::minutes(61));
    assert_eq!(app.get(&late).await.status, StatusCode::NOT_FOUND, "expired");
    let refused =
        app.post_form(&late, &[("password", "troppo tardi davvero"), ("confirmation", "troppo tardi davvero")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // Throttled per address asked for, whether it has an account or not.
    for _ in 0..3 {
        assert_eq!(
            app.post_form("/accedi/password", &[("email", "editor@esempio.invalid")]).await.status,
            StatusCode::OK
        );
    }
    let throttled = app.post_form("/accedi/password", &[("email", "editor@esempio.invalid")]).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    for _ in 0..3 {
        app.post_form("/accedi/password", &[("email", "nessuno@esempio.invalid")]).await;
    }
    let throttled_unknown = app.post_form("/accedi/password", &[("email", "nessuno@esempio.invalid")]).await;
    assert_eq!(throttled_unknown.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_dashboard_shows_running_processes_per_area_and_table_with_deadline_and_sessions() {
    let app = app().await;
    let c = cast(&app).await;
    let process = app.store.process_by_slug(A_PROCESS).await.unwrap().unwrap();
    let body = json!({
        "applicant": {"kind": "organization", "name": "Epsilon ODV", "legal_form": "odv", "tax_code": "00743110157",
                      "legal_representative": "R", "address": "Via 1", "municipality": "Esempio",
                      "email": "eps@example.org", "founded_on": "2001-01-01"},
        "participations": [{"area_id": process.areas[0].id, "representative": {"name": "Eva", "email": "eva@example.org"}}],
        "privacy_accepted": true, "declaration_accepted": true
    });
    assert_eq!(
        app.post_json(&format!("/api/v1/processes/{A_PROCESS}/expressions"), &body).await.status,
        StatusCode::CREATED
    );
    let page = get(&app, "/ufficio", Some(&c.editor_a)).await.body;
    assert!(page.contains("Processi in corso") && page.contains("Prossime sessioni"));
    let area_line =
        format!("<li><span>{}</span> <strong>1</strong></li>", process.areas[0].name.replace('\'', "&#39;"));
    assert!(
        page.contains(&area_line) || page.contains(&area_line.replace("&#39;", "&#x27;")),
        "one expression in the first area"
    );
    let deadline = process.header.deadline.unwrap().local().format("%d/%m/%Y").to_string();
    assert!(page.contains(&deadline), "the deadline {deadline}");
    let next = process
        .sessions_in_calendar_order()
        .into_iter()
        .find(|s| s.date.is_some_and(|d| d >= common::demo_day()))
        .unwrap();
    assert!(page.contains(&next.title), "the next session {}", next.title);
    assert!(page.contains(r#"href="/ufficio/ambiti/esempio""#));
}

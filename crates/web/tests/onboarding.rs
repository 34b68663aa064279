//! From an empty database to a running Ambito (issue 16), through HTTP: the
//! first-run page, Ambiti created from ISTAT's list, invitations and the accounts
//! list with its guard on the last platform administrator, and a representative's
//! account made from the expression's link.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::http::StatusCode;
use common::{TestApp, app, empty_app, encode};
use concerto_domain::Role;
use serde_json::{Value, json};

const PASSWORD: &str = "una password lunga e sicura";

async fn post(app: &TestApp, uri: &str, pairs: &[(&str, &str)], cookie: Option<&str>) -> common::Reply {
    let body = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
    let mut request = axum::http::Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(axum::body::Body::from(body)).unwrap()).await
}

async fn get(app: &TestApp, uri: &str, cookie: &str) -> common::Reply {
    app.get_with(uri, "cookie", cookie).await
}

/// The link of the last queued message to `recipient` that carries `path`.
async fn mailed_link(app: &TestApp, recipient: &str, path: &str) -> String {
    let far = chrono::Utc::now() + chrono::Duration::days(3650);
    let emails = app.store.due_emails(far, 1000).await.unwrap();
    let body = emails.iter().rev().find(|e| e.recipient == recipient && e.body.contains(path)).map(|e| e.body.clone());
    let body = body.unwrap_or_else(|| panic!("a message to {recipient} with {path}"));
    let link = body.split_whitespace().find(|w| w.starts_with("http://concerto.test") && w.contains(path)).unwrap();
    link.trim_start_matches("http://concerto.test").to_string()
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    let entries = app.store.audit_entries(None, 10_000, None).await.unwrap();
    entries.into_iter().map(|e| (e.entry.actor, e.entry.action)).collect()
}

#[tokio::test]
async fn the_first_run_page_makes_one_platform_administrator_then_is_gone() {
    let app = empty_app().await;
    let now = app.clock.now();
    let link =
        concerto_web::first_run_link(&app.store, "http://concerto.test", now).await.unwrap().expect("no account yet");
    let path = link.trim_start_matches("http://concerto.test").to_string();
    assert!(path.starts_with("/benvenuto/") && path.len() > 60, "{path}");
    assert_eq!(app.get("/benvenuto/nonesiste").await.status, StatusCode::NOT_FOUND);
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("name=\"terms\"") && page.body.contains("autocomplete=\"new-password\""),
        "{}",
        page.body
    );

    // Every field is named when wrong; the terms must be accepted.
    let wrong =
        post(&app, &path, &[("email", "non-un-indirizzo"), ("password", "corta"), ("confirmation", "corta")], None)
            .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    for anchor in ["#account-email", "#account-terms", "#account-password"] {
        assert!(wrong.body.contains(anchor), "{anchor}: {}", wrong.body);
    }
    let mismatch = post(
        &app,
        &path,
        &[
            ("email", "admin@comune.example"),
            ("password", PASSWORD),
            ("confirmation", "altra password lunga"),
            ("terms", "1"),
        ],
        None,
    )
    .await;
    assert!(mismatch.body.contains("#account-confirmation"));

    let done = post(
        &app,
        &path,
        &[("email", "Admin@Comune.example"), ("password", PASSWORD), ("confirmation", PASSWORD), ("terms", "1")],
        None,
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "the page is gone once used");
    let again = post(
        &app,
        &path,
        &[("email", "altro@comune.example"), ("password", PASSWORD), ("confirmation", PASSWORD), ("terms", "1")],
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(app.store.credentials("altro@comune.example").await.unwrap().is_none());
    let cookie = app.login("admin@comune.example", PASSWORD).await.expect("the administrator signs in");
    assert_eq!(get(&app, "/ufficio/ambiti", &cookie).await.status, StatusCode::OK);
    assert!(concerto_web::first_run_link(&app.store, "http://concerto.test", now).await.unwrap().is_none());
    assert!(audit_actions(&app).await.contains(&("setup".into(), "account.create".into())));
}

#[tokio::test]
async fn a_new_setup_address_spends_the_earlier_one_and_expires() {
    let app = empty_app().await;
    let now = app.clock.now();
    let first = concerto_web::first_run_link(&app.store, "http://x", now).await.unwrap().unwrap();
    let second = concerto_web::first_run_link(&app.store, "http://x", now).await.unwrap().unwrap();
    assert_eq!(app.get(first.trim_start_matches("http://x")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(second.trim_start_matches("http://x")).await.status, StatusCode::OK);
    app.clock.set(now + chrono::Duration::hours(25));
    assert_eq!(app.get(second.trim_start_matches("http://x")).await.status, StatusCode::NOT_FOUND, "24 hours only");
}

/// Creates the Ambito of Bari (Bari and Modugno, in its province) as the platform's
/// administrator, through the two steps of the form.
async fn create_bari(app: &TestApp, cookie: &str) {
    let step = post(app, "/ufficio/ambiti/nuovo", &[("province", "BA")], Some(cookie)).await;
    assert_eq!(step.status, StatusCode::OK, "{}", step.body);
    assert!(
        step.body.contains("value=\"Molfetta\"") && step.body.contains("<datalist id=\"l-lead_municipality\">"),
        "{}",
        step.body
    );
    let fields = [
        ("province", "BA"),
        ("name", "Ambito Territoriale Sociale di Bari"),
        ("slug", "bari"),
        ("short_code", "BA01"),
        ("region", ""),
        ("association_form", "convenzione"),
        ("retention_years", "5"),
        ("municipalities", "Modugno"),
        ("lead_municipality", "Bari"),
        ("pec", "ufficiodipiano@pec.comune.bari.it"),
        ("privacy_notice", "Titolare del trattamento: Comune di Bari, capofila dell'Ambito."),
    ];
    let created = post(app, "/ufficio/ambiti/nuovo", &fields, Some(cookie)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
}

#[tokio::test]
async fn the_platform_administrator_creates_an_ambito_from_the_gazetteer_and_processes_can_start_in_it() {
    let app = app().await;
    let password = app.account("piattaforma@concerto.invalid", Role::PlatformAdmin, None).await;
    let cookie = app.login("piattaforma@concerto.invalid", &password).await.unwrap();
    // A municipality of another province, and a slug in use, are named.
    let wrong = post(
        &app,
        "/ufficio/ambiti/nuovo",
        &[
            ("province", "BA"),
            ("name", "Bari"),
            ("slug", "esempio"),
            ("retention_years", "5"),
            ("municipalities", "Lecce"),
            ("lead_municipality", "Bari"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("«Lecce» non è un Comune"), "{}", wrong.body);
    create_bari(&app, &cookie).await;
    let list = get(&app, "/ufficio/ambiti", &cookie).await;
    assert!(list.body.contains("Ambito Territoriale Sociale di Bari") && list.body.contains("BA01"), "{}", list.body);
    let profile = app.store.ambito_profile("bari").await.unwrap().unwrap();
    assert_eq!(profile.profile.municipalities, ["Bari", "Modugno"]);
    let (_, identity) = app.store.ambito_identity("bari").await.unwrap().unwrap();
    assert_eq!((identity.region.as_str(), identity.retention_years), ("Puglia", 5));
    // The new Ambito has no process yet, and "Nuovo processo" offers it.
    let new_process = get(&app, "/ufficio/processi/nuovo", &cookie).await;
    assert!(new_process.body.contains("value=\"bari\""), "{}", new_process.body);
    let taken = post(
        &app,
        "/ufficio/ambiti/nuovo",
        &[
            ("province", "BA"),
            ("name", "Bari"),
            ("slug", "bari"),
            ("retention_years", "5"),
            ("lead_municipality", "Bari"),
        ],
        Some(&cookie),
    )
    .await;
    assert!(taken.body.contains("è già di un altro Ambito"), "{}", taken.body);
    // Its identity is edited on its own page.
    let edit = post(
        &app,
        "/ufficio/ambiti/bari/scheda",
        &[
            ("name", "Bari"),
            ("slug", "bari"),
            ("province", "BA"),
            ("region", "Puglia"),
            ("association_form", "consorzio"),
            ("retention_years", "7"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER, "{}", edit.body);
    assert_eq!(app.store.ambito_identity("bari").await.unwrap().unwrap().1.retention_years, 7);
    let actions = audit_actions(&app).await;
    for action in ["ambito.create", "ambito.identity"] {
        assert!(actions.iter().any(|(_, a)| a == action), "{action}");
    }
}

#[tokio::test]
async fn invitations_roles_and_states_of_accounts_follow_who_administers_what() {
    let app = app().await;
    let password = app.account("piattaforma@concerto.invalid", Role::PlatformAdmin, None).await;
    let platform = app.login("piattaforma@concerto.invalid", &password).await.unwrap();
    create_bari(&app, &platform).await;

    // The platform invites Bari's administrator; the link sets the password, once.
    let invited = post(
        &app,
        "/ufficio/utenti/invita",
        &[("email", "capo@bari.example"), ("display_name", "Anna Capo"), ("role", "ambito-admin"), ("ambito", "bari")],
        Some(&platform),
    )
    .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER, "{}", invited.body);
    let list = get(&app, "/ufficio/utenti", &platform).await.body;
    assert!(list.contains("capo@bari.example") && list.contains("invitato"), "{list}");
    let link = mailed_link(&app, "capo@bari.example", "/accedi/invito/").await;
    assert_eq!(app.get(&link).await.status, StatusCode::OK);
    let chosen = post(&app, &link, &[("password", PASSWORD), ("confirmation", PASSWORD)], None).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    assert_eq!(app.get(&link).await.status, StatusCode::NOT_FOUND, "single use");
    let admin = app.login("capo@bari.example", PASSWORD).await.expect("the invited administrator signs in");
    let twice = post(
        &app,
        "/ufficio/utenti/invita",
        &[("email", "capo@bari.example"), ("role", "ambito-editor"), ("ambito", "bari")],
        Some(&platform),
    )
    .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    // Bari's administrator invites editors, never administrators, and sees only Bari's accounts.
    let refused = post(
        &app,
        "/ufficio/utenti/invita",
        &[("email", "altro@bari.example"), ("role", "ambito-admin")],
        Some(&admin),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let editor = post(
        &app,
        "/ufficio/utenti/invita",
        &[("email", "redattore@bari.example"), ("role", "ambito-editor")],
        Some(&admin),
    )
    .await;
    assert_eq!(editor.status, StatusCode::SEE_OTHER, "{}", editor.body);
    let link = mailed_link(&app, "redattore@bari.example", "/accedi/invito/").await;
    post(&app, &link, &[("password", PASSWORD), ("confirmation", PASSWORD)], None).await;
    let editor_cookie = app.login("redattore@bari.example", PASSWORD).await.unwrap();
    let bari_list = get(&app, "/ufficio/utenti", &admin).await.body;
    assert!(
        bari_list.contains("redattore@bari.example") && !bari_list.contains("piattaforma@concerto.invalid"),
        "{bari_list}"
    );
    let editor_id = app.store.credentials("redattore@bari.example").await.unwrap().unwrap().principal.account_id;
    let platform_id =
        app.store.credentials("piattaforma@concerto.invalid").await.unwrap().unwrap().principal.account_id;

    // Deactivating ends the editor's session at once; reactivating lets it sign in again.
    assert_eq!(get(&app, "/ufficio", &editor_cookie).await.status, StatusCode::OK);
    let off = post(&app, &format!("/ufficio/utenti/{editor_id}/stato"), &[("azione", "disattiva")], Some(&admin)).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert_eq!(get(&app, "/ufficio", &editor_cookie).await.status, StatusCode::FOUND, "signed out at once");
    assert!(app.login("redattore@bari.example", PASSWORD).await.is_none());
    assert!(get(&app, "/ufficio/utenti", &admin).await.body.contains("disattivato"));
    post(&app, &format!("/ufficio/utenti/{editor_id}/stato"), &[("azione", "riattiva")], Some(&admin)).await;
    assert!(app.login("redattore@bari.example", PASSWORD).await.is_some());
    // Bari's administrator cannot touch the platform's account (answered as missing).
    let reach =
        post(&app, &format!("/ufficio/utenti/{platform_id}/stato"), &[("azione", "disattiva")], Some(&admin)).await;
    assert_eq!(reach.status, StatusCode::NOT_FOUND);

    // The last active platform administrator cannot be demoted or deactivated.
    for (path, pairs) in [("ruolo", [("role", "ambito-editor")]), ("stato", [("azione", "disattiva")])] {
        let reply = post(&app, &format!("/ufficio/utenti/{platform_id}/{path}"), &pairs, Some(&platform)).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{path}");
        assert!(reply.body.contains("ultimo amministratore della piattaforma"), "{}", reply.body);
    }
    assert_eq!(get(&app, "/ufficio/ambiti", &platform).await.status, StatusCode::OK);
    // With a second one, the role changes.
    let capo_id = app.store.credentials("capo@bari.example").await.unwrap().unwrap().principal.account_id;
    let promoted =
        post(&app, &format!("/ufficio/utenti/{capo_id}/ruolo"), &[("role", "platform-admin")], Some(&platform)).await;
    assert_eq!(promoted.status, StatusCode::SEE_OTHER);
    let demoted =
        post(&app, &format!("/ufficio/utenti/{platform_id}/ruolo"), &[("role", "ambito-editor")], Some(&platform))
            .await;
    assert_eq!(demoted.status, StatusCode::CONFLICT, "an editor needs an Ambito: {}", demoted.body);
    assert!(demoted.body.contains("richiede un Ambito"));
    let off =
        post(&app, &format!("/ufficio/utenti/{platform_id}/stato"), &[("azione", "disattiva")], Some(&admin)).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "now a platform administrator too");

    let actions = audit_actions(&app).await;
    for action in
        ["account.invite", "account.invitation_used", "account.deactivate", "account.reactivate", "account.role"]
    {
        assert!(actions.iter().any(|(_, a)| a == action), "{action} audited");
    }
    let lines = app.store.account_lines(None).await.unwrap();
    let capo = lines.iter().find(|l| l.email == "capo@bari.example").unwrap();
    assert!(capo.last_sign_in_at.is_some() && !capo.invited);
}

#[tokio::test]
async fn a_representative_gets_an_account_from_the_expression_link_and_sees_the_pact() {
    let app = app().await;
    let p: Value = serde_json::from_str(&app.get("/api/v1/processes/esempio-2026-2028").await.body).unwrap();
    let area = p["areas"][0]["id"].as_i64().unwrap();
    let body = json!({
        "applicant": {"kind": "organization", "name": "Associazione Il Faro ODV", "legal_form": "odv",
                      "tax_code": concerto_store::testing::entity_tax_code(4242), "legal_representative": "Maria Rossi",
                      "address": "Via Roma 1", "municipality": "Esempio", "email": "info@ilfaro.example",
                      "founded_on": "2010-05-01"},
        "participations": [{"area_id": area, "representative": {"name": "Luca Verdi", "email": "luca@ilfaro.example"}}],
        "privacy_accepted": true, "declaration_accepted": true
    });
    let reply = app.post_json("/api/v1/processes/esempio-2026-2028/expressions", &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created: Value = serde_json::from_str(&reply.body).unwrap();
    let token = created["manage_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let receipt = mailed_link(&app, "info@ilfaro.example", "#account").await;
    assert!(receipt.ends_with(&format!("/manifestazioni/{token}#account")), "{receipt}");
    // The same receipt links the Ambito's privacy notice for this process's pages,
    // and that page answers.
    let privacy = mailed_link(&app, "info@ilfaro.example", "/privacy").await;
    assert_eq!(privacy, "/processi/esempio-2026-2028/privacy");
    assert_eq!(app.get(&privacy).await.status, StatusCode::OK);
    let manage = app.get(&format!("/manifestazioni/{token}")).await;
    assert!(manage.body.contains(&format!("action=\"/manifestazioni/{token}/account\"")), "{}", manage.body);
    assert_eq!(post(&app, "/manifestazioni/nonesiste/account", &[], None).await.status, StatusCode::NOT_FOUND);
    let asked = post(&app, &format!("/manifestazioni/{token}/account"), &[], None).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let link = mailed_link(&app, "info@ilfaro.example", "/accedi/verifica/").await;
    let page = app.get(&link).await;
    assert!(page.body.contains("info@ilfaro.example"));
    let made = post(&app, &link, &[("password", PASSWORD), ("confirmation", PASSWORD)], None).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert_eq!(app.get(&link).await.status, StatusCode::NOT_FOUND);
    let cookie = app.login("info@ilfaro.example", PASSWORD).await.expect("the representative signs in");
    let mine = get(&app, "/i-miei-patti", &cookie).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("Associazione Il Faro ODV"), "{}", mine.body);
    // A second account for the same address is refused on the page.
    post(&app, &format!("/manifestazioni/{token}/account"), &[], None).await;
    let again = mailed_link(&app, "info@ilfaro.example", "/accedi/verifica/").await;
    assert_ne!(again, link);
    let taken = post(&app, &again, &[("password", PASSWORD), ("confirmation", PASSWORD)], None).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(audit_actions(&app).await.iter().any(|(actor, _)| actor == "holder:verification-link"));
}

#[tokio::test]
async fn the_ambito_notice_is_the_privacy_page_of_its_processes_and_the_holder_downloads_the_data() {
    let app = app().await;
    let password = app.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let cookie = app.login("admin@esempio.invalid", &password).await.unwrap();
    let profile = [
        ("municipalities", "Esempio"),
        ("lead_municipality", "Esempio"),
        ("privacy_notice", "Responsabile della protezione dei dati: dpo@esempio.invalid"),
    ];
    assert_eq!(post(&app, "/ufficio/ambiti/esempio", &profile, Some(&cookie)).await.status, StatusCode::SEE_OTHER);
    let notice = app.get("/processi/esempio-2026-2028/privacy").await;
    assert_eq!(notice.status, StatusCode::OK);
    assert!(
        notice.body.contains("dpo@esempio.invalid") && notice.body.contains("5 anni dalla chiusura"),
        "{}",
        notice.body
    );
    assert_eq!(app.get("/processi/nessuno/privacy").await.status, StatusCode::NOT_FOUND);
    let form = app.get("/processi/esempio-2026-2028/manifestazione").await;
    assert!(form.body.contains("href=\"/processi/esempio-2026-2028/privacy\""), "the form links the notice");

    let p: Value = serde_json::from_str(&app.get("/api/v1/processes/esempio-2026-2028").await.body).unwrap();
    let area = p["areas"][0]["id"].as_i64().unwrap();
    let body = json!({
        "applicant": {"kind": "organization", "name": "Cooperativa Sole", "legal_form": "odv",
                      "tax_code": concerto_store::testing::entity_tax_code(777), "legal_representative": "Maria Rossi",
                      "address": "Via Roma 1", "municipality": "Esempio", "email": "sole@example.org", "founded_on": "2010-05-01"},
        "participations": [{"area_id": area, "representative": {"name": "Luca Verdi", "email": "luca@sole.example"}}],
        "privacy_accepted": true, "declaration_accepted": true
    });
    let created: Value =
        serde_json::from_str(&app.post_json("/api/v1/processes/esempio-2026-2028/expressions", &body).await.body)
            .unwrap();
    let token = created["manage_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let data = app.get(&format!("/manifestazioni/{token}/dati.json")).await;
    assert_eq!(data.status, StatusCode::OK);
    assert!(data.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let json: Value = serde_json::from_str(&data.body).unwrap();
    assert_eq!(json["expression"]["expression"]["participations"][0]["representative"]["email"], "luca@sole.example");
    assert_eq!(json["versions"].as_array().unwrap().len(), 1);
    assert_eq!(app.get("/manifestazioni/nonesiste/dati.json").await.status, StatusCode::NOT_FOUND);
}

//! The register holds against a stranger: a public tax code takes over nothing, the
//! public doors have limits, a registration is annulled and never deleted, and
//! what matters for security is in the audit log. Written as the attacker would
//! try it, through the public HTTP interface.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp, app, encode};
use concerto_domain::{ExpressionStatus, PactState, Role, sha256_hex};
use concerto_mail::testing::SmtpSink;
use concerto_mail::{MailConfig, Mailer, deliver_due};
use concerto_web::limits::{Limiter, RateLimits};
use concerto_web::{AppState, router};
use serde_json::{Value, json};
use tower::ServiceExt;

const PROCESS: &str = "esempio-2026-2028";
const VICTIM_TAX_CODE: &str = "62096654280";

async fn first_area(app: &TestApp) -> i64 {
    let p: Value = serde_json::from_str(&app.get(&format!("/api/v1/processes/{PROCESS}")).await.body).unwrap();
    p["areas"][0]["id"].as_i64().unwrap()
}

fn expression(area: i64, tax_code: &str, name: &str, email: &str) -> Value {
    json!({
        "applicant": {"kind": "organization", "name": name, "legal_form": "odv",
                      "tax_code": tax_code, "legal_representative": "Maria Rossi",
                      "address": "Via Roma 1", "municipality": "Esempio", "email": email,
                      "founded_on": "2010-05-01"},
        "participations": [{"area_id": area, "representative": {"name": "Luca Verdi", "email": email}}],
        "privacy_accepted": true, "declaration_accepted": true
    })
}

/// A request as it arrives from `client` on a socket.
fn from(client: &str, mut request: Request<Body>) -> Request<Body> {
    let addr: SocketAddr = format!("{client}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

async fn send(router: &axum::Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

fn json_post(uri: &str, body: &Value) -> Request<Body> {
    Request::post(uri).header("content-type", "application/json").body(Body::from(body.to_string())).unwrap()
}

fn form_post(uri: &str, pairs: &[(&str, &str)], cookie: Option<&str>) -> Request<Body> {
    let body = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
    let mut request = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Body::from(body)).unwrap()
}

/// Submits through the API and returns the management token.
async fn submit(app: &TestApp, body: &Value) -> String {
    let reply = app.post_json(&format!("/api/v1/processes/{PROCESS}/expressions"), body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created: Value = serde_json::from_str(&reply.body).unwrap();
    created["manage_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

async fn office_cookie(app: &TestApp, email: &str, role: Role) -> String {
    let password = app.account(email, role, Some("esempio")).await;
    app.login(email, &password).await.expect("login succeeds")
}

fn hidden_sha256(page: &str) -> String {
    let start = page.find("name=\"sha256\" value=\"").expect("the acceptance form carries the version") + 21;
    page[start..start + 64].to_string()
}

/// The victim's registration with its pact accepted online and countersigned.
async fn countersigned_victim(app: &TestApp) -> (String, i64) {
    let area = first_area(app).await;
    let token =
        submit(app, &expression(area, VICTIM_TAX_CODE, "Associazione Sorriso ODV", "info@sorriso.example")).await;
    let page = app.get(&format!("/manifestazioni/{token}/patto")).await;
    let sha = hidden_sha256(&page.body);
    let accept = form_post(
        &format!("/manifestazioni/{token}/patto/accettazione"),
        &[("sha256", &sha), ("signer", "Maria Rossi"), ("confirm", "1")],
        None,
    );
    assert_eq!(app.send(accept).await.status, StatusCode::SEE_OTHER);
    let expression = app.store.expression_by_token(&sha256_hex(token.as_bytes())).await.unwrap().unwrap();
    let pact = app.store.pact_of_expression(expression.id).await.unwrap().unwrap();
    let cookie = office_cookie(app, "ufficio@esempio.invalid", Role::AmbitoEditor).await;
    let countersign = form_post(
        &format!("/ufficio/processi/{PROCESS}/patti/{}/controfirma", pact.id),
        &[("confirm", "1")],
        Some(&cookie),
    );
    assert_eq!(app.send(countersign).await.status, StatusCode::SEE_OTHER);
    (token, pact.id)
}

async fn assert_victim_untouched(app: &TestApp, token: &str, pact_id: i64) {
    let current = app.store.expression_by_token(&sha256_hex(token.as_bytes())).await.unwrap().unwrap();
    assert_eq!(current.status, ExpressionStatus::Active);
    assert_eq!(current.expression.applicant.email, "info@sorriso.example");
    assert_eq!(current.protocol.sequence, 1, "still the first registration");
    let pact = app.store.pact(pact_id).await.unwrap().unwrap();
    assert_eq!((pact.state, pact.expression_id), (PactState::Countersigned, current.id));
    assert_eq!(app.get(&format!("/manifestazioni/{token}/patto")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_public_tax_code_takes_over_nothing_through_the_api_or_the_form() {
    let app = app().await;
    let (token, pact_id) = countersigned_victim(&app).await;
    let area = first_area(&app).await;
    let attack = expression(area, VICTIM_TAX_CODE, "Altro nome", "attacker@evil.example");

    let api = app.post_json(&format!("/api/v1/processes/{PROCESS}/expressions"), &attack).await;
    assert_eq!(api.status, StatusCode::CONFLICT, "{}", api.body);
    let errors: Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(errors["errors"][0]["field"], "applicant.tax_code");
    assert_eq!(errors["errors"][0]["code"], "already_registered");
    assert_victim_untouched(&app, &token, pact_id).await;

    let form = app
        .post_form(
            &format!("/processi/{PROCESS}/manifestazione"),
            &[
                ("applicant.kind", "organization"),
                ("applicant.name", "Altro nome"),
                ("applicant.legal_form", "odv"),
                ("applicant.tax_code", VICTIM_TAX_CODE),
                ("applicant.legal_representative", "Mario Bianchi"),
                ("applicant.address", "Via Falsa 1"),
                ("applicant.municipality", "Esempio"),
                ("applicant.email", "attacker@evil.example"),
                ("area", &area.to_string()),
                (&format!("rep.{area}.name"), "Mario Bianchi"),
                (&format!("rep.{area}.email"), "attacker@evil.example"),
                ("privacy_accepted", "1"),
                ("declaration_accepted", "1"),
            ],
        )
        .await;
    assert_eq!(form.status, StatusCode::CONFLICT);
    assert!(form.body.contains("manifestazione/collegamento"), "the page offers the link again");
    assert!(form.body.contains("value=\"attacker@evil.example\""), "what was typed is kept");
    assert_victim_untouched(&app, &token, pact_id).await;
    // No number was taken by the refused attempts.
    let process = app.store.process_by_slug(PROCESS).await.unwrap().unwrap();
    assert_eq!(app.store.protocol_sequences(process.ambito.id, 2026).await.unwrap(), [1]);

    // The link goes again only to the address on file, and the answer is the same
    // for a tax code nobody registered.
    let asked = app
        .post_form(&format!("/processi/{PROCESS}/manifestazione/collegamento"), &[("tax_code", VICTIM_TAX_CODE)])
        .await;
    let unknown = app
        .post_form(&format!("/processi/{PROCESS}/manifestazione/collegamento"), &[("tax_code", "00743110157")])
        .await;
    assert_eq!((asked.status, unknown.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(asked.body, unknown.body);
    let sink = SmtpSink::start().await;
    let mailer = Mailer::from_config(&MailConfig {
        smtp_url: Some(sink.url()),
        from: "Concerto <noreply@concerto.test>".into(),
        outbox_dir: std::env::temp_dir(),
    })
    .unwrap();
    deliver_due(&app.store, &mailer, app.clock.now()).await.unwrap();
    let messages = sink.wait_for(1, std::time::Duration::from_secs(5)).await;
    assert!(
        messages.iter().all(|m| m.rcpt_to.iter().all(|r| !r.contains("evil.example"))),
        "nothing reached the attacker"
    );
    let resent = messages
        .iter()
        .find(|m| m.email.subject().is_some_and(|s| s.contains("collegamento personale")))
        .expect("the link sent again");
    assert_eq!(resent.rcpt_to, ["info@sorriso.example"]);
    // The new link opens the same registration, and the first one still works.
    let body = resent.email.text_body();
    let link = body.split_whitespace().find(|w| w.contains("/manifestazioni/")).unwrap();
    let new_token = link.rsplit('/').next().unwrap();
    assert_ne!(new_token, token);
    assert_eq!(app.get(&format!("/manifestazioni/{new_token}")).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/manifestazioni/{token}")).await.status, StatusCode::OK);
    let log = app.store.audit_entries(Some("esempio"), 50, None).await.unwrap();
    assert!(log.iter().any(|e| e.entry.action == "expression.link_resent"));
    assert!(log.iter().any(|e| e.entry.action == "pact.sign" && e.entry.actor.starts_with("link")));
}

#[tokio::test]
async fn an_amendment_comes_only_through_the_holders_link_and_keeps_the_links() {
    let app = app().await;
    let area = first_area(&app).await;
    let token = submit(&app, &expression(area, "00743110157", "Il Faro ODV", "info@ilfaro.example")).await;
    let amend = app
        .post_form(
            &format!("/manifestazioni/{token}/modifica"),
            &[
                ("applicant.kind", "organization"),
                ("applicant.name", "Il Faro ODV (nuova sede)"),
                ("applicant.legal_form", "odv"),
                ("applicant.tax_code", "00743110157"),
                ("applicant.legal_representative", "Maria Rossi"),
                ("applicant.address", "Via Nuova 2"),
                ("applicant.municipality", "Esempio"),
                ("applicant.email", "info@ilfaro.example"),
                ("area", &area.to_string()),
                (&format!("rep.{area}.name"), "Luca Verdi"),
                (&format!("rep.{area}.email"), "luca@ilfaro.example"),
                ("privacy_accepted", "1"),
                ("declaration_accepted", "1"),
            ],
        )
        .await;
    assert_eq!(amend.status, StatusCode::SEE_OTHER, "{}", amend.body);
    // The first link now opens the current version.
    let current = app.store.expression_by_token(&sha256_hex(token.as_bytes())).await.unwrap().unwrap();
    assert_eq!(current.expression.applicant.name, "Il Faro ODV (nuova sede)");
    assert_eq!(app.get(&format!("/manifestazioni/{token}")).await.status, StatusCode::OK);

    // A withdrawn registration is not amendable, and says so rather than
    // complaining about the tax code.
    let withdraw = app.post_form(&format!("/manifestazioni/{token}/ritiro"), &[("confirm", "1")]).await;
    assert_eq!(withdraw.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/manifestazioni/{token}/modifica")).await;
    assert!(page.body.contains("è stata ritirata"), "{}", page.body);
    let log = app.store.audit_entries(Some("esempio"), 20, None).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.entry.action.as_str()).collect();
    for action in ["expression.submit", "expression.amend", "expression.withdraw"] {
        assert!(actions.contains(&action), "{action} missing from {actions:?}");
    }
}

#[tokio::test]
async fn a_flood_from_one_address_gets_its_limit_and_takes_no_numbers() {
    let app = app().await;
    let limited = AppState {
        limiter: Limiter::new(RateLimits { expressions: 20, ..RateLimits::default() }),
        ..app.state.clone()
    };
    let router = router(limited);
    let area = first_area(&app).await;
    let uri = format!("/api/v1/processes/{PROCESS}/expressions");
    let mut accepted = 0;
    let mut refused = 0;
    for n in 0..500u32 {
        let tax_code = luhn_tax_code(n);
        let body = expression(area, &tax_code, &format!("Associazione {n}"), &format!("a{n}@example.org"));
        let reply = send(&router, from("198.51.100.7", json_post(&uri, &body))).await;
        match reply.status {
            StatusCode::CREATED => accepted += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                refused += 1;
                let wait: u64 = reply.headers["retry-after"].to_str().unwrap().parse().unwrap();
                assert!(wait >= 1);
                assert!(reply.body.contains("too_many_requests"));
            }
            other => panic!("{other}: {}", reply.body),
        }
    }
    assert_eq!((accepted, refused), (20, 480));
    let process = app.store.process_by_slug(PROCESS).await.unwrap().unwrap();
    assert_eq!(app.store.protocol_sequences(process.ambito.id, 2026).await.unwrap(), (1..=20).collect::<Vec<i64>>());
    // Another address is not slowed.
    let other = expression(area, &luhn_tax_code(9999), "Altra", "altra@example.org");
    assert_eq!(send(&router, from("203.0.113.9", json_post(&uri, &other))).await.status, StatusCode::CREATED);
    // The form keeps what was typed and says when to try again.
    let page = send(
        &router,
        from(
            "198.51.100.7",
            form_post(&format!("/processi/{PROCESS}/manifestazione"), &[("applicant.name", "Tenace")], None),
        ),
    )
    .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers.contains_key("retry-after") && page.body.contains("value=\"Tenace\""));
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_limited() {
    let app = app().await;
    let mut config = app.state.config.clone();
    config.trusted_proxies = concerto_web::client::parse_trusted_proxies("127.0.0.1/32").unwrap();
    let state = AppState {
        config,
        limiter: Limiter::new(RateLimits { link_resends: 2, ..RateLimits::default() }),
        ..app.state.clone()
    };
    let router = router(state);
    let uri = format!("/processi/{PROCESS}/manifestazione/collegamento");
    let ask = |client: &str| {
        let mut request = form_post(&uri, &[("tax_code", "00743110157")], None);
        request.headers_mut().insert("x-forwarded-for", client.parse().unwrap());
        from("127.0.0.1", request)
    };
    for _ in 0..2 {
        assert_eq!(send(&router, ask("198.51.100.7")).await.status, StatusCode::OK);
    }
    assert_eq!(send(&router, ask("198.51.100.7")).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        send(&router, ask("203.0.113.9")).await.status,
        StatusCode::OK,
        "each forwarded client has its own count"
    );
    // An untrusted peer cannot pick its address with the header.
    let mut forged = form_post(&uri, &[("tax_code", "00743110157")], None);
    forged.headers_mut().insert("x-forwarded-for", "192.0.2.1".parse().unwrap());
    for _ in 0..2 {
        assert_eq!(send(&router, from("203.0.113.50", forged_clone(&uri))).await.status, StatusCode::OK);
    }
    assert_eq!(send(&router, from("203.0.113.50", forged)).await.status, StatusCode::TOO_MANY_REQUESTS);
}

fn forged_clone(uri: &str) -> Request<Body> {
    let mut request = form_post(uri, &[("tax_code", "00743110157")], None);
    request.headers_mut().insert("x-forwarded-for", format!("192.0.2.{}", rand_octet()).parse().unwrap());
    request
}

/// A different forged address each time: none of them counts.
fn rand_octet() -> u8 {
    use std::sync::atomic::{AtomicU8, Ordering};
    static NEXT: AtomicU8 = AtomicU8::new(2);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[tokio::test]
async fn a_filled_honeypot_is_refused_quietly_and_takes_no_number() {
    let app = app().await;
    let area = first_area(&app).await;
    let reply = app
        .post_form(
            &format!("/processi/{PROCESS}/manifestazione"),
            &[
                ("website", "http://spam.example"),
                ("applicant.kind", "organization"),
                ("applicant.name", "Robot"),
                ("applicant.tax_code", "00743110157"),
                ("applicant.address", "Via Roma 1"),
                ("applicant.municipality", "Esempio"),
                ("applicant.email", "robot@example.org"),
                ("area", &area.to_string()),
                (&format!("rep.{area}.name"), "Robot"),
                (&format!("rep.{area}.email"), "robot@example.org"),
                ("privacy_accepted", "1"),
                ("declaration_accepted", "1"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!reply.body.contains("honeypot") && reply.body.contains("non è stata accettata"));
    let process = app.store.process_by_slug(PROCESS).await.unwrap().unwrap();
    assert!(app.store.protocol_sequences(process.ambito.id, 2026).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_annulled_registration_keeps_its_number_ends_its_pact_and_tells_the_holder() {
    let app = app().await;
    let area = first_area(&app).await;
    let token = submit(&app, &expression(area, "00743110157", "Spam Srl", "holder@example.org")).await;
    submit(&app, &expression(area, VICTIM_TAX_CODE, "Associazione Sorriso ODV", "info@sorriso.example")).await;
    let target = app.store.expression_by_token(&sha256_hex(token.as_bytes())).await.unwrap().unwrap();
    let cookie = office_cookie(&app, "admin@esempio.invalid", Role::AmbitoAdmin).await;
    let uri = format!("/ufficio/processi/{PROCESS}/manifestazioni/{}/annulla", target.id);

    // Another Ambito's office cannot annul it, nor a citizen.
    let other = {
        let password = app.account("admin@casarano.invalid", Role::AmbitoAdmin, Some("casarano")).await;
        app.login("admin@casarano.invalid", &password).await.unwrap()
    };
    assert_eq!(app.get_with(&uri, "cookie", &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.send(form_post(&uri, &[("reason", "Altro Ambito")], Some(&other))).await.status,
        StatusCode::NOT_FOUND
    );
    let citizen = {
        let password = app.account("cittadina@example.org", Role::Citizen, None).await;
        app.login("cittadina@example.org", &password).await.unwrap()
    };
    assert_eq!(
        app.send(form_post(&uri, &[("reason", "Cittadina")], Some(&citizen))).await.status,
        StatusCode::FORBIDDEN
    );
    let confirm = app.get_with(&uri, "cookie", &cookie).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("annulla") && confirm.body.contains("name=\"reason\""));
    let signed_out = app.send(form_post(&uri, &[("reason", "Invio di prova")], None)).await;
    assert_eq!(signed_out.status, StatusCode::FOUND, "signed out: to the login page");
    let no_reason = app.send(form_post(&uri, &[("reason", "  ")], Some(&cookie))).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = app.send(form_post(&uri, &[("reason", "Invio di prova, non un soggetto reale")], Some(&cookie))).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let list = app.get_with(done.headers["location"].to_str().unwrap(), "cookie", &cookie).await;
    assert!(
        list.body.contains("2026/0000001") && list.body.contains("Invio di prova, non un soggetto reale"),
        "{}",
        list.body
    );
    assert!(list.body.contains("admin@esempio.invalid"));
    // Again: it is already annulled.
    assert_eq!(app.send(form_post(&uri, &[("reason", "di nuovo")], Some(&cookie))).await.status, StatusCode::CONFLICT);

    let annulled = app.store.expression_by_id(target.id).await.unwrap().unwrap();
    assert_eq!(annulled.status, ExpressionStatus::Annulled);
    let pact = app.store.pact_of_expression(target.id).await.unwrap().unwrap();
    assert_eq!(pact.state, PactState::Withdrawn);
    // It left the office's list, and the register still has every number.
    let office = app.get_with(&format!("/ufficio/processi/{PROCESS}"), "cookie", &cookie).await;
    assert!(!office.body.contains("Spam Srl") && office.body.contains("Associazione Sorriso ODV"));
    let register = app.store.protocol_register("esempio").await.unwrap();
    let lines = &register[0].1;
    assert_eq!(lines.iter().map(|l| (l.sequence, l.annulled)).collect::<Vec<_>>(), [(1, true), (2, false)]);
    // The holder's page says it.
    assert!(app.get(&format!("/manifestazioni/{token}")).await.body.contains("Annullata"));
    let log = app.store.audit_entries(Some("esempio"), 5, None).await.unwrap();
    let entry = log.iter().find(|e| e.entry.action == "expression.annul").expect("audited");
    assert!(entry.entry.actor.contains("admin@esempio.invalid"));

    let sink = SmtpSink::start().await;
    let mailer = Mailer::from_config(&MailConfig {
        smtp_url: Some(sink.url()),
        from: "Concerto <noreply@concerto.test>".into(),
        outbox_dir: std::env::temp_dir(),
    })
    .unwrap();
    deliver_due(&app.store, &mailer, app.clock.now()).await.unwrap();
    let messages = sink.wait_for(3, std::time::Duration::from_secs(5)).await;
    let notice = messages
        .iter()
        .find(|m| m.email.subject().is_some_and(|s| s.contains("annullata")))
        .expect("the holder is told");
    assert_eq!(notice.rcpt_to, ["holder@example.org"]);
    assert!(notice.email.text_body().contains("Invio di prova"));
    // Nothing in the register can be deleted.
    let refused = app.store.delete_expression_for_tests(target.id).await.unwrap_err();
    assert!(refused.to_string().contains("never deleted"), "{refused}");
}

#[tokio::test]
async fn sign_ins_failures_and_sign_outs_are_audited_with_the_address() {
    let app = app().await;
    let password = app.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let wrong = app
        .send(from(
            "198.51.100.7",
            form_post("/accedi", &[("email", "admin@esempio.invalid"), ("password", "sbagliata")], None),
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let good = app
        .send(from(
            "198.51.100.7",
            form_post("/accedi", &[("email", "admin@esempio.invalid"), ("password", &password)], None),
        ))
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let cookie = good.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    assert_eq!(app.send(form_post("/esci", &[], Some(&cookie))).await.status, StatusCode::SEE_OTHER);
    let log = app.store.audit_entries(Some("esempio"), 10, None).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.entry.action.as_str()).collect();
    assert_eq!(&actions[..3], ["account.sign_out", "account.sign_in", "account.sign_in_failed"], "{actions:?}");
    assert!(log[2].entry.after.as_deref().unwrap().contains("198.51.100.7"));
    assert!(log[1].entry.after.as_deref().unwrap().contains("198.51.100.7"));
    assert!(log.iter().any(|e| e.entry.action == "account.create"));
    assert!(app.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn the_audit_log_page_is_filtered_and_scoped_to_the_ambito() {
    let app = app().await;
    let admin = office_cookie(&app, "admin@esempio.invalid", Role::AmbitoAdmin).await;
    let platform = {
        let password = app.account("root@concerto.invalid", Role::PlatformAdmin, None).await;
        app.login("root@concerto.invalid", &password).await.unwrap()
    };
    let editor = office_cookie(&app, "editor@esempio.invalid", Role::AmbitoEditor).await;
    let other = {
        let password = app.account("admin@casarano.invalid", Role::AmbitoAdmin, Some("casarano")).await;
        app.login("admin@casarano.invalid", &password).await.unwrap()
    };
    let page = "/ufficio/registro-attivita";
    assert_eq!(app.get(page).await.status, StatusCode::FOUND);
    assert_eq!(app.get_with(page, "cookie", &editor).await.status, StatusCode::FORBIDDEN);
    let own = app.get_with(&format!("{page}?action=account.sign_in&ambito=casarano"), "cookie", &admin).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("account.sign_in") && own.body.contains(">esempio<") && !own.body.contains(">casarano<"));
    let theirs = app.get_with(&format!("{page}?action=account.sign_in"), "cookie", &other).await;
    assert!(theirs.body.contains(">casarano<") && !theirs.body.contains(">esempio<"));
    let all = app.get_with(&format!("{page}?actor=account"), "cookie", &platform).await;
    assert!(all.body.contains(">casarano<") && all.body.contains(">esempio<"));
    let filtered = app.get_with(&format!("{page}?ambito=casarano"), "cookie", &platform).await;
    assert!(!filtered.body.contains(">esempio<"));
}

/// An 11-digit entity tax code with a valid Luhn check digit, different for each `n`.
fn luhn_tax_code(n: u32) -> String {
    let body = format!("{:010}", 1_000_000 + n);
    let digits: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                *d
            } else {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

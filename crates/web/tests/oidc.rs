//! SPID/CIE login end to end: a real OpenID Connect provider (the npm package
//! `oidc-provider`, in `tests/oidc-provider/`) runs on loopback, Concerto is served on
//! a real loopback port, and an HTTP client with cookies walks every redirect between
//! them, as a browser would. Needs Node.js 20+ and npm (`npm ci` runs on first use).

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use concerto_domain::Role;
use concerto_store::Store;
use concerto_store::testing::fresh_store;
use concerto_web::auth::OidcConfig;
use concerto_web::{AppState, Clock, WebConfig};
use reqwest::StatusCode;
use reqwest::cookie::{CookieStore, Jar};

const CLIENT_ID: &str = "concerto";
const CLIENT_SECRET: &str = "segreto-di-prova-abbastanza-lungo";
const CITIZEN_SUB: &str = "cittadino-1";
const CITIZEN_EMAIL: &str = "mario.rossi@example.org";

/// The provider's folder, where `npm ci` installs `oidc-provider`.
fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider")
}

/// Installs the provider's packages once per test run, from the committed lock file.
fn install_provider() {
    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let mut installed = INSTALLED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if *installed {
        return;
    }
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "the SPID/CIE login tests need Node.js (20 or later) and npm on PATH: `apt-get install nodejs npm` ({node:?})"
    );
    let dir = provider_dir();
    if !dir.join("node_modules/oidc-provider/package.json").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .expect("npm runs (it comes with Node.js)");
        assert!(status.success(), "`npm ci` in {} failed", dir.display());
    }
    *installed = true;
}

/// The node process of the provider; killed when dropped, also when a test panics.
struct Provider {
    child: Child,
    issuer: String,
    stderr: Arc<Mutex<String>>,
}

impl Provider {
    fn start(redirect_uri: &str) -> Provider {
        install_provider();
        let mut child = Command::new("node")
            .arg("server.mjs")
            .arg("0")
            .current_dir(provider_dir())
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_REDIRECT_URI", redirect_uri)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let err_pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err_pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let (ready, wait) = std::sync::mpsc::channel();
        let out_pipe = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out_pipe).lines().map_while(Result::ok) {
                if let Some(issuer) = line.strip_prefix("READY ") {
                    let _ = ready.send(issuer.trim().to_string());
                }
            }
        });
        let mut provider = Provider { child, issuer: String::new(), stderr };
        match wait.recv_timeout(Duration::from_secs(30)) {
            Ok(issuer) => provider.issuer = issuer,
            Err(_) => panic!("the OIDC provider did not print READY: {}", provider.stderr.lock().unwrap()),
        }
        provider
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("OIDC provider's stderr:\n{}", self.stderr.lock().unwrap());
        }
    }
}

/// Concerto served on a real loopback port, with the provider configured.
struct Served {
    url: String,
    store: Store,
    provider: Option<Provider>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// `oidc`: `Some(None)` starts the test provider; `Some(Some(issuer))` names another issuer.
async fn serve(oidc: Option<Option<String>>) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let store = fresh_store().await;
    for demo in concerto_demo::demo_processes(common::demo_day()) {
        let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
        store.create_process(ambito, &demo.process).await.unwrap();
    }
    let (provider, issuer) = match oidc {
        Some(None) => {
            let provider = Provider::start(&format!("{url}/accedi/spid/callback"));
            let issuer = provider.issuer.clone();
            (Some(provider), Some(issuer))
        }
        Some(Some(issuer)) => (None, Some(issuer)),
        None => (None, None),
    };
    let oidc = issuer.map(|issuer| OidcConfig::new(&issuer, CLIENT_ID, Some(CLIENT_SECRET)).unwrap());
    let state = AppState {
        sessions: store.session_store().await.unwrap(),
        store: store.clone(),
        clock: Clock::fixed(common::noon_utc(common::demo_day())),
        config: WebConfig { oidc, ..WebConfig::new(url.clone()) },
        outbox: concerto_mail::OutboxWaker::new(),
        limiter: concerto_web::limits::Limiter::new(concerto_web::limits::RateLimits::default()),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(concerto_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Served { url, store, provider, stop: Some(stop) }
}

/// A user agent: a cookie jar, and redirects followed one at a time by the test.
struct Browser {
    client: reqwest::Client,
    jar: Arc<Jar>,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Browser {
    fn new() -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        Browser { client, jar }
    }

    async fn get(&self, url: &str) -> Page {
        let response = self.client.get(url).send().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let status = response.status();
        let location = response.headers().get("location").map(|l| {
            let base = reqwest::Url::parse(url).unwrap();
            base.join(l.to_str().unwrap()).unwrap().to_string()
        });
        let body = response.text().await.unwrap();
        Page { status, location, body }
    }

    /// Follows redirects from `url` until one points under `until`; returns that address
    /// without requesting it.
    async fn follow_until(&self, url: &str, until: &str) -> String {
        let mut url = url.to_string();
        for _ in 0..12 {
            let page = self.get(&url).await;
            assert!(
                page.status.is_redirection(),
                "GET {url} answered {} instead of a redirect: {}",
                page.status,
                page.body
            );
            url = page.location.unwrap();
            if url.starts_with(until) {
                return url;
            }
        }
        panic!("too many redirects before reaching {until}");
    }

    /// The whole SPID/CIE login: Concerto, the provider and back. Returns the callback's answer.
    async fn spid_login(&self, app: &Served, next: Option<&str>) -> Page {
        let callback = self.reach_callback(app, next).await;
        self.get(&callback).await
    }

    /// From `/accedi/spid` through the provider to the callback address, not yet requested.
    async fn reach_callback(&self, app: &Served, next: Option<&str>) -> String {
        let start = match next {
            Some(next) => format!("{}/accedi/spid?next={next}", app.url),
            None => format!("{}/accedi/spid", app.url),
        };
        let to_provider = self.get(&start).await;
        assert_eq!(to_provider.status, StatusCode::SEE_OTHER, "{}", to_provider.body);
        let authorize = to_provider.location.unwrap();
        let issuer = &app.provider.as_ref().unwrap().issuer;
        assert!(authorize.starts_with(issuer.as_str()), "{authorize}");
        let query: Vec<(String, String)> = reqwest::Url::parse(&authorize)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let param = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        assert_eq!(param("response_type"), Some("code"));
        assert_eq!(param("client_id"), Some(CLIENT_ID));
        assert_eq!(param("code_challenge_method"), Some("S256"));
        assert!(param("code_challenge").is_some_and(|c| c.len() >= 43));
        assert!(param("state").is_some_and(|s| s.len() >= 16) && param("nonce").is_some_and(|n| n.len() >= 16));
        let mut scopes: Vec<&str> = param("scope").unwrap().split(' ').collect();
        scopes.sort();
        assert_eq!(scopes, ["email", "openid", "profile"]);
        self.follow_until(&authorize, &format!("{}/accedi/spid/callback", app.url)).await
    }

    fn session_cookie(&self, app: &Served) -> Option<String> {
        let cookies = self.jar.cookies(&reqwest::Url::parse(&app.url).unwrap())?;
        cookies.to_str().ok()?.split("; ").find(|c| c.starts_with("concerto_session=")).map(str::to_string)
    }
}

fn subject(app: &Served) -> String {
    format!("{}|{CITIZEN_SUB}", app.provider.as_ref().unwrap().issuer)
}

#[tokio::test]
async fn spid_login_creates_a_citizen_once_and_signs_them_in() {
    let app = serve(Some(None)).await;

    // The login page offers SPID/CIE when it is configured.
    let browser = Browser::new();
    let login = browser.get(&format!("{}/accedi", app.url)).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(
        login.body.contains("Entra con SPID o CIE") && login.body.contains("href=\"/accedi/spid?next="),
        "{}",
        login.body
    );

    // First login: the account is created as a citizen's, linked to the provider's subject.
    let callback = browser.reach_callback(&app, None).await;
    assert!(callback.contains("code="), "{callback}");
    let before = browser.session_cookie(&app).expect("the pending login lives in a session");
    let signed_in = browser.get(&callback).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.body);
    assert_eq!(signed_in.location.as_deref(), Some(format!("{}/", app.url).as_str()), "citizens land on the home page");
    let after = browser.session_cookie(&app).unwrap();
    assert_ne!(before, after, "the session id is renewed at login");
    let account = app.store.account_by_oidc_subject(&subject(&app)).await.unwrap().expect("account created");
    assert_eq!(account.principal.role, Role::Citizen);
    assert_eq!(account.principal.email, CITIZEN_EMAIL);
    assert_eq!(account.principal.ambito_id, None);
    assert_eq!(account.password_hash, None, "no password for a SPID/CIE account");
    assert!(!account.disabled);
    let by_email = app.store.credentials(CITIZEN_EMAIL).await.unwrap().unwrap();
    assert_eq!(by_email.principal.account_id, account.principal.account_id);

    // Signed in, but a citizen has no workspace; the login page knows them.
    assert_eq!(browser.get(&format!("{}/", app.url)).await.status, StatusCode::OK);
    assert_eq!(browser.get(&format!("{}/ufficio", app.url)).await.status, StatusCode::FORBIDDEN);
    assert!(browser.get(&format!("{}/accedi", app.url)).await.body.contains(CITIZEN_EMAIL));

    // Another browser, another full login: the same account, and a local `next` is followed.
    let other = Browser::new();
    let again = other.spid_login(&app, Some("/osservatorio")).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(again.location.as_deref(), Some(format!("{}/osservatorio", app.url).as_str()));
    let same = app.store.account_by_oidc_subject(&subject(&app)).await.unwrap().unwrap();
    assert_eq!(same.principal.account_id, account.principal.account_id);
    assert_eq!(other.get(&format!("{}/ufficio", app.url)).await.status, StatusCode::FORBIDDEN);

    // Back in the first browser, whose provider session is still open: a workspace
    // `next` is not where a citizen lands, and no open redirect to another site.
    let third = browser.spid_login(&app, Some("/ufficio")).await;
    assert_eq!(third.location.as_deref(), Some(format!("{}/", app.url).as_str()));
    let fourth = browser.spid_login(&app, Some("//evil.example/x")).await;
    assert_eq!(fourth.location.as_deref(), Some(format!("{}/", app.url).as_str()));

    // The account's creation and every sign-in are in the audit log, with the address.
    let log = app.store.audit_entries(None, 20, None).await.unwrap();
    let created: Vec<_> = log.iter().filter(|e| e.entry.action == "account.create").collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].entry.actor, "spid-cie");
    let sign_ins = log.iter().filter(|e| e.entry.action == "account.sign_in").count();
    assert_eq!(sign_ins, 4);
    assert!(
        log.iter().any(|e| e.entry.after.as_deref().is_some_and(|a| a.contains("127.0.0.1") && a.contains("spid-cie")))
    );
}

#[tokio::test]
async fn a_tampered_state_or_a_refusal_signs_nobody_in() {
    let app = serve(Some(None)).await;

    // A callback whose `state` was altered is refused, and the login it belonged to is spent.
    let browser = Browser::new();
    let callback = browser.reach_callback(&app, None).await;
    let mut url = reqwest::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.to_string(), if k == "state" { format!("{v}x") } else { v.into_owned() }))
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let tampered = browser.get(url.as_str()).await;
    assert_eq!(tampered.status, StatusCode::BAD_REQUEST);
    assert!(tampered.body.contains("non è valida o è scaduta"), "{}", tampered.body);
    assert!(tampered.body.contains("Entra con SPID o CIE"), "the login page again");
    let replay = browser.get(&callback).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST, "the genuine answer comes too late");
    assert_eq!(browser.get(&format!("{}/ufficio", app.url)).await.status, StatusCode::FOUND, "not signed in");
    assert!(app.store.account_by_oidc_subject(&subject(&app)).await.unwrap().is_none());

    // A callback in a session that never started a login.
    let stranger = Browser::new();
    let forged = stranger.get(&format!("{}/accedi/spid/callback?code=abc&state=def", app.url)).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);

    // The person refuses consent at the provider.
    let refusing = Browser::new();
    let deny = refusing.get(&format!("{}/__test/deny-next", app.provider.as_ref().unwrap().issuer)).await;
    assert_eq!(deny.status, StatusCode::OK);
    let refused = refusing.spid_login(&app, None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("è stato annullato o non autorizzato"), "{}", refused.body);
    assert!(app.store.account_by_oidc_subject(&subject(&app)).await.unwrap().is_none());
}

#[tokio::test]
async fn spid_login_links_an_account_with_the_same_email_and_keeps_its_role() {
    let app = serve(Some(None)).await;
    let existing = app
        .store
        .create_account(
            &concerto_store::NewAccount {
                email: "Mario.Rossi@example.org".into(),
                display_name: "Mario Rossi".into(),
                role: Role::Representative,
                ambito_id: None,
                password_hash: None,
            },
            "test",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let browser = Browser::new();
    let signed_in = browser.spid_login(&app, None).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.body);
    let linked = app.store.account_by_oidc_subject(&subject(&app)).await.unwrap().unwrap();
    assert_eq!(linked.principal.account_id, existing);
    assert_eq!(linked.principal.role, Role::Representative, "a link never changes a role");
    assert_eq!(browser.get(&format!("{}/ufficio", app.url)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_office_account_linked_to_spid_lands_in_its_workspace() {
    let app = serve(Some(None)).await;
    let ambito = app.store.ambito_id("esempio").await.unwrap();
    app.store
        .create_account(
            &concerto_store::NewAccount {
                email: CITIZEN_EMAIL.into(),
                display_name: "Mario Rossi".into(),
                role: Role::AmbitoEditor,
                ambito_id: ambito,
                password_hash: None,
            },
            "test",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let browser = Browser::new();
    let signed_in = browser.spid_login(&app, None).await;
    assert_eq!(signed_in.location.as_deref(), Some(format!("{}/ufficio", app.url).as_str()));
    assert_eq!(browser.get(&format!("{}/ufficio", app.url)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_unreachable_provider_or_none_at_all_never_makes_a_500() {
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = serve(Some(Some(issuer))).await;
    let browser = Browser::new();
    let down = browser.get(&format!("{}/accedi/spid", app.url)).await;
    assert_eq!(down.status, StatusCode::BAD_GATEWAY);
    assert!(down.body.contains("non risponde"), "{}", down.body);
    let callback = browser.get(&format!("{}/accedi/spid/callback?error=access_denied", app.url)).await;
    assert_eq!(callback.status, StatusCode::BAD_REQUEST);

    // Without OIDC configured there is no button and no route.
    let plain = serve(None).await;
    let login = browser.get(&format!("{}/accedi", plain.url)).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(!login.body.contains("/accedi/spid"));
    assert_eq!(browser.get(&format!("{}/accedi/spid", plain.url)).await.status, StatusCode::NOT_FOUND);
}

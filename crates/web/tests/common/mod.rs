//! A Concerto router on a fresh database with the demo loaded, and requests to it
//! through the public HTTP interface.

#![allow(dead_code)] // each test binary uses a different part of this module

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use concerto_demo::demo_processes;
use concerto_store::Store;
use concerto_store::testing::fresh_store;
use concerto_web::limits::{Limiter, RateLimits};
use concerto_web::{AppState, Clock, WebConfig, router};
use tower::ServiceExt;

/// The day the demo is loaded in tests, and the clock's start.
pub fn demo_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

pub fn noon_utc(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(12, 0, 0).unwrap().and_utc()
}

pub struct TestApp {
    pub router: Router,
    pub store: Store,
    pub clock: Clock,
    /// What the router was built with, for the background workers a test starts.
    pub state: AppState,
}

pub async fn app() -> TestApp {
    app_with(fresh_store().await).await
}

/// The app on the database of `url`, migrated, with the demo loaded: the first of
/// several instances sharing it.
pub async fn app_on(url: &str) -> TestApp {
    app_with(Store::open(url).await.unwrap()).await
}

async fn app_with(store: Store) -> TestApp {
    for demo in demo_processes(demo_day()) {
        let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
        store.create_process(ambito, &demo.process).await.unwrap();
    }
    router_on(store).await
}

/// The router on an empty database, as `concerto serve --no-demo` starts.
pub async fn empty_app() -> TestApp {
    router_on(fresh_store().await).await
}

async fn router_on(store: Store) -> TestApp {
    let clock = Clock::fixed(noon_utc(demo_day()));
    let state = AppState {
        sessions: store.session_store().await.unwrap(),
        store: store.clone(),
        clock: clock.clone(),
        config: WebConfig::new("http://concerto.test"),
        outbox: concerto_mail::OutboxWaker::new(),
        // Every request of a test comes from one address: the limits are tested on
        // their own (integrity.rs), not by the suites that submit many forms.
        limiter: Limiter::new(RateLimits {
            expressions: 0,
            link_resends: 0,
            corrections: 0,
            password_resets: 0,
            sign_ins: 0,
        }),
    };
    TestApp { router: router(state.clone()), store, clock, state }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestApp {
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response: Response<Body> = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    pub async fn post_json(&self, uri: &str, body: &serde_json::Value) -> Reply {
        self.send(
            Request::post(uri).header("content-type", "application/json").body(Body::from(body.to_string())).unwrap(),
        )
        .await
    }

    pub async fn post_form(&self, uri: &str, pairs: &[(&str, &str)]) -> Reply {
        let body: String =
            pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        self.send(
            Request::post(uri)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Signs in through `/accedi` and returns the session cookie.
    pub async fn login(&self, email: &str, password: &str) -> Option<String> {
        let reply = self.post_form("/accedi", &[("email", email), ("password", password)]).await;
        if reply.status != StatusCode::SEE_OTHER {
            return None;
        }
        reply
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("concerto_session="))
            .map(|c| c.split(';').next().unwrap_or_default().to_string())
    }

    /// Creates an account with a password, straight in the store.
    pub async fn account(&self, email: &str, role: concerto_domain::Role, ambito: Option<&str>) -> String {
        let ambito_id = match ambito {
            Some(slug) => self.store.ambito_id(slug).await.unwrap(),
            None => None,
        };
        let password = "una password lunga e sicura".to_string();
        let account = concerto_store::NewAccount {
            email: email.into(),
            display_name: email.into(),
            role,
            ambito_id,
            password_hash: Some(concerto_web::auth::hash_password(&password)),
        };
        self.store.create_account(&account, "test", Utc::now()).await.unwrap();
        password
    }

    /// Asks for the bulk archive `kind` ("patti", "fogli-firme") of `process` as the
    /// office does, watches its progress page until it is ready, and downloads it:
    /// the archive's entries, (name, bytes), in order. The archive worker runs while
    /// the test polls, as in the server.
    pub async fn bulk_archive(&self, process: &str, kind: &str, cookie: &str) -> Vec<(String, Vec<u8>)> {
        let form = format!("tipo={kind}");
        let start = Request::post(format!("/ufficio/processi/{process}/archivi"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .body(Body::from(form))
            .unwrap();
        let started = self.send(start).await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
        let page = started.headers["location"].to_str().unwrap().to_string();
        let queued = self.get_with(&page, "cookie", cookie).await;
        assert_eq!(queued.status, StatusCode::OK, "{}", queued.body);
        assert!(!queued.body.contains("http-equiv=\"refresh\""), "a page never reloads itself unless asked");
        assert!(queued.body.contains("?aggiorna=auto\">Aggiorna la pagina da sola"), "{}", queued.body);
        let auto = self.get_with(&format!("{page}?aggiorna=auto"), "cookie", cookie).await;
        assert!(
            auto.body.contains("<meta http-equiv=\"refresh\" content=\"2\">"),
            "asked, a pending job refreshes itself"
        );
        assert!(
            auto.body.contains("Ferma l&#x27;aggiornamento automatico")
                || auto.body.contains("Ferma l'aggiornamento automatico")
                || auto.body.contains("Ferma l&#39;aggiornamento automatico"),
            "{}",
            auto.body
        );
        assert!(queued.body.contains("<progress") && queued.body.contains("aria-live=\"polite\""));
        let worker = tokio::spawn(concerto_web::run_archive_worker(self.state.clone(), std::future::pending()));
        let mut done = None;
        for _ in 0..600 {
            let reply = self.get_with(&page, "cookie", cookie).await;
            if reply.body.contains("data-state=\"done\"") {
                done = Some(reply);
                break;
            }
            assert!(!reply.body.contains("data-state=\"failed\""), "{}", reply.body);
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        worker.abort();
        let done = done.expect("the archive is built within a minute");
        assert!(!done.body.contains("http-equiv=\"refresh\""), "a finished job stops refreshing");
        let link = format!("{page}/archivio.zip");
        assert!(done.body.contains(&format!("href=\"{link}\"")), "{}", done.body);
        let response = self
            .router
            .clone()
            .oneshot(
                Request::get(&link)
                    .header("cookie", cookie)
                    .header("accept-encoding", "gzip, deflate, br, zstd")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/zip");
        // Streamed a part at a time, past the compression untouched, with its length.
        assert!(response.headers().get("content-encoding").is_none(), "a ZIP is not compressed again");
        let announced: usize = response.headers()["content-length"].to_str().unwrap().parse().unwrap();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
        assert_eq!(bytes.len(), announced, "the length announced is the length sent");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP archive");
        (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).unwrap();
                let mut content = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
                (entry.name().to_string(), content)
            })
            .collect()
    }

    /// Serves the app on a real socket of 127.0.0.1, as `concerto serve` does, until
    /// the returned sender is dropped. Returns its base URL.
    pub async fn serve(&self) -> (String, tokio::sync::oneshot::Sender<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(concerto_web::serve(listener, self.state.clone(), async {
            let _ = stopped.await;
        }));
        (url, stop)
    }

    pub async fn get_with(&self, uri: &str, header: &str, value: &str) -> Reply {
        self.send(Request::get(uri).header(header, value).body(Body::empty()).unwrap()).await
    }
}

/// `pdf` (named `name` in an archive) is a PDF/A-2b: its XMP metadata says so.
pub fn assert_pdf_a(name: &str, pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-"), "{name} is not a PDF");
    let raw = String::from_utf8_lossy(pdf);
    assert!(
        raw.contains("<pdfaid:part>2</pdfaid:part>") && raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{name} lost its PDF/A identification"
    );
}

/// The text of a PDF as poppler's pdftotext extracts it.
pub fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) is installed");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

/// A multipart body with text fields and one optional file.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "concerto-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"avviso.txt\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes());
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Percent-encoding for form bodies and paths.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

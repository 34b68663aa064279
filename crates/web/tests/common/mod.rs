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
}

pub async fn app() -> TestApp {
    let store = fresh_store().await;
    for demo in demo_processes(demo_day()) {
        let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
        store.create_process(ambito, &demo.process).await.unwrap();
    }
    let clock = Clock::fixed(noon_utc(demo_day()));
    let state = AppState {
        sessions: store.session_store().await.unwrap(),
        store: store.clone(),
        clock: clock.clone(),
        config: WebConfig { public_url: "http://concerto.test".into(), oidc: None },
        outbox: concerto_mail::OutboxWaker::new(),
    };
    TestApp { router: router(state), store, clock }
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
            Request::post(uri)
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    pub async fn post_form(&self, uri: &str, pairs: &[(&str, &str)]) -> Reply {
        let body: String = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
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
        self.store.create_account(&account, Utc::now()).await.unwrap();
        password
    }

    pub async fn get_with(&self, uri: &str, header: &str, value: &str) -> Reply {
        self.send(Request::get(uri).header(header, value).body(Body::empty()).unwrap()).await
    }
}

/// A multipart body with text fields and one optional file.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "concerto-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
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

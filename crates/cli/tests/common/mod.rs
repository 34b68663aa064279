//! The `concerto` binary as an operator runs it: a server process on a free port
//! of a fresh database, citizens submitting over HTTP, and the signals systemd sends.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const BINARY: &str = env!("CARGO_BIN_EXE_concerto");

pub struct Server {
    child: Child,
    pub base: String,
    /// Everything the server logged, stdout and stderr.
    pub log: PathBuf,
}

impl Server {
    /// Starts `concerto serve` on `database_url` with `extra` flags and waits for /healthz.
    pub async fn start(database_url: &str, extra: &[&str]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = std::env::temp_dir().join(format!("concerto-cli-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("server.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(BINARY)
            .args(["serve", "--database-url", database_url, "--listen", &format!("127.0.0.1:{port}")])
            .args(extra)
            .env("CONCERTO_OUTBOX_DIR", dir.join("outbox"))
            // Each rush here comes from one address: the limits on public writes are
            // tested on their own (crates/web/tests/integrity.rs).
            .env("CONCERTO_LIMIT_EXPRESSIONS", "0")
            .env_remove("RUST_LOG")
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let server = Server { child, base: format!("http://127.0.0.1:{port}"), log };
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if let Ok(r) = reqwest::get(format!("{}/healthz", server.base)).await
                && r.status() == 200
            {
                return server;
            }
            assert!(Instant::now() < deadline, "the server did not start: {}", server.log_text());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM, as `systemctl stop` does.
    pub fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
    }

    /// Waits for the process to end, at most `limit`.
    pub async fn wait(mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not stop within {limit:?}: {}", self.log_text());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that shows redirects instead of following them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The open demo process (its slug) and its first thematic area.
pub async fn open_process(base: &str) -> (String, i64) {
    let list: Value = reqwest::get(format!("{base}/api/v1/processes")).await.unwrap().json_value().await;
    for summary in list["processes"].as_array().expect("a list of processes") {
        let process: Value =
            reqwest::get(format!("{base}{}", summary["url"].as_str().unwrap())).await.unwrap().json_value().await;
        if process["accepting_expressions"] == true {
            return (process["slug"].as_str().unwrap().to_owned(), process["areas"][0]["id"].as_i64().unwrap());
        }
    }
    panic!("no demo process is open: {list}");
}

trait JsonValue {
    async fn json_value(self) -> Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Value {
        serde_json::from_str(&self.text().await.unwrap()).unwrap()
    }
}

/// The `n`th valid organization tax code, away from the ones other tests use.
pub fn entity_code(n: u64) -> String {
    concerto_store::testing::entity_tax_code(3_000_000_000 + n)
}

/// An organization's expression for `area`, with personal data that a test can look for.
pub fn expression(area: i64, tax_code: &str, email: &str, person: &str) -> Value {
    json!({
        "applicant": {"kind": "organization", "name": "Associazione Il Faro ODV", "legal_form": "odv",
                      "tax_code": tax_code, "legal_representative": person,
                      "address": "Via Roma 1", "municipality": "Esempio", "email": email,
                      "founded_on": "2010-05-01"},
        "participations": [{"area_id": area, "representative": {"name": person, "email": email}}],
        "privacy_accepted": true, "declaration_accepted": true
    })
}

/// What a 201 answered: the protocol number and the secret link's token.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub protocol: String,
    pub token: String,
    pub answered_at: Instant,
}

/// Submits; `Some` when answered 201, `None` when refused or not answered.
pub async fn submit(client: &reqwest::Client, base: &str, slug: &str, body: &Value) -> Option<Accepted> {
    let reply = client
        .post(format!("{base}/api/v1/processes/{slug}/expressions"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .ok()?;
    if reply.status() != 201 {
        return None;
    }
    let created: Value = serde_json::from_str(&reply.text().await.ok()?).ok()?;
    Some(Accepted {
        protocol: created["protocol_number"].as_str()?.to_owned(),
        token: created["manage_url"].as_str()?.rsplit('/').next()?.to_owned(),
        answered_at: Instant::now(),
    })
}

/// Uploads `file` as the signed pact behind `token`.
pub async fn upload_signed_pact(client: &reqwest::Client, base: &str, token: &str, file: &[u8]) -> u16 {
    let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"patto.pdf\"\r\nContent-Type: application/pdf\r\n\r\n".to_vec();
    body.extend_from_slice(file);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    client
        .post(format!("{base}/manifestazioni/{token}/patto/firmato"))
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// "2026/0000042" as (2026, 42).
pub fn protocol_parts(protocol: &str) -> (i32, i64) {
    let (year, sequence) = protocol.split_once('/').unwrap();
    (year.parse().unwrap(), sequence.parse().unwrap())
}

/// Runs the binary with `args` to its end: its status and what it printed.
pub async fn run(args: &[&str]) -> (bool, String) {
    let args: Vec<String> = args.iter().map(std::string::ToString::to_string).collect();
    let output =
        tokio::task::spawn_blocking(move || Command::new(BINARY).args(&args).stdin(Stdio::null()).output().unwrap())
            .await
            .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

/// Citizens submitting one after the other on `workers` connections, each with its
/// own organization, until stopped.
pub struct Rush {
    answered: Arc<Mutex<Vec<Accepted>>>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Rush {
    pub fn start(client: &reqwest::Client, base: &str, slug: &str, area: i64, workers: u64) -> Rush {
        let answered = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let tasks = (0..workers)
            .map(|worker| {
                let (client, base, slug) = (client.clone(), base.to_owned(), slug.to_owned());
                let (answered, stop) = (answered.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut n = 1000 + worker * 100_000;
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        let body = expression(area, &entity_code(n), &format!("ente{n}@example.org"), "Luca Verdi");
                        if let Some(accepted) = submit(&client, &base, &slug, &body).await {
                            answered.lock().unwrap().push(accepted);
                        }
                    }
                })
            })
            .collect();
        Rush { answered, stop, tasks }
    }

    /// Stops the submissions and returns every one answered 201.
    pub async fn stop(self) -> Vec<Accepted> {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.unwrap();
        }
        self.answered.lock().unwrap().clone()
    }
}

//! `GET /metrics` in the Prometheus text format (version 0.0.4), written here: the
//! requests by route template and status with their latency, and what the database
//! says about the outbox, the archive jobs and the pools. Readable from the machine
//! itself, or anywhere with the configured token; `/readyz` tells a load balancer
//! whether this instance may take traffic.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use crate::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Every state an archive job may be in, so that a state with no job reads 0.
const ARCHIVE_STATES: [&str; 4] = ["queued", "running", "done", "failed"];

/// What the requests of one method and route added up to.
#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    /// Not cumulative: the requests that fell in each bucket (the last one is +Inf).
    buckets: [u64; BUCKETS.len() + 1],
    seconds: f64,
    count: u64,
}

/// The counters of this process since it started. Labels come only from the
/// router's templates and a fixed list of methods, so their number is bounded.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<(&'static str, String), RouteStats>>,
}

impl Metrics {
    pub fn record(&self, method: &'static str, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        let stats = routes.entry((method, route.to_owned())).or_default();
        *stats.by_status.entry(status).or_default() += 1;
        let bucket = BUCKETS.iter().position(|&le| seconds <= le).unwrap_or(BUCKETS.len());
        stats.buckets[bucket] += 1;
        stats.seconds += seconds;
        stats.count += 1;
    }

    fn write_requests(&self, out: &mut String) {
        let routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        family(
            out,
            "concerto_http_requests_total",
            "counter",
            "Requests answered, by method, route template and status.",
        );
        for ((method, route), stats) in routes.iter() {
            for (status, n) in &stats.by_status {
                let labels = format!("method=\"{method}\",route=\"{}\",status=\"{status}\"", escape(route));
                sample(out, "concerto_http_requests_total", &labels, *n as f64);
            }
        }
        let name = "concerto_http_request_duration_seconds";
        family(out, name, "histogram", "Time to answer, by method and route template.");
        for ((method, route), stats) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            let mut cumulative = 0;
            for (i, n) in stats.buckets.iter().enumerate() {
                cumulative += n;
                let le = BUCKETS.get(i).map_or_else(|| "+Inf".to_owned(), f64::to_string);
                sample(out, &format!("{name}_bucket"), &format!("{labels},le=\"{le}\""), cumulative as f64);
            }
            sample(out, &format!("{name}_sum"), &labels, stats.seconds);
            sample(out, &format!("{name}_count"), &labels, stats.count as f64);
        }
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, labels: &str, value: f64) {
    if labels.is_empty() {
        let _ = writeln!(out, "{name} {value}");
    } else {
        let _ = writeln!(out, "{name}{{{labels}}} {value}");
    }
}

/// A label value as the text format wants it.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Who may read the metrics: a client on this machine that no proxy forwarded, or
/// anyone with the token. A reverse proxy on the same machine connects from
/// loopback too, so a request it forwarded needs the token.
fn may_read(headers: &HeaderMap, peer: Option<SocketAddr>, token: Option<&str>) -> bool {
    let forwarded = ["forwarded", "x-forwarded-for", "x-real-ip"].iter().any(|h| headers.contains_key(*h));
    let local = peer.is_some_and(|p| p.ip().is_loopback()) && !forwarded;
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let token_matches =
        matches!((token, bearer), (Some(t), Some(b)) if !t.is_empty() && crate::security::constant_time_eq(t, b));
    local || token_matches
}

pub async fn scrape(State(state): State<AppState>, request: Request) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    if !may_read(request.headers(), peer, state.config.metrics_token.as_deref()) {
        return (
            StatusCode::FORBIDDEN,
            "Metriche leggibili solo da questa macchina o con il token (CONCERTO_METRICS_TOKEN).",
        )
            .into_response();
    }
    let Some(metrics) = request.extensions().get::<Arc<Metrics>>().cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut out = String::new();
    family(&mut out, "concerto_build_info", "gauge", "The running build.");
    sample(&mut out, "concerto_build_info", &format!("version=\"{}\"", env!("CARGO_PKG_VERSION")), 1.0);
    metrics.write_requests(&mut out);
    write_store(&mut out, &state).await;
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response()
}

/// The figures read from the database; when it does not answer, `concerto_database_up`
/// says so and the rest is left out.
async fn write_store(out: &mut String, state: &AppState) {
    let store = &state.store;
    family(out, "concerto_db_pool_connections", "gauge", "Open connections of each pool, in use or idle.");
    for pool in store.pool_stats() {
        let in_use = (pool.size as usize).saturating_sub(pool.idle);
        sample(out, "concerto_db_pool_connections", &format!("pool=\"{}\",state=\"in_use\"", pool.pool), in_use as f64);
        sample(
            out,
            "concerto_db_pool_connections",
            &format!("pool=\"{}\",state=\"idle\"", pool.pool),
            pool.idle as f64,
        );
    }
    let figures =
        async { Ok::<_, concerto_store::StoreError>((store.outbox_stats().await?, store.archive_job_counts().await?)) };
    let (outbox, archives) = match figures.await {
        Ok(figures) => {
            family(out, "concerto_database_up", "gauge", "1 when the database answered this scrape.");
            sample(out, "concerto_database_up", "", 1.0);
            figures
        }
        Err(error) => {
            tracing::error!(%error, "metrics: the database does not answer");
            family(out, "concerto_database_up", "gauge", "1 when the database answered this scrape.");
            sample(out, "concerto_database_up", "", 0.0);
            return;
        }
    };
    family(out, "concerto_outbox_pending_messages", "gauge", "Messages in the outbox not sent yet.");
    sample(out, "concerto_outbox_pending_messages", "", outbox.pending as f64);
    family(out, "concerto_outbox_failing_messages", "gauge", "Messages not sent yet whose last attempt failed.");
    sample(out, "concerto_outbox_failing_messages", "", outbox.failing as f64);
    family(
        out,
        "concerto_outbox_oldest_pending_age_seconds",
        "gauge",
        "Age of the oldest message not sent yet (0 when none).",
    );
    let age = outbox.oldest.map_or(0.0, |t| (Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0);
    sample(out, "concerto_outbox_oldest_pending_age_seconds", "", age);
    family(out, "concerto_archive_jobs", "gauge", "Bulk archive jobs by state.");
    for state in ARCHIVE_STATES {
        let n = archives.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n);
        sample(out, "concerto_archive_jobs", &format!("state=\"{state}\""), n as f64);
    }
}

/// 200 when this instance may take traffic: the database answers, its schema is
/// this build's and no migration is under way; 503 otherwise.
pub async fn ready(State(state): State<AppState>) -> StatusCode {
    match state.store.schema_ready().await {
        Ok(true) => StatusCode::OK,
        Ok(false) => StatusCode::SERVICE_UNAVAILABLE,
        Err(error) => {
            tracing::error!(%error, "readiness check failed");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), v.parse().unwrap())).collect()
    }

    #[test]
    fn only_this_machine_or_the_token_reads_the_metrics() {
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let remote: SocketAddr = "192.0.2.7:5000".parse().unwrap();
        assert!(may_read(&headers(&[]), Some(local), None));
        assert!(!may_read(&headers(&[]), Some(remote), None));
        assert!(!may_read(&headers(&[("x-forwarded-for", "192.0.2.7")]), Some(local), None), "through the proxy");
        assert!(!may_read(&headers(&[]), None, None));
        assert!(may_read(&headers(&[("authorization", "Bearer s3cret")]), Some(remote), Some("s3cret")));
        assert!(!may_read(&headers(&[("authorization", "Bearer wrong")]), Some(remote), Some("s3cret")));
        assert!(!may_read(&headers(&[("authorization", "Bearer ")]), Some(remote), Some("")), "an empty token is none");
    }

    #[test]
    fn the_histogram_is_cumulative_and_ends_with_every_request() {
        let metrics = Metrics::default();
        metrics.record("GET", "/processi/{slug}", 200, Duration::from_millis(3));
        metrics.record("GET", "/processi/{slug}", 404, Duration::from_millis(300));
        metrics.record("GET", "/processi/{slug}", 200, Duration::from_secs(20));
        let mut out = String::new();
        metrics.write_requests(&mut out);
        assert!(
            out.contains("concerto_http_requests_total{method=\"GET\",route=\"/processi/{slug}\",status=\"200\"} 2\n")
        );
        assert!(out.contains("_bucket{method=\"GET\",route=\"/processi/{slug}\",le=\"0.005\"} 1\n"));
        assert!(out.contains("_bucket{method=\"GET\",route=\"/processi/{slug}\",le=\"0.5\"} 2\n"));
        assert!(out.contains("_bucket{method=\"GET\",route=\"/processi/{slug}\",le=\"10\"} 2\n"));
        assert!(out.contains("_bucket{method=\"GET\",route=\"/processi/{slug}\",le=\"+Inf\"} 3\n"));
        assert!(out.contains("_count{method=\"GET\",route=\"/processi/{slug}\"} 3\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}

//! Fresh databases for tests. Every test suite of the project runs on SQLite, and on
//! PostgreSQL when `CONCERTO_TEST_DATABASE_URL` names a server: `.ci/run` runs it
//! both ways.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::Store;

/// The prefix of the databases tests create on PostgreSQL; `.ci/run` drops them.
pub const PG_TEST_DATABASE_PREFIX: &str = "concerto_t_";

/// A database URL no other test uses: a new SQLite file, or a new PostgreSQL
/// database created on the server of `CONCERTO_TEST_DATABASE_URL`.
pub async fn fresh_database_url() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let unique = format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros()
    );
    match std::env::var("CONCERTO_TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => {
            let name = format!("{PG_TEST_DATABASE_PREFIX}{unique}");
            let admin = Store::connect(&server).await.expect("test PostgreSQL server answers");
            admin.execute_admin(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            admin.close().await;
            with_database(&server, &name)
        }
        _ => {
            let dir = std::env::temp_dir().join("concerto-tests");
            std::fs::create_dir_all(&dir).expect("create temp dir");
            format!("sqlite://{}", dir.join(format!("{unique}.db")).display())
        }
    }
}

/// A migrated, empty store on a fresh database.
pub async fn fresh_store() -> Store {
    Store::open(&fresh_database_url().await).await.expect("open fresh test store")
}

/// A valid 11-digit tax code of an organization: `n` as ten digits and its Luhn
/// check digit.
pub fn entity_tax_code(n: u64) -> String {
    let body = format!("{n:010}");
    let sum: u32 = body
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap_or(0);
            if i % 2 == 0 {
                d
            } else if d * 2 > 9 {
                d * 2 - 9
            } else {
                d * 2
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// `postgres://u@h:5432/test?x=y` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_name_is_replaced_and_the_query_kept() {
        assert_eq!(
            super::with_database("postgres://root@127.0.0.1:5432/test?sslmode=disable", "x"),
            "postgres://root@127.0.0.1:5432/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://127.0.0.1", "x"), "postgres://127.0.0.1/x");
    }
}

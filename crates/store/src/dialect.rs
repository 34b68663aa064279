//! The statements that differ between SQLite and PostgreSQL.

/// Serializes schema changes across instances that start together on one
/// PostgreSQL. SQLite needs nothing: its writer pool has one connection.
pub const PG_MIGRATION_LOCK: &str = "SELECT pg_advisory_lock(4242001)";
pub const PG_MIGRATION_UNLOCK: &str = "SELECT pg_advisory_unlock(4242001)";
/// How many sessions hold that lock on this database now (advisory locks are per
/// database): a bigint key shows in `pg_locks` as its high half (`classid`) and low
/// half (`objid`), with `objsubid` 1.
pub const PG_MIGRATION_RUNNING: &str = "SELECT COUNT(*) FROM pg_locks
    WHERE locktype = 'advisory' AND classid = 0 AND objid = 4242001 AND objsubid = 1 AND granted
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

/// How many tables of the application the database holds.
pub fn count_tables(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        crate::Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    }
}

/// Claims due messages for one worker: their next attempt moves past a lease, so a
/// second worker (another instance) does not send them too, and a worker that dies
/// gives them back when the lease ends. PostgreSQL skips rows another worker is
/// claiming; SQLite has one writer, so the plain statement is already exclusive.
const CLAIM_DUE_EMAILS_HEAD: &str = "UPDATE outbox SET next_attempt = $2 WHERE id IN (
    SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt <= $1 ORDER BY id LIMIT $3";
const CLAIM_DUE_EMAILS_TAIL: &str = ") RETURNING id, dedup_key, recipient, subject, body, html, attempts";

pub fn claim_due_emails(backend: crate::Backend) -> String {
    format!("{CLAIM_DUE_EMAILS_HEAD}{}{CLAIM_DUE_EMAILS_TAIL}", skip_locked(backend))
}

/// The lock clause of a claim's inner SELECT: PostgreSQL skips rows another worker
/// is claiming; SQLite has one writer, so the plain statement is already exclusive.
fn skip_locked(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        crate::Backend::Sqlite => "",
    }
}

/// Claims the oldest archive job waiting, or left running past its lease by a
/// worker that stopped, bound to (now, lease_until). Like the outbox's claim,
/// PostgreSQL skips a row another instance is claiming.
pub fn claim_archive(backend: crate::Backend, columns: &str) -> String {
    let lock = skip_locked(backend);
    format!(
        "UPDATE archive_jobs SET state = 'running', attempts = attempts + 1, done_count = 0, lease_until = $2,
         started_at = COALESCE(started_at, $1)
         WHERE id IN (SELECT id FROM archive_jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < $1)
                      ORDER BY id LIMIT 1{lock})
         RETURNING {columns}"
    )
}

/// The statement that keeps a record's full-text row in step with its content,
/// bound to (id, title, body). PostgreSQL needs none: its tsvector column is
/// generated from the record's own columns. Picked by connection type, because it
/// runs inside `on_pool!` once per backend.
pub(crate) trait FtsDialect {
    const UPSERT: Option<&'static str>;
}

impl FtsDialect for sqlx::sqlite::SqliteConnection {
    const UPSERT: Option<&'static str> =
        Some("INSERT OR REPLACE INTO observatory_fts (rowid, title, body) VALUES ($1, $2, $3)");
}

impl FtsDialect for sqlx::postgres::PgConnection {
    const UPSERT: Option<&'static str> = None;
}

pub(crate) fn fts_rewrite<C: FtsDialect>(_: &C) -> Option<&'static str> {
    C::UPSERT
}

/// The full-text query for search words that are letters and digits only (see
/// `concerto_domain::observatory::search_terms`): every word must match, as a
/// prefix, accents ignored. Empty when there are no words.
pub fn fts_query(backend: crate::Backend, terms: &[String]) -> String {
    let words = terms.iter().filter(|t| t.chars().all(char::is_alphanumeric));
    match backend {
        crate::Backend::Sqlite => words.map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" "),
        crate::Backend::Postgres => words.map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & "),
    }
}

/// The facet filters of a search, `$2` to `$7` in `FACETS` order, on records `r`.
const RECORD_FILTERS: &str = "r.listed AND ($2 IS NULL OR r.region = $2) AND ($3 IS NULL OR r.province = $3)
    AND ($4 IS NULL OR r.ambito = $4)
    AND ($5 IS NULL OR EXISTS (SELECT 1 FROM observatory_record_areas fa WHERE fa.record_id = r.id AND fa.area = $5))
    AND ($6 IS NULL OR r.cycle = $6) AND ($7 IS NULL OR r.status = $7)";

/// The records `r` a search matches: `$1` is the full-text query, empty for none.
fn matched_records(backend: crate::Backend, has_terms: bool) -> String {
    match (backend, has_terms) {
        (_, false) => format!("observatory_records r WHERE $1 = '' AND {RECORD_FILTERS}"),
        // The full-text index drives: each match then looks its record up by id.
        (crate::Backend::Sqlite, true) => format!(
            "observatory_fts CROSS JOIN observatory_records r ON r.id = observatory_fts.rowid
             WHERE observatory_fts MATCH $1 AND {RECORD_FILTERS}"
        ),
        (crate::Backend::Postgres, true) => format!(
            "observatory_records r WHERE r.search @@ to_tsquery('concerto_it', $1) AND {RECORD_FILTERS}"
        ),
    }
}

/// The ids of every record a search matches (`$1` the full-text query, `$2` to
/// `$7` the filters), best match first; without words, the newest processes first.
pub fn observatory_matches(backend: crate::Backend, has_terms: bool) -> String {
    let order = match (backend, has_terms) {
        (_, false) => "r.start_year DESC, r.title, r.id",
        (crate::Backend::Sqlite, true) => "bm25(observatory_fts, 10.0, 1.0), r.id",
        (crate::Backend::Postgres, true) => "ts_rank(r.search, to_tsquery('concerto_it', $1)) DESC, r.id",
    };
    format!("SELECT r.id FROM {} ORDER BY {order}", matched_records(backend, has_terms))
}

/// The facet counts of every record a search matches (same parameters as
/// [`observatory_matches`]): rows of (facet, value, n). The matches are
/// found once; each area's count walks from them to their areas.
pub fn observatory_facets(backend: crate::Backend, has_terms: bool) -> String {
    // SQLite's CROSS JOIN keeps the matches as the outer loop; PostgreSQL plans it itself.
    let join = match backend {
        crate::Backend::Sqlite => "CROSS JOIN",
        crate::Backend::Postgres => "JOIN",
    };
    format!(
        "WITH matched AS MATERIALIZED (SELECT r.id, r.region, r.province, r.ambito, r.cycle, r.status FROM {matched})
         SELECT 'region' AS facet, region AS value, COUNT(*) AS n FROM matched GROUP BY region
         UNION ALL SELECT 'province', province, COUNT(*) FROM matched GROUP BY province
         UNION ALL SELECT 'ambito', ambito, COUNT(*) FROM matched GROUP BY ambito
         UNION ALL SELECT 'area', ra.area, COUNT(*) FROM matched m
             {join} observatory_record_areas ra ON ra.record_id = m.id GROUP BY ra.area
         UNION ALL SELECT 'cycle', cycle, COUNT(*) FROM matched WHERE cycle IS NOT NULL GROUP BY cycle
         UNION ALL SELECT 'status', status, COUNT(*) FROM matched GROUP BY status
         ORDER BY 1, 3 DESC, 2",
        matched = matched_records(backend, has_terms)
    )
}

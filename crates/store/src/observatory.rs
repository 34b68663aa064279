//! The observatory's records, their versions, the proposed completions and the
//! full-text search with facets.
//!
//! Records of processes run on Concerto are derived at read time when stale: every
//! change to a process (status, sessions, the Ambito's profile) raises its
//! `revision`, and [`Store::refresh_observatory`] re-derives the records whose
//! process revision moved since. A new version is written only when the derived
//! content differs. This keeps the derivation in one place, without touching every
//! write path of the processes, and costs one indexed query per catalogue read.

use chrono::{DateTime, Datelike, Utc};
use concerto_domain::observatory::{
    AreaFigures, Completion, Correction, Moderation, RecordContent, RecordSource, derive_record,
};
use concerto_domain::{AuditEntry, ProcessStatus};
use sqlx::Connection;

use crate::audit::audited;
use crate::outbox::enqueue_on;
use crate::rows::{Columns, corrupt};
use crate::{Result, Store, StoreError, on_pool};

mod index;
mod search;

pub use concerto_domain::observatory::highlight::{MARK_END, MARK_START};
pub(crate) use search::SearchIndex;
pub use search::{FacetCount, SearchHit, SearchPage};

/// A record as the catalogue holds it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub id: i64,
    pub source: RecordSource,
    /// The slug of the Concerto process a derived record follows.
    pub process_slug: Option<String>,
    pub process_id: Option<i64>,
    pub version: i32,
    pub content: RecordContent,
    pub updated_at: DateTime<Utc>,
}

/// One kept version of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordVersion {
    pub version: i32,
    pub content: RecordContent,
    pub created_at: DateTime<Utc>,
    pub note: String,
}

/// A proposed completion waiting for a moderator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCorrection {
    pub id: i64,
    pub record_id: i64,
    pub record_title: String,
    pub base_version: i32,
    pub completion: Completion,
    pub name: String,
    pub email: String,
    pub submitted_at: DateTime<Utc>,
}

/// Counts for the statistics page: (label, count) in display order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservatoryStats {
    pub per_year: Vec<(String, i64)>,
    pub per_province: Vec<(String, i64)>,
    pub participants_per_area: Vec<(String, i64)>,
    pub organizations_per_legal_form: Vec<(String, i64)>,
}

/// A record's columns on `r` and its process `p`.
const RECORD_COLUMNS: &str = "r.id, r.source, r.process_id, r.version, r.content, r.updated_at, p.slug AS process_slug";
const RECORD_FROM: &str = "observatory_records r LEFT JOIN processes p ON p.id = r.process_id";

/// Public processes whose record is missing, and records whose process changed.
const STALE: &str = "SELECT p.id, p.revision, p.status FROM processes p
    LEFT JOIN observatory_records r ON r.process_id = p.id
    WHERE (r.id IS NULL AND p.status <> 'draft') OR (r.id IS NOT NULL AND r.source_revision <> p.revision)";

const INSERT_RECORD: &str = "INSERT INTO observatory_records (process_id, source, source_revision, listed, version,
    title, search_body, region, province, ambito, cycle, status, start_year, content, created_at, updated_at, revision)
    VALUES ($1, $2, $3, TRUE, 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING id";

const UPDATE_RECORD: &str = "UPDATE observatory_records SET version = $2, title = $3, search_body = $4, region = $5,
    province = $6, ambito = $7, cycle = $8, status = $9, start_year = $10, content = $11, updated_at = $12,
    revision = $13 WHERE id = $1";

/// Raises the catalogue's revision, first in the transaction of every write to a
/// record, which stamps the record with it. Its row stays locked to the commit,
/// so revisions commit in order: a search that reads revision N finds every
/// record stamped up to N, and loads into its index the ones stamped after the
/// revision it held.
const BUMP_REVISION: &str = "UPDATE observatory_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision";

/// Lists or unlists a derived record with its process.
const SET_LISTED: &str =
    "UPDATE observatory_records SET listed = $2, source_revision = $3, revision = $4 WHERE id = $1";

const INSERT_VERSION: &str =
    "INSERT INTO observatory_versions (record_id, version, content, created_at, note) VALUES ($1, $2, $3, $4, $5)";

/// Binds the search columns of `$content` after `$query`'s earlier parameters.
macro_rules! bind_content {
    ($query:expr, $content:expr, $json:expr) => {{
        let c: &RecordContent = $content;
        let (title, body) = c.search_text();
        $query
            .bind(title)
            .bind(body)
            .bind(c.region.clone())
            .bind(c.province.clone())
            .bind(c.ambito.clone())
            .bind(c.cycle.map(|cy| cy.to_string()))
            .bind(c.status.code())
            .bind(start_year(c))
            .bind($json)
    }};
}

/// Writes what follows a record's new content, through `$conn` inside the caller's
/// transaction: its areas and the kept version.
macro_rules! index_version {
    ($conn:expr, $id:expr, $version:expr, $content:expr, $json:expr, $at:expr, $note:expr) => {
        async {
            let conn = $conn;
            let id: i64 = $id;
            let content: &RecordContent = $content;
            sqlx::query("DELETE FROM observatory_record_areas WHERE record_id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            let mut areas: Vec<&String> = content.areas.iter().collect();
            areas.sort();
            areas.dedup();
            for area in areas {
                sqlx::query("INSERT INTO observatory_record_areas (record_id, area) VALUES ($1, $2)")
                    .bind(id)
                    .bind(area)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query(INSERT_VERSION)
                .bind(id)
                .bind($version)
                .bind($json)
                .bind($at)
                .bind($note)
                .execute(&mut *conn)
                .await?;
            Ok::<(), StoreError>(())
        }
    };
}

fn start_year(c: &RecordContent) -> Option<i32> {
    c.starts_on.map(|d| d.year()).or(c.cycle.map(|cy| cy.from))
}

fn to_json(content: &RecordContent) -> Result<String> {
    serde_json::to_string(content).map_err(|e| StoreError::Corrupt { column: "content", detail: e.to_string() })
}

fn from_json<T: serde::de::DeserializeOwned>(column: &'static str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt { column, detail: e.to_string() })
}

fn record_from_row(row: &impl Columns) -> Result<StoredRecord> {
    let source = row.text("source")?;
    Ok(StoredRecord {
        id: row.int("id")?,
        source: RecordSource::from_code(&source).ok_or_else(|| corrupt("source", &source))?,
        process_slug: row.opt_text("process_slug")?,
        process_id: row.opt_int("process_id")?,
        version: row.small("version")?,
        content: from_json("content", &row.text("content")?)?,
        updated_at: row.instant("updated_at")?,
    })
}

impl Store {
    /// Derives the records of public Concerto processes that are missing or stale,
    /// and unlists those whose process went back to draft. Cheap when nothing
    /// changed: one query on the read pool.
    pub async fn refresh_observatory(&self, now: DateTime<Utc>) -> Result<()> {
        let stale: Vec<(i64, i32, String)> = on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(STALE).fetch_all(pool).await?;
                rows.iter()
                    .map(|r| Ok((r.int("id")?, r.small("revision")?, r.text("status")?)))
                    .collect::<Result<Vec<_>>>()?
            }
        );
        for (process_id, revision, status) in stale {
            let public = status != ProcessStatus::Draft.code();
            let derived = match self.process_by_id(process_id).await? {
                Some(process) if public => Some(derive_record(&process)),
                _ => None,
            };
            match self.write_derived(process_id, revision, derived, now).await {
                // Another reader derived it first, on another connection or instance.
                Err(StoreError::Database(sqlx::Error::Database(db))) if db.is_unique_violation() => {}
                other => other?,
            }
        }
        Ok(())
    }

    async fn write_derived(
        &self,
        process_id: i64,
        revision: i32,
        derived: Option<RecordContent>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                let mut conn = pool.acquire().await?;
                let mut tx = conn.begin().await?;
                // Read again inside the transaction: another reader may have refreshed it
                // meanwhile, and the revision decides.
                let current = sqlx::query(
                    "SELECT id, version, content, source_revision FROM observatory_records WHERE process_id = $1",
                )
                .bind(process_id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|row| {
                    Ok::<_, StoreError>((
                        row.int("id")?,
                        row.small("version")?,
                        row.text("content")?,
                        row.small("source_revision")?,
                    ))
                })
                .transpose()?;
                if current.as_ref().is_some_and(|c| c.3 == revision) {
                    return Ok(());
                }
                if current.is_none() && derived.is_none() {
                    // Nothing to write: the transaction read only.
                    return Ok(());
                }
                let stamp: i64 = sqlx::query_scalar(BUMP_REVISION).fetch_one(&mut *tx).await?;
                match (current, derived) {
                    (None, None) => {}
                    (None, Some(content)) => {
                        let json = to_json(&content)?;
                        let query = sqlx::query_scalar(INSERT_RECORD)
                            .bind(Some(process_id))
                            .bind(RecordSource::Concerto.code())
                            .bind(Some(revision));
                        let id: i64 =
                            bind_content!(query, &content, &json).bind(now).bind(stamp).fetch_one(&mut *tx).await?;
                        index_version!(&mut *tx, id, 1i32, &content, &json, now, "derived").await?;
                    }
                    (Some((id, _, _, _)), None) => {
                        sqlx::query(SET_LISTED)
                            .bind(id)
                            .bind(false)
                            .bind(revision)
                            .bind(stamp)
                            .execute(&mut *tx)
                            .await?;
                    }
                    (Some((id, version, json, _)), Some(derived)) => {
                        let current: RecordContent = from_json("content", &json)?;
                        let content = current.refreshed(derived);
                        if content != current {
                            let json = to_json(&content)?;
                            let query = sqlx::query(UPDATE_RECORD).bind(id).bind(version + 1);
                            bind_content!(query, &content, &json).bind(now).bind(stamp).execute(&mut *tx).await?;
                            index_version!(&mut *tx, id, version + 1, &content, &json, now, "derived").await?;
                        }
                        sqlx::query(SET_LISTED)
                            .bind(id)
                            .bind(true)
                            .bind(revision)
                            .bind(stamp)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                tx.commit().await?;
                Ok(())
            }
        )
    }

    /// Stores records of processes run elsewhere, in one transaction, with the
    /// audit entry of who wrote them when there is one. Returns their ids.
    pub async fn create_observatory_records(
        &self,
        contents: &[RecordContent],
        source: RecordSource,
        now: DateTime<Utc>,
        audit: Option<&AuditEntry>,
    ) -> Result<Vec<i64>> {
        for content in contents {
            content.validate()?;
        }
        audited!(self, maybe audit, |tx| {
            let stamp: i64 = sqlx::query_scalar(BUMP_REVISION).fetch_one(&mut *tx).await?;
            let mut ids = Vec::with_capacity(contents.len());
            for content in contents {
                let json = to_json(content)?;
                let query =
                    sqlx::query_scalar(INSERT_RECORD).bind(None::<i64>).bind(source.code()).bind(None::<i32>);
                let id: i64 =
                    bind_content!(query, content, &json).bind(now).bind(stamp).fetch_one(&mut *tx).await?;
                index_version!(&mut *tx, id, 1i32, content, &json, now, source.code()).await?;
                ids.push(id);
            }
            ids
        })
    }

    /// A listed record.
    pub async fn observatory_record(&self, id: i64) -> Result<Option<StoredRecord>> {
        on_pool!(
            self,
            read | pool | {
                let sql = format!("SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} WHERE r.id = $1 AND r.listed");
                let row = sqlx::query(&sql).bind(id).fetch_optional(pool).await?;
                row.as_ref().map(record_from_row).transpose()
            }
        )
    }

    /// Every version of a record, newest first.
    pub async fn observatory_versions(&self, id: i64) -> Result<Vec<RecordVersion>> {
        on_pool!(
            self,
            read | pool
                | {
                    let rows = sqlx::query(
                "SELECT version, content, created_at, note FROM observatory_versions WHERE record_id = $1 ORDER BY version DESC",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(RecordVersion {
                                version: r.small("version")?,
                                content: from_json("content", &r.text("content")?)?,
                                created_at: r.instant("created_at")?,
                                note: r.text("note")?,
                            })
                        })
                        .collect()
                }
        )
    }

    /// Every listed record, by start year and title: the catalogue's open data.
    pub async fn observatory_catalogue(&self) -> Result<Vec<StoredRecord>> {
        on_pool!(
            self,
            read | pool
                | {
                    let sql = format!(
                        "SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} WHERE r.listed ORDER BY r.start_year DESC, r.title, r.id"
                    );
                    let rows = sqlx::query(&sql).fetch_all(pool).await?;
                    rows.iter().map(record_from_row).collect()
                }
        )
    }

    /// Keeps a proposed completion of a record's `base_version`, invisible until a
    /// moderator accepts it.
    pub async fn propose_correction(
        &self,
        record_id: i64,
        base_version: i32,
        correction: &Correction,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let completion = serde_json::to_string(&correction.completion)
            .map_err(|e| StoreError::Corrupt { column: "completion", detail: e.to_string() })?;
        on_pool!(
            self,
            write
                | pool
                | {
                    let id: i64 = sqlx::query_scalar(
                "INSERT INTO observatory_corrections (record_id, base_version, completion, name, email, submitted_at, status)
                 VALUES ($1, $2, $3, $4, $5, $6, 'pending') RETURNING id",
            )
            .bind(record_id)
            .bind(base_version)
            .bind(completion)
            .bind(&correction.name)
            .bind(&correction.email)
            .bind(now)
            .fetch_one(pool)
            .await?;
                    Ok(id)
                }
        )
    }

    /// The proposals waiting for a moderator, oldest first.
    pub async fn pending_corrections(&self) -> Result<Vec<PendingCorrection>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(
                    "SELECT c.*, r.title AS record_title FROM observatory_corrections c
                 JOIN observatory_records r ON r.id = c.record_id WHERE c.status = 'pending' ORDER BY c.id",
                )
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(PendingCorrection {
                            id: r.int("id")?,
                            record_id: r.int("record_id")?,
                            record_title: r.text("record_title")?,
                            base_version: r.small("base_version")?,
                            completion: from_json("completion", &r.text("completion")?)?,
                            name: r.text("name")?,
                            email: r.text("email")?,
                            submitted_at: r.instant("submitted_at")?,
                        })
                    })
                    .collect()
            }
        )
    }

    /// Accepts or rejects a pending proposal, with its audit entry. Accepting makes
    /// a new version of the record from its current content completed as proposed.
    pub async fn decide_correction(
        &self,
        correction_id: i64,
        decision: &Moderation,
        moderator: &str,
        audit: &AuditEntry,
    ) -> Result<()> {
        self.decide_correction_and_tell(correction_id, decision, moderator, audit, None).await
    }

    /// [`Store::decide_correction`], and the message to the proposer queued in the
    /// same transaction when there is one (they left an e-mail address).
    pub async fn decide_correction_and_tell(
        &self,
        correction_id: i64,
        decision: &Moderation,
        moderator: &str,
        audit: &AuditEntry,
        message: Option<crate::NewEmail>,
    ) -> Result<()> {
        let now = audit.at;
        audited!(self, audit, |tx| {
            let decided = sqlx::query(
                "UPDATE observatory_corrections SET status = $2, decided_at = $3, decided_by = $4, reason = $5
                 WHERE id = $1 AND status = 'pending' RETURNING record_id, completion",
            )
            .bind(correction_id)
            .bind(decision.code())
            .bind(now)
            .bind(moderator)
            .bind(decision.reason())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            if matches!(decision, Moderation::Accept { .. }) {
                let id = decided.int("record_id")?;
                let completion: Completion = from_json("completion", &decided.text("completion")?)?;
                let row = sqlx::query("SELECT version, content FROM observatory_records WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                let version = row.small("version")? + 1;
                let current: RecordContent = from_json("content", &row.text("content")?)?;
                let content = current.completed(&completion);
                let json = to_json(&content)?;
                let stamp: i64 = sqlx::query_scalar(BUMP_REVISION).fetch_one(&mut *tx).await?;
                let query = sqlx::query(UPDATE_RECORD).bind(id).bind(version);
                bind_content!(query, &content, &json).bind(now).bind(stamp).execute(&mut *tx).await?;
                let note = format!("correction:{correction_id}");
                index_version!(&mut *tx, id, version, &content, &json, now, note).await?;
            }
        }, then if let Some(message) = &message {
            enqueue_on!(&mut *tx, *message, now).await?;
        })
    }

    /// The anonymised figures of a process per area: counts of its current
    /// expressions, never who sent them.
    pub async fn area_figures(&self, process_id: i64) -> Result<Vec<AreaFigures>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(AREA_FIGURES).bind(process_id).fetch_all(pool).await?;
                rows.iter()
                    .map(|r| {
                        Ok(AreaFigures {
                            area: r.text("name")?,
                            organizations: r.int("organizations")?,
                            participants: r.int("participants")?,
                            proposals: r.int("proposals")?,
                        })
                    })
                    .collect()
            }
        )
    }

    /// The counts the statistics page charts.
    pub async fn observatory_stats(&self) -> Result<ObservatoryStats> {
        on_pool!(
            self,
            read | pool | {
                let mut conn = pool.acquire().await?;
                let mut lists = Vec::new();
                for sql in [STATS_PER_YEAR, STATS_PER_PROVINCE, STATS_PER_AREA, STATS_PER_LEGAL_FORM] {
                    let rows = sqlx::query(sql).fetch_all(&mut *conn).await?;
                    lists.push(rows.iter().map(|r| Ok((r.text("label")?, r.int("n")?))).collect::<Result<Vec<_>>>()?);
                }
                let mut lists = lists.into_iter();
                let mut next = || lists.next().unwrap_or_default();
                Ok(ObservatoryStats {
                    per_year: next(),
                    per_province: next(),
                    participants_per_area: next(),
                    organizations_per_legal_form: next(),
                })
            }
        )
    }
}

/// Each count joins only current expressions: amended and withdrawn ones drop out.
const AREA_FIGURES: &str = "SELECT a.name,
        (SELECT COUNT(DISTINCT e.id) FROM expression_participations x
            JOIN expressions e ON e.id = x.expression_id AND e.status = 'active'
            WHERE x.area_id = a.id AND e.applicant_kind <> 'citizen') AS organizations,
        (SELECT COUNT(*) FROM expression_participations x
            JOIN expressions e ON e.id = x.expression_id AND e.status = 'active'
            WHERE x.area_id = a.id) AS participants,
        (SELECT COUNT(*) FROM proposal_areas x
            JOIN expressions e ON e.id = x.expression_id AND e.status = 'active'
            WHERE x.area_id = a.id) AS proposals
     FROM areas a WHERE a.process_id = $1 ORDER BY a.position";

const STATS_PER_YEAR: &str = "SELECT CAST(start_year AS TEXT) AS label, COUNT(*) AS n FROM observatory_records
    WHERE listed AND start_year IS NOT NULL GROUP BY start_year ORDER BY start_year";
const STATS_PER_PROVINCE: &str = "SELECT province AS label, COUNT(*) AS n FROM observatory_records
    WHERE listed GROUP BY province ORDER BY COUNT(*) DESC, province";
const STATS_PER_AREA: &str = "SELECT a.name AS label, COUNT(*) AS n FROM expression_participations x
    JOIN expressions e ON e.id = x.expression_id AND e.status = 'active'
    JOIN areas a ON a.id = x.area_id
    JOIN processes p ON p.id = a.process_id AND p.status <> 'draft'
    GROUP BY a.name ORDER BY COUNT(*) DESC, a.name";
const STATS_PER_LEGAL_FORM: &str = "SELECT COALESCE(e.legal_form, e.applicant_kind) AS label, COUNT(*) AS n
    FROM expressions e JOIN processes p ON p.id = e.process_id AND p.status <> 'draft'
    WHERE e.status = 'active' AND e.applicant_kind <> 'citizen'
    GROUP BY COALESCE(e.legal_form, e.applicant_kind) ORDER BY COUNT(*) DESC, label";

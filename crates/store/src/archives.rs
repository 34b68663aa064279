//! Bulk archive jobs (archivi cumulativi): queued by the office, claimed by a worker
//! with a lease like the outbox's messages, their progress counted here, and the
//! finished ZIP kept with the job.
//!
//! Every write of a worker names the claim it holds (`attempts`): a worker whose
//! lease ran out and whose job another worker claimed finds its writes refused, and
//! stops.

use chrono::{DateTime, Utc};
use concerto_domain::{ArchiveJob, ArchiveKind, ArchiveState, MAX_ARCHIVE_ATTEMPTS};

use crate::rows::{Columns, corrupt};
use crate::{Result, Store, StoreError, on_pool};

/// The size of a stored part of an archive.
pub const ARCHIVE_PART: usize = 1 << 20;

/// Reads into `buffer` until it is full or the input ends; how many bytes it holds.
fn fill(input: &mut impl std::io::Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match input.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

const COLUMNS: &str = "id, kind, process_id, requested_by, state, done_count, total, attempts, created_at, finished_at, error, file_name, size";

impl Store {
    /// Queues a job, or returns the one of the same kind already under way for the
    /// process: a second click joins the first.
    pub async fn queue_archive(
        &self,
        kind: ArchiveKind,
        process_id: i64,
        requested_by: i64,
        now: DateTime<Utc>,
    ) -> Result<ArchiveJob> {
        on_pool!(
            self,
            write
                | pool
                | {
                    sqlx::query(
                "INSERT INTO archive_jobs (kind, process_id, requested_by, state, created_at) VALUES ($1, $2, $3, 'queued', $4)
                 ON CONFLICT (process_id, kind) WHERE state IN ('queued', 'running') DO NOTHING",
            )
            .bind(kind.code())
            .bind(process_id)
            .bind(requested_by)
            .bind(now)
            .execute(pool)
            .await?;
                    let sql = format!(
                        "SELECT {COLUMNS} FROM archive_jobs WHERE process_id = $1 AND kind = $2 AND state IN ('queued', 'running')"
                    );
                    let row = sqlx::query(&sql).bind(process_id).bind(kind.code()).fetch_one(pool).await?;
                    job_from_row(&row)
                }
        )
    }

    pub async fn archive_job(&self, id: i64) -> Result<Option<ArchiveJob>> {
        let sql = format!("SELECT {COLUMNS} FROM archive_jobs WHERE id = $1");
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(&sql).bind(id).fetch_optional(pool).await?;
                row.as_ref().map(job_from_row).transpose()
            }
        )
    }

    /// Claims the oldest job waiting, or running past its lease, until `lease_until`.
    /// A job claimed too often already is failed on the way instead.
    pub async fn claim_archive(&self, now: DateTime<Utc>, lease_until: DateTime<Utc>) -> Result<Option<ArchiveJob>> {
        let sql = crate::dialect::claim_archive(self.backend(), COLUMNS);
        on_pool!(
            self,
            write | pool | {
                sqlx::query(
                    "UPDATE archive_jobs SET state = 'failed', finished_at = $1, lease_until = NULL,
                 error = 'la preparazione si è interrotta troppe volte'
                 WHERE state = 'running' AND lease_until < $1 AND attempts >= $2",
                )
                .bind(now)
                .bind(MAX_ARCHIVE_ATTEMPTS)
                .execute(pool)
                .await?;
                let row = sqlx::query(&sql).bind(now).bind(lease_until).fetch_optional(pool).await?;
                row.as_ref().map(job_from_row).transpose()
            }
        )
    }

    /// Records how far the worker holding claim `attempt` got, and renews its lease.
    /// False when the job is no longer this worker's.
    pub async fn archive_progress(
        &self,
        job: &ArchiveJob,
        done: i64,
        total: i64,
        lease_until: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(
            self,
            write | pool | {
                let moved = sqlx::query(
                    "UPDATE archive_jobs SET done_count = $3, total = $4, lease_until = $5
                 WHERE id = $1 AND attempts = $2 AND state = 'running'",
                )
                .bind(job.id)
                .bind(job.attempts)
                .bind(done)
                .bind(total)
                .bind(lease_until)
                .execute(pool)
                .await?;
                Ok(moved.rows_affected() == 1)
            }
        )
    }

    /// Keeps the finished ZIP. False when the job is no longer this worker's.
    pub async fn finish_archive(
        &self,
        job: &ArchiveJob,
        file_name: &str,
        content: &[u8],
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(
            self,
            write | pool | {
                let moved = sqlx::query(
                    "UPDATE archive_jobs SET state = 'done', done_count = total, finished_at = $3, lease_until = NULL,
                 file_name = $4, size = $5, content = $6 WHERE id = $1 AND attempts = $2 AND state = 'running'",
                )
                .bind(job.id)
                .bind(job.attempts)
                .bind(now)
                .bind(file_name)
                .bind(content.len() as i64)
                .bind(content)
                .execute(pool)
                .await?;
                Ok(moved.rows_affected() == 1)
            }
        )
    }

    /// Records why the job could not be built (in Italian, for the office).
    pub async fn fail_archive(&self, job: &ArchiveJob, error: &str, now: DateTime<Utc>) -> Result<()> {
        on_pool!(
            self,
            write | pool | {
                sqlx::query(
                    "UPDATE archive_jobs SET state = 'failed', finished_at = $3, lease_until = NULL, error = $4
                 WHERE id = $1 AND attempts = $2 AND state = 'running'",
                )
                .bind(job.id)
                .bind(job.attempts)
                .bind(now)
                .bind(error)
                .execute(pool)
                .await?;
            }
        );
        Ok(())
    }

    /// Puts back in the queue the job a stopping worker holds with claim `attempts`,
    /// so that the next start builds it at once instead of after its lease.
    pub async fn release_archive(&self, job: &ArchiveJob) -> Result<bool> {
        on_pool!(
            self,
            write | pool | {
                let moved = sqlx::query(
                    "UPDATE archive_jobs SET state = 'queued', done_count = 0, lease_until = NULL
                 WHERE id = $1 AND attempts = $2 AND state = 'running'",
                )
                .bind(job.id)
                .bind(job.attempts)
                .execute(pool)
                .await?;
                Ok(moved.rows_affected() == 1)
            }
        )
    }

    /// The ZIP of a finished job: its name and bytes.
    pub async fn archive_file(&self, id: i64) -> Result<Option<(String, Vec<u8>)>> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query("SELECT file_name, content FROM archive_jobs WHERE id = $1 AND state = 'done'")
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                use sqlx::Row;
                let name = row.text("file_name")?;
                if let Some(content) = row.try_get::<Option<Vec<u8>>, _>("content")? {
                    return Ok(Some((name, content)));
                }
                // Kept in parts (migration 24): put together, for callers that want it whole.
                let parts: Vec<Vec<u8>> =
                    sqlx::query_scalar("SELECT content FROM archive_parts WHERE job_id = $1 ORDER BY part")
                        .bind(id)
                        .fetch_all(pool)
                        .await?;
                Ok(Some((name, parts.concat())))
            }
        )
    }

    /// Records the job done with its ZIP read from `content` (the worker's temporary
    /// file) and kept in parts of [`ARCHIVE_PART`] bytes, all in one transaction, so
    /// that neither the worker nor the database holds the whole archive at once.
    /// False, and nothing kept, when the job is no longer this worker's.
    pub async fn finish_archive_from(
        &self,
        job: &ArchiveJob,
        file_name: &str,
        mut content: impl std::io::Read,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        use sqlx::Connection;
        on_pool!(
            self,
            write | pool | {
                let mut conn = pool.acquire().await?;
                let mut tx = conn.begin().await?;
                // Only the claim's holder gets past this: the row is locked to the commit.
                let moved = sqlx::query(
                    "UPDATE archive_jobs SET state = 'done', done_count = total, finished_at = $3, lease_until = NULL,
                 file_name = $4, content = NULL WHERE id = $1 AND attempts = $2 AND state = 'running'",
                )
                .bind(job.id)
                .bind(job.attempts)
                .bind(now)
                .bind(file_name)
                .execute(&mut *tx)
                .await?;
                if moved.rows_affected() != 1 {
                    return Ok(false);
                }
                sqlx::query("DELETE FROM archive_parts WHERE job_id = $1").bind(job.id).execute(&mut *tx).await?;
                let mut size: i64 = 0;
                let mut buffer = vec![0u8; ARCHIVE_PART];
                for part in 0.. {
                    let filled = fill(&mut content, &mut buffer)
                        .map_err(|e| StoreError::Conflict(format!("archivio illeggibile: {e}")))?;
                    if filled == 0 {
                        break;
                    }
                    sqlx::query("INSERT INTO archive_parts (job_id, part, content) VALUES ($1, $2, $3)")
                        .bind(job.id)
                        .bind(part)
                        .bind(&buffer[..filled])
                        .execute(&mut *tx)
                        .await?;
                    size += filled as i64;
                }
                sqlx::query("UPDATE archive_jobs SET size = $2 WHERE id = $1")
                    .bind(job.id)
                    .bind(size)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }
        )
    }

    /// One part of a finished archive, from 0: a download reads them one at a time.
    pub async fn archive_part(&self, id: i64, part: i64) -> Result<Option<Vec<u8>>> {
        on_pool!(
            self,
            read | pool | {
                Ok(sqlx::query_scalar("SELECT content FROM archive_parts WHERE job_id = $1 AND part = $2")
                    .bind(id)
                    .bind(part as i32)
                    .fetch_optional(pool)
                    .await?)
            }
        )
    }

    /// The number of parts a finished archive is kept in: 0 for an archive kept
    /// whole in its job's row (see [`Store::archive_file`]).
    pub async fn archive_part_count(&self, id: i64) -> Result<i64> {
        on_pool!(
            self,
            read | pool | {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM archive_parts WHERE job_id = $1")
                    .bind(id)
                    .fetch_one(pool)
                    .await?)
            }
        )
    }

    /// Removes the jobs finished before `before`, files and all. Returns how many.
    pub async fn purge_archives(&self, before: DateTime<Utc>) -> Result<u64> {
        on_pool!(
            self,
            write | pool | {
                let gone = sqlx::query("DELETE FROM archive_jobs WHERE finished_at IS NOT NULL AND finished_at < $1")
                    .bind(before)
                    .execute(pool)
                    .await?;
                Ok(gone.rows_affected())
            }
        )
    }
}

fn job_from_row(r: &impl Columns) -> Result<ArchiveJob> {
    let kind = r.text("kind")?;
    let state = r.text("state")?;
    Ok(ArchiveJob {
        id: r.int("id")?,
        kind: ArchiveKind::from_code(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        process_id: r.int("process_id")?,
        requested_by: r.int("requested_by")?,
        state: ArchiveState::from_code(&state).ok_or_else(|| corrupt("state", &state))?,
        done: r.int("done_count")?,
        total: r.int("total")?,
        attempts: r.int("attempts")?,
        created_at: r.instant("created_at")?,
        finished_at: r.opt_instant("finished_at")?,
        error: r.opt_text("error")?,
        file_name: r.opt_text("file_name")?,
        size: r.opt_int("size")?,
    })
}

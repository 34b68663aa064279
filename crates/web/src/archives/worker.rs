//! Builds the queued archives, one job at a time: claims a job with a lease, renders
//! its documents on the blocking pool a few at a time, records the progress (which
//! renews the lease) and keeps the finished ZIP. A job whose worker died is claimed
//! again once its lease is over; another instance never builds a job this one holds.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use concerto_documents::{ArchiveError, Logo, RenderError, SignInSheet, ZipBuilder, file_name};
use concerto_domain::{ARCHIVE_LEASE, ARCHIVE_RETENTION, ArchiveJob, ArchiveKind, EntryNames, PactKind, Process};

use crate::AppState;
use crate::error::WebError;

/// How often the worker looks for queued jobs; the progress page refreshes every
/// two seconds, so a job starts before its first refresh.
const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// After a store error, wait longer so a database outage is not hammered.
const ERROR_PAUSE: Duration = Duration::from_secs(5);
/// Documents rendered between two progress updates.
const BATCH: usize = 8;

/// Why a job could not be built: shown to the office, in Italian.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("il processo non ha patti da archiviare")]
    NoPacts,
    #[error("il processo non ha incontri in calendario")]
    NoSessions,
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("la preparazione si è interrotta: {0}")]
    Stopped(String),
    /// Not the job's fault: it stays claimed, and is built again past its lease.
    #[error(transparent)]
    Store(#[from] WebError),
}

impl From<concerto_store::StoreError> for Failure {
    fn from(e: concerto_store::StoreError) -> Self {
        Failure::Store(e.into())
    }
}

/// One document of an archive, ready to render.
enum Document {
    Pact(Box<concerto_documents::Pact>),
    Sheet(Box<SignInSheet>),
}

impl Document {
    fn render(&self) -> Result<Vec<u8>, RenderError> {
        match self {
            Document::Pact(pact) => concerto_documents::pact(pact),
            Document::Sheet(sheet) => concerto_documents::sign_in_sheet(sheet),
        }
    }
}

/// Runs until `shutdown` completes: builds what is queued, then looks again after
/// a pause. Shutdown interrupts a job in progress and puts it back in the queue, so
/// the next start builds it again at once.
pub async fn run_archive_worker(state: AppState, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    tracing::info!("archive worker started");
    let holding = Mutex::new(None);
    loop {
        let pause = tokio::select! {
            biased;
            () = &mut shutdown => break,
            result = build_tracked(&state, &holding) => match result {
                Ok(_) => POLL_INTERVAL,
                Err(error) => {
                    tracing::error!(%error, "archive pass failed");
                    ERROR_PAUSE
                }
            },
        };
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            () = tokio::time::sleep(pause) => {}
        }
    }
    let held = holding.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(job) = held {
        match state.store.release_archive(&job).await {
            Ok(_) => tracing::info!(job = job.id, "archive worker put its job back in the queue"),
            Err(error) => {
                tracing::error!(job = job.id, %error, "archive job not released: it is built again once its lease ends");
            }
        }
    }
    tracing::info!("archive worker stopped");
}

/// Builds every job waiting, one after the other, and returns how many it claimed.
/// A store error stops the pass and leaves the job to be claimed again.
pub async fn build_due_archives(state: &AppState) -> Result<usize, WebError> {
    build_tracked(state, &Mutex::new(None)).await
}

/// [`build_due_archives`], keeping in `holding` the job under way.
async fn build_tracked(state: &AppState, holding: &Mutex<Option<ArchiveJob>>) -> Result<usize, WebError> {
    let mut claimed = 0;
    loop {
        let now = state.clock.now();
        let Some(job) = state.store.claim_archive(now, now + ARCHIVE_LEASE).await? else {
            if claimed > 0 {
                state.store.purge_archives(now - ARCHIVE_RETENTION).await?;
            }
            return Ok(claimed);
        };
        claimed += 1;
        *holding.lock().unwrap_or_else(PoisonError::into_inner) = Some(job.clone());
        tracing::info!(job = job.id, kind = job.kind.code(), attempt = job.attempts, "building an archive");
        match build(state, &job).await {
            Ok(Some((name, file))) => {
                let zip = std::fs::File::open(&file.0)
                    .map_err(|e| WebError::Internal(format!("archivio temporaneo: {e}")))?;
                if !state
                    .store
                    .finish_archive_from(&job, &name, std::io::BufReader::new(zip), state.clock.now())
                    .await?
                {
                    tracing::warn!(job = job.id, "archive built, but another worker holds the job now");
                }
                drop(file);
            }
            Ok(None) => tracing::warn!(job = job.id, "archive abandoned: another worker holds the job now"),
            Err(Failure::Store(e)) => return Err(e),
            Err(failure) => {
                tracing::warn!(job = job.id, %failure, "archive failed");
                state.store.fail_archive(&job, &failure.to_string(), state.clock.now()).await?;
            }
        }
        holding.lock().unwrap_or_else(PoisonError::into_inner).take();
    }
}

/// The worker's temporary file, removed when dropped: the ZIP is written there as
/// it is built, then kept in the database a part at a time.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn create(job: &ArchiveJob) -> Result<(TempFile, std::fs::File), Failure> {
        let path = std::env::temp_dir().join(format!(
            "concerto-archive-{}-{}-{}.zip",
            std::process::id(),
            job.id,
            job.attempts
        ));
        let file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&path)?;
        Ok((TempFile(path), file))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Archive(ArchiveError::Io(e))
    }
}

/// Renders `batch` on up to as many threads as the machine has cores, in order.
fn render_all(batch: &[(String, Document)]) -> Vec<Result<Vec<u8>, RenderError>> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(batch.len()).max(1);
    if threads == 1 {
        return batch.iter().map(|(_, d)| d.render()).collect();
    }
    let per_thread = batch.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter().map(|(_, d)| d.render()).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

/// The ZIP's name and the temporary file it was written to, or `None` when the job
/// was taken over meanwhile. Documents are prepared and rendered a batch at a time,
/// so that memory holds one batch, not the archive.
async fn build(state: &AppState, job: &ArchiveJob) -> Result<Option<(String, TempFile)>, Failure> {
    let process = state.store.process_by_id(job.process_id).await?.ok_or(WebError::NotFound)?;
    let (prefix, documents) = match job.kind {
        ArchiveKind::Pacts => ("patti", pacts(state, &process).await?),
        ArchiveKind::SignInSheets => ("fogli-firme", sheets(state, &process).await?),
    };
    if documents.is_empty() {
        return Err(if job.kind == ArchiveKind::Pacts { Failure::NoPacts } else { Failure::NoSessions });
    }
    let total = documents.len() as i64;
    let mut done = 0;
    let (file, out) = TempFile::create(job)?;
    let mut archive = ZipBuilder::new(std::io::BufWriter::new(out));
    let mut documents = documents.into_iter();
    let logo = crate::documents::letterhead_logo(state, process.ambito.id).await;
    loop {
        let lease = state.clock.now() + ARCHIVE_LEASE;
        if !state.store.archive_progress(job, done, total, lease).await? {
            return Ok(None);
        }
        let pending: Vec<(String, Pending)> = documents.by_ref().take(BATCH).collect();
        if pending.is_empty() {
            break;
        }
        done += pending.len() as i64;
        let mut batch = Vec::with_capacity(pending.len());
        for (name, p) in pending {
            batch.push((name, p.prepare(state, &process, &logo).await?));
        }
        archive = tokio::task::spawn_blocking(move || {
            for ((name, _), rendered) in batch.iter().zip(render_all(&batch)) {
                match rendered {
                    Ok(bytes) => archive.add(name, &bytes)?,
                    // One record never takes down the archive: its place holds a note.
                    Err(e) => {
                        tracing::error!(entry = %name, error = %e, "a document of an archive could not be rendered");
                        let note = format!("Il documento {name} non è stato generato: {e}\n");
                        archive.add(&format!("{name}.ERRORE.txt"), note.as_bytes())?;
                    }
                }
            }
            Ok::<_, Failure>(archive)
        })
        .await
        .map_err(|e| Failure::Stopped(e.to_string()))??;
    }
    let mut out = archive.finish()?.into_inner().map_err(|e| Failure::Archive(ArchiveError::Io(e.into_error())))?;
    std::io::Write::flush(&mut out)?;
    Ok(Some((format!("{prefix}-{}.zip", file_name(&process.header.slug)), file)))
}

/// A document of an archive before its data is loaded: a pact is read from the
/// store only when its batch comes, so thousands of pacts are never held at once.
enum Pending {
    Pact { expression_id: i64 },
    Sheet(Box<SignInSheet>),
}

impl Pending {
    async fn prepare(self, state: &AppState, process: &Process, logo: &Option<Logo>) -> Result<Document, WebError> {
        Ok(match self {
            Pending::Pact { expression_id } => {
                let received = state.store.expression_by_id(expression_id).await?.ok_or(WebError::NotFound)?;
                let mut pact = concerto_documents::Pact::new(process, &received);
                pact.letterhead.logo = logo.clone();
                Document::Pact(Box::new(pact))
            }
            Pending::Sheet(sheet) => Document::Sheet(sheet),
        })
    }
}

/// Every pact of the register, in protocol order, named by protocol and applicant.
async fn pacts(state: &AppState, process: &Process) -> Result<Vec<(String, Pending)>, WebError> {
    let mut names = EntryNames::default();
    let mut documents = Vec::new();
    for entry in state.store.pact_register(process.id).await? {
        let word = match entry.pact.kind {
            PactKind::ParticipationPact => "patto",
            PactKind::Memorandum => "protocollo-intesa",
        };
        let name = names.unique(&file_name(&format!("{word}-{}-{}", entry.protocol, entry.name)), "pdf");
        documents.push((name, Pending::Pact { expression_id: entry.pact.expression_id }));
    }
    Ok(documents)
}

/// The sign-in sheet of every session not cancelled, in calendar order, named by
/// date and title.
async fn sheets(state: &AppState, process: &Process) -> Result<Vec<(String, Pending)>, WebError> {
    let mut names = EntryNames::default();
    let mut documents = Vec::new();
    for session in process.sessions_in_calendar_order().into_iter().filter(|s| !s.cancelled) {
        let sheet = crate::documents::sign_in_sheet_data(state, process, session).await?;
        let date = session.date.map_or_else(|| "senza-data".to_owned(), |d| d.format("%Y-%m-%d").to_string());
        let name = names.unique(&file_name(&format!("foglio-firme-{date}-{}", session.title)), "pdf");
        documents.push((name, Pending::Sheet(Box::new(sheet))));
    }
    Ok(documents)
}

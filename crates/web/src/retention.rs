//! The retention job (issue 16): a background pass that anonymises the personal
//! data of closed processes whose Ambito's retention period has run out. It runs in
//! every `concerto serve`; several instances on one database are safe, since each
//! process is rewritten in one transaction that only touches rows not yet done.

use std::future::Future;
use std::time::Duration;

use concerto_store::{DueProcess, RetentionRow};

use crate::AppState;
use crate::error::WebError;

/// How often the job looks. Periods are counted in years: an hour late is nothing,
/// and a pass with nothing due costs one query.
const POLL_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// The actor the audit log names for the job.
pub const RETENTION_ACTOR: &str = "system:retention";

/// One pass at the app's clock: every due process anonymised, with the rows done.
pub async fn apply_retention(state: &AppState) -> Result<Vec<(DueProcess, Vec<RetentionRow>)>, WebError> {
    Ok(state.store.apply_retention(state.clock.now(), RETENTION_ACTOR, false).await?)
}

/// Runs [`apply_retention`] at start and then every [`POLL_INTERVAL`] until `shutdown`.
pub async fn run_retention_worker(state: AppState, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    tracing::info!("retention worker started");
    loop {
        match apply_retention(&state).await {
            Ok(done) => {
                for (process, rows) in done {
                    tracing::info!(process = %process.slug, rows = rows.len(), "personal data anonymised after the retention period");
                }
            }
            Err(error) => tracing::error!(%error, "retention pass failed"),
        }
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            () = tokio::time::sleep(POLL_INTERVAL) => {}
        }
    }
    tracing::info!("retention worker stopped");
}

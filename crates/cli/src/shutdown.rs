//! Stopping on SIGTERM (systemd's stop) or Ctrl-C: the listener closes at once, the
//! requests in flight get [`GRACE`] to finish, then the workers stop and give back
//! what they claimed.

use std::time::Duration;

use concerto_web::AppState;

/// How long requests in flight may take to finish once a stop is asked; the unit's
/// `TimeoutStopSec` leaves room for it.
pub const GRACE: Duration = Duration::from_secs(20);

/// Serves until a stop signal, then waits at most [`GRACE`] for the requests in flight.
pub async fn serve_until_stopped(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let (stopping, stop_asked) = tokio::sync::oneshot::channel::<()>();
    let server = concerto_web::serve(listener, state, async {
        signal().await;
        let _ = stopping.send(());
    });
    tokio::pin!(server);
    tokio::select! {
        served = &mut server => served,
        () = async {
            let _ = stop_asked.await;
            tokio::time::sleep(GRACE).await;
        } => {
            tracing::warn!(grace_secs = GRACE.as_secs(), "requests still in flight after the grace period: dropped");
            Ok(())
        }
    }
}

async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("stop asked: no new connections, finishing the requests in flight");
}

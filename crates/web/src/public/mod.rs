//! The public pages: no account needed, Italian first, usable without JavaScript.

mod home;
mod info;
mod process;
pub(crate) mod updates;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/processi/{slug}", get(process::page))
        .route("/processi/{slug}/avviso", get(process::notice))
        .route("/processi/{slug}/calendario.ics", get(crate::calendar_feed::feed))
        .route("/processi/{slug}/tavoli/{table}/calendario.ics", get(crate::calendar_feed::table_feed))
        .route("/ambiti/{ambito}/calendario.ics", get(crate::calendar_feed::ambito_feed))
        .route("/accessibilita", get(info::accessibility))
        .route("/privacy", get(info::privacy))
}

//! The observatory (osservatorio partecipazione) under `/osservatorio`: the
//! searchable catalogue of participatory processes, each record with its history
//! and the "Integra le informazioni" form, the statistics, the open data, the JSON
//! API and, in the workspace, the moderators' queue.

mod chart;
mod moderation;
mod open_data;
mod record;
pub(crate) mod search;
mod stats;

use axum::Router;
use axum::routing::{get, post};
use concerto_domain::observatory::{RecordSource, RecordStatus};
use concerto_store::{MARK_END, MARK_START};

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Locale;
use crate::view::html_escape;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/osservatorio", get(search::page))
        .route("/osservatorio/statistiche", get(stats::page))
        .route("/osservatorio/dati/catalogo.csv", get(open_data::catalogue_csv))
        .route("/osservatorio/dati/catalogo.json", get(open_data::catalogue_json))
        .route("/osservatorio/dati/catalogo.jsonld", get(open_data::dcat))
        .route("/osservatorio/dati/processi/{slug}/dati.json", get(open_data::process_json))
        .route("/osservatorio/dati/processi/{slug}/calendario.csv", get(open_data::calendar_csv))
        .route("/osservatorio/dati/processi/{slug}/aree.csv", get(open_data::areas_csv))
        .route("/osservatorio/{id}", get(record::page))
        .route("/osservatorio/{id}/integra", post(record::propose))
        .route("/api/v1/observatory", get(search::api))
        .route("/ufficio/osservatorio", get(moderation::queue))
        .route("/ufficio/osservatorio/integrazioni/{id}", post(moderation::decide))
        .route("/ufficio/osservatorio/nuova", get(moderation::new_form).post(moderation::create))
}

/// Brings the records of Concerto's own processes up to date before a read: see
/// `Store::refresh_observatory` for why at read time.
async fn refreshed(state: &AppState) -> Result<(), WebError> {
    state.store.refresh_observatory(state.clock.now()).await.map_err(WebError::from)
}

/// A text the search marked, as HTML: escaped first, then the marks become `<mark>`.
fn marked(text: &str) -> String {
    html_escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
}

fn status_label(status: RecordStatus, locale: Locale) -> &'static str {
    match status {
        RecordStatus::Ongoing => locale.t("observatory.status.ongoing"),
        RecordStatus::Concluded => locale.t("observatory.status.concluded"),
    }
}

fn source_label(source: RecordSource, locale: Locale) -> &'static str {
    match source {
        RecordSource::Concerto => locale.t("observatory.source.concerto"),
        RecordSource::External => locale.t("observatory.source.external"),
        RecordSource::Notice => locale.t("observatory.source.notice"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn marked_text_is_escaped_before_the_marks_become_html() {
        assert_eq!(super::marked("<b>\u{2}Nardò\u{3}</b> & co"), "&#60;b&#62;<mark>Nardò</mark>&#60;/b&#62; &#38; co");
    }
}

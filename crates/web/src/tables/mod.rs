//! The work at the tables (tavoli), after sign-up: the office's pages under
//! `/ufficio/processi/{slug}/…`, the participants' under their management link
//! `/manifestazioni/{token}/tavoli`, and the public results under `/processi/{slug}/…`.

mod chart;
mod checkin;
mod minutes;
mod office;
mod outcome;
mod participant;
mod public;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    let office = "/ufficio/processi/{slug}";
    Router::new()
        .route(&format!("{office}/tavoli"), get(office::hub))
        .route(&format!("{office}/proposte"), post(office::add_proposal))
        .route(&format!("{office}/proposte/{{id}}/esito"), get(outcome::form).post(outcome::save))
        .route(&format!("{office}/priorita/apertura"), post(office::open_ballot))
        .route(&format!("{office}/priorita/chiusura"), post(office::close_ballot))
        .route(&format!("{office}/sintesi/pubblicazione"), post(office::publish_summary))
        .route(&format!("{office}/cabina"), post(office::appoint))
        .route(&format!("{office}/interventi"), post(office::add_intervention))
        .route(&format!("{office}/interventi/{{id}}"), post(office::update_intervention))
        .route(&format!("{office}/sessioni/{{id}}/inviti"), post(checkin::invite))
        .route(&format!("{office}/sessioni/{{id}}/presenze"), get(checkin::page))
        .route(&format!("{office}/sessioni/{{id}}/presenze/codice"), post(checkin::by_code))
        .route(&format!("{office}/sessioni/{{id}}/presenze/ospite"), post(checkin::walk_in))
        .route(&format!("{office}/sessioni/{{id}}/presenze/conteggi"), get(checkin::counts))
        .route(&format!("{office}/sessioni/{{id}}/presenze/{{attendance}}/annullamento"), post(checkin::annul))
        .route(
            &format!("{office}/sessioni/{{id}}/verbale"),
            get(minutes::form).post(minutes::save).layer(axum::extract::DefaultBodyLimit::max(minutes::MAX_BODY)),
        )
        .route(&format!("{office}/verbali/allegati/{{id}}"), get(minutes::office_file))
        .route("/processi/{slug}/verbali", get(minutes::public_list))
        .route("/processi/{slug}/verbali/allegati/{id}", get(minutes::public_file))
        .route(&format!("{office}/presenze.csv"), get(checkin::csv))
        .route(&format!("{office}/presenze.xlsx"), get(checkin::xlsx))
        .route("/manifestazioni/{token}/tavoli", get(participant::page))
        .route("/manifestazioni/{token}/proposte", post(participant::propose))
        .route("/manifestazioni/{token}/proposte/{id}/sostegno", post(participant::support))
        .route("/manifestazioni/{token}/priorita", post(participant::vote))
        .route("/manifestazioni/{token}/interventi/{id}/commenti", post(participant::comment))
        .route("/processi/{slug}/priorita", get(public::priorities))
        .route("/processi/{slug}/sintesi", get(public::summary))
        .route("/processi/{slug}/sintesi.csv", get(public::summary_csv))
        .route("/processi/{slug}/sintesi.pdf", get(public::summary_pdf))
        .route("/processi/{slug}/cabina-di-regia", get(public::board))
        .route("/processi/{slug}/monitoraggio", get(public::progress))
}

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
pub(crate) mod qr;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use concerto_domain::{AuditEntry, FieldErrors, ROME, ReceivedExpression, italian};

use crate::AppState;
use crate::page::PageContext;
use crate::public::render;

pub use participant::{CodeView, codes_of};
pub(crate) use checkin::send_file;

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

/// A form's fields as sent: repeated names (several areas) are kept.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// The ids sent under `name`, the unreadable ones as -1 so that a rule refuses them.
    pub fn ids(&self, name: &str) -> Vec<i64> {
        self.all(name).into_iter().map(|v| v.trim().parse().unwrap_or(-1)).collect()
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    pub fn opt_id(&self, name: &str) -> Option<i64> {
        self.get(name).trim().parse().ok()
    }
}

/// Field errors as a form shows them: the field and a message in the reader's language.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    pub fn of(errors: &FieldErrors, ctx: &PageContext) -> FormErrors {
        FormErrors(errors.errors.iter().map(|e| (e.field.clone(), message(ctx, &e.field, e.code, &e.message))).collect())
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The message of an error in the reader's language: `tables.err.{field}.{code}`,
/// with the field's numeric part left out (`points.12` → `points`).
fn message(ctx: &PageContext, field: &str, code: &str, italian: &str) -> String {
    let base = field.split('.').next().unwrap_or(field);
    let key = format!("tables.err.{base}.{code}");
    match ctx.locale.t(&key) {
        "" => italian.to_string(),
        text => text.to_string(),
    }
}

/// A page shown again with its errors: 422.
pub fn unprocessable(ctx: &PageContext, page: &impl askama::Template) -> Response {
    match render(ctx, page) {
        Ok(r) => (StatusCode::UNPROCESSABLE_ENTITY, r).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The audit entry of a change made through a management link.
pub fn participant_entry(
    e: &ReceivedExpression,
    at: chrono::DateTime<chrono::Utc>,
    action: &str,
    subject: String,
    ambito: &str,
    after: &impl serde::Serialize,
) -> AuditEntry {
    AuditEntry {
        actor: format!("expression:{} <{}>", e.protocol, e.expression.applicant.tax_code),
        at,
        action: action.to_string(),
        subject,
        ambito: Some(ambito.to_string()),
        before: None,
        after: serde_json::to_string(after).ok(),
    }
}

/// `13/06/2022, 09:30` in Rome.
pub fn when(instant: chrono::DateTime<chrono::Utc>) -> String {
    let local = instant.with_timezone(&ROME);
    format!("{}, {}", italian::date(local.date_naive()), italian::time(local.time()))
}

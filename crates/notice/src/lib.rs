//! Turns the text (or PDF) of an existing public notice (avviso) of an Ambito
//! Territoriale Sociale into a draft participatory process for the plan
//! office to review: calendar of sessions, deadline, municipalities, contacts.
//!
//! Everything here is pure: no I/O, no clock. Every rule works line by line or
//! on bounded windows, so parsing is linear in the size of the text.

mod clean;
mod contacts;
mod convert;
mod dates;
mod deadline;
mod draft;
mod error;
mod identity;
mod legal;
mod lists;
mod municipalities;
mod names;
mod pdf;
mod sessions;
mod times;

pub use draft::{Contacts, Deadline, PlanPeriod, ProcessDraft, Session, SessionKind};
pub use convert::ProcessProposal;
pub use error::NoticeError;
pub use pdf::extract_pdf_text;

use chrono::Datelike;
use dates::YearHint;

/// Reads a notice. Never panics; what could not be found or had to be guessed
/// is explained in `warnings`.
pub fn parse_notice(text: &str) -> ProcessDraft {
    let lines = clean::clean_lines(text);
    let flow = clean::flow_text(&lines);
    let mut warnings = Vec::new();

    let title = identity::find_title(&lines);
    let ambito = identity::find_ambito(&lines);
    let municipalities = municipalities::find_municipalities(&lines, &flow);
    let (plan_period, plan_note) = identity::find_plan_period(&flow).unzip();
    warnings.extend(plan_note.flatten());
    let notice_date = identity::find_notice_date(&lines);
    let raw_deadline = deadline::find_deadline(&flow);

    let plan_hints = plan_period.iter().flat_map(|plan| {
        let reason = format!("dal ciclo di programmazione {}-{}", plan.from, plan.to);
        [plan.from, plan.from - 1].map(|year| YearHint { year, reason: reason.clone() })
    });
    let notice_hint = notice_date.map(|d| YearHint { year: d.year(), reason: "dalla data dell'avviso".into() });
    let deadline_hint = raw_deadline
        .and_then(|d| d.date.year)
        .map(|year| YearHint { year, reason: "dalla scadenza dell'avviso".into() });
    let session_hints: Vec<YearHint> =
        deadline_hint.into_iter().chain(notice_hint.clone()).chain(plan_hints.clone()).collect();
    let sessions = sessions::resolve(sessions::find_calendar(&lines), &session_hints, &mut warnings);

    let calendar_hint = sessions
        .iter()
        .find_map(|s| s.date)
        .map(|d| YearHint { year: d.year(), reason: "dalle date del calendario".into() });
    let deadline_hints: Vec<YearHint> = notice_hint.into_iter().chain(calendar_hint).chain(plan_hints).collect();
    let deadline = raw_deadline.and_then(|raw| {
        let done = dates::complete(raw.date, raw.weekday, &deadline_hints)?;
        dates::note_completion("Scadenza", &done, raw.weekday, &mut warnings);
        Some(Deadline { date: done.date, time: raw.time })
    });

    let contacts = contacts::find_contacts(&flow);
    let legal_references = legal::find_legal_references(&flow);

    let mut missing = |absent: bool, message: &str| {
        if absent {
            warnings.push(message.to_string());
        }
    };
    missing(ambito.is_none(), "Ambito territoriale non individuato");
    missing(municipalities.is_empty(), "Comuni dell'Ambito non individuati");
    missing(plan_period.is_none(), "Ciclo di programmazione del Piano Sociale di Zona non indicato");
    missing(deadline.is_none(), "Nessuna scadenza trovata");
    missing(deadline.is_some_and(|d| d.time.is_none()), "Scadenza senza orario: verificare l'ora");
    missing(sessions.is_empty(), "Nessuna sessione trovata nel calendario");
    missing(
        contacts.emails.is_empty() && contacts.urls.is_empty(),
        "Nessun recapito (e-mail o sito) per inviare la manifestazione di interesse",
    );

    ProcessDraft {
        title,
        ambito,
        municipalities,
        plan_period,
        notice_date,
        deadline,
        sessions,
        contacts,
        legal_references,
        warnings,
    }
}

/// Reads a notice file: a PDF (recognised by its `%PDF` signature) or text,
/// decoded as UTF-8 with invalid bytes replaced.
pub fn import(bytes: &[u8]) -> Result<ProcessDraft, NoticeError> {
    let text = if pdf::is_pdf(bytes) {
        extract_pdf_text(bytes)?
    } else {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        String::from_utf8_lossy(bytes).into_owned()
    };
    if text.trim().is_empty() {
        return Err(NoticeError::Empty);
    }
    Ok(parse_notice(&text))
}

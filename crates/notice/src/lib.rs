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
mod formats;
mod identity;
mod legal;
mod lists;
mod municipalities;
mod names;
mod online;
mod pdf;
mod sessions;
mod times;

pub use convert::ProcessProposal;
pub use draft::{Contacts, Deadline, Municipality, PlanPeriod, ProcessDraft, Session, SessionKind, Source};
pub use error::NoticeError;
pub use formats::{Format, detect_format};
pub use pdf::extract_pdf_text;

use chrono::Datelike;
use dates::YearHint;
use std::ops::Range;

/// Reads a notice. Never panics; what could not be found or had to be guessed
/// is explained in `warnings`.
/// The Ambito a text names ("Ambito Territoriale Sociale di Casarano" gives
/// "Casarano"), by the rule the notice import uses; for the office's checks before
/// publishing a process whose texts came from a notice.
pub fn ambito_named_in(text: &str) -> Option<String> {
    identity::find_ambito(&clean::clean_lines(text))
}

pub fn parse_notice(text: &str) -> ProcessDraft {
    let lines = clean::clean_lines(text);
    let starts = clean::line_starts(&lines);
    let normalised = clean::normalised_text(&lines);
    let flow = clean::flow_text(&lines);
    let chars = CharOffsets::new(&normalised);
    let mut warnings = Vec::new();

    let title = identity::find_title(&lines);
    let ambito = identity::find_ambito(&lines);
    let municipalities = municipalities::find_municipalities(&lines, &starts, &flow)
        .into_iter()
        .filter_map(|found| {
            let entry = found.entries.first()?;
            Some(Municipality {
                name: entry.name.to_string(),
                istat: entry.istat.to_string(),
                source: chars.source(found.span),
            })
        })
        .collect::<Vec<_>>();
    let (plan_period, plan_note) = identity::find_plan_period(&flow.text).unzip();
    warnings.extend(plan_note.flatten());
    let notice_date = identity::find_notice_date(&lines);
    let raw_deadlines = deadline::find_deadline(&flow.text);
    let raw_deadline = raw_deadlines.as_ref().map(|d| &d.first);

    let plan_hints = plan_period.iter().flat_map(|plan| {
        let reason = format!("dal ciclo di programmazione {}-{}", plan.from, plan.to);
        [plan.from, plan.from - 1].map(|year| YearHint { year, reason: reason.clone(), not_before: None })
    });
    let notice_hint = notice_date.map(|d| YearHint {
        year: d.year(),
        reason: format!("dalla data dell'avviso ({})", dates::italian(d)),
        not_before: Some(d),
    });
    let deadline_hint = raw_deadline.and_then(|d| d.date.year).map(|year| YearHint {
        year,
        reason: "dalla scadenza dell'avviso".into(),
        not_before: None,
    });
    let session_hints: Vec<YearHint> =
        deadline_hint.into_iter().chain(notice_hint.clone()).chain(plan_hints.clone()).collect();
    let to_source = |span: Range<usize>| chars.source(span);
    let sessions =
        sessions::resolve(sessions::find_calendar(&lines), &session_hints, notice_date, &to_source, &mut warnings);

    let calendar_hint = sessions.iter().find_map(|s| s.date).map(|d| YearHint {
        year: d.year(),
        reason: "dalle date del calendario".into(),
        not_before: None,
    });
    let deadline_hints: Vec<YearHint> = notice_hint.into_iter().chain(calendar_hint).chain(plan_hints).collect();
    let complete = |raw: &deadline::RawDeadline, warnings: &mut Vec<String>| {
        let done = dates::complete(raw.date, raw.weekday, &deadline_hints)?;
        dates::note_completion("Scadenza", &done, raw.weekday, warnings);
        let span = flow.source(raw.span.start)..flow.source(raw.span.end);
        Some(Deadline { date: done.date, time: raw.time, source: chars.source(span) })
    };
    let deadline = raw_deadlines.as_ref().and_then(|found| {
        let mut chosen = complete(&found.first, &mut warnings);
        for extension in &found.extensions {
            let Some(later) = complete(extension, &mut warnings) else { continue };
            match chosen {
                Some(current) if (later.date, later.time) <= (current.date, current.time) => {}
                Some(current) => {
                    warnings.push(format!(
                        "Scadenza prorogata: vale la data più recente, {} (prima {})",
                        dates::italian(later.date),
                        dates::italian(current.date)
                    ));
                    chosen = Some(later);
                }
                None => chosen = Some(later),
            }
        }
        chosen
    });

    let contacts = contacts::find_contacts(&flow.text);
    let legal_references = legal::find_legal_references(&flow.text);

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
        text: normalised,
    }
}

/// Reads a notice file, whatever its format: PDF, Word (DOCX), a saved web
/// page (HTML) or text, recognised by content; text is decoded as UTF-8 with
/// invalid bytes replaced.
pub fn import(bytes: &[u8]) -> Result<ProcessDraft, NoticeError> {
    let text = formats::to_text(bytes)?;
    if text.trim().is_empty() {
        return Err(NoticeError::Empty);
    }
    Ok(parse_notice(&text))
}

/// Byte offsets of the normalised text as character offsets, in constant time
/// per lookup after one pass (character counts every `BLOCK` bytes).
struct CharOffsets<'a> {
    text: &'a str,
    counts: Vec<usize>,
}

const BLOCK: usize = 256;

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        let mut counts = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut chars = 0;
        for chunk in text.as_bytes().chunks(BLOCK) {
            counts.push(chars);
            // Continuation bytes (10xxxxxx) do not start a character.
            chars += chunk.iter().filter(|b| (**b as i8) >= -0x40).count();
        }
        counts.push(chars);
        CharOffsets { text, counts }
    }

    fn chars_before(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let block = byte / BLOCK;
        let from = block * BLOCK;
        self.counts[block] + self.text.as_bytes()[from..byte].iter().filter(|b| (**b as i8) >= -0x40).count()
    }

    fn source(&self, span: Range<usize>) -> Source {
        Source { start: self.chars_before(span.start), end: self.chars_before(span.end.max(span.start)) }
    }
}

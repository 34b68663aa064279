//! The draft process produced from a notice, and its JSON shape.

use chrono::{NaiveDate, NaiveTime};
use serde::{Serialize, Serializer};

/// The kinds of session are the domain's: a notice's plenary is a plenary.
pub use concerto_domain::SessionKind;

/// What a careful reader would copy from a notice into a new process.
/// Every field is a suggestion for the plan office to review.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ProcessDraft {
    /// Heading of the notice, e.g. "AVVISO PUBBLICO DI AVVIO ...".
    pub title: Option<String>,
    /// Name of the Ambito, e.g. "Casarano" for "Ambito Territoriale Sociale di Casarano".
    pub ambito: Option<String>,
    /// Municipalities of the Ambito as the ISTAT gazetteer names them, in
    /// order of first mention, each once.
    pub municipalities: Vec<Municipality>,
    pub plan_period: Option<PlanPeriod>,
    /// Date the notice was signed ("Lecce, 09 ottobre 2013").
    pub notice_date: Option<NaiveDate>,
    pub deadline: Option<Deadline>,
    pub sessions: Vec<Session>,
    pub contacts: Contacts,
    /// Normalised references such as "L. 328/2000" or "DGR 353/2022".
    pub legal_references: Vec<String>,
    /// Italian sentences telling the reviewer what was guessed or not found.
    pub warnings: Vec<String>,
    /// The normalised text every `source` counts characters in; the review
    /// page shows it beside the draft.
    #[serde(skip)]
    pub text: String,
}

impl ProcessDraft {
    pub fn municipality_names(&self) -> Vec<String> {
        self.municipalities.iter().map(|m| m.name.clone()).collect()
    }

    /// The draft without its provenance: what it says, not where the text
    /// says it. Two layouts of one notice (text, PDF, HTML, DOCX) agree on it.
    pub fn without_provenance(&self) -> ProcessDraft {
        let mut draft = self.clone();
        draft.text.clear();
        draft.municipalities.iter_mut().for_each(|m| m.source = Source::default());
        draft.sessions.iter_mut().for_each(|s| s.source = Source::default());
        if let Some(deadline) = draft.deadline.as_mut() {
            deadline.source = Source::default();
        }
        draft
    }
}

/// Where a value was read: characters `start..end` of the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Source {
    pub start: usize,
    pub end: usize,
}

/// A municipality recognised with the ISTAT gazetteer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Municipality {
    pub name: String,
    /// Six-digit ISTAT code.
    pub istat: String,
    /// The first mention.
    pub source: Source,
}

/// Three-year cycle of the Piano Sociale di Zona, e.g. 2022-2024.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PlanPeriod {
    pub from: i32,
    pub to: i32,
}

/// Deadline for expressions of interest, in Italian local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub date: NaiveDate,
    #[serde(serialize_with = "hh_mm")]
    pub time: Option<NaiveTime>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// `None` when the notice leaves the date to be fixed.
    pub date: Option<NaiveDate>,
    #[serde(serialize_with = "hh_mm")]
    pub start: Option<NaiveTime>,
    #[serde(serialize_with = "hh_mm")]
    pub end: Option<NaiveTime>,
    pub kind: SessionKind,
    pub title: String,
    pub venue: Option<String>,
    pub areas: Vec<String>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Contacts {
    pub emails: Vec<String>,
    pub urls: Vec<String>,
    pub phones: Vec<String>,
}

/// Times are shown to people as "09:30": seconds never occur in notices.
fn hh_mm<S: Serializer>(time: &Option<NaiveTime>, serializer: S) -> Result<S::Ok, S::Error> {
    match time {
        Some(t) => serializer.collect_str(&t.format("%H:%M")),
        None => serializer.serialize_none(),
    }
}

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
    /// Municipalities of the Ambito, in title case, in order of first mention.
    pub municipalities: Vec<String>,
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

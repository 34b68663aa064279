//! Phases, thematic areas, tables and sessions: the calendar of a process.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// A thematic area (area tematica) chosen for a process. Areas are data, seeded from
/// a regional catalogue, because every plan cycle and every Ambito words them anew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThematicArea {
    pub id: i64,
    pub name: String,
    /// The code of the regional catalogue entry this area comes from, if any.
    pub catalogue_code: Option<String>,
}

/// A thematic table (tavolo tematico): a working group on one or more areas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub id: i64,
    /// As the notice numbers it: "1", "5", "A".
    pub label: String,
    pub title: String,
    pub area_ids: Vec<i64>,
}

/// A phase (fase) of the process, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phase {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// Sessione di concertazione: with unions, the health agency, the staff.
    Concertation,
    /// A thematic table's meeting.
    Table,
    /// Sessione plenaria: all participants together.
    Plenary,
    /// A meeting of the Coordinamento Istituzionale.
    Institutional,
    /// A conference: the general concertation conference, the services conference.
    Conference,
    Other,
}

codes!(SessionKind { Concertation => "concertation", Table => "table", Plenary => "plenary", Institutional => "institutional", Conference => "conference", Other => "other" });

/// One meeting of the process. Notices often leave a table's date "to be fixed", so
/// the date and times are optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub id: i64,
    pub kind: SessionKind,
    pub title: String,
    pub phase_id: Option<i64>,
    pub table_id: Option<i64>,
    pub date: Option<NaiveDate>,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub venue: Option<String>,
    pub area_ids: Vec<i64>,
    /// Who is invited, as the notice says it ("organizzazioni sindacali, ASL").
    pub invited: Option<String>,
    /// Bumped on every change, for the calendar feed's SEQUENCE.
    pub sequence: i32,
    pub cancelled: bool,
}

impl Session {
    /// Undated sessions are shown as "data da definire" and left out of the feed.
    pub fn is_dated(&self) -> bool {
        self.date.is_some()
    }
}

/// A session moved or cancelled by the plan office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUpdate {
    pub date: Option<NaiveDate>,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub venue: Option<String>,
    pub cancelled: bool,
}

/// A venue is a place's name and address, printed on one line of the notice.
const MAX_VENUE_CHARS: usize = 200;

impl SessionUpdate {
    pub fn validate(&self) -> Result<(), crate::FieldErrors> {
        let mut errors = crate::FieldErrors::default();
        if let (Some(start), Some(end)) = (self.start, self.end)
            && end <= start
        {
            errors.push("end", "end_before_start", "L'ora di fine precede l'ora di inizio.");
        }
        if self.date.is_none() && (self.start.is_some() || self.end.is_some()) {
            errors.push("date", "time_without_date", "Indicare la data insieme all'orario.");
        }
        if let Some(venue) = &self.venue {
            if venue.chars().count() > MAX_VENUE_CHARS {
                errors.push("venue", "too_long", format!("Al massimo {MAX_VENUE_CHARS} caratteri."));
            }
            errors.check_text("venue", venue, false);
        }
        errors.into_result(())
    }

    /// Whether applying this to `session` changes anything a participant must know.
    pub fn changes(&self, session: &Session) -> bool {
        self.date != session.date
            || self.start != session.start
            || self.end != session.end
            || self.venue != session.venue
            || self.cancelled != session.cancelled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_update_needs_a_forward_time_range_and_a_date_for_its_times() {
        let nine = NaiveTime::from_hms_opt(9, 0, 0);
        let eight = NaiveTime::from_hms_opt(8, 0, 0);
        let date = NaiveDate::from_ymd_opt(2026, 12, 1);
        let update = SessionUpdate { date, start: nine, end: eight, venue: None, cancelled: false };
        assert_eq!(update.validate().unwrap_err().errors[0].field, "end");
        let undated = SessionUpdate { date: None, start: nine, end: None, venue: None, cancelled: false };
        assert_eq!(undated.validate().unwrap_err().errors[0].field, "date");
        assert!(SessionUpdate { date, start: eight, end: nine, venue: None, cancelled: false }.validate().is_ok());
    }

    #[test]
    fn session_kind_codes_round_trip() {
        for kind in SessionKind::ALL {
            assert_eq!(SessionKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(SessionKind::from_code("party"), None);
    }
}

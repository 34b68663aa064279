//! How long the personal data of a process are kept (GDPR art. 5.1.e, storage
//! limitation): an Ambito keeps them for its retention period after the process is
//! closed, then they are anonymised. The protocol register, the counts and the
//! published outcomes stay: they are the administrative record, not personal data.

use chrono::{DateTime, Months, Utc};

use crate::ProcessStatus;

/// What replaces a name, an address or any other personal text once anonymised.
pub const ANONYMISED_TEXT: &str = "[dati anonimizzati]";

/// The moment a closed process's personal data fall due for anonymisation: the
/// close plus the Ambito's retention years, counted in calendar months so that a
/// process closed on 29 February is due on 28 February (or 1 March is never
/// skipped). `None` while the process is not closed, or when the date would be out
/// of chrono's range (then never: keeping data is the safe side of a bad date).
pub fn anonymisation_due_at(
    status: ProcessStatus,
    closed_at: Option<DateTime<Utc>>,
    retention_years: u32,
) -> Option<DateTime<Utc>> {
    if status != ProcessStatus::Closed {
        return None;
    }
    closed_at?.checked_add_months(Months::new(retention_years.checked_mul(12)?))
}

/// Whether a process's personal data are to be anonymised at `now`: it is closed
/// and `closed_at + retention_years <= now`. A process reopened after its close
/// (status no longer closed) is never due.
pub fn anonymisation_due(
    status: ProcessStatus,
    closed_at: Option<DateTime<Utc>>,
    retention_years: u32,
    now: DateTime<Utc>,
) -> bool {
    anonymisation_due_at(status, closed_at, retention_years).is_some_and(|due| due <= now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_closed_process_is_due_exactly_when_its_period_ends() {
        let closed = Some(at("2020-03-01T10:00:00Z"));
        assert!(!anonymisation_due(ProcessStatus::Closed, closed, 5, at("2025-03-01T09:59:59Z")));
        assert!(anonymisation_due(ProcessStatus::Closed, closed, 5, at("2025-03-01T10:00:00Z")));
        assert!(anonymisation_due(ProcessStatus::Closed, closed, 5, at("2030-01-01T00:00:00Z")));
        // A longer period keeps the same process.
        assert!(!anonymisation_due(ProcessStatus::Closed, closed, 7, at("2026-03-01T10:00:00Z")));
    }

    #[test]
    fn open_drafts_and_undated_closes_are_never_due() {
        let long_ago = Some(at("2000-01-01T00:00:00Z"));
        let now = at("2026-12-05T00:00:00Z");
        assert!(!anonymisation_due(ProcessStatus::Published, long_ago, 5, now));
        assert!(!anonymisation_due(ProcessStatus::Draft, long_ago, 5, now));
        assert!(!anonymisation_due(ProcessStatus::Closed, None, 5, now));
        assert!(!anonymisation_due(ProcessStatus::Closed, long_ago, u32::MAX, now), "overflow keeps the data");
    }

    #[test]
    fn a_leap_day_close_is_due_at_the_end_of_february() {
        let due = anonymisation_due_at(ProcessStatus::Closed, Some(at("2024-02-29T12:00:00Z")), 1).unwrap();
        assert_eq!(due, at("2025-02-28T12:00:00Z"));
    }
}

//! The deadline for expressions of interest: a local date and time in Europe/Rome,
//! kept as an instant so that the rule "late forms are refused" holds to the minute
//! across daylight-saving changes.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::ROME;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The clocks skip this hour in spring: no such local time exists.
    #[error("l'orario {time} del {date} non esiste in Italia (cambio dell'ora legale)")]
    NonexistentLocalTime { date: NaiveDate, time: NaiveTime },
}

/// The deadline (scadenza) for expressions of interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Deadline(DateTime<Utc>);

/// What is left before a deadline, for "mancano 3 giorni e 4 ore".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLeft {
    Closed,
    Open { days: i64, hours: i64, minutes: i64 },
}

impl Deadline {
    /// A deadline written as a local date and time in Rome. A notice that omits the
    /// time means the end of that day, which callers express as 23:59.
    pub fn from_local(date: NaiveDate, time: NaiveTime) -> Result<Self, DeadlineError> {
        // In the autumn hour that happens twice, the later reading is the one that
        // refuses nobody who trusted the notice.
        ROME.from_local_datetime(&date.and_time(time))
            .latest()
            .map(|local| Deadline(local.with_timezone(&Utc)))
            .ok_or(DeadlineError::NonexistentLocalTime { date, time })
    }

    pub fn from_utc(instant: DateTime<Utc>) -> Self {
        Deadline(instant)
    }

    pub fn instant(&self) -> DateTime<Utc> {
        self.0
    }

    pub fn local(&self) -> DateTime<Tz> {
        self.0.with_timezone(&ROME)
    }

    /// Submissions are accepted up to and including the deadline's minute.
    pub fn is_open_at(&self, now: DateTime<Utc>) -> bool {
        now < self.0 + chrono::Duration::minutes(1)
    }

    pub fn time_left(&self, now: DateTime<Utc>) -> TimeLeft {
        if !self.is_open_at(now) {
            return TimeLeft::Closed;
        }
        let left = (self.0 - now).num_minutes().max(0);
        TimeLeft::Open { days: left / (24 * 60), hours: left / 60 % 24, minutes: left % 60 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn summer_deadline_is_two_hours_ahead_of_utc() {
        let d = Deadline::from_local(date(2022, 6, 8), time(12, 0)).unwrap();
        assert_eq!(d.instant(), utc("2022-06-08T10:00:00Z"));
        assert_eq!(d.local().to_rfc3339(), "2022-06-08T12:00:00+02:00");
    }

    #[test]
    fn winter_deadline_is_one_hour_ahead_of_utc() {
        let d = Deadline::from_local(date(2013, 10, 30), time(12, 0)).unwrap();
        assert_eq!(d.instant(), utc("2013-10-30T11:00:00Z"));
    }

    #[test]
    fn the_deadline_minute_itself_is_still_open() {
        let d = Deadline::from_local(date(2022, 6, 8), time(12, 0)).unwrap();
        assert!(d.is_open_at(utc("2022-06-08T10:00:59Z")));
        assert!(!d.is_open_at(utc("2022-06-08T10:01:00Z")));
    }

    #[test]
    fn a_skipped_spring_hour_is_refused() {
        let err = Deadline::from_local(date(2026, 3, 29), time(2, 30)).unwrap_err();
        assert!(err.to_string().contains("non esiste"));
    }

    #[test]
    fn a_repeated_autumn_hour_takes_the_later_instant() {
        let d = Deadline::from_local(date(2026, 10, 25), time(2, 30)).unwrap();
        assert_eq!(d.instant(), utc("2026-10-25T01:30:00Z"));
    }

    #[test]
    fn time_left_counts_days_hours_minutes() {
        let d = Deadline::from_local(date(2022, 6, 8), time(12, 0)).unwrap();
        assert_eq!(d.time_left(utc("2022-06-06T08:30:00Z")), TimeLeft::Open { days: 2, hours: 1, minutes: 30 });
        assert_eq!(d.time_left(utc("2022-06-09T00:00:00Z")), TimeLeft::Closed);
    }
}

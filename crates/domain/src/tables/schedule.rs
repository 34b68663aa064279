//! When the work at the tables may happen: the ballot's opening, the check-in
//! window of a session and whether a session has been held. Times are compared as
//! instants; the calendar's dates and times are local to Rome.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::{Process, ROME, Session, SessionKind};

/// Why the ballot may not open yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BallotRefusal {
    /// Sign-up is still open: an organization could join after the vote began.
    #[error("la votazione non può aprirsi prima della scadenza delle adesioni")]
    BeforeDeadline(DateTime<Utc>),
    /// Priorities are set at the plenary, not before.
    #[error("la votazione si apre alla plenaria o dopo")]
    BeforePlenary(DateTime<Utc>),
}

/// The instant a local date and time in Rome stands for (the later reading in the
/// autumn hour that happens twice; a skipped spring hour moves one hour on).
fn rome_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    ROME.from_local_datetime(&date.and_time(time))
        .latest()
        .or_else(|| ROME.from_local_datetime(&(date.and_time(time) + Duration::hours(1))).latest())
        .map(|local| local.with_timezone(&Utc))
        .unwrap_or_else(|| date.and_time(time).and_utc())
}

/// When a dated session starts: its start time, or the beginning of its day.
pub fn session_start(session: &Session) -> Option<DateTime<Utc>> {
    let date = session.date?;
    Some(rome_instant(date, session.start.unwrap_or(NaiveTime::MIN)))
}

/// When a dated session ends: its end time, else the end of its day.
pub fn session_end(session: &Session) -> Option<DateTime<Utc>> {
    let date = session.date?;
    match session.end {
        Some(end) => Some(rome_instant(date, end)),
        None => Some(rome_instant(date, NaiveTime::MIN) + Duration::days(1)),
    }
}

/// A session is held once it has ended; a cancelled or undated one never is.
pub fn session_held(session: &Session, now: DateTime<Utc>) -> bool {
    !session.cancelled && session_end(session).is_some_and(|end| end <= now)
}

/// The rule of the ballot's opening: never before the sign-up deadline, and at or
/// after the start of the first plenary of the process when it has one.
pub fn may_open_ballot(process: &Process, now: DateTime<Utc>) -> Result<(), BallotRefusal> {
    if let Some(deadline) = process.header.deadline.filter(|d| d.is_open_at(now)) {
        return Err(BallotRefusal::BeforeDeadline(deadline.instant()));
    }
    let plenary = process
        .sessions
        .iter()
        .filter(|s| s.kind == SessionKind::Plenary && !s.cancelled)
        .filter_map(session_start)
        .min();
    match plenary {
        Some(start) if now < start => Err(BallotRefusal::BeforePlenary(start)),
        _ => Ok(()),
    }
}

/// The days around a session's own on which check-in is accepted; the default is
/// the session's day only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckinWindow {
    pub days_before: u32,
    pub days_after: u32,
}

/// Why a check-in is refused at this moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckinRefusal {
    #[error("l'incontro non ha ancora una data")]
    Undated,
    #[error("l'incontro è annullato")]
    Cancelled,
    #[error("le presenze si registrano solo nel giorno dell'incontro")]
    OutsideWindow { date: NaiveDate },
}

impl CheckinWindow {
    /// May someone check in to `session` at `now` (the day read in Rome)?
    pub fn admits(&self, session: &Session, now: DateTime<Utc>) -> Result<(), CheckinRefusal> {
        if session.cancelled {
            return Err(CheckinRefusal::Cancelled);
        }
        let date = session.date.ok_or(CheckinRefusal::Undated)?;
        let today = now.with_timezone(&ROME).date_naive();
        let first = date - Duration::days(i64::from(self.days_before));
        let last = date + Duration::days(i64::from(self.days_after));
        if today < first || today > last {
            return Err(CheckinRefusal::OutsideWindow { date });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(kind: SessionKind, date: Option<NaiveDate>) -> Session {
        Session {
            id: 1,
            kind,
            title: "Plenaria".into(),
            phase_id: None,
            table_id: None,
            date,
            start: NaiveTime::from_hms_opt(9, 30, 0),
            end: NaiveTime::from_hms_opt(12, 0, 0),
            venue: None,
            area_ids: vec![],
            invited: None,
            sequence: 0,
            cancelled: false,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        rome_instant(day(d), NaiveTime::from_hms_opt(h, 0, 0).unwrap())
    }

    #[test]
    fn check_in_only_on_the_session_s_day_unless_widened() {
        let s = session(SessionKind::Table, Some(day(10)));
        let window = CheckinWindow::default();
        assert!(window.admits(&s, at(10, 8)).is_ok());
        assert!(window.admits(&s, at(10, 23)).is_ok(), "late evening in Rome is still the day");
        assert_eq!(window.admits(&s, at(9, 18)), Err(CheckinRefusal::OutsideWindow { date: day(10) }));
        assert!(window.admits(&s, at(11, 0)).is_err());
        let wide = CheckinWindow { days_before: 1, days_after: 2 };
        assert!(wide.admits(&s, at(9, 18)).is_ok() && wide.admits(&s, at(12, 10)).is_ok());
        assert!(wide.admits(&s, at(13, 10)).is_err());
        assert_eq!(window.admits(&session(SessionKind::Table, None), at(10, 8)), Err(CheckinRefusal::Undated));
    }

    #[test]
    fn a_session_is_held_once_it_has_ended() {
        let s = session(SessionKind::Table, Some(day(10)));
        assert!(!session_held(&s, at(10, 11)));
        assert!(session_held(&s, at(10, 12)));
        let mut cancelled = s.clone();
        cancelled.cancelled = true;
        assert!(!session_held(&cancelled, at(20, 12)));
        assert!(!session_held(&session(SessionKind::Table, None), at(20, 12)));
    }
}

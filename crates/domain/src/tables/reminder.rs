//! When the reminder of a session is due: a number of hours before it starts (24
//! unless the process sets another), until it starts.

use chrono::{DateTime, Duration, Utc};

use super::Invitee;
use super::schedule::session_start;
use crate::Session;

/// The day before, unless the process says otherwise.
pub const DEFAULT_REMINDER_HOURS: u32 = 24;

/// Whether the reminder of `session` is due at `now`: it is dated, not cancelled,
/// not started, and starts within `hours_before`.
pub fn reminder_due(session: &Session, hours_before: u32, now: DateTime<Utc>) -> bool {
    if session.cancelled {
        return false;
    }
    session_start(session).is_some_and(|start| now < start && start - Duration::hours(i64::from(hours_before)) <= now)
}

/// Who is reminded of a session: those holding a seat when the session has a
/// limit, those invited (given a check-in code) when it has none; each person once.
pub fn reminder_recipients(invited: &[Invitee], seated: &[Invitee], limited: bool) -> Vec<Invitee> {
    let mut out: Vec<Invitee> = Vec::new();
    let invited: &[Invitee] = if limited { &[] } else { invited };
    for i in invited.iter().chain(seated) {
        if !out.iter().any(|o| o.tax_code == i.tax_code && o.email == i.email) {
            out.push(i.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SessionKind;
    use chrono::{NaiveDate, NaiveTime};

    fn session(date: Option<NaiveDate>, start: Option<NaiveTime>) -> Session {
        Session {
            id: 1,
            kind: SessionKind::Table,
            title: "Tavolo".into(),
            phase_id: None,
            table_id: None,
            date,
            start,
            end: None,
            venue: None,
            area_ids: vec![],
            invited: None,
            sequence: 0,
            cancelled: false,
        }
    }

    #[test]
    fn a_limited_session_reminds_only_those_seated() {
        let who =
            |n: &str| Invitee { tax_code: n.into(), organization: n.into(), name: n.into(), email: format!("{n}@x") };
        let invited = vec![who("a"), who("b")];
        let seated = vec![who("b"), who("c")];
        assert_eq!(reminder_recipients(&invited, &seated, false), vec![who("a"), who("b"), who("c")]);
        assert_eq!(reminder_recipients(&invited, &seated, true), vec![who("b"), who("c")]);
    }

    #[test]
    fn due_the_day_before_in_rome_time() {
        let day = NaiveDate::from_ymd_opt(2026, 6, 13);
        let s = session(day, NaiveTime::from_hms_opt(9, 30, 0));
        // 09:30 in Rome in June is 07:30 UTC.
        let utc = |d: u32, h: u32, m: u32| {
            NaiveDate::from_ymd_opt(2026, 6, d).unwrap().and_hms_opt(h, m, 0).unwrap().and_utc()
        };
        assert!(!reminder_due(&s, 24, utc(12, 7, 29)));
        assert!(reminder_due(&s, 24, utc(12, 7, 30)));
        assert!(reminder_due(&s, 24, utc(13, 7, 29)));
        assert!(!reminder_due(&s, 24, utc(13, 7, 30)), "once it starts, no reminder");
        assert!(!reminder_due(&session(None, None), 24, utc(13, 7, 0)));
        let mut cancelled = s.clone();
        cancelled.cancelled = true;
        assert!(!reminder_due(&cancelled, 24, utc(13, 7, 0)));
    }
}

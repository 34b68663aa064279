//! iCalendar (RFC 5545, with the scheduling methods of RFC 5546), written with the
//! `icalendar` crate: the public feeds (METHOD:PUBLISH) and the personal
//! invitations that update a calendar program's event (REQUEST, then CANCEL, under
//! one UID with a rising SEQUENCE).

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use concerto_domain::{Process, Session};
use icalendar::{Calendar, Component, EventLike, Property};

/// Europe/Rome since 1996: CEST from the last Sunday of March, CET from the last
/// Sunday of October. The one part not written by the crate: icalendar 0.17 gives
/// every component it writes a DTSTAMP and, without one, a random UID, which RFC
/// 5545 does not allow in a VTIMEZONE (and which would change the feed on every
/// request). It goes in before the first event.
const VTIMEZONE_ROME: &str = "BEGIN:VTIMEZONE\r
TZID:Europe/Rome\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
";

/// What a calendar is for: a feed to subscribe to, or a message to one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Publish,
    Request,
    Cancel,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// A person in a scheduling message: name and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarPerson {
    pub name: String,
    pub email: String,
}

/// One session as an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    pub uid: String,
    pub sequence: i32,
    pub summary: String,
    pub date: NaiveDate,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub location: Option<String>,
    pub description: String,
    /// The session's public page.
    pub url: String,
    pub cancelled: bool,
    pub organizer: Option<CalendarPerson>,
    pub attendee: Option<CalendarPerson>,
}

/// The UID of a session's event: the same in every feed and every invitation, so
/// that calendar programs update the event instead of adding another.
pub fn session_uid(session_id: i64, slug: &str, public_url: &str) -> String {
    let host = public_url.split("://").nth(1).and_then(|rest| rest.split('/').next()).unwrap_or("concerto");
    format!("session-{session_id}-{slug}@{host}")
}

/// The public page of a session.
pub fn session_url(public_url: &str, slug: &str, session_id: i64) -> String {
    format!("{}/processi/{slug}/sessioni/{session_id}", public_url.trim_end_matches('/'))
}

impl CalendarEvent {
    /// The public event of a dated session: areas and who takes part, never a
    /// meeting link. None for an undated session.
    pub fn public(process: &Process, s: &Session, public_url: &str) -> Option<CalendarEvent> {
        let date = s.date?;
        let url = session_url(public_url, &process.header.slug, s.id);
        let areas: Vec<&str> = s.area_ids.iter().filter_map(|&id| process.area(id)).map(|a| a.name.as_str()).collect();
        let mut description = Vec::new();
        if !areas.is_empty() {
            description.push(format!("Aree tematiche: {}", areas.join("; ")));
        }
        if let Some(invited) = &s.invited {
            description.push(format!("Partecipano: {invited}"));
        }
        description.push(url.clone());
        Some(CalendarEvent {
            uid: session_uid(s.id, &process.header.slug, public_url),
            sequence: s.sequence,
            summary: s.title.clone(),
            date,
            start: s.start,
            end: s.end,
            location: s.venue.clone(),
            description: description.join("\n"),
            url,
            cancelled: s.cancelled,
            organizer: None,
            attendee: None,
        })
    }
}

/// A whole VCALENDAR: `name` titles a feed; `method` says what it is for.
pub fn ics(name: Option<&str>, method: Method, events: &[CalendarEvent], now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::empty();
    calendar.append_property(Property::new("VERSION", "2.0"));
    calendar.append_property(Property::new("PRODID", "-//Concerto//Programmazione partecipata//IT"));
    calendar.append_property(Property::new("CALSCALE", "GREGORIAN"));
    calendar.append_property(Property::new("METHOD", method.as_str()));
    if let Some(name) = name {
        calendar.name(name);
    }
    calendar.timezone("Europe/Rome");
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    for e in events {
        calendar.push(event(e, method, &stamp));
    }
    let text = calendar.done().to_string();
    let at = text.find("BEGIN:VEVENT").or_else(|| text.rfind("END:VCALENDAR")).unwrap_or(text.len());
    format!("{}{VTIMEZONE_ROME}{}", &text[..at], &text[at..])
}

fn event(e: &CalendarEvent, method: Method, stamp: &str) -> icalendar::Event {
    let mut event = icalendar::Event::with_uid(&e.uid);
    event.append_property(Property::new("DTSTAMP", stamp));
    for p in timing(e.date, e.start, e.end) {
        event.append_property(p);
    }
    event.summary(&e.summary);
    if let Some(location) = &e.location {
        event.location(location);
    }
    event.description(&e.description);
    event.append_property(Property::new("URL", &e.url));
    event.sequence(u32::try_from(e.sequence).unwrap_or(0));
    let cancelled = e.cancelled || method == Method::Cancel;
    event.status(if cancelled { icalendar::EventStatus::Cancelled } else { icalendar::EventStatus::Confirmed });
    if let Some(o) = &e.organizer {
        event.append_property(
            Property::new("ORGANIZER", format!("mailto:{}", o.email)).add_parameter("CN", &o.name).done(),
        );
    }
    if let Some(a) = &e.attendee {
        event.append_multi_property(
            Property::new("ATTENDEE", format!("mailto:{}", a.email))
                .add_parameter("CN", &a.name)
                .add_parameter("ROLE", "REQ-PARTICIPANT")
                .add_parameter("PARTSTAT", "NEEDS-ACTION")
                .add_parameter("RSVP", "FALSE")
                .done(),
        );
    }
    event.done()
}

/// A timed event in Rome's zone, or an all-day event when the notice gives no time.
fn timing(date: NaiveDate, start: Option<NaiveTime>, end: Option<NaiveTime>) -> Vec<Property> {
    let local = |t: NaiveTime| date.and_time(t).format("%Y%m%dT%H%M%S").to_string();
    match start {
        Some(start) => {
            let mut lines = vec![Property::new("DTSTART", local(start)).add_parameter("TZID", "Europe/Rome").done()];
            if let Some(end) = end.filter(|&e| e > start) {
                lines.push(Property::new("DTEND", local(end)).add_parameter("TZID", "Europe/Rome").done());
            }
            lines
        }
        None => {
            let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
            vec![
                Property::new("DTSTART", date.format("%Y%m%d").to_string()).add_parameter("VALUE", "DATE").done(),
                Property::new("DTEND", next.format("%Y%m%d").to_string()).add_parameter("VALUE", "DATE").done(),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::parser::{read_calendar, unfold};

    fn sample(start: Option<NaiveTime>) -> CalendarEvent {
        CalendarEvent {
            uid: "session-7-p@concerto.test".into(),
            sequence: 1,
            summary: format!("Tavolo, sì; {}", "à".repeat(60)),
            date: NaiveDate::from_ymd_opt(2022, 6, 30).unwrap(),
            start,
            end: None,
            location: Some("Sala \"A\", Via Roma 1".into()),
            description: "Riga uno\nRiga due".into(),
            url: "http://concerto.test/processi/p/sessioni/7".into(),
            cancelled: false,
            organizer: Some(CalendarPerson {
                name: "Ufficio di Piano".into(),
                email: "ufficio@esempio.invalid".into(),
            }),
            attendee: Some(CalendarPerson { name: "Anna Bianchi, APS".into(), email: "anna@example.org".into() }),
        }
    }

    #[test]
    fn a_request_parses_back_with_its_people_and_folded_lines() {
        let now = DateTime::parse_from_rfc3339("2026-03-02T08:30:00Z").unwrap().with_timezone(&Utc);
        let text = ics(None, Method::Request, &[sample(NaiveTime::from_hms_opt(9, 30, 0))], now);
        for physical in text.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets: {physical}", physical.len());
        }
        let unfolded = unfold(&text);
        let calendar = read_calendar(&unfolded).expect("parses");
        let root = &calendar.components;
        assert!(text.contains("METHOD:REQUEST\r\n"), "{text}");
        let event = root.iter().find(|c| c.name == "VEVENT").expect("an event");
        assert_eq!(event.find_prop("UID").unwrap().val.as_str(), "session-7-p@concerto.test");
        assert_eq!(event.find_prop("SEQUENCE").unwrap().val.as_str(), "1");
        assert_eq!(event.find_prop("DTSTART").unwrap().val.as_str(), "20220630T093000");
        assert!(event.find_prop("ORGANIZER").unwrap().val.as_str() == "mailto:ufficio@esempio.invalid");
        assert!(event.find_prop("ATTENDEE").unwrap().val.as_str() == "mailto:anna@example.org");
        assert!(unfolded.contains("SUMMARY:Tavolo\\, sì\\; "), "{unfolded}");
        assert!(root.iter().any(|c| c.name == "VTIMEZONE"));
    }

    #[test]
    fn a_cancel_keeps_the_uid_and_an_undated_time_is_all_day() {
        let now = Utc::now();
        let text = ics(Some("Feed"), Method::Cancel, &[sample(None)], now);
        assert!(text.contains("METHOD:CANCEL\r\n") && text.contains("STATUS:CANCELLED\r\n"), "{text}");
        assert!(text.contains("UID:session-7-p@concerto.test\r\n"));
        assert!(
            text.contains("DTSTART;VALUE=DATE:20220630\r\n") && text.contains("DTEND;VALUE=DATE:20220701\r\n"),
            "{text}"
        );
    }
}

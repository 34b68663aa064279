//! The calendar feed of a process (RFC 5545): every dated session, in Europe/Rome
//! with its VTIMEZONE, under a UID that stays the same across requests so that
//! calendar programs update events instead of duplicating them.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use concerto_domain::{Process, Session};

use crate::AppState;
use crate::error::ApiError;

/// Europe/Rome since 1996: CEST from the last Sunday of March, CET from the last
/// Sunday of October.
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

pub async fn feed(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, ApiError> {
    let process = crate::public_process(&state.store, &slug).await?;
    let body = render(&process, &state.config.public_url, state.clock.now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "inline; filename=\"calendario.ics\"; filename*=UTF-8''calendario.ics"),
        ],
        body,
    )
        .into_response())
}

/// The whole VCALENDAR of a process.
pub fn render(process: &Process, public_url: &str, now: DateTime<Utc>) -> String {
    let page = format!("{}/processi/{}", public_url.trim_end_matches('/'), process.header.slug);
    let mut out = String::with_capacity(4096);
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Concerto//Programmazione partecipata//IT".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", escape(&format!("{} – {}", process.ambito.full_name(), process.header.cycle))),
        "X-WR-TIMEZONE:Europe/Rome".to_string(),
    ] {
        push_line(&mut out, &line);
    }
    out.push_str(VTIMEZONE_ROME);
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    for session in process.sessions.iter().filter(|s| s.is_dated()) {
        event(&mut out, process, session, &page, &stamp);
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

fn event(out: &mut String, process: &Process, s: &Session, page: &str, stamp: &str) {
    let Some(date) = s.date else { return };
    let host = page.split("://").nth(1).and_then(|rest| rest.split('/').next()).unwrap_or("concerto");
    let areas: Vec<&str> = s.area_ids.iter().filter_map(|&id| process.area(id)).map(|a| a.name.as_str()).collect();
    let mut description = Vec::new();
    if !areas.is_empty() {
        description.push(format!("Aree tematiche: {}", areas.join("; ")));
    }
    if let Some(invited) = &s.invited {
        description.push(format!("Partecipano: {invited}"));
    }
    description.push(page.to_string());

    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:session-{}-{}@{host}", s.id, process.header.slug),
        format!("DTSTAMP:{stamp}"),
    ];
    lines.extend(timing(date, s.start, s.end));
    lines.push(format!("SUMMARY:{}", escape(&s.title)));
    if let Some(venue) = &s.venue {
        lines.push(format!("LOCATION:{}", escape(venue)));
    }
    lines.push(format!("DESCRIPTION:{}", escape(&description.join("\n"))));
    lines.push(format!("URL:{page}"));
    lines.push(format!("SEQUENCE:{}", s.sequence));
    lines.push(format!("STATUS:{}", if s.cancelled { "CANCELLED" } else { "CONFIRMED" }));
    lines.push("END:VEVENT".to_string());
    for line in lines {
        push_line(out, &line);
    }
}

/// A timed event in Rome's zone, or an all-day event when the notice gives no time.
fn timing(date: NaiveDate, start: Option<NaiveTime>, end: Option<NaiveTime>) -> Vec<String> {
    let local = |t: NaiveTime| date.and_time(t).format("%Y%m%dT%H%M%S").to_string();
    match start {
        Some(start) => {
            let mut lines = vec![format!("DTSTART;TZID=Europe/Rome:{}", local(start))];
            if let Some(end) = end.filter(|&e| e > start) {
                lines.push(format!("DTEND;TZID=Europe/Rome:{}", local(end)));
            }
            lines
        }
        None => {
            let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
            vec![
                format!("DTSTART;VALUE=DATE:{}", date.format("%Y%m%d")),
                format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
            ]
        }
    }
}

/// TEXT values escape backslash, semicolon, comma and newline (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines longer than 75 octets are folded, never inside a UTF-8 character (§3.1).
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "à".repeat(60));
        push_line(&mut out, &line);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), line);
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }

    #[test]
    fn a_session_without_a_time_is_an_all_day_event() {
        let date = NaiveDate::from_ymd_opt(2022, 6, 30).unwrap();
        assert_eq!(timing(date, None, None), ["DTSTART;VALUE=DATE:20220630", "DTEND;VALUE=DATE:20220701"]);
        let nine = NaiveTime::from_hms_opt(9, 30, 0);
        assert_eq!(timing(date, nine, None), ["DTSTART;TZID=Europe/Rome:20220630T093000"]);
    }
}

//! Processes prepared for reading: formatted dates, localized labels, the calendar
//! as rows. Shared by the pages, so each page template stays a layout.

use chrono::{DateTime, Utc};
use concerto_domain::{Deadline, Process, ProcessStatus, ROME, Session, SessionKind, TimeLeft, italian};

use crate::i18n::Locale;

/// One row of the calendar table, laid out like the notices' own tables.
pub struct CalendarRow {
    /// "Tavolo 1", "Plenaria".
    pub label: String,
    /// The session's title when it says more than its label.
    pub title: Option<String>,
    pub kind: &'static str,
    pub date: String,
    /// `2022-06-13`, for the `datetime` attribute.
    pub iso_date: String,
    pub long_date: Option<String>,
    pub dated: bool,
    pub start: String,
    pub end: String,
    pub areas: Vec<String>,
    pub venue: String,
    pub invited: Option<String>,
    pub cancelled: bool,
}

pub struct PhaseView {
    pub name: String,
    pub description: String,
    pub period: Option<String>,
    pub rows: Vec<CalendarRow>,
}

pub fn kind_label(kind: SessionKind, locale: Locale) -> &'static str {
    locale.t(match kind {
        SessionKind::Concertation => "kind.concertation",
        SessionKind::Table => "kind.table",
        SessionKind::Plenary => "kind.plenary",
        SessionKind::Institutional => "kind.institutional",
        SessionKind::Conference => "kind.conference",
        SessionKind::Other => "kind.other",
    })
}

pub fn status_label(status: ProcessStatus, locale: Locale) -> &'static str {
    locale.t(match status {
        ProcessStatus::Draft => "status.draft",
        ProcessStatus::Published => "status.published",
        ProcessStatus::Closed => "status.closed",
    })
}

pub fn calendar_row(process: &Process, session: &Session, locale: Locale) -> CalendarRow {
    let table = session.table_id.and_then(|id| process.table(id));
    let label = match table {
        Some(t) => format!("{} {}", kind_label(SessionKind::Table, locale), t.label),
        None => kind_label(session.kind, locale).to_string(),
    };
    // A table's session is usually titled after its table: saying it twice helps nobody.
    let redundant = session.title == label || table.is_some_and(|t| t.title == session.title);
    let title = (!redundant).then(|| session.title.clone());
    CalendarRow {
        label,
        title,
        kind: session.kind.code(),
        date: session.date.map_or_else(|| locale.t("calendar.undated").to_string(), italian::date),
        iso_date: session.date.map(|d| d.to_string()).unwrap_or_default(),
        long_date: session.date.map(|d| long_date(d, locale)),
        dated: session.is_dated(),
        start: session.start.map(italian::time).unwrap_or_default(),
        end: session.end.map(italian::time).unwrap_or_default(),
        areas: session.area_ids.iter().filter_map(|&id| process.area(id)).map(|a| a.name.clone()).collect(),
        venue: session.venue.clone().unwrap_or_default(),
        invited: session.invited.clone(),
        cancelled: session.cancelled,
    }
}

/// The whole calendar: dated sessions by date, then those still to be fixed.
pub fn calendar(process: &Process, locale: Locale) -> Vec<CalendarRow> {
    process.sessions_in_calendar_order().into_iter().map(|s| calendar_row(process, s, locale)).collect()
}

/// `lunedì 13 giugno 2022`, or `Monday 13 June 2022` for English readers.
pub fn long_date(date: chrono::NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::It => italian::long_date(date),
        Locale::En => date.format("%A %-d %B %Y").to_string(),
    }
}

pub fn phases(process: &Process, locale: Locale) -> Vec<PhaseView> {
    process
        .phases
        .iter()
        .map(|phase| PhaseView {
            name: phase.name.clone(),
            description: phase.description.clone(),
            period: match (phase.starts_on, phase.ends_on) {
                (Some(a), Some(b)) => Some(format!("{} – {}", italian::date(a), italian::date(b))),
                (Some(a), None) => Some(italian::date(a)),
                _ => None,
            },
            rows: process.sessions_of_phase(phase.id).map(|s| calendar_row(process, s, locale)).collect(),
        })
        .collect()
}

/// "13/06/2022 alle 12:00" style parts of a deadline in Rome.
pub struct DeadlineView {
    pub date: String,
    pub time: String,
    pub iso: String,
    pub left: String,
    pub open: bool,
}

pub fn deadline(deadline: Deadline, now: DateTime<Utc>, locale: Locale) -> DeadlineView {
    let local = deadline.local();
    let left = match deadline.time_left(now) {
        TimeLeft::Closed => locale.t("left.closed").to_string(),
        TimeLeft::Open { days, hours, .. } if days > 0 => {
            locale.tf("left.days", &[("days", &days.to_string()), ("hours", &hours.to_string())])
        }
        TimeLeft::Open { hours, minutes, .. } => {
            locale.tf("left.hours", &[("hours", &hours.to_string()), ("minutes", &minutes.to_string())])
        }
    };
    DeadlineView {
        date: italian::date(local.date_naive()),
        time: italian::time(local.time()),
        iso: local.to_rfc3339(),
        left,
        open: deadline.is_open_at(now),
    }
}

/// When a session meets, in Italian for e-mails: `lunedì 13 giugno 2022
/// (13/06/2022), 09:30–12:30`, or `data da definire`.
pub fn session_when(s: &Session) -> String {
    match s.date {
        None => "data da definire".into(),
        Some(d) => match italian::time_range(s.start, s.end) {
            Some(range) => format!("{} ({}), {range}", italian::long_date(d), italian::date(d)),
            None => format!("{} ({})", italian::long_date(d), italian::date(d)),
        },
    }
}

/// `13/06/2022, 09:30` in Rome.
pub fn when(instant: DateTime<Utc>) -> String {
    let local = instant.with_timezone(&ROME);
    format!("{}, {}", italian::date(local.date_naive()), italian::time(local.time()))
}

/// A pact's state as its pages name it.
pub fn pact_state_label(state: concerto_domain::PactState, ctx: &crate::page::PageContext) -> &'static str {
    ctx.t(match state {
        concerto_domain::PactState::Generated => "pact.state.generated",
        concerto_domain::PactState::Signed => "pact.state.signed",
        concerto_domain::PactState::Countersigned => "pact.state.countersigned",
        concerto_domain::PactState::Withdrawn => "pact.state.withdrawn",
    })
}

pub fn pact_kind_label(kind: concerto_domain::PactKind, ctx: &crate::page::PageContext) -> &'static str {
    ctx.t(match kind {
        concerto_domain::PactKind::ParticipationPact => "pact.kind.pact",
        concerto_domain::PactKind::Memorandum => "pact.kind.memorandum",
    })
}

/// A role as the Italian pages and e-mails name it.
pub fn role_name(role: concerto_domain::Role) -> &'static str {
    match role {
        concerto_domain::Role::PlatformAdmin => "amministratore della piattaforma",
        concerto_domain::Role::AmbitoAdmin => "amministratore dell'Ambito",
        concerto_domain::Role::AmbitoEditor => "redattore dell'Ambito",
        concerto_domain::Role::Representative => "rappresentante di organizzazione",
        concerto_domain::Role::Citizen => "cittadino",
    }
}

/// Rows of the office's long lists per page: an office with thousands of expressions
/// gets pages rather than one table of thousands of rows.
pub const LIST_PAGE: usize = 100;

/// The characters a URL carries as they are (RFC 3986's unreserved ones).
const UNRESERVED: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Text for a query value or a header's `filename*`, percent-encoded as UTF-8.
pub fn url_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, UNRESERVED).to_string()
}

/// Text for HTML written by hand (an SVG chart, marked search results), escaped as
/// the templates escape theirs.
pub fn html_escape(text: &str) -> String {
    let Ok(escaped) = askama::filters::escape(text, askama::filters::Html);
    escaped.to_string()
}

/// A message as a sentence: capital first letter, full stop.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str() + ".").unwrap_or_default()
}

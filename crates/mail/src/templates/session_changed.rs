//! The notice sent to the participants of a session that was moved or cancelled.

use chrono::{NaiveDate, NaiveTime};
use concerto_domain::italian;
use concerto_store::NewEmail;

use super::AUTOMATIC_NOTICE;

/// When and where a session takes place, in Rome's local time as the calendar holds it.
/// A date may still be to be fixed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionSlot {
    pub date: Option<NaiveDate>,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub venue: Option<String>,
}

/// A change to one participant's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionChange {
    /// Unique per recipient and per change, e.g. `session:{id}:{sequence}:{recipient}`:
    /// the outbox keeps only the first message of a key.
    pub dedup_key: String,
    pub recipient: String,
    pub process_title: String,
    pub session_title: String,
    pub before: SessionSlot,
    /// `None` when the session is cancelled.
    pub after: Option<SessionSlot>,
    /// The process page, where the calendar is kept up to date.
    pub process_url: String,
}

pub fn session_changed(c: &SessionChange) -> NewEmail {
    let (subject, what, details) = match &c.after {
        Some(after) => (
            format!("Variazione di calendario – {}", c.session_title),
            "è stata spostata",
            format!(
                "Prima:  {}\nOra:    {}\nLuogo:  {}\n",
                when(&c.before),
                when(after),
                venue_change(c.before.venue.as_deref(), after.venue.as_deref())
            ),
        ),
        None => (
            format!("Sessione annullata – {}", c.session_title),
            "è stata annullata",
            format!("Era prevista: {}\nLuogo: {}\n", when(&c.before), venue(c.before.venue.as_deref())),
        ),
    };
    let body = format!(
        "Gentile partecipante,\n\
         \n\
         la sessione «{session}»\n\
         del processo «{process}» {what}.\n\
         \n\
         {details}\
         \n\
         Il calendario aggiornato è pubblicato qui:\n\
         {url}\n\
         \n\
         {AUTOMATIC_NOTICE}\n",
        session = c.session_title,
        process = c.process_title,
        url = c.process_url,
    );
    NewEmail { dedup_key: c.dedup_key.clone(), recipient: c.recipient.clone(), subject, body, ..NewEmail::default() }
}

/// `lunedì 13 giugno 2022, 09:30–12:30`, or `data da definire`.
fn when(slot: &SessionSlot) -> String {
    let Some(date) = slot.date else { return "data da definire".to_owned() };
    match italian::time_range(slot.start, slot.end) {
        Some(range) => format!("{} ({}), {range}", italian::long_date(date), italian::date(date)),
        None => format!("{} ({})", italian::long_date(date), italian::date(date)),
    }
}

fn venue(v: Option<&str>) -> &str {
    v.unwrap_or("da definire")
}

fn venue_change(before: Option<&str>, after: Option<&str>) -> String {
    if before == after {
        format!("{} (invariato)", venue(after))
    } else {
        format!("{} (prima: {})", venue(after), venue(before))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    fn change(after: Option<SessionSlot>) -> SessionChange {
        SessionChange {
            dedup_key: "session:7:2:ente@example.org".into(),
            recipient: "ente@example.org".into(),
            process_title: "Piano Sociale di Zona 2026-2028".into(),
            session_title: "Tavolo 3 – Invecchiamento attivo".into(),
            before: SessionSlot {
                date: NaiveDate::from_ymd_opt(2026, 4, 13),
                start: at(9, 30),
                end: at(12, 30),
                venue: Some("Sala consiliare, Palazzo Carafa".into()),
            },
            after,
            process_url: "https://concerto.example.org/processi/pdz-lecce-2026".into(),
        }
    }

    #[test]
    fn a_moved_session_shows_old_and_new_time() {
        let moved = SessionSlot {
            date: NaiveDate::from_ymd_opt(2026, 4, 20),
            start: at(10, 0),
            end: None,
            venue: Some("Biblioteca comunale".into()),
        };
        let email = session_changed(&change(Some(moved)));
        assert_eq!(email.subject, "Variazione di calendario – Tavolo 3 – Invecchiamento attivo");
        assert_eq!(email.dedup_key, "session:7:2:ente@example.org");
        insta::assert_snapshot!(email.body);
    }

    #[test]
    fn a_session_fixed_at_the_same_venue_says_the_venue_is_unchanged() {
        let c = SessionChange {
            before: SessionSlot { date: None, venue: Some("Sala A".into()), ..SessionSlot::default() },
            ..change(Some(SessionSlot {
                date: NaiveDate::from_ymd_opt(2026, 5, 4),
                venue: Some("Sala A".into()),
                ..SessionSlot::default()
            }))
        };
        let body = session_changed(&c).body;
        assert!(body.contains("Prima:  data da definire\n"), "{body}");
        assert!(body.contains("Ora:    lunedì 4 maggio 2026 (04/05/2026)\n"), "{body}");
        assert!(body.contains("Luogo:  Sala A (invariato)\n"), "{body}");
    }

    #[test]
    fn a_cancelled_session_says_so() {
        let email = session_changed(&change(None));
        assert_eq!(email.subject, "Sessione annullata – Tavolo 3 – Invecchiamento attivo");
        insta::assert_snapshot!(email.body);
    }
}

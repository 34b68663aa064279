//! How a session is held: in person, online or hybrid, with a meeting link that only
//! the invited and registered see, accessibility notes everyone sees, an agenda, and
//! a number of seats that an overflow venue raises.

use serde::Serialize;

use crate::FieldErrors;

/// How long a person offered a freed seat has to confirm it, unless set.
pub const DEFAULT_CONFIRM_HOURS: u32 = 48;

const MAX_LINK_CHARS: usize = 500;
const MAX_NOTE_CHARS: usize = 2000;
const MAX_AGENDA_CHARS: usize = 5000;
const MAX_VENUE_CHARS: usize = 200;
const MAX_SEATS: u32 = 100_000;
/// A month: longer than any notice leaves between a session and the next.
const MAX_CONFIRM_HOURS: u32 = 720;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingMode {
    #[default]
    InPerson,
    Online,
    Hybrid,
}

impl MeetingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingMode::InPerson => "in_person",
            MeetingMode::Online => "online",
            MeetingMode::Hybrid => "hybrid",
        }
    }

    pub fn parse(text: &str) -> Option<MeetingMode> {
        match text {
            "in_person" => Some(MeetingMode::InPerson),
            "online" => Some(MeetingMode::Online),
            "hybrid" => Some(MeetingMode::Hybrid),
            _ => None,
        }
    }

    /// Whether people may join from afar: then the session has a link.
    pub fn is_remote(self) -> bool {
        self != MeetingMode::InPerson
    }

    /// Whether people meet at the venue.
    pub fn has_venue(self) -> bool {
        self != MeetingMode::Online
    }
}

/// How a session is held, as the office sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub mode: MeetingMode,
    /// Private: only for those invited or registered, never on a public page or feed.
    pub link: Option<String>,
    /// Public: step-free access, hearing loop, sign language on request.
    pub accessibility: Option<String>,
    pub agenda: Option<String>,
    /// Seats at the venue (or places online); none means no limit.
    pub capacity: Option<u32>,
    pub overflow_venue: Option<String>,
    pub overflow_capacity: Option<u32>,
    pub confirm_hours: u32,
}

impl Default for Meeting {
    fn default() -> Self {
        Meeting {
            mode: MeetingMode::InPerson,
            link: None,
            accessibility: None,
            agenda: None,
            capacity: None,
            overflow_venue: None,
            overflow_capacity: None,
            confirm_hours: DEFAULT_CONFIRM_HOURS,
        }
    }
}

/// The fields of the office's form, as typed.
#[derive(Debug, Clone, Default)]
pub struct MeetingForm<'a> {
    pub mode: &'a str,
    pub link: &'a str,
    pub accessibility: &'a str,
    pub agenda: &'a str,
    pub capacity: &'a str,
    pub overflow_venue: &'a str,
    pub overflow_capacity: &'a str,
    pub confirm_hours: &'a str,
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

fn count(errors: &mut FieldErrors, field: &str, text: &str, max: u32) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Some(n),
        _ => {
            errors.push(field, "invalid_number", format!("Un numero intero da 1 a {max}."));
            None
        }
    }
}

fn text_field(errors: &mut FieldErrors, field: &str, value: &Option<String>, max: usize, lines: bool) {
    if let Some(v) = value {
        if v.chars().count() > max {
            errors.push(field, "too_long", format!("Al massimo {max} caratteri."));
        }
        errors.check_text(field, v, lines);
    }
}

impl Meeting {
    /// Reads the office's form; every bad field is named.
    pub fn from_form(form: &MeetingForm<'_>) -> Result<Meeting, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mode = MeetingMode::parse(form.mode.trim()).unwrap_or_else(|| {
            errors.push("mode", "invalid_mode", "Scegliere in presenza, online o ibrida.");
            MeetingMode::InPerson
        });
        let link = optional(form.link);
        let accessibility = optional(form.accessibility);
        let agenda = optional(form.agenda);
        let overflow_venue = optional(form.overflow_venue);
        text_field(&mut errors, "link", &link, MAX_LINK_CHARS, false);
        text_field(&mut errors, "accessibility", &accessibility, MAX_NOTE_CHARS, true);
        text_field(&mut errors, "agenda", &agenda, MAX_AGENDA_CHARS, true);
        text_field(&mut errors, "overflow_venue", &overflow_venue, MAX_VENUE_CHARS, false);
        if let Some(l) = &link
            && (!(l.starts_with("https://") || l.starts_with("http://")) || l.contains(char::is_whitespace))
        {
            errors.push("link", "invalid_link", "Il collegamento inizia con https:// e non contiene spazi.");
        }
        if mode.is_remote() && link.is_none() {
            errors.push("link", "link_required", "Una sessione online o ibrida ha il collegamento alla riunione.");
        }
        let capacity = count(&mut errors, "capacity", form.capacity, MAX_SEATS);
        let overflow_capacity = count(&mut errors, "overflow_capacity", form.overflow_capacity, MAX_SEATS);
        if overflow_capacity.is_some() && overflow_venue.is_none() {
            errors.push("overflow_venue", "venue_required", "Indicare la sede aggiuntiva dei posti in più.");
        }
        if overflow_capacity.is_some() && capacity.is_none() {
            errors.push("capacity", "capacity_required", "Indicare prima i posti della sede principale.");
        }
        let confirm_hours =
            count(&mut errors, "confirm_hours", form.confirm_hours, MAX_CONFIRM_HOURS).unwrap_or(DEFAULT_CONFIRM_HOURS);
        errors.into_result(Meeting {
            mode,
            link,
            accessibility,
            agenda,
            capacity,
            overflow_venue,
            overflow_capacity,
            confirm_hours,
        })
    }

    /// The seats there are: the venue's, plus the overflow venue's once one is set.
    pub fn seats(&self) -> Option<u32> {
        let overflow = self.overflow_venue.as_ref().and(self.overflow_capacity).unwrap_or(0);
        self.capacity.map(|c| c + overflow)
    }

    /// The link, for a viewer who may see it.
    pub fn link_for(&self, viewer: Viewer) -> Option<&str> {
        match viewer {
            Viewer::Public => None,
            Viewer::Participant | Viewer::Office => self.link.as_deref().filter(|_| self.mode.is_remote()),
        }
    }
}

/// Who is looking at a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Anyone: public pages and the public feeds.
    Public,
    /// A person invited or registered, behind their link or signed in.
    Participant,
    /// The plan office.
    Office,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(mode: &'a str, link: &'a str, capacity: &'a str) -> MeetingForm<'a> {
        MeetingForm { mode, link, capacity, ..MeetingForm::default() }
    }

    #[test]
    fn an_online_session_needs_a_link_and_the_public_never_sees_it() {
        let errors = Meeting::from_form(&form("online", "", "")).expect_err("no link");
        assert!(errors.for_field("link").is_some());
        let errors = Meeting::from_form(&form("hybrid", "javascript:alert(1)", "")).expect_err("bad link");
        assert_eq!(errors.for_field("link").map(|e| e.code), Some("invalid_link"));
        let m = Meeting::from_form(&form("hybrid", "https://meet.example/abc", "")).expect("valid");
        assert_eq!(m.link_for(Viewer::Public), None);
        assert_eq!(m.link_for(Viewer::Participant), Some("https://meet.example/abc"));
    }

    #[test]
    fn an_overflow_venue_raises_the_seats() {
        let mut m = Meeting::from_form(&form("in_person", "", "2")).expect("valid");
        assert_eq!(m.seats(), Some(2));
        m.overflow_capacity = Some(3);
        assert_eq!(m.seats(), Some(2), "without its venue the overflow counts nothing");
        m.overflow_venue = Some("Sala B".into());
        assert_eq!(m.seats(), Some(5));
        assert_eq!(Meeting::default().seats(), None);
    }

    #[test]
    fn bad_numbers_are_named() {
        let errors = Meeting::from_form(&form("in_person", "", "zero")).expect_err("bad");
        assert_eq!(errors.for_field("capacity").map(|e| e.code), Some("invalid_number"));
        let errors = Meeting::from_form(&form("boat", "", "0")).expect_err("bad");
        assert!(errors.for_field("mode").is_some() && errors.for_field("capacity").is_some());
    }
}

//! Edits the plan office makes to a stored process: its settings (deadline, how to
//! apply, minimum organization age) and the phases, thematic areas, tables and
//! sessions of its calendar. Each edit is checked here against the process it
//! changes, so that every rule lives in one place and the forms only name fields.

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

use crate::expression::is_email;
use crate::{ApplicationChannels, Deadline, FieldErrors, MinimumAge, Process, SessionKind};

const MAX_SHORT: usize = 200;
const MAX_LONG: usize = 20_000;

/// The settings of a process (impostazioni): what the notice says about taking part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessSettings {
    pub title: String,
    pub description: String,
    pub eligibility: String,
    pub contact_person: Option<String>,
    /// The deadline (scadenza), entered as a date and time in Europe/Rome.
    pub deadline: Option<Deadline>,
    /// How to apply (modalità di presentazione): e-mail, PEC, web link, the online form.
    pub channels: ApplicationChannels,
    pub minimum_age: Option<MinimumAge>,
}

/// A phase (fase) as the office writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseInput {
    pub name: String,
    pub description: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

/// A thematic area (area tematica) as the office writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaInput {
    pub name: String,
}

/// A thematic table (tavolo tematico) with the stored areas it works on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableInput {
    pub label: String,
    pub title: String,
    pub area_ids: Vec<i64>,
}

/// What a session is about. Its date, times and venue change through a move, which
/// tells the participants; a new session gets them here as `schedule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionInput {
    pub kind: SessionKind,
    pub title: String,
    pub phase_id: Option<i64>,
    pub table_id: Option<i64>,
    pub area_ids: Vec<i64>,
    pub invited: Option<String>,
}

/// When and where a new session meets; every part may be left to be fixed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SessionSchedule {
    pub date: Option<NaiveDate>,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub venue: Option<String>,
}

/// Presence, length, and the one text rule: lines only in the long fields.
fn text(errors: &mut FieldErrors, field: &str, value: &str, required: bool, max: usize) {
    if required && value.trim().is_empty() {
        errors.push(field, "required", "Campo obbligatorio.");
    } else if value.chars().count() > max {
        errors.push(field, "too_long", format!("Al massimo {max} caratteri."));
    }
    errors.check_text(field, value, max > MAX_SHORT);
}

fn is_web_link(value: &str) -> bool {
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    rest.is_some_and(|r| r.contains('.') && !r.starts_with('.') && !value.contains(char::is_whitespace))
}

/// Checks e-mail, PEC and web addresses that may be left empty: `fields` names them
/// as (field, value, is a web link).
fn addresses(errors: &mut FieldErrors, fields: &[(&str, &Option<String>, bool)]) {
    for (field, value, web) in fields {
        let Some(value) = value.as_deref() else { continue };
        text(errors, field, value, false, MAX_SHORT);
        if *web && !is_web_link(value) {
            errors.push(*field, "invalid_url", "Indirizzo web non valido: deve iniziare con https://.");
        } else if !*web && !is_email(value) {
            errors.push(*field, "invalid_email", "Indirizzo e-mail non valido.");
        }
    }
}

impl ProcessSettings {
    /// The settings a process has now, as the start of an edit.
    pub fn of(process: &Process) -> ProcessSettings {
        let h = &process.header;
        ProcessSettings {
            title: h.title.clone(),
            description: h.description.clone(),
            eligibility: h.eligibility.clone(),
            contact_person: h.contact_person.clone(),
            deadline: h.deadline,
            channels: h.channels.clone(),
            minimum_age: h.minimum_age,
        }
    }

    /// A title, addresses that look like addresses, a way to apply once a deadline
    /// is set, and a minimum age between 1 and 50 years.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        text(&mut errors, "title", &self.title, true, MAX_SHORT);
        text(&mut errors, "description", &self.description, false, MAX_LONG);
        text(&mut errors, "eligibility", &self.eligibility, false, MAX_LONG);
        text(&mut errors, "contact_person", self.contact_person.as_deref().unwrap_or(""), false, MAX_SHORT);
        let c = &self.channels;
        addresses(
            &mut errors,
            &[("apply_email", &c.email, false), ("apply_pec", &c.pec, false), ("apply_url", &c.url, true)],
        );
        let no_channel = c.email.is_none() && c.pec.is_none() && c.url.is_none() && !c.online_form;
        if self.deadline.is_some() && no_channel {
            errors.push(
                "online_form",
                "no_channel",
                "Indicare almeno un modo per presentare la manifestazione di interesse.",
            );
        }
        if let Some(age) = self.minimum_age
            && !(1..=50).contains(&age.years)
        {
            errors.push("minimum_age_years", "out_of_range", "Indicare un'anzianità tra 1 e 50 anni.");
        }
        errors.into_result(())
    }
}

impl PhaseInput {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        text(&mut errors, "name", &self.name, true, MAX_SHORT);
        text(&mut errors, "description", &self.description, false, MAX_LONG);
        if let (Some(start), Some(end)) = (self.starts_on, self.ends_on)
            && end < start
        {
            errors.push("ends_on", "end_before_start", "La data di fine precede la data di inizio.");
        }
        errors.into_result(())
    }
}

impl AreaInput {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        text(&mut errors, "name", &self.name, true, MAX_SHORT);
        errors.into_result(())
    }
}

fn known_areas(errors: &mut FieldErrors, process: &Process, area_ids: &[i64]) {
    if area_ids.iter().any(|&id| process.area(id).is_none()) {
        errors.push("areas", "unknown_area", "Area tematica inesistente.");
    }
}

impl TableInput {
    /// A label and a title, and at least one area of this process.
    pub fn validate(&self, process: &Process) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        text(&mut errors, "label", &self.label, true, 20);
        text(&mut errors, "title", &self.title, true, MAX_SHORT);
        if self.area_ids.is_empty() {
            errors.push("areas", "required", "Scegliere almeno un'area tematica.");
        }
        known_areas(&mut errors, process, &self.area_ids);
        errors.into_result(())
    }
}

impl SessionInput {
    /// A title, and phase, table and areas of this process.
    pub fn validate(&self, process: &Process) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        text(&mut errors, "title", &self.title, true, MAX_SHORT);
        if let Some(invited) = &self.invited {
            text(&mut errors, "invited", invited, false, MAX_SHORT);
        }
        if self.phase_id.is_some_and(|id| !process.phases.iter().any(|p| p.id == id)) {
            errors.push("phase", "unknown_phase", "Fase inesistente.");
        }
        if self.table_id.is_some_and(|id| process.table(id).is_none()) {
            errors.push("table", "unknown_table", "Tavolo inesistente.");
        }
        known_areas(&mut errors, process, &self.area_ids);
        errors.into_result(())
    }
}

impl SessionSchedule {
    /// The rules of a move: times need a date, and the end follows the start.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        crate::SessionUpdate {
            date: self.date,
            start: self.start,
            end: self.end,
            venue: self.venue.clone(),
            cancelled: false,
        }
        .validate()
    }
}

/// Why a part of the calendar cannot be removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RemovalRefused {
    /// Expressions already name the area: removing it would rewrite what was received.
    #[error("l'area è indicata in manifestazioni di interesse già ricevute")]
    AreaInUse,
    /// Calendars that subscribed keep a removed event: a public session is cancelled instead.
    #[error("la sessione è pubblica: annullarla invece di eliminarla")]
    PublicSession,
}

/// May a thematic area named by `expressions` received expressions be removed?
pub fn may_remove_area(expressions: i64) -> Result<(), RemovalRefused> {
    if expressions > 0 { Err(RemovalRefused::AreaInUse) } else { Ok(()) }
}

/// May the session be removed from `process`? Only from a draft, or once cancelled.
pub fn may_remove_session(process: &Process, session_id: i64) -> Result<(), RemovalRefused> {
    let cancelled = process.sessions.iter().any(|s| s.id == session_id && s.cancelled);
    if process.header.is_public() && !cancelled { Err(RemovalRefused::PublicSession) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ambito, Contacts, NewAmbito, PlanCycle, ProcessHeader, ProcessStatus, Session, ThematicArea};

    fn process(status: ProcessStatus) -> Process {
        Process {
            id: 1,
            ambito: Ambito {
                id: 1,
                profile: NewAmbito {
                    slug: "esempio".into(),
                    name: "Esempio".into(),
                    number: None,
                    province: "LE".into(),
                    region: "Puglia".into(),
                    lead_municipality: "Esempio".into(),
                    municipalities: vec!["Esempio".into()],
                    managing_body: None,
                    address: None,
                    contacts: Contacts::default(),
                },
            },
            header: ProcessHeader {
                slug: "esempio-2026-2028".into(),
                title: "Piano".into(),
                cycle: PlanCycle { from: 2026, to: 2028 },
                regional_plan: None,
                legal_references: vec![],
                status,
                deadline: None,
                channels: ApplicationChannels::default(),
                contact_person: None,
                description: String::new(),
                eligibility: String::new(),
                signatory: None,
                minimum_age: None,
            },
            phases: vec![],
            areas: vec![ThematicArea { id: 10, name: "Welfare d'accesso".into(), catalogue_code: None }],
            tables: vec![],
            sessions: vec![Session {
                id: 5,
                kind: SessionKind::Table,
                title: "Tavolo 1".into(),
                phase_id: None,
                table_id: None,
                date: None,
                start: None,
                end: None,
                venue: None,
                area_ids: vec![],
                invited: None,
                sequence: 0,
                cancelled: false,
            }],
        }
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn settings_name_each_bad_field() {
        let mut s = ProcessSettings::of(&process(ProcessStatus::Draft));
        assert_eq!(s.validate(), Ok(()));
        s.title = " ".into();
        s.channels.email = Some("not an address".into());
        s.channels.url = Some("ftp://example.org".into());
        s.deadline = Some(Deadline::from_utc("2026-12-01T10:00:00Z".parse().unwrap()));
        s.minimum_age = Some(MinimumAge { years: 0, reference_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() });
        assert_eq!(fields(s.validate().unwrap_err()), ["title", "apply_email", "apply_url", "minimum_age_years"]);
        s.title = "Piano".into();
        s.channels = ApplicationChannels::default();
        s.minimum_age = None;
        assert_eq!(fields(s.validate().unwrap_err()), ["online_form"], "a deadline needs a way to apply");
        s.channels.pec = Some("ambito@pec.example.it".into());
        assert_eq!(s.validate(), Ok(()));
    }

    #[test]
    fn calendar_inputs_point_inside_their_process() {
        let p = process(ProcessStatus::Draft);
        let table = TableInput { label: "1".into(), title: "Tavolo".into(), area_ids: vec![99] };
        assert_eq!(fields(table.validate(&p).unwrap_err()), ["areas"]);
        let session = SessionInput {
            kind: SessionKind::Plenary,
            title: String::new(),
            phase_id: Some(3),
            table_id: Some(4),
            area_ids: vec![10],
            invited: None,
        };
        assert_eq!(fields(session.validate(&p).unwrap_err()), ["title", "phase", "table"]);
        let phase = PhaseInput {
            name: "Fase I".into(),
            description: String::new(),
            starts_on: NaiveDate::from_ymd_opt(2026, 3, 1),
            ends_on: NaiveDate::from_ymd_opt(2026, 2, 1),
        };
        assert_eq!(fields(phase.validate().unwrap_err()), ["ends_on"]);
        assert_eq!(fields(AreaInput { name: String::new() }.validate().unwrap_err()), ["name"]);
        for hostile in ["Area\0con\x1bcontrolli\x07", "Area\u{202E}", "Area\u{FFFF}", "Area\r\nLocation: x"] {
            assert_eq!(fields(AreaInput { name: hostile.into() }.validate().unwrap_err()), ["name"], "{hostile:?}");
        }
        let crlf = SessionInput {
            title: "Tavolo\r\n1".into(),
            phase_id: None,
            table_id: None,
            area_ids: vec![],
            ..session.clone()
        };
        assert_eq!(fields(crlf.validate(&p).unwrap_err()), ["title"]);
        let undated_times = SessionSchedule { start: NaiveTime::from_hms_opt(9, 0, 0), ..Default::default() };
        assert_eq!(fields(undated_times.validate().unwrap_err()), ["date"]);
    }

    #[test]
    fn used_areas_and_public_sessions_stay() {
        assert_eq!(may_remove_area(2), Err(RemovalRefused::AreaInUse));
        assert_eq!(may_remove_area(0), Ok(()));
        assert_eq!(may_remove_session(&process(ProcessStatus::Draft), 5), Ok(()));
        let mut published = process(ProcessStatus::Published);
        assert_eq!(may_remove_session(&published, 5), Err(RemovalRefused::PublicSession));
        published.sessions[0].cancelled = true;
        assert_eq!(may_remove_session(&published, 5), Ok(()));
    }
}

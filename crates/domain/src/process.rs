//! A participatory planning process (percorso di programmazione partecipata) for one
//! plan cycle of one Ambito.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::{Ambito, Deadline, FieldErrors, MinimumAge, Phase, Session, SessionKind, Table, ThematicArea};

/// The three years a Piano Sociale di Zona covers, e.g. 2022-2024.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCycle {
    pub from: i32,
    pub to: i32,
}

impl std::fmt::Display for PlanCycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.from, self.to)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessStatus {
    Draft,
    Published,
    Closed,
}

codes!(ProcessStatus { Draft => "draft", Published => "published", Closed => "closed" });

/// Where an expression of interest may be sent. The online form of Concerto is one
/// more channel, open while the process is published and before the deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationChannels {
    pub email: Option<String>,
    pub pec: Option<String>,
    pub url: Option<String>,
    pub online_form: bool,
}

/// Who signs the notice and the pacts for the Ambito.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    /// "Il Presidente del Coordinamento Istituzionale".
    pub role: String,
    pub name: String,
}

/// The parts of a process that the plan office writes, shared by a new process and
/// a stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessHeader {
    pub slug: String,
    pub title: String,
    pub cycle: PlanCycle,
    /// The regional plan the process implements ("V Piano Regionale delle Politiche
    /// Sociali 2022-2024, DGR n. 353 del 14/03/2022").
    pub regional_plan: Option<String>,
    pub legal_references: Vec<String>,
    pub status: ProcessStatus,
    pub deadline: Option<Deadline>,
    pub channels: ApplicationChannels,
    pub contact_person: Option<String>,
    /// The premises and aims, as the notice states them.
    pub description: String,
    /// Who may take part, and the rules of participation.
    pub eligibility: String,
    pub signatory: Option<Signatory>,
    /// Organizations must be this old to sign the pact, when the process says so.
    pub minimum_age: Option<MinimumAge>,
}

/// A thematic area of a new process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewThematicArea {
    pub name: String,
    pub catalogue_code: Option<String>,
}

/// A table of a new process; areas are positions in [`NewProcess::areas`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTable {
    pub label: String,
    pub title: String,
    pub areas: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPhase {
    pub name: String,
    pub description: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

/// A session of a new process; phase, table and areas are positions in the
/// process's own lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSession {
    pub kind: SessionKind,
    pub title: String,
    pub phase: Option<usize>,
    pub table: Option<usize>,
    pub date: Option<NaiveDate>,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub venue: Option<String>,
    pub areas: Vec<usize>,
    pub invited: Option<String>,
}

/// A process as the plan office creates it, before storage gives it ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProcess {
    pub header: ProcessHeader,
    pub phases: Vec<NewPhase>,
    pub areas: Vec<NewThematicArea>,
    pub tables: Vec<NewTable>,
    pub sessions: Vec<NewSession>,
}

/// A stored process with everything its pages show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Process {
    pub id: i64,
    pub ambito: Ambito,
    #[serde(flatten)]
    pub header: ProcessHeader,
    pub phases: Vec<Phase>,
    pub areas: Vec<ThematicArea>,
    pub tables: Vec<Table>,
    pub sessions: Vec<Session>,
}

/// A line of a list of processes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessSummary {
    pub ambito_id: i64,
    pub slug: String,
    pub title: String,
    pub ambito_slug: String,
    pub ambito_name: String,
    pub province: String,
    pub cycle: PlanCycle,
    pub status: ProcessStatus,
    pub deadline: Option<Deadline>,
}

impl ProcessHeader {
    /// Drafts belong to their plan office; everything else is public.
    pub fn is_public(&self) -> bool {
        self.status != ProcessStatus::Draft
    }

    /// Is the online form accepting expressions at `now`?
    pub fn accepts_expressions_at(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.status == ProcessStatus::Published
            && self.channels.online_form
            && self.deadline.is_some_and(|d| d.is_open_at(now))
    }
}

impl Process {
    pub fn area(&self, id: i64) -> Option<&ThematicArea> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// The names of the areas `ids` names, in that order; an id of no area is left out.
    pub fn area_names(&self, ids: &[i64]) -> Vec<&str> {
        ids.iter().filter_map(|&id| self.area(id)).map(|a| a.name.as_str()).collect()
    }

    pub fn table(&self, id: i64) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// Sessions in calendar order: dated ones by date and time, then the undated
    /// ones in the order the notice gives them.
    pub fn sessions_in_calendar_order(&self) -> Vec<&Session> {
        let mut sessions: Vec<&Session> = self.sessions.iter().collect();
        sessions.sort_by_key(|s| (s.date.is_none(), s.date, s.start));
        sessions
    }

    pub fn sessions_of_phase(&self, phase_id: i64) -> impl Iterator<Item = &Session> {
        self.sessions.iter().filter(move |s| s.phase_id == Some(phase_id))
    }

    /// The process as a new one, with ids turned back into positions: the start of
    /// a copy for the next plan cycle.
    pub fn to_new(&self) -> NewProcess {
        let position = |ids: &[i64], id: i64| ids.iter().position(|&x| x == id);
        let area_ids: Vec<i64> = self.areas.iter().map(|a| a.id).collect();
        let table_ids: Vec<i64> = self.tables.iter().map(|t| t.id).collect();
        let phase_ids: Vec<i64> = self.phases.iter().map(|p| p.id).collect();
        let areas_of = |ids: &[i64]| ids.iter().filter_map(|&id| position(&area_ids, id)).collect();
        NewProcess {
            header: self.header.clone(),
            phases: self
                .phases
                .iter()
                .map(|p| NewPhase {
                    name: p.name.clone(),
                    description: p.description.clone(),
                    starts_on: p.starts_on,
                    ends_on: p.ends_on,
                })
                .collect(),
            areas: self
                .areas
                .iter()
                .map(|a| NewThematicArea { name: a.name.clone(), catalogue_code: a.catalogue_code.clone() })
                .collect(),
            tables: self
                .tables
                .iter()
                .map(|t| NewTable { label: t.label.clone(), title: t.title.clone(), areas: areas_of(&t.area_ids) })
                .collect(),
            sessions: self
                .sessions
                .iter()
                .map(|s| NewSession {
                    kind: s.kind,
                    title: s.title.clone(),
                    phase: s.phase_id.and_then(|id| position(&phase_ids, id)),
                    table: s.table_id.and_then(|id| position(&table_ids, id)),
                    date: s.date,
                    start: s.start,
                    end: s.end,
                    venue: s.venue.clone(),
                    areas: areas_of(&s.area_ids),
                    invited: s.invited.clone(),
                })
                .collect(),
        }
    }
}

fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

impl NewProcess {
    /// Checks the rules a process must meet before it is stored: a usable slug, a
    /// plan cycle that runs forward, references that point inside the process, and
    /// sessions that end after they start.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        let h = &self.header;
        if !is_valid_slug(&h.slug) {
            errors.push("slug", "invalid_slug", "Usare solo lettere minuscole, cifre e trattini.");
        }
        if h.title.trim().is_empty() {
            errors.push("title", "required", "Il titolo è obbligatorio.");
        }
        errors.check_text("title", &h.title, false);
        for (i, area) in self.areas.iter().enumerate() {
            errors.check_text(&format!("areas[{i}].name"), &area.name, false);
        }
        for (i, phase) in self.phases.iter().enumerate() {
            errors.check_text(&format!("phases[{i}].name"), &phase.name, false);
        }
        for (i, table) in self.tables.iter().enumerate() {
            errors.check_text(&format!("tables[{i}].title"), &table.title, false);
        }
        if h.cycle.to < h.cycle.from {
            errors.push("cycle.to", "invalid_cycle", "L'anno finale precede l'anno iniziale.");
        }
        for (i, table) in self.tables.iter().enumerate() {
            if table.areas.iter().any(|&a| a >= self.areas.len()) {
                errors.push(format!("tables[{i}].areas"), "unknown_area", "Area tematica inesistente.");
            }
        }
        for (i, s) in self.sessions.iter().enumerate() {
            let field = |name: &str| format!("sessions[{i}].{name}");
            if s.title.trim().is_empty() {
                errors.push(field("title"), "required", "Il titolo della sessione è obbligatorio.");
            }
            errors.check_text(&field("title"), &s.title, false);
            errors.check_text(&field("venue"), s.venue.as_deref().unwrap_or(""), false);
            if let (Some(start), Some(end)) = (s.start, s.end)
                && end <= start
            {
                errors.push(field("end"), "end_before_start", "L'ora di fine precede l'ora di inizio.");
            }
            if s.areas.iter().any(|&a| a >= self.areas.len()) {
                errors.push(field("areas"), "unknown_area", "Area tematica inesistente.");
            }
            if s.table.is_some_and(|t| t >= self.tables.len()) {
                errors.push(field("table"), "unknown_table", "Tavolo inesistente.");
            }
            if s.phase.is_some_and(|p| p >= self.phases.len()) {
                errors.push(field("phase"), "unknown_phase", "Fase inesistente.");
            }
        }
        errors.into_result(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process() -> NewProcess {
        NewProcess {
            header: ProcessHeader {
                slug: "esempio-2026-2028".into(),
                title: "Piano Sociale di Zona 2026-2028".into(),
                cycle: PlanCycle { from: 2026, to: 2028 },
                regional_plan: None,
                legal_references: vec![],
                status: ProcessStatus::Draft,
                deadline: None,
                channels: ApplicationChannels::default(),
                contact_person: None,
                description: String::new(),
                eligibility: String::new(),
                signatory: None,
                minimum_age: None,
            },
            phases: vec![],
            areas: vec![NewThematicArea { name: "Welfare d'accesso".into(), catalogue_code: None }],
            tables: vec![],
            sessions: vec![NewSession {
                kind: SessionKind::Table,
                title: "Tavolo 1".into(),
                phase: None,
                table: None,
                date: None,
                start: NaiveTime::from_hms_opt(9, 0, 0),
                end: NaiveTime::from_hms_opt(13, 0, 0),
                venue: None,
                areas: vec![0],
                invited: None,
            }],
        }
    }

    #[test]
    fn a_well_formed_process_is_valid() {
        assert_eq!(process().validate(), Ok(()));
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        let mut p = process();
        p.header.slug = "Casarano 2022".into();
        p.header.cycle = PlanCycle { from: 2024, to: 2022 };
        p.sessions[0].end = NaiveTime::from_hms_opt(8, 0, 0);
        p.sessions[0].areas = vec![3];
        let errors = p.validate().unwrap_err();
        let fields: Vec<_> = errors.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["slug", "cycle.to", "sessions[0].end", "sessions[0].areas"]);
    }

    #[test]
    fn only_a_published_process_with_an_open_deadline_accepts_expressions() {
        let mut h = process().header;
        let now = "2026-06-01T10:00:00Z".parse().unwrap();
        let open = Deadline::from_utc("2026-06-30T10:00:00Z".parse().unwrap());
        h.deadline = Some(open);
        h.channels.online_form = true;
        assert!(!h.accepts_expressions_at(now), "a draft accepts nothing");
        h.status = ProcessStatus::Published;
        assert!(h.accepts_expressions_at(now));
        h.deadline = Some(Deadline::from_utc("2026-05-01T10:00:00Z".parse().unwrap()));
        assert!(!h.accepts_expressions_at(now), "past the deadline");
    }
}

//! Shorthand for writing a process down as its notice reads.

use chrono::{NaiveDate, NaiveTime};
use concerto_domain::{
    ApplicationChannels, Contacts, Deadline, NewAmbito, NewPhase, NewProcess, NewSession, NewTable, NewThematicArea,
    PlanCycle, ProcessHeader, ProcessStatus, SessionKind, Signatory,
};

pub fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

pub fn time(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

/// A deadline in Rome local time. Demo data is written by hand, so a bad date is a
/// programming error caught by the crate's tests.
pub fn deadline(y: i32, m: u32, d: u32, h: u32, min: u32) -> Option<Deadline> {
    Deadline::from_local(date(y, m, d)?, time(h, min)?).ok()
}

pub fn session(kind: SessionKind, title: &str) -> NewSession {
    NewSession {
        kind,
        title: title.into(),
        phase: None,
        table: None,
        date: None,
        start: None,
        end: None,
        venue: None,
        areas: vec![],
        invited: None,
    }
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(std::string::ToString::to_string).collect()
}

/// The legal frame every Apulian notice cites.
pub fn apulian_legal_frame() -> Vec<String> {
    strings(&["L. 328/2000, artt. 1 e 3", "L.R. 19/2006, art. 4", "R.R. 4/2007, art. 16"])
}

pub fn ambito(slug: &str, name: &str, province: &str, municipalities: &[&str]) -> NewAmbito {
    NewAmbito {
        slug: slug.into(),
        name: name.into(),
        number: None,
        province: province.into(),
        region: "Puglia".into(),
        lead_municipality: municipalities.first().copied().unwrap_or(name).into(),
        municipalities: strings(municipalities),
        managing_body: None,
        address: None,
        contacts: Contacts::default(),
    }
}

pub fn header(slug: &str, title: &str, from: i32, to: i32) -> ProcessHeader {
    ProcessHeader {
        slug: slug.into(),
        title: title.into(),
        cycle: PlanCycle { from, to },
        regional_plan: None,
        legal_references: apulian_legal_frame(),
        status: ProcessStatus::Closed,
        deadline: None,
        channels: ApplicationChannels::default(),
        contact_person: None,
        description: String::new(),
        eligibility: String::new(),
        signatory: None,
        minimum_age: None,
    }
}

pub fn signatory(role: &str, name: &str) -> Option<Signatory> {
    Some(Signatory { role: role.into(), name: name.into() })
}

/// A process under construction: each `add_*` returns the position that sessions
/// and tables use to refer to what was added.
pub struct ProcessBuilder {
    process: NewProcess,
}

impl ProcessBuilder {
    pub fn new(header: ProcessHeader) -> Self {
        ProcessBuilder {
            process: NewProcess { header, phases: vec![], areas: vec![], tables: vec![], sessions: vec![] },
        }
    }

    pub fn phase(&mut self, name: &str, description: &str) -> usize {
        self.phase_dated(name, description, None, None)
    }

    pub fn phase_dated(
        &mut self,
        name: &str,
        description: &str,
        starts_on: Option<NaiveDate>,
        ends_on: Option<NaiveDate>,
    ) -> usize {
        self.process.phases.push(NewPhase { name: name.into(), description: description.into(), starts_on, ends_on });
        self.process.phases.len() - 1
    }

    pub fn area(&mut self, name: &str, catalogue_code: Option<&str>) -> usize {
        self.process.areas.push(NewThematicArea { name: name.into(), catalogue_code: catalogue_code.map(Into::into) });
        self.process.areas.len() - 1
    }

    pub fn table(&mut self, label: &str, title: &str, areas: &[usize]) -> usize {
        self.process.tables.push(NewTable { label: label.into(), title: title.into(), areas: areas.to_vec() });
        self.process.tables.len() - 1
    }

    pub fn session(&mut self, session: NewSession) {
        self.process.sessions.push(session);
    }

    pub fn build(self) -> NewProcess {
        self.process
    }
}

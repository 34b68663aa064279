//! From a draft to a process the plan office can store and then edit: what the
//! notice says goes in; what it leaves out stays empty, with a warning.

use chrono::{Datelike, NaiveTime};
use concerto_domain::{
    ApplicationChannels, Deadline as DomainDeadline, NewProcess, NewSession, NewTable, NewThematicArea, PlanCycle,
    ProcessHeader, ProcessStatus, SessionKind,
};

use crate::ProcessDraft;

/// A notice that gives a deadline day without a time closes at the end of that day.
const END_OF_DAY: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// A new process built from a draft, and what the reviewer should check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessProposal {
    pub process: NewProcess,
    pub warnings: Vec<String>,
}

impl ProcessDraft {
    /// The draft as a new process in draft status, under `slug`, for the plan office to
    /// review before publishing. Tables come from the table sessions, areas from the
    /// areas the sessions name; the draft's warnings come along, with the ones the
    /// conversion itself adds.
    pub fn to_new_process(&self, slug: &str) -> ProcessProposal {
        let mut warnings = self.warnings.clone();
        let cycle = self.plan_period.map(|p| PlanCycle { from: p.from, to: p.to }).unwrap_or_else(|| {
            let year = self
                .deadline
                .map(|d| d.date.year())
                .or_else(|| self.sessions.iter().find_map(|s| s.date).map(|d| d.year()))
                .or_else(|| self.notice_date.map(|d| d.year()))
                .unwrap_or(2000);
            warnings.push(format!(
                "Ciclo di programmazione non indicato: impostato {}-{}, da verificare.",
                year,
                year + 2
            ));
            PlanCycle { from: year, to: year + 2 }
        });
        let deadline = self.deadline.and_then(|d| {
            DomainDeadline::from_local(d.date, d.time.unwrap_or(END_OF_DAY))
                .map_err(|e| warnings.push(format!("Scadenza non valida: {e}.")))
                .ok()
        });

        let mut areas: Vec<NewThematicArea> = Vec::new();
        let area_index = |name: &str, areas: &mut Vec<NewThematicArea>| {
            areas.iter().position(|a| a.name == name).unwrap_or_else(|| {
                areas.push(NewThematicArea { name: name.to_string(), catalogue_code: None });
                areas.len() - 1
            })
        };
        let mut tables: Vec<NewTable> = Vec::new();
        let mut sessions = Vec::with_capacity(self.sessions.len());
        for s in &self.sessions {
            let session_areas: Vec<usize> = s.areas.iter().map(|a| area_index(a, &mut areas)).collect();
            let table = (s.kind == SessionKind::Table).then(|| {
                tables.push(NewTable {
                    label: table_label(&s.title, tables.len() + 1),
                    title: s.title.clone(),
                    areas: session_areas.clone(),
                });
                tables.len() - 1
            });
            let title = if s.title.trim().is_empty() { "Sessione".to_string() } else { s.title.clone() };
            let end = s.end.filter(|&end| s.start.is_none_or(|start| end > start));
            if s.end.is_some() && end.is_none() {
                warnings.push(format!("Sessione «{title}»: l'ora di fine precede l'inizio ed è stata tolta."));
            }
            sessions.push(NewSession {
                kind: s.kind,
                title,
                phase: None,
                table,
                date: s.date,
                start: s.start,
                end,
                venue: s.venue.clone(),
                areas: session_areas,
                invited: None,
            });
        }

        let title = self.title.clone().unwrap_or_else(|| format!("Piano Sociale di Zona {cycle}"));
        let header = ProcessHeader {
            slug: slug.to_string(),
            title,
            cycle,
            regional_plan: None,
            legal_references: self.legal_references.clone(),
            status: ProcessStatus::Draft,
            deadline,
            channels: ApplicationChannels {
                email: self.contacts.emails.first().cloned(),
                pec: None,
                url: self.contacts.urls.first().cloned(),
                online_form: true,
            },
            contact_person: self.contacts.phones.first().map(|p| format!("Tel. {p}")),
            description: String::new(),
            eligibility: String::new(),
            signatory: None,
            minimum_age: None,
        };
        ProcessProposal { process: NewProcess { header, phases: vec![], areas, tables, sessions }, warnings }
    }
}

/// "Tavolo 3" is table 3; a table without a number gets its position.
fn table_label(title: &str, position: usize) -> String {
    let digits: String =
        title.split_whitespace().find(|word| word.chars().all(|c| c.is_ascii_digit())).unwrap_or_default().to_string();
    if digits.is_empty() { position.to_string() } else { digits }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_labels_come_from_the_title_or_the_position() {
        assert_eq!(table_label("Tavolo 3", 1), "3");
        assert_eq!(table_label("Tavolo dell'area socio-sanitaria", 2), "2");
    }

    #[test]
    fn an_empty_draft_becomes_a_valid_process_with_warnings() {
        let proposal = ProcessDraft::default().to_new_process("bozza");
        assert_eq!(proposal.process.validate(), Ok(()));
        assert!(proposal.warnings.iter().any(|w| w.contains("Ciclo")));
        assert_eq!(proposal.process.header.status, ProcessStatus::Draft);
    }
}

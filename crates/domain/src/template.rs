//! Ready-made starting points for a new process: the regional template and a copy
//! of a previous cycle.

use crate::{
    ApplicationChannels, NewPhase, NewProcess, NewSession, NewTable, NewThematicArea, PlanCycle, Process,
    ProcessHeader, ProcessStatus, SessionKind,
};

/// The phases most Apulian notices follow (seeds 000 and 002).
const USUAL_PHASES: [&str; 5] = [
    "Fase I: Concertazione e programmazione preliminare",
    "Fase II: Programmazione partecipata",
    "Fase III: Stesura del Piano Sociale di Zona",
    "Fase IV: Conferenza di concertazione generale",
    "Fase V: Adozione del Piano",
];

fn draft_header(slug: &str, title: &str, cycle: PlanCycle) -> ProcessHeader {
    ProcessHeader {
        slug: slug.to_string(),
        title: title.to_string(),
        cycle,
        regional_plan: None,
        legal_references: vec![
            "L. 328/2000, artt. 1 e 3".into(),
            "L.R. 19/2006, art. 4".into(),
            "R.R. 4/2007, art. 16".into(),
        ],
        status: ProcessStatus::Draft,
        deadline: None,
        channels: ApplicationChannels { online_form: true, ..Default::default() },
        contact_person: None,
        description: String::new(),
        eligibility: String::new(),
        signatory: None,
        minimum_age: None,
    }
}

fn undated(kind: SessionKind, title: String, phase: usize, table: Option<usize>, areas: Vec<usize>) -> NewSession {
    NewSession {
        kind,
        title,
        phase: Some(phase),
        table,
        date: None,
        start: None,
        end: None,
        venue: None,
        areas,
        invited: None,
    }
}

/// A new process from the regional catalogue: the usual phases, one area and one
/// table for each catalogue entry, the concertation sessions and a closing plenary,
/// every date still to be fixed.
pub fn regional_template(slug: &str, title: &str, cycle: PlanCycle, catalogue: &[(String, String)]) -> NewProcess {
    let areas: Vec<NewThematicArea> = catalogue
        .iter()
        .map(|(code, name)| NewThematicArea { name: name.clone(), catalogue_code: Some(code.clone()) })
        .collect();
    let tables: Vec<NewTable> = (0..areas.len())
        .map(|i| NewTable { label: (i + 1).to_string(), title: format!("Tavolo {}", i + 1), areas: vec![i] })
        .collect();
    let mut sessions = vec![
        undated(SessionKind::Concertation, "Concertazione preliminare con i servizi".into(), 0, None, vec![]),
        undated(
            SessionKind::Concertation,
            "Concertazione con le organizzazioni sindacali e la ASL".into(),
            0,
            None,
            vec![],
        ),
    ];
    sessions.extend(
        tables
            .iter()
            .enumerate()
            .map(|(i, t)| undated(SessionKind::Table, t.title.clone(), 1, Some(i), t.areas.clone())),
    );
    sessions.push(undated(
        SessionKind::Plenary,
        "Plenaria: restituzione dei tavoli e condivisione delle priorità".into(),
        1,
        None,
        (0..areas.len()).collect(),
    ));
    NewProcess {
        header: draft_header(slug, title, cycle),
        phases: USUAL_PHASES
            .iter()
            .map(|name| NewPhase { name: name.to_string(), description: String::new(), starts_on: None, ends_on: None })
            .collect(),
        areas,
        tables,
        sessions,
    }
}

/// The regional legal frame a blank draft starts from, as the notices of Puglia
/// state it (seeds 000 and 002), for the office to adapt.
const LEGAL_FRAME: &str = "La Legge 8 novembre 2000, n. 328 (artt. 1 e 3) affida ai Comuni, associati negli \
Ambiti Territoriali Sociali, la programmazione del sistema integrato di interventi e servizi sociali con il \
concorso dei soggetti del Terzo Settore. La Legge Regionale Puglia 10 luglio 2006, n. 19 (art. 4) e il \
Regolamento Regionale 18 gennaio 2007, n. 4 (art. 16) prevedono che il Piano Sociale di Zona sia costruito \
con la partecipazione delle organizzazioni sindacali, del Terzo Settore e della cittadinanza, attraverso \
tavoli di concertazione e di co-progettazione.";

/// A blank draft (da zero): no phases, areas, tables or sessions yet, the regional
/// legal frame written out for the office to adapt, the online form as the channel.
pub fn blank(slug: &str, title: &str, cycle: PlanCycle) -> NewProcess {
    let mut header = draft_header(slug, title, cycle);
    header.description = LEGAL_FRAME.to_string();
    NewProcess { header, phases: vec![], areas: vec![], tables: vec![], sessions: vec![] }
}

/// The next cycle of a process: same areas, tables, phases and sessions, three years
/// later, in draft, with every date, time and the deadline to be set again.
pub fn next_cycle(previous: &Process, slug: &str, title: &str) -> NewProcess {
    let mut next = previous.to_new();
    let years = previous.header.cycle.to - previous.header.cycle.from + 1;
    next.header = ProcessHeader {
        slug: slug.to_string(),
        title: title.to_string(),
        cycle: PlanCycle { from: previous.header.cycle.from + years, to: previous.header.cycle.to + years },
        status: ProcessStatus::Draft,
        deadline: None,
        minimum_age: None,
        ..next.header
    };
    for phase in &mut next.phases {
        phase.starts_on = None;
        phase.ends_on = None;
    }
    for session in &mut next.sessions {
        session.date = None;
        session.start = None;
        session.end = None;
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Vec<(String, String)> {
        (1..=7).map(|i| (format!("pr5-{i}"), format!("Area {i}"))).collect()
    }

    #[test]
    fn a_blank_draft_carries_the_legal_frame_and_nothing_else() {
        let p = blank("nuovo-2026-2028", "Piano 2026-2028", PlanCycle { from: 2026, to: 2028 });
        assert_eq!(p.validate(), Ok(()));
        assert!(p.header.description.contains("n. 328") && p.header.description.contains("n. 19"));
        assert_eq!(p.header.legal_references.len(), 3);
        assert!(p.phases.is_empty() && p.areas.is_empty() && p.tables.is_empty() && p.sessions.is_empty());
        assert_eq!(p.header.status, ProcessStatus::Draft);
    }

    #[test]
    fn the_regional_template_has_a_table_per_area_and_is_valid() {
        let p =
            regional_template("nuovo-2026-2028", "Piano 2026-2028", PlanCycle { from: 2026, to: 2028 }, &catalogue());
        assert_eq!(p.validate(), Ok(()));
        assert_eq!((p.areas.len(), p.tables.len(), p.phases.len()), (7, 7, 5));
        assert_eq!(p.sessions.len(), 2 + 7 + 1);
        assert!(p.sessions.iter().all(|s| s.date.is_none()));
        assert_eq!(p.header.status, ProcessStatus::Draft);
    }
}

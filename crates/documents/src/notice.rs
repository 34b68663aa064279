//! Public notice (avviso pubblico) of a process: premises and legal references,
//! phases, calendar, who may take part, how and by when to apply, signature.

use chrono::NaiveDate;
use concerto_domain::{Process, italian};
use serde::Serialize;

use crate::render::{RenderError, render, template};
use crate::{Letterhead, SessionLine, Signature};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticePhase {
    pub name: String,
    pub description: String,
    /// "dal 13/06/2022 al 30/06/2022", when the notice dates it.
    pub period: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub letterhead: Letterhead,
    pub title: String,
    pub cycle: String,
    pub ambito: String,
    pub regional_plan: Option<String>,
    pub legal_references: Vec<String>,
    pub description: String,
    pub phases: Vec<NoticePhase>,
    /// Thematic areas, and tables with their label ("Tavolo 1: …").
    pub areas: Vec<String>,
    pub tables: Vec<String>,
    /// Sessions in calendar order, cancelled ones left out.
    pub calendar: Vec<SessionLine>,
    pub eligibility: String,
    /// "08/06/2022, ore 12:00".
    pub deadline: Option<String>,
    /// "e-mail: …", "PEC: …", "modulo online: …".
    pub channels: Vec<String>,
    pub contact_person: Option<String>,
    pub signatory: Option<Signature>,
    #[serde(skip)]
    pub date: NaiveDate,
}

impl Notice {
    /// The notice of `process`; `form_url` is where its online form is, when it has
    /// one; `date` is the day the PDF is made.
    pub fn new(process: &Process, form_url: Option<String>, date: NaiveDate) -> Notice {
        let h = &process.header;
        let mut channels = Vec::new();
        if let Some(email) = &h.channels.email {
            channels.push(format!("e-mail: {email}"));
        }
        if let Some(pec) = &h.channels.pec {
            channels.push(format!("PEC: {pec}"));
        }
        if let Some(url) = &h.channels.url {
            channels.push(format!("sito: {url}"));
        }
        if h.channels.online_form {
            channels.push(match form_url {
                Some(url) => format!("modulo online: {url}"),
                None => "modulo online di Concerto".to_owned(),
            });
        }
        Notice {
            letterhead: Letterhead::of(&process.ambito),
            title: h.title.clone(),
            cycle: h.cycle.to_string(),
            ambito: process.ambito.full_name(),
            regional_plan: h.regional_plan.clone(),
            legal_references: h.legal_references.clone(),
            description: h.description.clone(),
            phases: process
                .phases
                .iter()
                .map(|p| NoticePhase {
                    name: p.name.clone(),
                    description: p.description.clone(),
                    period: period(p.starts_on, p.ends_on),
                })
                .collect(),
            areas: process.areas.iter().map(|a| a.name.clone()).collect(),
            tables: process.tables.iter().map(|t| crate::table_line(process, t)).collect(),
            calendar: process
                .sessions_in_calendar_order()
                .into_iter()
                .filter(|s| !s.cancelled)
                .map(|s| SessionLine::of(process, s))
                .collect(),
            eligibility: h.eligibility.clone(),
            deadline: h.deadline.map(|d| {
                let local = d.local();
                format!("{}, ore {}", italian::date(local.date_naive()), italian::time(local.time()))
            }),
            channels,
            contact_person: h.contact_person.clone(),
            signatory: h.signatory.as_ref().map(Signature::of),
            date,
        }
    }
}

fn period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Option<String> {
    match (from, to) {
        (Some(f), Some(t)) if f == t => Some(italian::date(f)),
        (Some(f), Some(t)) => Some(format!("dal {} al {}", italian::date(f), italian::date(t))),
        (Some(f), None) => Some(format!("dal {}", italian::date(f))),
        (None, Some(t)) => Some(format!("entro il {}", italian::date(t))),
        (None, None) => None,
    }
}

/// The notice as a PDF/A-2b.
pub fn notice(notice: &Notice) -> Result<Vec<u8>, RenderError> {
    render(template!("notice"), notice, &notice.letterhead, notice.date)
}

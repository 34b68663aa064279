//! The summary of proposals (prospetto di sintesi delle proposte): every proposal
//! collected at the tables with its outcome and, unless accepted as it is, the
//! motivation, as the Ambito makes it known to the participants once published.

use chrono::NaiveDate;
use concerto_domain::tables::{Outcome, OutcomeDecision};
use concerto_domain::{Process, italian};
use serde::Serialize;

use crate::render::{RenderError, render, template};
use crate::{Letterhead, Signature};

/// A proposal with its outcome, as the caller has it.
#[derive(Debug, Clone, Copy)]
pub struct ProposalOutcome<'a> {
    pub id: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub organization: &'a str,
    pub area_ids: &'a [i64],
    /// How many organizations support it.
    pub supporters: usize,
    pub outcome: Option<&'a OutcomeDecision>,
}

/// One row of the summary, in Italian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// "3": the proposal's number, as the page and the CSV give it.
    pub number: String,
    pub title: String,
    pub body: String,
    pub organization: String,
    /// The areas' names, joined by "; ".
    pub areas: String,
    pub supporters: usize,
    /// "Accolta", "Non accolta", …; "In valutazione" for none yet.
    pub outcome: String,
    pub motivation: String,
    /// "n. 2 «Sportello unico»", for a proposal merged into another.
    pub merged_into: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub letterhead: Letterhead,
    pub process_title: String,
    pub cycle: String,
    pub ambito: String,
    /// "13/06/2022".
    pub published_on: String,
    pub rows: Vec<SummaryRow>,
    /// "Accolte: 2" and so on, for each outcome given at least once.
    pub totals: Vec<String>,
    pub signatory: Option<Signature>,
    #[serde(skip)]
    pub date: NaiveDate,
}

/// The plural label of an outcome in the totals line.
fn plural(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Accepted => "Accolte",
        Outcome::PartlyAccepted => "Accolte parzialmente",
        Outcome::NotAccepted => "Non accolte",
        Outcome::Merged => "Unite ad altra proposta",
    }
}

impl Summary {
    /// The summary of `proposals`, published on `published_on` (the date it carries).
    pub fn new(process: &Process, proposals: &[ProposalOutcome<'_>], published_on: NaiveDate) -> Summary {
        let rows = proposals
            .iter()
            .map(|p| SummaryRow {
                number: p.id.to_string(),
                title: p.title.to_owned(),
                body: p.body.to_owned(),
                organization: p.organization.to_owned(),
                areas: process.area_names(p.area_ids).join("; "),
                supporters: p.supporters,
                outcome: p.outcome.map_or("In valutazione", |o| o.outcome.label()).to_owned(),
                motivation: p.outcome.and_then(|o| o.motivation.clone()).unwrap_or_default(),
                merged_into: p
                    .outcome
                    .and_then(|o| o.merged_into)
                    .and_then(|t| proposals.iter().find(|q| q.id == t))
                    .map(|q| format!("n. {} «{}»", q.id, q.title)),
            })
            .collect();
        let mut totals = vec![format!("Proposte: {}", proposals.len())];
        for outcome in Outcome::ALL {
            let count = proposals.iter().filter(|p| p.outcome.is_some_and(|o| o.outcome == outcome)).count();
            if count > 0 {
                totals.push(format!("{}: {count}", plural(outcome)));
            }
        }
        Summary {
            letterhead: Letterhead::of(&process.ambito),
            process_title: process.header.title.clone(),
            cycle: process.header.cycle.to_string(),
            ambito: process.ambito.full_name(),
            published_on: italian::date(published_on),
            rows,
            totals,
            signatory: process.header.signatory.as_ref().map(Signature::of),
            date: published_on,
        }
    }
}

/// The summary of proposals as a PDF/A-2b.
pub fn summary(summary: &Summary) -> Result<Vec<u8>, RenderError> {
    render(template!("summary"), summary, &summary.letterhead, summary.date)
}

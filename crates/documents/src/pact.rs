//! Participation pact (patto di partecipazione), following seed 003, and for unions
//! the memorandum of understanding (protocollo d'intesa) in its place.

use chrono::NaiveDate;
use concerto_domain::{ApplicantKind, Process, ROME, ReceivedExpression};
use serde::Serialize;

use crate::render::{RenderError, render, template};
use crate::{Letterhead, Party, Signature};

/// Which text the organization signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PactKind {
    /// Patto di partecipazione, for organizations and public bodies.
    Pact,
    /// Protocollo d'intesa, for unions (organizzazioni sindacali).
    Memorandum,
}

/// Everything a pact prints, already in Italian formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pact {
    pub kind: PactKind,
    pub letterhead: Letterhead,
    /// "Casarano": the name after "Ambito Territoriale Sociale di".
    pub ambito_name: String,
    /// "2022-2024".
    pub cycle: String,
    /// "Casarano, Collepasso, …": the administrations the president represents.
    pub municipalities: String,
    pub lead_municipality: String,
    /// Who signs for the Ambito; blank lines when the process names nobody.
    pub signatory: Option<Signature>,
    /// The regional act the plan follows ("delibera della G.R. n. 353 …").
    pub regional_plan: Option<String>,
    pub organization: Party,
    /// The tables the organization takes part in, as the process titles them.
    pub tables: Vec<String>,
    /// Protocol number and date of the expression the pact follows.
    pub protocol: String,
    pub received_on: String,
    /// The document's date: the day the expression was received, in Rome, so the
    /// same expression always gives the same bytes.
    #[serde(skip)]
    pub date: NaiveDate,
}

impl Pact {
    /// The pact for `expression` in `process`.
    pub fn new(process: &Process, expression: &ReceivedExpression) -> Pact {
        let applicant = &expression.expression.applicant;
        let ambito = &process.ambito;
        let date = expression.received_at.with_timezone(&ROME).date_naive();
        Pact {
            kind: if applicant.kind == ApplicantKind::Union { PactKind::Memorandum } else { PactKind::Pact },
            letterhead: Letterhead::of(ambito),
            ambito_name: ambito.name.clone(),
            cycle: process.header.cycle.to_string(),
            municipalities: ambito.municipalities.join(", "),
            lead_municipality: ambito.lead_municipality.clone(),
            signatory: process.header.signatory.as_ref().map(Signature::of),
            regional_plan: process.header.regional_plan.clone(),
            organization: Party::of(applicant),
            tables: tables_of(process, expression),
            protocol: expression.protocol.to_string(),
            received_on: concerto_domain::italian::date(date),
            date,
        }
    }
}

/// The tables whose areas the expression chose, in the process's order; the areas
/// themselves when the process has no tables.
fn tables_of(process: &Process, expression: &ReceivedExpression) -> Vec<String> {
    let chosen: Vec<i64> = expression.expression.participations.iter().map(|p| p.area_id).collect();
    if process.tables.is_empty() {
        return process.areas.iter().filter(|a| chosen.contains(&a.id)).map(|a| a.name.clone()).collect();
    }
    process
        .tables
        .iter()
        .filter(|t| t.area_ids.iter().any(|a| chosen.contains(a)))
        .map(|t| crate::table_line(process, t))
        .collect()
}

/// The pact as a PDF/A-2b.
pub fn pact(pact: &Pact) -> Result<Vec<u8>, RenderError> {
    render(template!("pact"), pact, &pact.letterhead, pact.date)
}

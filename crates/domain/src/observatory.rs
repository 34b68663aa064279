//! The observatory (osservatorio partecipazione): a public catalogue of
//! participatory processes, one record per process (seed 004). Records of processes
//! run on Concerto are derived from them; records of processes run elsewhere are
//! written by moderators or imported from a notice. Anyone may propose to complete
//! a record ("Integra le informazioni"); a moderator accepts or rejects the
//! proposal, and every version of a record is kept.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{FieldErrors, PlanCycle, Process, ProcessStatus};

/// Where a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordSource {
    /// Derived from a process run on Concerto, and kept current with it.
    Concerto,
    /// Written by a moderator.
    External,
    /// Imported from the text of a notice (avviso).
    Notice,
}

codes!(RecordSource { Concerto => "concerto", External => "external", Notice => "notice" });

/// The state of the process a record describes (stato del processo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// In corso.
    Ongoing,
    /// Concluso.
    Concluded,
}

codes!(RecordStatus { Ongoing => "ongoing", Concluded => "concluded" });

/// What a record says about a process: the fields of seed 004.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordContent {
    pub title: String,
    pub status: RecordStatus,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// Gestione del processo: who runs it.
    pub managing_body: String,
    pub address: Option<String>,
    /// Titolari della decisione.
    pub decision_holders: String,
    /// The Ambito territoriale sociale, by name ("Nardò").
    pub ambito: String,
    /// Territorio interessato.
    pub municipalities: Vec<String>,
    /// The province's code ("LE").
    pub province: String,
    pub region: String,
    pub cycle: Option<PlanCycle>,
    /// The thematic areas (aree tematiche) the process worked on.
    pub areas: Vec<String>,
    /// Ambito di intervento.
    pub intervention_domain: String,
    /// Tematica specifica.
    pub specific_theme: String,
    /// Design del processo partecipativo.
    pub design: String,
    pub objectives: String,
    pub results: String,
    /// Crediti: processo segnalato da.
    pub reported_by: String,
}

/// What the public may complete or correct in any record ("Integra le
/// informazioni"). The other fields follow the process on Concerto, or are the
/// moderators' to write.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Completion {
    pub decision_holders: String,
    pub intervention_domain: String,
    pub specific_theme: String,
    pub objectives: String,
    pub results: String,
}

impl Completion {
    /// The completable fields of `content`, to pre-fill the form.
    pub fn of(content: &RecordContent) -> Completion {
        Completion {
            decision_holders: content.decision_holders.clone(),
            intervention_domain: content.intervention_domain.clone(),
            specific_theme: content.specific_theme.clone(),
            objectives: content.objectives.clone(),
            results: content.results.clone(),
        }
    }
}

impl RecordContent {
    /// This content with the completable fields replaced by `completion`.
    pub fn completed(&self, completion: &Completion) -> RecordContent {
        RecordContent {
            decision_holders: completion.decision_holders.clone(),
            intervention_domain: completion.intervention_domain.clone(),
            specific_theme: completion.specific_theme.clone(),
            objectives: completion.objectives.clone(),
            results: completion.results.clone(),
            ..self.clone()
        }
    }

    /// The content a Concerto record moves to when its process has changed: what
    /// Concerto knows comes from `derived`, while what the public completed and a
    /// moderator accepted stays.
    pub fn refreshed(&self, derived: RecordContent) -> RecordContent {
        let keep = |current: &str, fresh: String| if current.trim().is_empty() { fresh } else { current.to_string() };
        RecordContent {
            decision_holders: keep(&self.decision_holders, derived.decision_holders.clone()),
            intervention_domain: keep(&self.intervention_domain, derived.intervention_domain.clone()),
            specific_theme: keep(&self.specific_theme, derived.specific_theme.clone()),
            objectives: keep(&self.objectives, derived.objectives.clone()),
            results: keep(&self.results, derived.results.clone()),
            ..derived
        }
    }

    /// The fields a record must have, as a moderator writes it.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        for (field, value, label) in [
            ("title", &self.title, "il titolo"),
            ("managing_body", &self.managing_body, "chi gestisce il processo"),
            ("ambito", &self.ambito, "l'Ambito"),
            ("province", &self.province, "la provincia"),
            ("region", &self.region, "la regione"),
        ] {
            if value.trim().is_empty() {
                errors.push(field, "required", format!("Indicare {label}."));
            }
            errors.check_text(field, value, false);
        }
        if let (Some(from), Some(to)) = (self.starts_on, self.ends_on)
            && to < from
        {
            errors.push("ends_on", "before_start", "La data di fine precede quella di inizio.");
        }
        errors.into_result(())
    }

    /// The text the full-text search indexes: the title, weighed more, and the rest.
    pub fn search_text(&self) -> (String, String) {
        let mut body = vec![
            self.ambito.clone(),
            self.municipalities.join(" "),
            self.province.clone(),
            self.region.clone(),
            self.managing_body.clone(),
            self.decision_holders.clone(),
        ];
        body.extend(self.areas.iter().cloned());
        body.extend([
            self.intervention_domain.clone(),
            self.specific_theme.clone(),
            self.design.clone(),
            self.objectives.clone(),
            self.results.clone(),
        ]);
        body.retain(|part| !part.trim().is_empty());
        (self.title.clone(), body.join(" · "))
    }
}

/// The record of a process run on Concerto, from what the process says.
pub fn derive_record(process: &Process) -> RecordContent {
    let ambito = &process.ambito.profile;
    let header = &process.header;
    let dates = process
        .phases
        .iter()
        .flat_map(|p| [p.starts_on, p.ends_on])
        .chain(process.sessions.iter().map(|s| s.date))
        .flatten();
    let (starts_on, ends_on) = dates.fold((None, None), |(lo, hi): (Option<NaiveDate>, Option<NaiveDate>), d| {
        (Some(lo.map_or(d, |lo| lo.min(d))), Some(hi.map_or(d, |hi| hi.max(d))))
    });
    let numbered = ambito.number.as_deref().map_or_else(String::new, |n| format!("{n} "));
    RecordContent {
        title: format!("{} dell'Ambito Territoriale Sociale {numbered}di {}", header.title, ambito.name),
        status: if header.status == ProcessStatus::Closed { RecordStatus::Concluded } else { RecordStatus::Ongoing },
        starts_on,
        ends_on,
        managing_body: ambito
            .managing_body
            .clone()
            .unwrap_or_else(|| format!("Ufficio di Piano dell'Ambito Territoriale Sociale di {}", ambito.name)),
        address: ambito.address.clone(),
        decision_holders: format!("Ambito territoriale di {}", ambito.name),
        ambito: ambito.name.clone(),
        municipalities: ambito.municipalities.clone(),
        province: ambito.province.clone(),
        region: ambito.region.clone(),
        cycle: Some(header.cycle),
        areas: process.areas.iter().map(|a| a.name.clone()).collect(),
        intervention_domain: "Politiche sociali".into(),
        specific_theme: format!("Piano Sociale di Zona {}", header.cycle),
        design: header.description.clone(),
        objectives: String::new(),
        results: String::new(),
        reported_by: "Concerto".into(),
    }
}

/// The anonymised figures of one area of a Concerto process: counts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaFigures {
    pub area: String,
    /// Organizations (not citizens) with a current expression naming the area.
    pub organizations: i64,
    /// Representatives taking part in the area.
    pub participants: i64,
    /// Proposals (proposte di intervento) for the area, from the expressions.
    pub proposals: i64,
}

/// What someone asks to complete in a record, with who asks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CorrectionInput {
    pub name: String,
    pub email: String,
    /// Consent to the privacy notice, required: name and e-mail are personal data.
    pub privacy_accepted: bool,
    #[serde(flatten)]
    pub completion: Completion,
}

/// A valid proposal to complete a record ("Integra le informazioni").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub name: String,
    pub email: String,
    pub completion: Completion,
}

/// Checks a proposal against the record's `current` content: who sends it, the
/// consent, and that it changes something.
pub fn validate_correction(input: &CorrectionInput, current: &RecordContent) -> Result<Correction, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = input.name.trim();
    if name.is_empty() {
        errors.push("name", "required", "Indicare il proprio nome.");
    }
    let email = input.email.trim();
    if !crate::expression::is_email(email) {
        errors.push("email", "invalid", "Indicare un indirizzo e-mail valido, ad esempio nome@esempio.it.");
    }
    if !input.privacy_accepted {
        errors.push("privacy_accepted", "required", "Occorre accettare l'informativa sulla privacy.");
    }
    let trimmed = |s: &str| s.trim().to_string();
    let c = &input.completion;
    let completion = Completion {
        decision_holders: trimmed(&c.decision_holders),
        intervention_domain: trimmed(&c.intervention_domain),
        specific_theme: trimmed(&c.specific_theme),
        objectives: trimmed(&c.objectives),
        results: trimmed(&c.results),
    };
    for (field, value) in [
        ("decision_holders", &completion.decision_holders),
        ("intervention_domain", &completion.intervention_domain),
        ("specific_theme", &completion.specific_theme),
        ("objectives", &completion.objectives),
        ("results", &completion.results),
    ] {
        if value.chars().count() > MAX_FIELD_CHARS {
            errors.push(field, "too_long", format!("Al massimo {MAX_FIELD_CHARS} caratteri."));
        }
        errors.check_text(field, value, true);
    }
    if completion == Completion::of(current) {
        errors.push("results", "unchanged", "La proposta non cambia nessuna informazione della scheda.");
    }
    errors.into_result(Correction { name: name.to_string(), email: email.to_string(), completion })
}

/// The longest text a completed field may hold.
pub const MAX_FIELD_CHARS: usize = 5000;

/// A moderator's decision on a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum Moderation {
    Accept { reason: String },
    Reject { reason: String },
}

impl Moderation {
    /// A decision from the form: `accept` or `reject`; a rejection must say why.
    pub fn parse(decision: &str, reason: &str) -> Result<Moderation, FieldErrors> {
        let reason = reason.trim().to_string();
        let mut errors = FieldErrors::default();
        match decision {
            "accept" => Ok(Moderation::Accept { reason }),
            "reject" if !reason.is_empty() => Ok(Moderation::Reject { reason }),
            "reject" => {
                errors.push("reason", "required", "Indicare il motivo del rifiuto.");
                Err(errors)
            }
            _ => {
                errors.push("decision", "invalid", "Scegliere se accettare o rifiutare la proposta.");
                Err(errors)
            }
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Moderation::Accept { .. } => "accepted",
            Moderation::Reject { .. } => "rejected",
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            Moderation::Accept { reason } | Moderation::Reject { reason } => reason,
        }
    }
}

/// The words of a search, lowercased: letters and digits only, so that nothing a
/// user types reaches a query language. At most [`MAX_TERMS`] of them.
pub fn search_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(MAX_TERMS)
        .collect()
}

pub const MAX_TERMS: usize = 8;

/// Results per page of the catalogue.
pub const PAGE_SIZE: i64 = 20;

/// A search of the catalogue: words and facet filters (all optional), and a page
/// counted from 1.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordQuery {
    pub terms: Vec<String>,
    pub region: Option<String>,
    pub province: Option<String>,
    pub ambito: Option<String>,
    pub area: Option<String>,
    pub cycle: Option<String>,
    pub status: Option<RecordStatus>,
    pub page: i64,
}

impl RecordQuery {
    pub fn offset(&self) -> i64 {
        (self.page.max(1) - 1) * PAGE_SIZE
    }
}

/// The facets of the catalogue, by the name the query string uses.
pub const FACETS: [&str; 6] = ["region", "province", "ambito", "area", "cycle", "status"];

pub mod highlight;

#[cfg(test)]
mod tests;

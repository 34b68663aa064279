//! Expression of interest (manifestazione di interesse): what an organization or a
//! citizen sends to take part, and the rules it must meet before it is received.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{FieldErrors, Process, TaxCode, TaxCodeError, TaxCodeKind};

/// Who applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    Organization,
    Citizen,
    PublicBody,
    Union,
}

/// The legal form of an organization (third sector, RUNTS sections and others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalForm {
    /// Organizzazione di volontariato.
    Odv,
    /// Associazione di promozione sociale.
    Aps,
    SocialCooperative,
    SocialEnterprise,
    Foundation,
    PhilanthropicBody,
    AssociationNetwork,
    MutualAidSociety,
    OtherAssociation,
    Other,
}

codes!(ApplicantKind { Organization => "organization", Citizen => "citizen", PublicBody => "public_body", Union => "union" });
codes!(LegalForm {
    Odv => "odv", Aps => "aps", SocialCooperative => "social_cooperative",
    SocialEnterprise => "social_enterprise", Foundation => "foundation",
    PhilanthropicBody => "philanthropic_body", AssociationNetwork => "association_network",
    MutualAidSociety => "mutual_aid_society", OtherAssociation => "other_association", Other => "other",
});

/// An area reference as a client may send it: a number or a numeric string.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AreaRef {
    Id(i64),
    Text(String),
}

impl AreaRef {
    fn id(&self) -> Option<i64> {
        match self {
            AreaRef::Id(id) => Some(*id),
            AreaRef::Text(text) => text.trim().parse().ok(),
        }
    }
}

/// The input as typed, before any rule: every field may be missing or wrong.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExpressionInput {
    pub applicant: ApplicantInput,
    pub participations: Vec<ParticipationInput>,
    pub proposal: Option<ProposalInput>,
    pub privacy_accepted: bool,
    pub declaration_accepted: bool,
    /// A private citizen agrees to be named on public pages (issue 22).
    pub public_name_consent: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplicantInput {
    pub kind: String,
    pub name: String,
    pub legal_form: Option<String>,
    pub tax_code: String,
    pub legal_representative: Option<String>,
    pub address: String,
    pub municipality: String,
    pub email: String,
    pub pec: Option<String>,
    pub phone: Option<String>,
    pub founded_on: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipationInput {
    pub area_id: AreaRef,
    #[serde(default)]
    pub representative: RepresentativeInput,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RepresentativeInput {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProposalInput {
    pub title: String,
    pub text: String,
    pub area_ids: Vec<AreaRef>,
}

/// The applicant, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applicant {
    pub kind: ApplicantKind,
    pub name: String,
    pub legal_form: Option<LegalForm>,
    pub tax_code: TaxCode,
    pub legal_representative: Option<String>,
    pub address: String,
    pub municipality: String,
    pub email: String,
    pub pec: Option<String>,
    pub phone: Option<String>,
    pub founded_on: Option<NaiveDate>,
}

/// The one representative of the applicant at one area's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Representative {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participation {
    pub area_id: i64,
    pub representative: Representative,
}

/// A proposal of intervention (proposta di intervento) sent with the expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub title: String,
    pub text: String,
    pub area_ids: Vec<i64>,
}

/// An expression of interest that meets every rule, ready to be received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expression {
    pub applicant: Applicant,
    pub participations: Vec<Participation>,
    pub proposal: Option<Proposal>,
    /// Whether the applicant may sign the participation pact (organizations old
    /// enough, when the process sets a minimum age; unions sign a memorandum).
    pub eligible_for_pact: bool,
    /// A private citizen agreed to be named in public; false for everyone else,
    /// whose name is public anyway. Left out of the canonical record when false, so
    /// that the records made before the consent existed keep their digest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public_name_consent: bool,
}

impl Expression {
    /// Whether public pages and exports may show the applicant's name: always for
    /// organizations and bodies, for a private citizen only with their consent.
    pub fn named_in_public(&self) -> bool {
        self.applicant.kind != ApplicantKind::Citizen || self.public_name_consent
    }
}

/// "Constituted at least N years before a date" (seed 002: one year before the
/// 14 November 2013).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinimumAge {
    pub years: u32,
    pub reference_date: NaiveDate,
}

impl MinimumAge {
    /// The latest founding date that meets the rule.
    pub fn latest_founding(&self) -> NaiveDate {
        let year = self.reference_date.year() - self.years as i32;
        self.reference_date
            .with_year(year)
            // 29 February of a leap year moves to the 28th.
            .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .unwrap_or(self.reference_date)
    }

    pub fn is_met_by(&self, founded_on: NaiveDate) -> bool {
        founded_on <= self.latest_founding()
    }
}

const MAX_SHORT: usize = 200;
const MAX_LONG: usize = 10_000;

/// Collects the field errors of one input.
struct Check {
    errors: FieldErrors,
}

impl Check {
    fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.errors.push(field, "required", "Campo obbligatorio.");
        } else {
            self.text(field, value, max);
        }
        value.to_string()
    }

    fn optional(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.text(field, value, max);
        Some(value.to_string())
    }

    /// Length, and no control characters: line breaks only where the text may have lines.
    fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.errors.push(field, "too_long", format!("Al massimo {max} caratteri."));
        }
        self.errors.check_text(field, value, max > MAX_SHORT);
    }

    fn email(&mut self, field: &str, value: &str) -> String {
        let value = self.required(field, value, MAX_SHORT);
        if !value.is_empty() && !is_email(&value) {
            self.errors.push(field, "invalid_email", "Indirizzo e-mail non valido.");
        }
        value
    }

    fn optional_email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = self.optional(field, value, MAX_SHORT)?;
        if !is_email(&value) {
            self.errors.push(field, "invalid_email", "Indirizzo e-mail non valido.");
        }
        Some(value)
    }

    fn phone(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = self.optional(field, value, 40)?;
        let digits = value.chars().filter(char::is_ascii_digit).count();
        let allowed = value.chars().all(|c| c.is_ascii_digit() || " +-/().".contains(c));
        if !allowed || !(6..=15).contains(&digits) {
            self.errors.push(field, "invalid_phone", "Numero di telefono non valido.");
        }
        Some(value)
    }

    fn area(&mut self, field: &str, area: &AreaRef, process: &Process) -> Option<i64> {
        match area.id().filter(|&id| process.area(id).is_some()) {
            Some(id) => Some(id),
            None => {
                self.errors.push(field, "unknown_area", "Area tematica non prevista da questo processo.");
                None
            }
        }
    }
}

/// An address the mailer can send to: lettre's own parser (the one the outbox uses)
/// accepts it, so `a,b@example.org` or `a@example.org;bcc` never reach a receipt
/// that would then fail for good, and its domain has a dot. The mailbox itself is
/// proven by the receipt reaching it.
pub fn is_email(value: &str) -> bool {
    let Ok(address) = value.parse::<lettre::Address>() else { return false };
    let domain = address.domain();
    domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

fn tax_code_message(e: TaxCodeError) -> String {
    let mut message = e.to_string();
    if let Some(first) = message.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    message + "."
}

/// Checks an expression of interest against every rule of the process at `now`.
/// Past the deadline nothing else is looked at: the answer is `deadline_passed`.
pub fn validate_expression(
    input: &ExpressionInput,
    process: &Process,
    now: DateTime<Utc>,
) -> Result<Expression, FieldErrors> {
    if !process.header.accepts_expressions_at(now) {
        let mut errors = FieldErrors::default();
        let passed = process.header.deadline.is_some_and(|d| !d.is_open_at(now));
        if passed {
            errors.push(
                "deadline",
                "deadline_passed",
                "Il termine per l'invio delle manifestazioni di interesse è scaduto.",
            );
        } else {
            errors.push("process", "not_accepting", "Questo processo non accetta manifestazioni di interesse online.");
        }
        return Err(errors);
    }
    let mut c = Check { errors: FieldErrors::default() };
    let a = &input.applicant;

    let kind = ApplicantKind::from_code(a.kind.trim());
    if kind.is_none() {
        c.errors.push("applicant.kind", "invalid_choice", "Indicare chi presenta la manifestazione di interesse.");
    }
    let name = c.required("applicant.name", &a.name, MAX_SHORT);
    let legal_form = match (kind, a.legal_form.as_deref().map(str::trim).filter(|v| !v.is_empty())) {
        (Some(ApplicantKind::Organization), None) => {
            c.errors.push("applicant.legal_form", "required", "Indicare la forma giuridica dell'organizzazione.");
            None
        }
        (_, Some(code)) => LegalForm::from_code(code).or_else(|| {
            c.errors.push("applicant.legal_form", "invalid_choice", "Forma giuridica non prevista.");
            None
        }),
        (_, None) => None,
    };
    let tax_code = match TaxCode::parse(&a.tax_code) {
        Ok(code) => {
            let expected = if kind == Some(ApplicantKind::Citizen) { TaxCodeKind::Person } else { TaxCodeKind::Entity };
            if kind.is_some() && code.kind() != expected {
                let message = if expected == TaxCodeKind::Person {
                    "Per un cittadino serve il codice fiscale personale di 16 caratteri."
                } else {
                    "Per un ente serve il codice fiscale o la partita IVA di 11 cifre."
                };
                c.errors.push("applicant.tax_code", "tax_code_kind", message);
            } else if !code.birthplace_is_known() {
                let message = "Il codice catastale del luogo di nascita nel codice fiscale non corrisponde ad alcun Comune: verificare di averlo digitato correttamente.";
                c.errors.push("applicant.tax_code", "unknown_birthplace", message);
            }
            Some(code)
        }
        Err(e) => {
            c.errors.push("applicant.tax_code", "invalid_tax_code", tax_code_message(e));
            None
        }
    };
    let legal_representative =
        c.optional("applicant.legal_representative", a.legal_representative.as_deref(), MAX_SHORT);
    if kind.is_some_and(|k| k != ApplicantKind::Citizen) && legal_representative.is_none() {
        c.errors.push("applicant.legal_representative", "required", "Indicare il legale rappresentante.");
    }
    let address = c.required("applicant.address", &a.address, MAX_SHORT);
    let municipality = c.required("applicant.municipality", &a.municipality, MAX_SHORT);
    let email = c.email("applicant.email", &a.email);
    let pec = c.optional_email("applicant.pec", a.pec.as_deref());
    let phone = c.phone("applicant.phone", a.phone.as_deref());
    let founded_on = match a.founded_on.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if date <= now.date_naive() => Some(date),
            Ok(_) => {
                c.errors.push("applicant.founded_on", "future_date", "La data di costituzione è nel futuro.");
                None
            }
            Err(_) => {
                c.errors.push("applicant.founded_on", "invalid_date", "Data non valida (formato AAAA-MM-GG).");
                None
            }
        },
    };

    if input.participations.is_empty() {
        c.errors.push("participations", "required", "Scegliere almeno un'area tematica.");
    }
    let mut participations: Vec<Participation> = Vec::with_capacity(input.participations.len());
    for (i, p) in input.participations.iter().enumerate() {
        let field = |name: &str| format!("participations[{i}].{name}");
        let area_id = c.area(&field("area_id"), &p.area_id, process);
        if let Some(id) = area_id
            && participations.iter().any(|q| q.area_id == id)
        {
            c.errors.push(
                field("area_id"),
                "duplicate_area",
                "Per ciascuna area è ammesso un solo rappresentante per organizzazione.",
            );
        }
        let r = &p.representative;
        let representative = Representative {
            name: c.required(&field("representative.name"), &r.name, MAX_SHORT),
            email: c.email(&field("representative.email"), &r.email),
            phone: c.phone(&field("representative.phone"), r.phone.as_deref()),
        };
        if let Some(area_id) = area_id {
            participations.push(Participation { area_id, representative });
        }
    }

    let proposal = input.proposal.as_ref().map(|p| {
        let area_ids = p
            .area_ids
            .iter()
            .enumerate()
            .filter_map(|(i, area)| c.area(&format!("proposal.area_ids[{i}]"), area, process))
            .collect();
        Proposal {
            title: c.required("proposal.title", &p.title, MAX_SHORT),
            text: c.required("proposal.text", &p.text, MAX_LONG),
            area_ids,
        }
    });

    if !input.privacy_accepted {
        c.errors.push(
            "privacy_accepted",
            "required_acceptance",
            "Occorre prendere visione dell'informativa sulla privacy.",
        );
    }
    if !input.declaration_accepted {
        c.errors.push(
            "declaration_accepted",
            "required_acceptance",
            "Occorre dichiarare che i dati forniti sono veritieri.",
        );
    }

    let (Some(kind), Some(tax_code)) = (kind, tax_code) else { return Err(c.errors) };
    let eligible_for_pact = match kind {
        ApplicantKind::Citizen => false,
        ApplicantKind::PublicBody | ApplicantKind::Union => true,
        ApplicantKind::Organization => match process.header.minimum_age {
            None => true,
            Some(rule) => founded_on.is_some_and(|date| rule.is_met_by(date)),
        },
    };
    c.errors.into_result(Expression {
        applicant: Applicant {
            kind,
            name,
            legal_form,
            tax_code,
            legal_representative,
            address,
            municipality,
            email,
            pec,
            phone,
            founded_on,
        },
        participations,
        proposal,
        eligible_for_pact,
        public_name_consent: input.public_name_consent && kind == ApplicantKind::Citizen,
    })
}

#[cfg(test)]
mod tests;

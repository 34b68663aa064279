//! The applicant as documents name it: an organization with its legal data, a
//! union, a public body or a citizen.

use concerto_domain::{Applicant, ApplicantKind, LegalForm};
use serde::Serialize;

/// The other party of a pact, or the sender of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub name: String,
    /// "Organizzazione di volontariato"; none for citizens and when not given.
    pub legal_form: Option<String>,
    /// Codice fiscale or partita IVA.
    pub tax_code: String,
    pub legal_representative: Option<String>,
    /// Registered office (sede legale): street and municipality.
    pub address: String,
    pub municipality: String,
    pub email: String,
    pub pec: Option<String>,
}

impl Party {
    pub fn of(applicant: &Applicant) -> Party {
        Party {
            name: applicant.name.clone(),
            legal_form: applicant.legal_form.map(|f| legal_form_label(f).to_owned()).or_else(|| {
                matches!(applicant.kind, ApplicantKind::Union | ApplicantKind::PublicBody)
                    .then(|| kind_label(applicant.kind).to_owned())
            }),
            tax_code: applicant.tax_code.to_string(),
            legal_representative: applicant.legal_representative.clone(),
            address: applicant.address.clone(),
            municipality: applicant.municipality.clone(),
            email: applicant.email.clone(),
            pec: applicant.pec.clone(),
        }
    }
}

pub(crate) fn kind_label(kind: ApplicantKind) -> &'static str {
    match kind {
        ApplicantKind::Organization => "Organizzazione",
        ApplicantKind::Citizen => "Cittadino/a",
        ApplicantKind::PublicBody => "Ente pubblico",
        ApplicantKind::Union => "Organizzazione sindacale",
    }
}

fn legal_form_label(form: LegalForm) -> &'static str {
    match form {
        LegalForm::Odv => "Organizzazione di volontariato",
        LegalForm::Aps => "Associazione di promozione sociale",
        LegalForm::SocialCooperative => "Cooperativa sociale",
        LegalForm::SocialEnterprise => "Impresa sociale",
        LegalForm::Foundation => "Fondazione",
        LegalForm::PhilanthropicBody => "Ente filantropico",
        LegalForm::AssociationNetwork => "Rete associativa",
        LegalForm::MutualAidSociety => "Società di mutuo soccorso",
        LegalForm::OtherAssociation => "Associazione",
        LegalForm::Other => "Altro ente",
    }
}

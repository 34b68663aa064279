//! The social district (Ambito Territoriale Sociale) that runs a process.

use serde::{Deserialize, Serialize};

/// How to reach an Ambito's plan office (Ufficio di Piano).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    pub email: Option<String>,
    /// Certified e-mail (PEC), legally equivalent to a registered letter.
    pub pec: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

/// An Ambito as it is created: its profile, edited by its own office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAmbito {
    pub slug: String,
    /// "Casarano", "Nardò": the name used after "Ambito Territoriale Sociale di".
    pub name: String,
    /// The number some regions give their Ambiti, as written ("n. 3").
    pub number: Option<String>,
    /// Two-letter province code ("LE").
    pub province: String,
    pub region: String,
    /// The lead municipality (Comune capofila).
    pub lead_municipality: String,
    /// Member municipalities, lead first, in the order the Ambito lists them.
    pub municipalities: Vec<String>,
    /// The body that runs the Ambito when it is not the lead municipality (a consortium).
    pub managing_body: Option<String>,
    pub address: Option<String>,
    pub contacts: Contacts,
}

/// A stored Ambito.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ambito {
    pub id: i64,
    #[serde(flatten)]
    pub profile: NewAmbito,
}

impl NewAmbito {
    /// "Ambito Territoriale Sociale n. 3 di Nardò".
    pub fn full_name(&self) -> String {
        match &self.number {
            Some(n) => format!("Ambito Territoriale Sociale {n} di {}", self.name),
            None => format!("Ambito Territoriale Sociale di {}", self.name),
        }
    }
}

/// The parts of an Ambito's profile its own office edits in the workspace. The
/// privacy notice (informativa privacy) and the letterhead (intestazione) are text
/// the office's documents and pages carry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmbitoProfile {
    /// Member municipalities, lead first.
    pub municipalities: Vec<String>,
    /// The lead municipality (Comune capofila).
    pub lead_municipality: String,
    pub address: Option<String>,
    pub contacts: Contacts,
    pub privacy_notice: Option<String>,
    pub letterhead: Option<String>,
}

impl AmbitoProfile {
    /// At least one municipality, none twice, the lead among them, and contacts
    /// that look like addresses.
    pub fn validate(&self) -> Result<(), crate::FieldErrors> {
        let mut errors = crate::FieldErrors::default();
        if self.municipalities.is_empty() {
            errors.push("municipalities", "required", "Indicare almeno un Comune.");
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = self.municipalities.iter().find(|m| !seen.insert(m.to_lowercase())) {
            errors.push("municipalities", "duplicate", format!("Il Comune «{twice}» è indicato due volte."));
        }
        if self.lead_municipality.trim().is_empty() {
            errors.push("lead_municipality", "required", "Campo obbligatorio.");
        } else if !self.municipalities.iter().any(|m| m.eq_ignore_ascii_case(&self.lead_municipality)) {
            errors.push(
                "lead_municipality",
                "not_a_member",
                "Il Comune capofila deve essere tra i Comuni dell'Ambito.",
            );
        }
        for m in &self.municipalities {
            errors.check_text("municipalities", m, false);
        }
        errors.check_text("lead_municipality", &self.lead_municipality, false);
        let c = &self.contacts;
        for (field, value, lines) in [
            ("address", &self.address, false),
            ("email", &c.email, false),
            ("pec", &c.pec, false),
            ("phone", &c.phone, false),
            ("website", &c.website, false),
            ("privacy_notice", &self.privacy_notice, true),
            ("letterhead", &self.letterhead, true),
        ] {
            errors.check_text(field, value.as_deref().unwrap_or(""), lines);
        }
        for (field, value) in [("email", &c.email), ("pec", &c.pec)] {
            if value.as_deref().is_some_and(|v| !crate::expression::is_email(v)) {
                errors.push(field, "invalid_email", "Indirizzo e-mail non valido.");
            }
        }
        if c.website
            .as_deref()
            .is_some_and(|w| !(w.starts_with("https://") || w.starts_with("http://")) || w.contains(' '))
        {
            errors.push("website", "invalid_url", "Indirizzo web non valido: deve iniziare con https://.");
        }
        errors.into_result(())
    }
}

impl std::ops::Deref for Ambito {
    type Target = NewAmbito;
    fn deref(&self) -> &NewAmbito {
        &self.profile
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ambito(number: Option<&str>) -> NewAmbito {
        NewAmbito {
            slug: "nardo".into(),
            name: "Nardò".into(),
            number: number.map(Into::into),
            province: "LE".into(),
            region: "Puglia".into(),
            lead_municipality: "Nardò".into(),
            municipalities: vec!["Nardò".into()],
            managing_body: None,
            address: None,
            contacts: Contacts::default(),
        }
    }

    #[test]
    fn a_profile_keeps_its_lead_among_its_municipalities() {
        let mut p = AmbitoProfile {
            municipalities: vec!["Nardò".into(), "Galatone".into()],
            lead_municipality: "Nardò".into(),
            ..Default::default()
        };
        assert_eq!(p.validate(), Ok(()));
        p.lead_municipality = "Lecce".into();
        p.contacts.pec = Some("pec".into());
        p.contacts.website = Some("www.example.it".into());
        let fields: Vec<_> = p.validate().unwrap_err().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["lead_municipality", "pec", "website"]);
        p = AmbitoProfile {
            municipalities: vec!["Nardò".into(), "nardò".into()],
            lead_municipality: "Nardò".into(),
            ..Default::default()
        };
        assert_eq!(p.validate().unwrap_err().errors[0].code, "duplicate");
    }

    #[test]
    fn full_name_carries_the_number_when_there_is_one() {
        assert_eq!(ambito(Some("n. 3")).full_name(), "Ambito Territoriale Sociale n. 3 di Nardò");
        assert_eq!(ambito(None).full_name(), "Ambito Territoriale Sociale di Nardò");
    }
}

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
    fn full_name_carries_the_number_when_there_is_one() {
        assert_eq!(ambito(Some("n. 3")).full_name(), "Ambito Territoriale Sociale n. 3 di Nardò");
        assert_eq!(ambito(None).full_name(), "Ambito Territoriale Sociale di Nardò");
    }
}

//! The personal check-in code (codice di accesso) of a registered representative:
//! short, read aloud or typed from a badge, so its alphabet leaves out the letters
//! and digits people confuse (0/O and 1/I are absent).

/// The 32 symbols of a code: digits 2–9 and the letters without I and O.
pub const CHECKIN_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// How many symbols a code has: 32^6, about a billion codes per process.
pub const CHECKIN_LENGTH: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CheckinCode(String);

impl CheckinCode {
    /// A code from random bytes; 256 is a multiple of 32, so each symbol is uniform.
    pub fn from_random(bytes: [u8; CHECKIN_LENGTH]) -> CheckinCode {
        CheckinCode(bytes.iter().map(|b| CHECKIN_ALPHABET[usize::from(b % 32)] as char).collect())
    }

    /// Reads a code as typed or as a scanner sends it: case, spaces and dashes do
    /// not matter; anything else outside the alphabet makes it no code.
    pub fn parse(text: &str) -> Option<CheckinCode> {
        let code: String =
            text.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        (code.len() == CHECKIN_LENGTH && code.bytes().all(|b| CHECKIN_ALPHABET.contains(&b)))
            .then_some(CheckinCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CheckinCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A registered representative expected at a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub tax_code: String,
    pub organization: String,
    pub name: String,
    pub email: String,
}

/// Who is invited to `session`: the representatives registered for its areas, or
/// every representative when it has none (a plenary concerns everyone). Each
/// person of an organization once, however many areas they speak for.
pub fn session_invitees(session: &crate::Session, expressions: &[crate::ReceivedExpression]) -> Vec<Invitee> {
    let mut invitees: Vec<Invitee> = Vec::new();
    for e in expressions {
        for p in &e.expression.participations {
            if !session.area_ids.is_empty() && !session.area_ids.contains(&p.area_id) {
                continue;
            }
            let invitee = Invitee {
                tax_code: e.expression.applicant.tax_code.to_string(),
                organization: e.expression.applicant.name.clone(),
                name: p.representative.name.clone(),
                email: p.representative.email.trim().to_lowercase(),
            };
            if !invitees.iter().any(|i| i.tax_code == invitee.tax_code && i.email == invitee.email) {
                invitees.push(invitee);
            }
        }
    }
    invitees
}

/// A walk-in (partecipante non registrato) as the staff types them in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkIn {
    pub name: String,
    pub organization: String,
    pub email: Option<String>,
}

pub fn validate_walk_in(name: &str, organization: &str, email: &str) -> Result<WalkIn, crate::FieldErrors> {
    let mut errors = crate::FieldErrors::default();
    let (name, organization, email) = (name.trim(), organization.trim(), email.trim());
    if name.is_empty() {
        errors.push("name", "required", "Indicare nome e cognome.");
    }
    if organization.is_empty() {
        errors.push("organization", "required", "Indicare l'organizzazione (o «a titolo personale»).");
    }
    errors.check_text("name", name, false);
    errors.check_text("organization", organization, false);
    if !email.is_empty() && !crate::expression::is_email(email) {
        errors.push("email", "invalid_email", "Indirizzo e-mail non valido.");
    }
    errors.into_result(WalkIn {
        name: name.to_string(),
        organization: organization.to_string(),
        email: Some(email.to_lowercase()).filter(|e| !e.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_in_needs_a_name_and_an_organization() {
        let errors = validate_walk_in(" ", "", "non valida").unwrap_err();
        let fields: Vec<_> = errors.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "organization", "email"]);
        assert_eq!(validate_walk_in("Ada", "Comitato", "").unwrap().email, None);
    }
    use proptest::prelude::*;

    #[test]
    fn ambiguous_symbols_are_absent() {
        for c in b"01IO" {
            assert!(!CHECKIN_ALPHABET.contains(c), "{}", *c as char);
        }
    }

    #[test]
    fn typed_codes_are_normalised() {
        assert_eq!(CheckinCode::parse(" abc-d23 ").map(|c| c.to_string()), Some("ABCD23".into()));
        assert_eq!(CheckinCode::parse("ABCD2O"), None, "O is not in the alphabet");
        assert_eq!(CheckinCode::parse("ABCD2"), None, "too short");
    }

    proptest! {
        #[test]
        fn every_generated_code_parses_back(bytes in any::<[u8; 6]>()) {
            let code = CheckinCode::from_random(bytes);
            prop_assert_eq!(CheckinCode::parse(&code.to_string().to_lowercase()), Some(code));
        }
    }
}

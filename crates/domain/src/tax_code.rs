//! Italian tax codes (codice fiscale) and VAT numbers (partita IVA), validated by
//! their check characters, so that a typo is caught while the person is still at
//! the form.

use serde::{Deserialize, Serialize};

/// A validated tax code: 11 digits for an entity (its codice fiscale or partita IVA),
/// 16 characters for a person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaxCode(String);

/// The anonymised placeholder: 12 characters, so no check ever accepts it.
const ANONYMISED: &str = "ANONIMIZZATO";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TaxCodeError {
    #[error("il codice fiscale deve avere 11 cifre (enti) o 16 caratteri (persone)")]
    Length,
    #[error("il codice fiscale contiene caratteri non ammessi")]
    Format,
    #[error(
        "il carattere di controllo del codice fiscale non corrisponde: verificare di averlo digitato correttamente"
    )]
    Check,
}

/// Whether a tax code belongs to an entity or to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxCodeKind {
    Entity,
    Person,
}

impl TaxCode {
    /// Accepts either form, ignoring spaces and letter case.
    pub fn parse(input: &str) -> Result<TaxCode, TaxCodeError> {
        let code: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        match code.len() {
            11 => check_entity(&code)?,
            16 => check_person(&code)?,
            _ => return Err(TaxCodeError::Length),
        }
        Ok(TaxCode(code))
    }

    /// What a registration shows once its holder's data are anonymised (retention):
    /// never a valid code, so it matches no one and `parse` never returns it.
    pub fn anonymised() -> TaxCode {
        TaxCode(ANONYMISED.to_string())
    }

    pub fn is_anonymised(&self) -> bool {
        self.0 == ANONYMISED
    }

    /// A person's code has 16 characters; anything else (an entity's 11 digits, or
    /// the anonymised placeholder) has no birthplace to read.
    pub fn kind(&self) -> TaxCodeKind {
        if self.0.len() == 16 { TaxCodeKind::Person } else { TaxCodeKind::Entity }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The cadastral code of a person's birthplace (positions 12-15), with the
    /// omocodia letters of its three digits read back as digits: "F20R" is "F205".
    /// A code starting with Z names a foreign country. `None` for an entity's code.
    pub fn birthplace(&self) -> Option<String> {
        if self.kind() != TaxCodeKind::Person {
            return None;
        }
        let part = &self.0[11..15];
        Some(part.chars().enumerate().map(|(i, c)| if i == 0 { c } else { omocodia_digit(c) }).collect())
    }

    /// Whether a person's birthplace is a municipality of ISTAT's list or a foreign
    /// country (Z and three digits); an entity's code has no birthplace to check.
    /// Municipalities merged away since are not in the current list: their people
    /// are refused until the gazetteer carries the suppressed codes too.
    pub fn birthplace_is_known(&self) -> bool {
        match self.birthplace() {
            None => true,
            Some(code) if code.starts_with('Z') => code[1..].bytes().all(|b| b.is_ascii_digit()),
            Some(code) => concerto_gazetteer::by_cadastral(&code).is_some(),
        }
    }
}

/// A digit written as its omocodia letter (L=0 … V=9), or the digit itself.
fn omocodia_digit(c: char) -> char {
    match OMOCODIA.find(c) {
        Some(i) => char::from(b'0' + i as u8),
        None => c,
    }
}

impl std::fmt::Display for TaxCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Luhn over 11 digits: odd positions count as they are, even positions doubled
/// (minus 9 when over 9); the eleventh digit makes the sum a multiple of ten.
fn check_entity(code: &str) -> Result<(), TaxCodeError> {
    let digits: Vec<u32> = code.chars().map(|c| c.to_digit(10)).collect::<Option<_>>().ok_or(TaxCodeError::Format)?;
    let sum: u32 = digits[..10]
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                d
            } else if d * 2 > 9 {
                d * 2 - 9
            } else {
                d * 2
            }
        })
        .sum();
    if (10 - sum % 10) % 10 == digits[10] { Ok(()) } else { Err(TaxCodeError::Check) }
}

/// Weights of a character in an odd (1-based) position, by its index: digits 0-9
/// and letters A-J share the indices 0-9.
const ODD_WEIGHTS: [u32; 26] =
    [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
/// Letters that stand for digits in an omocodia: L M N P Q R S T U V = 0-9.
const OMOCODIA: &str = "LMNPQRSTUV";
const MONTHS: &str = "ABCDEHLMPRST";

fn check_person(code: &str) -> Result<(), TaxCodeError> {
    let b = code.as_bytes();
    let is_digitish = |c: u8| c.is_ascii_digit() || OMOCODIA.as_bytes().contains(&c);
    let letters = [0, 1, 2, 3, 4, 5, 11, 15];
    let digitish = [6, 7, 9, 10, 12, 13, 14];
    if !letters.iter().all(|&i| b[i].is_ascii_uppercase())
        || !digitish.iter().all(|&i| is_digitish(b[i]))
        || !MONTHS.as_bytes().contains(&b[8])
    {
        return Err(TaxCodeError::Format);
    }
    let index = |c: u8| if c.is_ascii_digit() { u32::from(c - b'0') } else { u32::from(c - b'A') };
    let sum: u32 = b[..15]
        .iter()
        .enumerate()
        .map(|(i, &c)| if i % 2 == 0 { ODD_WEIGHTS[index(c) as usize] } else { index(c) })
        .sum();
    if u32::from(b[15] - b'A') == sum % 26 { Ok(()) } else { Err(TaxCodeError::Check) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn entity_codes_follow_luhn() {
        assert_eq!(TaxCode::parse("00743110157").map(|c| c.kind()), Ok(TaxCodeKind::Entity));
        assert_eq!(TaxCode::parse("00743110158"), Err(TaxCodeError::Check));
        assert_eq!(TaxCode::parse("0074311015A"), Err(TaxCodeError::Format));
    }

    #[test]
    fn personal_codes_have_a_check_letter() {
        assert_eq!(TaxCode::parse("RSSMRA45D25F205N").map(|c| c.kind()), Ok(TaxCodeKind::Person));
        assert_eq!(TaxCode::parse(" rssmra45d25f205n ").unwrap().as_str(), "RSSMRA45D25F205N");
        assert_eq!(TaxCode::parse("RSSMRA45D25F205X"), Err(TaxCodeError::Check));
        assert_eq!(TaxCode::parse("RSSMRA45Z25F205N"), Err(TaxCodeError::Format), "Z is no month");
        assert_eq!(TaxCode::parse("RSSMRA"), Err(TaxCodeError::Length));
    }

    #[test]
    fn omocodia_letters_stand_for_digits() {
        // RSSMRA45D25F205N with its last digit 5 written as R (omocodia).
        let base = "RSSMRA45D25F20R";
        let valid =
            (b'A'..=b'Z').map(|c| format!("{base}{}", c as char)).filter(|code| TaxCode::parse(code).is_ok()).count();
        assert_eq!(valid, 1, "exactly one check letter fits");
    }

    #[test]
    fn the_birthplace_is_read_through_omocodia_and_checked_against_the_gazetteer() {
        let milan = TaxCode::parse("RSSMRA45D25F205N").unwrap();
        assert_eq!(milan.birthplace().as_deref(), Some("F205"));
        assert!(milan.birthplace_is_known());
        // The same person with the last digit of the birthplace written as R (5).
        let omocode = (b'A'..=b'Z')
            .map(|c| format!("RSSMRA45D25F20R{}", c as char))
            .find_map(|c| TaxCode::parse(&c).ok())
            .unwrap();
        assert_eq!(omocode.birthplace().as_deref(), Some("F205"));
        assert!(omocode.birthplace_is_known());
        // Born abroad (Z404: United States): valid without the gazetteer.
        let abroad = (b'A'..=b'Z')
            .map(|c| format!("RSSMRA45D25Z404{}", c as char))
            .find_map(|c| TaxCode::parse(&c).ok())
            .unwrap();
        assert!(abroad.birthplace_is_known());
        // No municipality has the cadastral code A000.
        let nowhere = (b'A'..=b'Z')
            .map(|c| format!("RSSMRA45D25A000{}", c as char))
            .find_map(|c| TaxCode::parse(&c).ok())
            .unwrap();
        assert!(!nowhere.birthplace_is_known());
        let entity = TaxCode::parse("00743110157").unwrap();
        assert_eq!(entity.birthplace(), None);
        assert!(entity.birthplace_is_known());
    }

    #[test]
    fn the_anonymised_code_is_no_code_and_has_no_birthplace() {
        let anon = TaxCode::anonymised();
        assert!(anon.is_anonymised());
        assert_eq!(anon.kind(), TaxCodeKind::Entity);
        assert_eq!(anon.birthplace(), None);
        assert!(TaxCode::parse(anon.as_str()).is_err());
        assert!(!TaxCode::parse("00743110157").unwrap().is_anonymised());
    }

    proptest! {
        #[test]
        fn never_panics(input in ".{0,40}") {
            let _ = TaxCode::parse(&input);
        }

        #[test]
        fn one_changed_digit_is_always_caught(code in "[0-9]{10}", pos in 0usize..10, delta in 1u32..10) {
            let sum: u32 = code.chars().enumerate().map(|(i, c)| {
                let d = c.to_digit(10).unwrap();
                if i % 2 == 0 { d } else if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            }).sum();
            let valid = format!("{code}{}", (10 - sum % 10) % 10);
            prop_assert!(TaxCode::parse(&valid).is_ok());
            let mut bytes = valid.into_bytes();
            bytes[pos] = b'0' + ((u32::from(bytes[pos] - b'0') + delta) % 10) as u8;
            prop_assert_eq!(TaxCode::parse(std::str::from_utf8(&bytes).unwrap()), Err(TaxCodeError::Check));
        }
    }
}

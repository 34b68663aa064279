//! Field errors: how a rule tells the edge which input was wrong and why.

use serde::Serialize;

/// Whether a field may take a character: the one text rule of every form. Refused
/// are control characters (NUL, escape, bell, DEL, C1), which nobody types and which
/// break headers, feeds, terminals and PostgreSQL; the bidi overrides and isolates
/// (U+202A–202E, U+2066–2069), which make a name read backwards in a register; and
/// the non-characters (U+FDD0–FDEF, U+xFFFE, U+xFFFF), which no font draws. Tab and
/// line feed (and the CR browsers send before it) pass only where the field has
/// lines. Lone surrogates never reach this far: a Rust string cannot hold one, so
/// the JSON or form extractor already refused the body. The marks Arabic and Hebrew
/// names need (U+200E, U+200F, U+061C) and the joiners of emoji are allowed.
fn is_allowed(c: char, lines: bool) -> bool {
    let code = c as u32;
    match c {
        '\t' | '\n' | '\r' => lines,
        _ if c.is_control() => false,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => false,
        _ => !((0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE),
    }
}

/// Whether every character of `text` may stand in a field, with lines or not.
pub fn is_acceptable_text(text: &str, lines: bool) -> bool {
    text.chars().all(|c| is_allowed(c, lines))
}

pub const CONTROL_CHARACTERS_MESSAGE: &str =
    "Il campo contiene caratteri non ammessi (caratteri di controllo, di direzione del testo o non-caratteri Unicode).";

/// One invalid field: a dotted path into the input, a stable machine code and an
/// Italian message for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

/// Every field error found in one input, so a form can show them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{} campi non validi", .errors.len())]
pub struct FieldErrors {
    pub errors: Vec<FieldError>,
}

impl FieldErrors {
    /// The one error of an input that has only this wrong.
    pub fn one(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.push(field, code, message);
        errors
    }

    pub fn push(&mut self, field: impl Into<String>, code: &'static str, message: impl Into<String>) {
        self.errors.push(FieldError { field: field.into(), code, message: message.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(value)` when nothing was pushed, the collected errors otherwise.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.errors.is_empty() { Ok(value) } else { Err(self) }
    }

    /// Applies the one text rule to `field`: `lines` when it may hold several.
    pub fn check_text(&mut self, field: &str, value: &str, lines: bool) {
        if !is_acceptable_text(value, lines) {
            self.push(field, "control_characters", CONTROL_CHARACTERS_MESSAGE);
        }
    }

    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_rule_refuses_controls_overrides_and_non_characters() {
        for bad in [
            "a\u{0}b",
            "\u{1b}[31m",
            "\u{85}",
            "\u{7f}",
            "\u{202E}evil",
            "\u{2066}x",
            "x\u{FFFF}",
            "\u{FDD0}",
            "\u{1FFFE}",
        ] {
            assert!(!is_acceptable_text(bad, true), "{bad:?}");
        }
        assert!(is_acceptable_text("riga 1\r\nriga 2\tfine", true));
        assert!(!is_acceptable_text("riga 1\nriga 2", false) && !is_acceptable_text("a\tb", false));
        assert!(is_acceptable_text("مؤسسة\u{200F} 协会 😀\u{200D}👍 Ελληνικά \u{FFFD}", false));
        let mut errors = FieldErrors::default();
        errors.check_text("venue", "sala\r\nX: y", false);
        assert_eq!(errors.errors[0].code, "control_characters");
    }
}

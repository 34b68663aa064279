//! Field errors: how a rule tells the edge which input was wrong and why.

use serde::Serialize;

/// Whether `text` holds a control character other than tab and line breaks (NUL,
/// escape, bell, DEL, C1 controls): nobody types them, they break headers, feeds and
/// terminals, and PostgreSQL refuses NUL in text. Bidi and joiner marks are format
/// characters, not controls: names in Arabic or Hebrew need them.
pub fn has_control_characters(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// As [`has_control_characters`], and no line break either: for one-line fields whose
/// value may end up in a header, a calendar line or a file name.
pub fn has_line_controls(text: &str) -> bool {
    text.chars().any(char::is_control)
}

pub const CONTROL_CHARACTERS_MESSAGE: &str = "Il campo contiene caratteri di controllo non ammessi.";

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

    /// Refuses control characters in a one-line field.
    pub fn check_line(&mut self, field: &str, value: &str) {
        if has_line_controls(value) {
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
    fn controls_are_told_apart_from_bidi_marks_and_line_breaks() {
        assert!(has_control_characters("a\u{0}b") && has_control_characters("\u{1b}[31m") && has_control_characters("\u{85}"));
        assert!(!has_control_characters("riga 1\r\nriga 2\tfine"));
        assert!(!has_control_characters("\u{202E}مؤسسة\u{200F}"));
        assert!(has_line_controls("riga\nLocation: x") && !has_line_controls("Biblioteca \u{200F}"));
        let mut errors = FieldErrors::default();
        errors.check_line("venue", "sala\r\nX: y");
        assert_eq!(errors.errors[0].code, "control_characters");
    }
}

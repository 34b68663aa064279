//! The minutes (verbale) of a session: a text, kept internal or published, with
//! attachments. An attachment's type is read from its first bytes, not trusted from
//! the browser, and only documents and images people open safely are taken.

use crate::FieldErrors;

/// The largest attachment kept: 5 MB.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;

/// The largest text of the minutes, in characters.
pub const MAX_MINUTES_CHARS: usize = 100_000;

/// What an attachment is, by its content.
pub fn sniff_type(filename: &str, bytes: &[u8]) -> Option<&'static str> {
    let lower = filename.to_lowercase();
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".odt") {
        Some("application/vnd.oasis.opendocument.text")
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".docx") {
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    } else {
        None
    }
}

/// A checked attachment: a plain file name and the type read from the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAttachment {
    pub filename: String,
    pub content_type: &'static str,
}

pub fn check_attachment(filename: &str, bytes: &[u8]) -> Result<CheckedAttachment, FieldErrors> {
    let mut errors = FieldErrors::default();
    // Only the last path component, without characters that break a header.
    let name: String = filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    let content_type = sniff_type(&name, bytes);
    if bytes.is_empty() {
        errors.push("attachment", "empty", "Il file allegato è vuoto.");
    } else if bytes.len() > MAX_ATTACHMENT_BYTES {
        errors.push("attachment", "too_large", "L'allegato supera i 5 MB.");
    } else if content_type.is_none() {
        errors.push("attachment", "bad_type", "Sono ammessi allegati PDF, PNG, JPEG, ODT o DOCX.");
    }
    match content_type {
        Some(content_type) if errors.is_empty() => Ok(CheckedAttachment {
            filename: if name.trim().is_empty() { "allegato".into() } else { name },
            content_type,
        }),
        _ => Err(errors),
    }
}

/// The text of the minutes, trimmed and within its limit.
pub fn check_minutes(text: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::default();
    let text = text.trim();
    if text.chars().count() > MAX_MINUTES_CHARS {
        errors.push("minutes", "too_long", "Il verbale non può superare 100.000 caratteri.");
    }
    errors.check_text("minutes", text, true);
    errors.into_result(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_content() {
        assert_eq!(check_attachment("C:\\verbali\\seduta.pdf", b"%PDF-1.7 ...").unwrap().filename, "seduta.pdf");
        assert_eq!(check_attachment("foto.jpg", &[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().content_type, "image/jpeg");
        assert_eq!(check_attachment("finto.pdf", b"<html>").unwrap_err().errors[0].code, "bad_type");
        assert_eq!(check_attachment("vuoto.pdf", b"").unwrap_err().errors[0].code, "empty");
        let big = vec![b'%'; MAX_ATTACHMENT_BYTES + 1];
        assert_eq!(check_attachment("grande.pdf", &big).unwrap_err().errors[0].code, "too_large");
        assert!(check_attachment("testo.zip", b"PK\x03\x04").is_err(), "a zip is only taken as ODT or DOCX");
    }

    #[test]
    fn minutes_have_a_limit() {
        assert_eq!(check_minutes("  Verbale  ").unwrap(), "Verbale");
        assert!(check_minutes(&"x".repeat(MAX_MINUTES_CHARS + 1)).is_err());
    }
}

//! The formats notices come in, recognised by content rather than by name:
//! PDF, Word (DOCX), a saved web page (HTML) and plain text. Each becomes text
//! with one paragraph per line and table cells separated by tabs, the layout
//! the line-based rules read.

use crate::error::NoticeError;
use crate::pdf;
use std::io::Read;

mod docx;
mod html;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
    Html,
    Text,
}

/// How far into a file its HTML markup must show.
const HTML_SCAN: usize = 2048;

pub fn detect_format(bytes: &[u8]) -> Format {
    if pdf::is_pdf(bytes) {
        return Format::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Format::Docx;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(HTML_SCAN)]).to_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let markup = head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
        || ["<body", "<head", "<p>", "<div", "<article", "<main"].iter().any(|tag| head.contains(tag))
            && head.starts_with('<');
    if markup { Format::Html } else { Format::Text }
}

/// The text of a notice in any of the formats.
pub fn to_text(bytes: &[u8]) -> Result<String, NoticeError> {
    match detect_format(bytes) {
        Format::Pdf => pdf::extract_pdf_text(bytes),
        Format::Docx => docx::text(bytes),
        Format::Html => Ok(html::text(&decode(bytes))),
        Format::Text => Ok(decode(bytes)),
    }
}

fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads at most `limit` bytes of `reader`, failing beyond: a compressed part
/// of a document may not inflate without bound.
fn read_bounded(reader: impl Read, limit: u64) -> Result<Vec<u8>, NoticeError> {
    let mut out = Vec::new();
    reader.take(limit + 1).read_to_end(&mut out).map_err(|e| NoticeError::UnreadableDocx(e.to_string()))?;
    if out.len() as u64 > limit {
        return Err(NoticeError::UnreadableDocx("il testo del documento è troppo grande".into()));
    }
    Ok(out)
}

/// The character an XML or HTML entity stands for: the five of XML, numeric
/// references, and the named ones Italian web pages use.
fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "rsquo" | "lsquo" => '\'',
        "nbsp" => ' ',
        "ldquo" | "rdquo" | "laquo" | "raquo" | "bdquo" => '"',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "deg" => '°',
        "ordm" => 'º',
        "ordf" => 'ª',
        "euro" => '€',
        "middot" => '·',
        "bull" => '•',
        "agrave" => 'à',
        "aacute" => 'á',
        "egrave" => 'è',
        "eacute" => 'é',
        "igrave" => 'ì',
        "iacute" => 'í',
        "ograve" => 'ò',
        "oacute" => 'ó',
        "ugrave" => 'ù',
        "uacute" => 'ú',
        "Agrave" => 'À',
        "Egrave" => 'È',
        "Eacute" => 'É',
        "Igrave" => 'Ì',
        "Ograve" => 'Ò',
        "Ugrave" => 'Ù',
        "ccedil" => 'ç',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        _ => return None,
    })
}

/// `text` with its entities replaced; an unknown one stays as written.
fn unescape(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        match end.and_then(|e| entity(&after[..e]).map(|c| (e, c))) {
            Some((e, c)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_content() {
        assert_eq!(detect_format(b"%PDF-1.4 ..."), Format::Pdf);
        assert_eq!(detect_format(b"PK\x03\x04rest"), Format::Docx);
        assert_eq!(detect_format(b"\xef\xbb\xbf <!DOCTYPE html><html>"), Format::Html);
        assert_eq!(detect_format(b"<div class=\"avviso\"><p>Testo</p></div>"), Format::Html);
        assert_eq!(detect_format(b"AVVISO PUBBLICO\nIl giorno <b>"), Format::Text);
        assert_eq!(detect_format(b"Tavolo 1 < Tavolo 2"), Format::Text);
    }

    #[test]
    fn entities() {
        let mut out = String::new();
        unescape("Sant&rsquo;Angelo &amp; Nard&ograve; &#8211; &#x2019; &bogus; & fine", &mut out);
        assert_eq!(out, "Sant'Angelo & Nardò – \u{2019} &bogus; & fine");
    }
}

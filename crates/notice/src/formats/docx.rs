//! A Word document (DOCX, Office Open XML) as text: its paragraphs in order,
//! numbered and bulleted ones marked "- ", and its tables one row a line with
//! cells separated by tabs.

use super::{read_bounded, unescape};
use crate::error::NoticeError;
use std::io::Cursor;

/// The main part of a document decompresses to at most this many bytes.
const MAX_DOCUMENT: u64 = 32 * 1024 * 1024;

pub fn text(bytes: &[u8]) -> Result<String, NoticeError> {
    let unreadable = |e: zip::result::ZipError| NoticeError::UnreadableDocx(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let part = archive.by_name("word/document.xml").map_err(|_| NoticeError::NotADocx)?;
    let xml = read_bounded(part, MAX_DOCUMENT)?;
    Ok(document_text(&String::from_utf8_lossy(&xml)))
}

/// Walks the WordprocessingML elements that carry text and layout.
fn document_text(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() / 4);
    let mut rest = xml;
    let mut in_text = false;
    // Depth of nested tables, and per table whether the current row has a cell yet.
    let mut row_has_cell: Vec<bool> = Vec::new();
    let mut cell_has_paragraph = false;
    while let Some(open) = rest.find('<') {
        if in_text {
            unescape(&rest[..open], &mut out);
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else { break };
        let tag = &after[..close];
        rest = &after[close + 1..];
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        let name = tag.trim_start_matches('/').split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        match (name, closing) {
            ("w:t", false) => in_text = !self_closing,
            ("w:t", true) => in_text = false,
            ("w:tab", false) => out.push('\t'),
            ("w:br" | "w:cr", false) => out.push(if row_has_cell.is_empty() { '\n' } else { ' ' }),
            ("w:numPr", false) => out.push_str("- "),
            ("w:p", false) if !self_closing && !row_has_cell.is_empty() && cell_has_paragraph => {
                out.push(' ');
            }
            ("w:p", true) => {
                if row_has_cell.is_empty() {
                    out.push('\n');
                } else {
                    cell_has_paragraph = true;
                }
            }
            ("w:tbl", false) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                row_has_cell.push(false);
            }
            ("w:tbl", true) => {
                row_has_cell.pop();
            }
            ("w:tr", false) => {
                if let Some(has) = row_has_cell.last_mut() {
                    *has = false;
                }
            }
            ("w:tr", true) => out.push(if row_has_cell.len() > 1 { ' ' } else { '\n' }),
            ("w:tc", false) => {
                cell_has_paragraph = false;
                if let Some(has) = row_has_cell.last_mut() {
                    if *has {
                        out.push('\t');
                    }
                    *has = true;
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_tables() {
        let xml = r#"<w:document><w:body>
            <w:p><w:r><w:t>AVVISO</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">Tavolo </w:t></w:r><w:r><w:t>anziani &amp; famiglie</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>DATA</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>ORE</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:p><w:r><w:t>13/06/2022</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>9,00</w:t></w:r></w:p><w:p><w:r><w:t>sala</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:t>Fine</w:t><w:tab/><w:t>x</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(
            document_text(xml),
            "AVVISO\n- Tavolo anziani & famiglie\nDATA\tORE\n13/06/2022\t9,00 sala\nFine\tx\n"
        );
    }

    #[test]
    fn not_a_zip_or_not_a_document() {
        assert!(matches!(text(b"PK\x03\x04garbage"), Err(NoticeError::UnreadableDocx(_))));
    }
}

//! The text layer of a PDF notice, laid out in lines so the line-based rules
//! apply: a change of baseline starts a new line, a wide horizontal gap on the
//! same baseline (a table column) becomes a tab.

use crate::error::NoticeError;
use lopdf::content::{Content, Operation};
use lopdf::{Document, Encoding, Object, ObjectId};
use std::collections::BTreeMap;

/// Bound on the decompressed content of one page, against compression bombs.
const MAX_PAGE_CONTENT: usize = 64 * 1024 * 1024;
/// Where to look for the signature: some producers put junk before it.
const SIGNATURE_SCAN: usize = 1024;
/// Glyph width assumed when laying out text, in ems: fonts' own widths are not
/// read, so gaps are estimated generously.
const AVERAGE_GLYPH_WIDTH: f32 = 0.5;
/// A gap this wide (in ems) between two runs on a baseline separates columns.
const COLUMN_GAP: f32 = 2.0;
/// A gap this wide separates words.
const WORD_GAP: f32 = 0.15;
/// A baseline drop beyond this many ems leaves a blank line (a new paragraph).
const PARAGRAPH_GAP: f32 = 2.0;

pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(SIGNATURE_SCAN)].windows(5).any(|w| w == b"%PDF-")
}

/// The text of every page, pages separated by a blank line.
pub fn extract_pdf_text(bytes: &[u8]) -> Result<String, NoticeError> {
    let document = Document::load_mem(bytes).map_err(unreadable)?;
    if document.is_encrypted() && !document.was_encrypted() {
        return Err(NoticeError::EncryptedPdf);
    }
    let mut text = String::new();
    for page in document.get_pages().into_values() {
        page_text(&document, page, &mut text)?;
        text.push_str("\n\n");
    }
    if text.trim().is_empty() {
        return Err(NoticeError::NoTextInPdf);
    }
    Ok(text)
}

fn unreadable(error: lopdf::Error) -> NoticeError {
    NoticeError::UnreadablePdf(error.to_string())
}

fn page_text(document: &Document, page: ObjectId, out: &mut String) -> Result<(), NoticeError> {
    let encodings: BTreeMap<Vec<u8>, Encoding> = document
        .get_page_fonts(page)
        .map_err(unreadable)?
        .into_iter()
        .filter_map(|(name, font)| {
            font.get_font_encoding_with_limit(document, MAX_PAGE_CONTENT).ok().map(|e| (name, e))
        })
        .collect();
    let content = document.get_page_content_with_limit(page, MAX_PAGE_CONTENT).map_err(unreadable)?;
    let content = Content::decode(&content).map_err(unreadable)?;
    let mut layout = Layout::new(out);
    for operation in &content.operations {
        layout.apply(operation, &encodings);
    }
    Ok(())
}

/// The text state that matters for layout: where the next glyph goes and how
/// big it is, plus where the previous run ended.
struct Layout<'a, 'e> {
    out: &'a mut String,
    encoding: Option<&'e Encoding<'e>>,
    font_size: f32,
    /// Horizontal and vertical scale of the text matrix.
    scale: (f32, f32),
    line_start: (f32, f32),
    position: (f32, f32),
    leading: f32,
    /// End of the last run shown, to measure the gap to the next one.
    last: Option<(f32, f32)>,
}

impl<'a, 'e> Layout<'a, 'e> {
    fn new(out: &'a mut String) -> Self {
        Layout {
            out,
            encoding: None,
            font_size: 1.0,
            scale: (1.0, 1.0),
            line_start: (0.0, 0.0),
            position: (0.0, 0.0),
            leading: 0.0,
            last: None,
        }
    }

    fn em(&self) -> f32 {
        (self.font_size * self.scale.1).abs().max(0.1)
    }

    fn apply(&mut self, operation: &Operation, encodings: &'e BTreeMap<Vec<u8>, Encoding<'e>>) {
        let number = |index: usize| operation.operands.get(index).and_then(|o| o.as_float().ok()).unwrap_or(0.0);
        match operation.operator.as_str() {
            "BT" => {
                self.scale = (1.0, 1.0);
                self.move_line_to(0.0, 0.0);
            }
            "Tf" => {
                self.encoding =
                    operation.operands.first().and_then(|o| o.as_name().ok()).and_then(|n| encodings.get(n));
                self.font_size = number(1);
            }
            "TL" => self.leading = number(0),
            "Td" => self.move_line_by(number(0), number(1)),
            "TD" => {
                self.leading = -number(1);
                self.move_line_by(number(0), number(1));
            }
            "Tm" => {
                self.scale = (number(0), number(3));
                self.move_line_to(number(4), number(5));
            }
            "T*" => self.move_line_by(0.0, -self.leading),
            "Tj" | "TJ" => self.show(&operation.operands),
            "'" => {
                self.move_line_by(0.0, -self.leading);
                self.show(&operation.operands);
            }
            "\"" => {
                self.move_line_by(0.0, -self.leading);
                self.show(operation.operands.get(2..).unwrap_or_default());
            }
            _ => {}
        }
    }

    fn move_line_to(&mut self, x: f32, y: f32) {
        self.line_start = (x, y);
        self.position = (x, y);
    }

    fn move_line_by(&mut self, dx: f32, dy: f32) {
        let (x, y) = self.line_start;
        self.move_line_to(x + dx * self.scale.0, y + dy * self.scale.1);
    }

    /// Separates the coming run from the previous one as its position asks.
    fn separate(&mut self) {
        let em = self.em();
        let Some((last_x, last_y)) = self.last else { return };
        let (x, y) = self.position;
        let drop = last_y - y;
        if drop.abs() > 0.3 * em {
            self.out.push('\n');
            if drop > PARAGRAPH_GAP * em {
                self.out.push('\n');
            }
        } else if x - last_x > COLUMN_GAP * em {
            self.out.push('\t');
        } else if x - last_x > WORD_GAP * em && !self.out.ends_with(char::is_whitespace) {
            self.out.push(' ');
        }
    }

    fn show(&mut self, operands: &[Object]) {
        let Some(encoding) = self.encoding else { return };
        self.separate();
        self.show_objects(operands, encoding, self.em());
        self.last = Some(self.position);
    }

    /// Strings are shown; in a TJ array numbers are kerning adjustments, and a
    /// large negative one stands for the space between two words.
    fn show_objects(&mut self, objects: &[Object], encoding: &Encoding, em: f32) {
        for object in objects {
            match object {
                Object::String(bytes, _) => {
                    let text = Document::decode_text(encoding, bytes).unwrap_or_default();
                    self.position.0 += text.chars().count() as f32 * AVERAGE_GLYPH_WIDTH * em;
                    self.out.push_str(&text);
                }
                Object::Array(items) => self.show_objects(items, encoding, em),
                other => {
                    let adjustment = other.as_float().unwrap_or(0.0);
                    self.position.0 -= adjustment / 1000.0 * em;
                    if adjustment < -250.0 && !self.out.ends_with(char::is_whitespace) {
                        self.out.push(' ');
                    }
                }
            }
        }
    }
}

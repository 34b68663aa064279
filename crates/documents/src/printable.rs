//! What the fonts cannot print never reaches typst: a character no embedded font
//! has would stop the PDF/A export ("could not be displayed with font"), and one
//! unusual name would then take down a whole document or archive. Such characters
//! are printed as a visible placeholder instead; the stored data is not touched.

use std::collections::BTreeSet;

use serde_json::Value;

/// Printed in place of a character no font has: visible, and in Noto Sans.
pub(crate) const PLACEHOLDER: char = '\u{FFFD}';

/// Rewrites every string in `data` so that each character is either one `covered`
/// says a font has, a line feed, or the placeholder. Carriage returns become line
/// feeds and tabs spaces, as typst lays them out anyway. Returns what was replaced.
pub(crate) fn replace_unprintable(data: &mut Value, covered: impl Fn(char) -> bool + Copy) -> BTreeSet<char> {
    let mut missing = BTreeSet::new();
    walk(data, &mut |text: &mut String| {
        if text.chars().all(|c| c == '\n' || (!c.is_control() && (is_invisible(c) || covered(c)))) {
            return;
        }
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' if chars.peek() == Some(&'\n') => {}
                '\r' | '\n' => out.push('\n'),
                '\t' => out.push(' '),
                c if !c.is_control() && (is_invisible(c) || covered(c)) => out.push(c),
                c => {
                    missing.insert(c);
                    out.push(PLACEHOLDER);
                }
            }
        }
        *text = out;
    });
    missing
}

/// Format characters that shaping hides when no font has them: joiners, variation
/// selectors, bidi marks and embeddings, the soft hyphen, the byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(c as u32, 0xAD | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF)
}

fn walk(value: &mut Value, f: &mut impl FnMut(&mut String)) {
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, f)),
        Value::Object(map) => map.values_mut().for_each(|v| walk(v, f)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// "U+FFFF U+1F970": code points for the log, never the text around them.
pub(crate) fn describe(missing: &BTreeSet<char>) -> String {
    missing.iter().map(|c| format!("U+{:04X}", *c as u32)).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_no_font_has_is_replaced() {
        let mut data = serde_json::json!({ "name": "Caffè\u{FFFF}\r\nβ\t\u{7}", "list": ["ok\u{200D}", 3] });
        let missing = replace_unprintable(&mut data, |c| c != '\u{FFFF}');
        assert_eq!(data["name"], "Caffè\u{FFFD}\nβ \u{FFFD}");
        assert_eq!(data["list"][0], "ok\u{200D}");
        assert_eq!(describe(&missing), "U+0007 U+FFFF");
    }
}

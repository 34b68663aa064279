//! The form names are compared in: lowercase letters without accents, one
//! space between words, whatever stood between them (apostrophe of either
//! kind, hyphen, dot, slash).

/// "Monte Sant’Angelo" → "monte sant angelo"; "NARDO'" → "nardo";
/// "S.Pietro" → "s pietro".
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match fold(c) {
            Some(letters) => out.push_str(letters),
            None if c.is_alphanumeric() => out.push(c),
            None => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A normalised word of a text and the byte where it ends in that text.
pub struct Word {
    pub folded: String,
    pub end: usize,
}

/// Characters that may stand between two words of one name.
fn joins_words(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{a0}' | '\'' | '’' | '‘' | '`' | '´' | '-' | '.' | '/')
}

/// The first `max` words of `text`, stopping at any punctuation that cannot be
/// inside a name (comma, dash, parenthesis…).
pub fn words(text: &str, max: usize) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut current = String::new();
    let mut end = 0;
    for (at, c) in text.char_indices() {
        let mut letters = c.to_lowercase().peekable();
        if c.is_alphanumeric() {
            for lower in letters.by_ref() {
                match fold(lower) {
                    Some(folded) => current.push_str(folded),
                    None => current.push(lower),
                }
            }
            end = at + c.len_utf8();
            continue;
        }
        if !current.is_empty() {
            out.push(Word { folded: std::mem::take(&mut current), end });
            if out.len() == max {
                return out;
            }
        }
        if !joins_words(c) {
            return out;
        }
    }
    if !current.is_empty() {
        out.push(Word { folded: current, end });
    }
    out.truncate(max);
    out
}

/// Latin letters with diacritics as plain letters (Italian, German, Slovene,
/// French and Ladin names of municipalities).
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ç' | 'č' | 'ć' => "c",
        'š' => "s",
        'ž' => "z",
        'ñ' => "n",
        'ß' => "ss",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_separators() {
        assert_eq!(normalise("Monte Sant’Angelo"), "monte sant angelo");
        assert_eq!(normalise("  NARDO' "), "nardo");
        assert_eq!(normalise("S.Pietro  in-Lama"), "s pietro in lama");
        assert_eq!(normalise("Kaltern an der Weinstraße"), "kaltern an der weinstrasse");
        assert_eq!(normalise("Devin Nabrežina"), "devin nabrezina");
    }

    #[test]
    fn words_stop_at_punctuation() {
        let found: Vec<(String, usize)> = words("Nardò, Galatone", 5).into_iter().map(|w| (w.folded, w.end)).collect();
        assert_eq!(found, [("nardo".to_string(), 6)]);
        assert_eq!(words("a b c d", 2).len(), 2);
        assert_eq!(words("Sant’Agata di\nPuglia (FG)", 9).len(), 4);
    }
}

//! The searched words marked in a result's title and excerpt (evidenziazione), made
//! from the record's own text for the page's hits only. A word matches as the
//! full-text index matches it: as a prefix, case and accents ignored ("nardo"
//! marks "Nardò").

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Opens a marked word; the page escapes the text first, then turns the marks
/// into `<mark>`.
pub const MARK_START: char = '\u{2}';
/// Closes a marked word.
pub const MARK_END: char = '\u{3}';

/// Words an excerpt holds at most, as the index's snippets.
const EXCERPT_WORDS: usize = 24;

/// A word as the index compares it: lowercased, accents dropped.
pub fn fold(word: &str) -> String {
    word.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// The words of `text` as byte ranges, each with whether it matches a term.
fn words(text: &str, terms: &[String]) -> Vec<(usize, usize, bool)> {
    let folded: Vec<String> = terms.iter().map(|t| fold(t)).filter(|t| !t.is_empty()).collect();
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let word = fold(&text[s..i]);
                out.push((s, i, folded.iter().any(|t| word.starts_with(t.as_str()))));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// `text[from..to]` with its matching words between the marks.
fn mark(text: &str, words: &[(usize, usize, bool)], from: usize, to: usize) -> String {
    let mut out = String::with_capacity(to - from + 8);
    let mut at = from;
    for &(s, e, _) in words.iter().filter(|w| w.2 && w.0 >= from && w.1 <= to) {
        out.push_str(&text[at..s]);
        out.push(MARK_START);
        out.push_str(&text[s..e]);
        out.push(MARK_END);
        at = e;
    }
    out.push_str(&text[at..to]);
    out
}

/// The whole `text` with every matching word marked.
pub fn marked(text: &str, terms: &[String]) -> String {
    mark(text, &words(text, terms), 0, text.len())
}

/// The stretch of at most [`EXCERPT_WORDS`] words of `text` that holds the most
/// matching words, marked, with " … " where it cuts the text. `None` when no word
/// matches.
pub fn excerpt(text: &str, terms: &[String]) -> Option<String> {
    let words = words(text, terms);
    let hits: Vec<usize> = words.iter().enumerate().filter(|(_, w)| w.2).map(|(i, _)| i).collect();
    // The window starting at each hit; the one holding the most hits wins, the
    // earliest on ties.
    let (first, last) = hits
        .iter()
        .map(|&h| (h, hits.iter().filter(|&&o| o >= h && o < h + EXCERPT_WORDS).max().copied().unwrap_or(h)))
        .max_by_key(|&(h, l)| (hits.iter().filter(|&&o| o >= h && o <= l).count(), std::cmp::Reverse(h)))?;
    // The words left over go before the first hit and after the last, half each.
    let slack = EXCERPT_WORDS - (last - first + 1);
    let start = first.saturating_sub(slack / 2).min(words.len().saturating_sub(EXCERPT_WORDS));
    let end = (start + EXCERPT_WORDS).min(words.len());
    let from = if start == 0 { 0 } else { words[start].0 };
    let to = if end == words.len() { text.len() } else { words[end - 1].1 };
    let mut out = String::new();
    if from > 0 {
        out.push_str("… ");
    }
    out.push_str(&mark(text, &words, from, to));
    if to < text.len() {
        out.push_str(" …");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(std::string::ToString::to_string).collect()
    }

    #[test]
    fn words_match_as_prefixes_without_case_or_accents() {
        assert_eq!(fold("NARDÒ"), "nardo");
        assert_eq!(marked("Ambito di Nardò e Seclì", &terms(&["nardo"])), "Ambito di \u{2}Nardò\u{3} e Seclì");
        assert_eq!(marked("Città, città.", &terms(&["citta"])), "\u{2}Città\u{3}, \u{2}città\u{3}.");
        assert_eq!(marked("violenze e violenza", &terms(&["violen"])), "\u{2}violenze\u{3} e \u{2}violenza\u{3}");
        assert_eq!(marked("inviolenza", &terms(&["violenza"])), "inviolenza", "a word inside another is no match");
        assert_eq!(marked("Lecce", &terms(&["Leccè"])), "\u{2}Lecce\u{3}", "the term's accents are dropped too");
    }

    #[test]
    fn the_excerpt_is_the_stretch_with_the_most_matches_and_says_where_it_cuts() {
        let text = (1..=60).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        let text = text.replace("w40", "violenza").replace("w44", "minori");
        let excerpt = excerpt(&text, &terms(&["violenza", "minori"])).unwrap();
        assert!(excerpt.starts_with("… w31 "), "{excerpt}");
        assert!(excerpt.contains("\u{2}violenza\u{3} w41 w42 w43 \u{2}minori\u{3}"), "{excerpt}");
        assert!(excerpt.ends_with(" w54 …"), "{excerpt}");
        assert_eq!(excerpt.split(' ').filter(|w| !w.contains('…')).count(), EXCERPT_WORDS);
        assert_eq!(super::excerpt("Tavoli a Nardò", &terms(&["nardo"])).unwrap(), "Tavoli a \u{2}Nardò\u{3}");
        assert_eq!(super::excerpt("Tavoli a Lecce", &terms(&["nardo"])), None);
    }
}

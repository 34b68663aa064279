//! Repairs the damage that word processors and PDF extraction do to a notice,
//! so that the other rules can assume one logical line per text line.

use regex::Regex;
use std::sync::LazyLock;

/// Cleans `text` and returns its lines, ready for the line-based rules.
pub fn clean_lines(text: &str) -> Vec<String> {
    let lines = text
        .lines()
        .map(|raw| {
            let normalised = normalise_chars(raw);
            let line = undouble(&normalised).unwrap_or(normalised);
            strip_markup(&line)
        })
        .filter(|line| !is_page_number(line));
    dehyphenate(lines)
}

/// The cleaned lines joined by newlines: the text that provenance spans
/// (`source: {start, end}`) count characters in.
pub fn normalised_text(lines: &[String]) -> String {
    lines.join("\n")
}

/// Byte offset in the normalised text where each line starts.
pub fn line_starts(lines: &[String]) -> Vec<usize> {
    let mut at = 0;
    lines
        .iter()
        .map(|line| {
            let start = at;
            at += line.len() + 1;
            start
        })
        .collect()
}

/// Cleaned lines joined into one line of prose with single spaces, for the
/// rules (deadline, references, lists) whose phrases may be broken across
/// lines, with the way back to the normalised text.
#[derive(Debug, Clone, Default)]
pub struct Flow {
    pub text: String,
    /// (offset in the flow, offset in the normalised text) of every word.
    marks: Vec<(usize, usize)>,
}

impl Flow {
    /// The offset in the normalised text of byte `at` of the flow.
    pub fn source(&self, at: usize) -> usize {
        let index = self.marks.partition_point(|(flow, _)| *flow <= at);
        match index.checked_sub(1).and_then(|i| self.marks.get(i)) {
            Some((flow, source)) => source + (at - flow),
            None => 0,
        }
    }
}

pub fn flow_text(lines: &[String]) -> Flow {
    let mut flow = Flow { text: String::with_capacity(lines.iter().map(|l| l.len() + 1).sum()), marks: Vec::new() };
    for (line, start) in lines.iter().zip(line_starts(lines)) {
        for word in line.split_whitespace() {
            if !flow.text.is_empty() {
                flow.text.push(' ');
            }
            let offset = word.as_ptr() as usize - line.as_ptr() as usize;
            flow.marks.push((flow.text.len(), start + offset));
            flow.text.push_str(word);
        }
    }
    flow
}

/// Folds typographic variants into the plain characters the rules look for,
/// and composes the combining accents some converters leave behind.
fn normalise_chars(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => out.push(' '),
            '\u{200b}'..='\u{200d}' | '\u{feff}' | '\u{ad}' => {}
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '`' | '\u{b4}' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{ab}' | '\u{bb}' | '\u{2033}' => out.push('"'),
            '\u{300}'..='\u{36f}' => compose_accent(&mut out, c),
            // NUL, form feeds and other controls of PDF extraction are no text; tabs
            // separate the cells of a calendar.
            c if c.is_control() && c != '\t' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Applies a combining grave or acute accent to the preceding vowel; any other
/// combining mark (or a second accent on an accented letter) is dropped.
fn compose_accent(out: &mut String, mark: char) {
    const GRAVE: [(char, char); 10] = [
        ('a', 'à'),
        ('e', 'è'),
        ('i', 'ì'),
        ('o', 'ò'),
        ('u', 'ù'),
        ('A', 'À'),
        ('E', 'È'),
        ('I', 'Ì'),
        ('O', 'Ò'),
        ('U', 'Ù'),
    ];
    const ACUTE: [(char, char); 10] = [
        ('a', 'á'),
        ('e', 'é'),
        ('i', 'í'),
        ('o', 'ó'),
        ('u', 'ú'),
        ('A', 'Á'),
        ('E', 'É'),
        ('I', 'Í'),
        ('O', 'Ó'),
        ('U', 'Ú'),
    ];
    let table: &[(char, char)] = match mark {
        '\u{300}' => &GRAVE,
        '\u{301}' => &ACUTE,
        _ => return,
    };
    if let Some(last) = out.chars().next_back()
        && let Some(&(_, accented)) = table.iter().find(|(plain, _)| *plain == last)
    {
        out.pop();
        out.push(accented);
    }
}

/// Some PDF extractors emit every glyph twice ("AAVVVVIISSOO"). Returns the
/// repaired line when nearly every character is paired, `None` otherwise, so
/// ordinary words with double letters ("della", "Cisternino") are left alone.
pub fn undouble(line: &str) -> Option<String> {
    let chars: Vec<char> = line.trim().chars().collect();
    let mut out = String::with_capacity(line.len() / 2);
    let (mut paired, mut single, mut letter_pairs) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if chars.get(i + 1) == Some(&c) {
            paired += 2;
            letter_pairs += usize::from(c.is_alphanumeric());
            i += 2;
        } else {
            single += 1;
            i += 1;
        }
        out.push(c);
    }
    // One unpaired character in ten tolerates a stray space or glyph.
    let doubled = letter_pairs >= 3 && single * 10 <= paired + single;
    doubled.then_some(out)
}

static MARKUP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*#{1,6}\s+|\*\*|\\([_*\[\]#])|mailto:").expect("valid regex"));

/// Removes Markdown left by document converters and `mailto:` link residue.
fn strip_markup(line: &str) -> String {
    MARKUP.replace_all(line, "$1").trim_end().to_string()
}

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[-–\s]*(?:pag(?:ina|\.)?\s*)?\d{1,3}(?:\s*(?:di|/)\s*\d{1,3})?[-–\s]*$").expect("valid regex")
});

/// A line holding only a page number ("3", "- 3 -", "Pag. 3 di 5") is page furniture.
fn is_page_number(line: &str) -> bool {
    PAGE_NUMBER.is_match(line)
}

/// Rejoins words hyphenated across lines ("socio-" / "sanitario"), skipping the
/// blank lines PDF extraction puts between the two halves.
fn dehyphenate(lines: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_blanks = 0usize;
    for line in lines {
        let trimmed = line.trim_start();
        let continues = trimmed.chars().next().is_some_and(char::is_lowercase);
        if continues
            && let Some(last) = out.last_mut()
            && ends_with_broken_word(last)
        {
            last.pop();
            last.push_str(trimmed);
            pending_blanks = 0;
            continue;
        }
        if trimmed.is_empty() {
            pending_blanks += 1;
            continue;
        }
        out.extend(std::iter::repeat_n(String::new(), pending_blanks));
        pending_blanks = 0;
        out.push(line);
    }
    out
}

/// "socio-" ends with a broken word; "- " (a dash) or "2022-" do not.
fn ends_with_broken_word(line: &str) -> bool {
    let mut rev = line.chars().rev();
    rev.next() == Some('-') && rev.next().is_some_and(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_dropped_and_tabs_kept() {
        assert_eq!(clean_lines("AVV\u{0}ISO\u{c}\u{1b}\r\n1\t13/06/2022"), ["AVVISO", "1\t13/06/2022"]);
    }

    #[test]
    fn undoubles_pdf_doubled_lines() {
        assert_eq!(undouble(" AAVVVVIISSOO    ").as_deref(), Some("AVVISO"));
        assert_eq!(undouble("LL''AAMMBBIITTOO  TTEERRRRIITTOORRIIAALLEE").as_deref(), Some("L'AMBITO TERRITORIALE"));
        assert_eq!(undouble("nn..332288//0000,,").as_deref(), Some("n.328/00,"));
    }

    #[test]
    fn leaves_ordinary_words_alone() {
        for line in ["della", "Cisternino e Ostuni", "Collepasso", "Tutti gli incontri", "ss", "---"] {
            assert_eq!(undouble(line), None, "{line}");
        }
    }

    #[test]
    fn normalises_quotes_spaces_and_accents() {
        assert_eq!(normalise_chars("l\u{2019}Ambito\u{a0}“Tavolo”"), "l'Ambito \"Tavolo\"");
        assert_eq!(normalise_chars("qualità\u{300} e citta\u{300}"), "qualità e città");
    }

    #[test]
    fn rejoins_hyphenated_words_across_blank_lines() {
        let lines = clean_lines("servizi socio-\n\nsanitari e\n\nLecce - \nVia Terni");
        assert_eq!(lines, vec!["servizi sociosanitari e", "", "Lecce -", "Via Terni"]);
    }

    #[test]
    fn drops_page_numbers_markup_and_mailto() {
        let lines = clean_lines("## TITOLO\n3\n- 4 -\nPag. 2 di 5\n**Nota** mailto:a@b.it\nsig. \\_\\_\\_\n13/06/2022");
        assert_eq!(lines, vec!["TITOLO", "Nota a@b.it", "sig. ___", "13/06/2022"]);
    }

    #[test]
    fn flow_text_collapses_whitespace() {
        let lines = vec!["a\tb ".to_string(), String::new(), "  c".to_string()];
        let flow = flow_text(&lines);
        assert_eq!(flow.text, "a b c");
        assert_eq!(normalised_text(&lines), "a\tb \n\n  c");
        assert_eq!([flow.source(0), flow.source(2), flow.source(4)], [0, 2, 8]);
    }
}

//! The municipalities (Comuni) of the Ambito, recognised with ISTAT's
//! gazetteer where the notice lists them: a letterhead of names in capitals, a
//! labelled line ("Territorio Interessato"), prose ("composto dai Comuni di …",
//! "Ambito di Fasano (capofila), Cisternino e Ostuni"). A capitalised word that
//! is not a municipality ("Tavoliere Meridionale") is never taken for one.

use crate::clean::Flow;
use crate::dates::tail;
use concerto_gazetteer::{Municipality as Entry, longest_name_at};
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

/// A municipality as found: where in the normalised text, and the gazetteer's
/// entries for that name (two provinces share a few names).
#[derive(Debug, Clone)]
pub struct Found {
    pub span: Range<usize>,
    pub entries: Vec<&'static Entry>,
}

/// A line that only labels the list on the next line.
static LIST_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:territorio\s+interessato|comuni(?:\s+(?:aderenti|associati|coinvolti|dell'ambito|membri))?)\s*:?\s*$")
        .expect("valid regex")
});

/// Prose that introduces a list of municipalities.
static LIST_INTRO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:comuni\s+(?:di|aderenti|associati|coinvolti|dell'ambito|afferenti|appartenenti|membri|partecipanti|facenti\s+parte(?:\s+dell'ambito)?)(?-u:\b)|comuni\s*:|amministrazioni\s+(?:comunali|locali)\s*(?:di(?-u:\b)|:)|territorio\s+interessato\s*:|(?:compost|costituit|format)[oa]\s+da(?:i|gli|l)?(?-u:\b)|(?:comprende|include|riunisce|aggrega)(?:\s+i)?(?-u:\b))")
        .expect("valid regex")
});

static CAPOFILA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\(?\s*(?:comune\s+)?capofila\s*\)?").expect("valid regex"));

/// What may stand between two names of a list: punctuation, "e", "il Comune
/// di", a province in parentheses "(LE)", "(capofila)".
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[\s,;/|–—\-·•:*]+|\([^()]{0,40}\)|(?-u:\b)(?:e|ed|il|i|la|le|comune|comuni|citt[àa]|di|dei|del|capofila)(?-u:\b))+")
        .expect("valid regex")
});

/// Letterheads sit at the top: a list further down is not one.
const LETTERHEAD_SCAN: usize = 10;
/// Prose lists are short; longer text after the intro is not read.
const LIST_WINDOW: usize = 600;
/// No Ambito has more municipalities than this in one list.
const LIST_MAX: usize = 80;

pub fn find_municipalities(lines: &[String], starts: &[usize], flow: &Flow) -> Vec<Found> {
    let mut found = Vec::new();
    found.extend(letterhead(lines, starts));
    for (index, line) in lines.iter().enumerate() {
        if LIST_LABEL.is_match(line)
            && let Some(next) = (index + 1..lines.len()).find(|&i| !lines[i].trim().is_empty())
        {
            found.extend(names_list(&lines[next], starts[next]).0);
        }
    }
    let text = flow.text.as_str();
    let on_flow = |names: Vec<Found>| {
        names
            .into_iter()
            .map(|f| Found { span: flow.source(f.span.start)..flow.source(f.span.end), entries: f.entries })
    };
    for intro in LIST_INTRO.find_iter(text) {
        found.extend(on_flow(names_list(window(text, intro.end()), intro.end()).0));
    }
    for capofila in CAPOFILA.find_iter(text) {
        found.extend(on_flow(trailing_name(text, capofila.start()).into_iter().collect()));
        found.extend(on_flow(names_list(window(text, capofila.end()), capofila.end()).0));
    }
    found.sort_by_key(|f| f.span.start);
    dedupe(found)
}

/// At most `LIST_WINDOW` bytes of `text` from `start`.
fn window(text: &str, start: usize) -> &str {
    let rest = &text[start..];
    let mut end = rest.len().min(LIST_WINDOW);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    &rest[..end]
}

/// The names a list opens with, separated as lists separate them; and the
/// byte where reading stopped.
fn names_list(text: &str, base: usize) -> (Vec<Found>, usize) {
    let mut names = Vec::new();
    let mut at = 0;
    while names.len() < LIST_MAX {
        at += SEPARATOR.find(&text[at..]).map_or(0, |m| m.end());
        let Some(name) = longest_name_at(&text[at..]) else { break };
        let mut end = at + name.len;
        // "NARDO'" writes the accent as an apostrophe.
        if text[end..].starts_with('\'') {
            end += 1;
        }
        names.push(Found { span: base + at..base + end, entries: name.municipalities });
        at = end;
    }
    (names, at)
}

/// The name that ends right before `end` ("… di Fasano (capofila)").
fn trailing_name(text: &str, end: usize) -> Option<Found> {
    let before = tail(&text[..end], 60).trim_end_matches([' ', ',', '(', '–', '-']);
    let offset = end - tail(&text[..end], 60).len();
    let starts = before.char_indices().filter(|&(i, _)| i == 0 || before[..i].ends_with([' ', '\'', '(']));
    for (start, _) in starts {
        if let Some(name) = longest_name_at(&before[start..])
            && before[start + name.len..].trim_matches('\'').is_empty()
        {
            return Some(Found { span: offset + start..offset + before.len(), entries: name.municipalities });
        }
    }
    None
}

/// Municipalities printed as a letterhead: consecutive short lines in capitals
/// near the top of the document, before the first line of prose, made only of
/// municipalities' names.
fn letterhead(lines: &[String], starts: &[usize]) -> Vec<Found> {
    let mut names = Vec::new();
    let non_blank = lines.iter().zip(starts).filter(|(l, _)| !l.trim().is_empty());
    for (position, (line, &start)) in non_blank.enumerate() {
        match letterhead_names(line, start) {
            Some(on_line) => names.extend(on_line),
            None if names.is_empty() && position < LETTERHEAD_SCAN => continue,
            None => break,
        }
    }
    if names.len() >= 2 { names } else { Vec::new() }
}

fn letterhead_names(line: &str, start: usize) -> Option<Vec<Found>> {
    let upper = line.chars().any(char::is_alphabetic) && !line.chars().any(char::is_lowercase);
    if !upper {
        return None;
    }
    let (names, end) = names_list(line, start);
    let whole_line = line[end..].trim_matches(|c: char| !c.is_alphanumeric()).is_empty();
    (whole_line && !names.is_empty()).then_some(names)
}

/// Each municipality once, in order of first mention; a name two provinces
/// share goes to the province most of the list is in.
fn dedupe(found: Vec<Found>) -> Vec<Found> {
    let mut provinces: HashMap<&str, usize> = HashMap::new();
    for f in found.iter().filter(|f| f.entries.len() == 1) {
        *provinces.entry(f.entries[0].province.abbreviation).or_default() += 1;
    }
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .filter_map(|mut f| {
            let chosen =
                *f.entries.iter().max_by_key(|e| provinces.get(e.province.abbreviation).copied().unwrap_or(0))?;
            f.entries = vec![chosen];
            seen.insert(chosen.istat).then_some(f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::{flow_text, line_starts};

    fn run(text: &str) -> Vec<&'static str> {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        find_municipalities(&lines, &line_starts(&lines), &flow_text(&lines))
            .iter()
            .map(|f| f.entries[0].name)
            .collect()
    }

    #[test]
    fn letterhead_in_capitals() {
        let text = "\n\nCASARANO\n\nSAN PIETRO IN LAMA\n\nNARDO'\n\nAMBITO TERRITORIALE SOCIALE DI CASARANO\nTesto.";
        assert_eq!(run(text), ["Casarano", "San Pietro in Lama", "Nardò"]);
    }

    #[test]
    fn letterhead_on_one_line_and_lone_headings() {
        assert_eq!(run("MATINO – PARABITA – RUFFANO\nAvviso"), ["Matino", "Parabita", "Ruffano"]);
        assert!(run("AVVISO\n\nIl Comune informa").is_empty());
        assert!(run("HOME | NOTIZIE | SERVIZI\nAvviso").is_empty());
    }

    #[test]
    fn prose_lists() {
        assert_eq!(
            run("dell'Ambito, composto dai Comuni di Casarano, Collepasso e Porto Cesareo. Il processo"),
            ["Casarano", "Collepasso", "Porto Cesareo"]
        );
        assert_eq!(run("composto dai Comuni di: Nardò, Seclì .Il processo"), ["Nardò", "Seclì"]);
        assert_eq!(
            run("dell'Ambito Sociale di Fasano (capofila), Cisternino e Ostuni.\nI soggetti"),
            ["Fasano", "Cisternino", "Ostuni"]
        );
        assert_eq!(run("Amministrazioni locali: Matino, Ruffano\n\ne\n\nil sig."), ["Matino", "Ruffano"]);
    }

    #[test]
    fn dashes_capitals_apostrophes_and_repeats() {
        assert_eq!(
            run("AMBITO DI ZONA – COMUNI DI MANFREDONIA – MONTE SANT’ANGELO – MATTINATA E ZAPPONETA"),
            ["Manfredonia", "Monte Sant'Angelo", "Mattinata", "Zapponeta"]
        );
        assert_eq!(
            run(
                "L'Ambito Tavoliere Meridionale comprende i Comuni di Cerignola, Orta Nova (FG), Cerignola e Stornara."
            ),
            ["Cerignola", "Orta Nova", "Stornara"]
        );
        assert_eq!(run("Comune capofila: Molfetta. Altri comuni: Giovinazzo"), ["Molfetta", "Giovinazzo"]);
    }

    #[test]
    fn labelled_line() {
        assert_eq!(
            run("Territorio Interessato\n\nCopertino / Galatone / Porto Cesareo\n\nCaratteristiche"),
            ["Copertino", "Galatone", "Porto Cesareo"]
        );
    }

    #[test]
    fn shared_names_go_to_the_list_province() {
        let castro = |text: &str| {
            let lines: Vec<String> = vec![text.to_string()];
            let found = find_municipalities(&lines, &line_starts(&lines), &flow_text(&lines));
            found.iter().map(|f| f.entries[0].province.abbreviation).collect::<Vec<_>>()
        };
        assert_eq!(castro("i Comuni di Diso, Castro e Andrano"), ["LE", "LE", "LE"]);
    }
}

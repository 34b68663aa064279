//! The municipalities (Comuni) of the Ambito, from a letterhead of names in
//! capitals, a labelled line ("Territorio Interessato"), or prose
//! ("composto dai Comuni di …", "Ambito di Fasano (capofila), Cisternino e Ostuni").

use crate::dates::tail;
use crate::names::{is_whole_name, title_case, trailing_name};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// A line that only labels the list on the next line.
static LIST_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:territorio\s+interessato|comuni(?:\s+(?:aderenti|associati|coinvolti|dell'ambito))?)\s*:?\s*$")
        .expect("valid regex")
});

/// Prose that introduces a list of municipalities.
static LIST_INTRO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:comuni\s+di|comuni\s*:|amministrazioni\s+(?:comunali|locali)\s*:|territorio\s+interessato\s*:)\s*:?\s*")
        .expect("valid regex")
});

static CAPOFILA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s*\((?:comune\s+)?capofila\)").expect("valid regex"));

static LIST_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?:,|/|;|\||\s[-–—]\s|\se\s|\sed\s)\s*").expect("valid regex"));

static LETTERHEAD_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\t|\s{2,}|\s[-–—|•·/]\s").expect("valid regex"));

static PARENTHESES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\([^)]{0,40}\)").expect("valid regex"));

/// Letterheads sit at the top: a list further down is not one.
const LETTERHEAD_SCAN: usize = 10;
/// Prose lists are short; longer text after the intro is not read.
const LIST_WINDOW: usize = 400;

pub fn find_municipalities(lines: &[String], flow: &str) -> Vec<String> {
    let mut found = Vec::new();
    found.extend(letterhead(lines));
    for (index, line) in lines.iter().enumerate() {
        if LIST_LABEL.is_match(line)
            && let Some(next) = lines[index + 1..].iter().find(|l| !l.trim().is_empty())
        {
            found.extend(names_list(next));
        }
    }
    for intro in LIST_INTRO.find_iter(flow) {
        found.extend(names_list(sentence_after(flow, intro.end())));
    }
    for capofila in CAPOFILA.find_iter(flow) {
        found.extend(trailing_name(tail(&flow[..capofila.start()], 80)).map(str::to_string));
        found.extend(names_list(sentence_after(flow, capofila.end())));
    }
    dedupe(found.iter().map(|name| title_case(name)))
}

/// Text after `start` up to the end of its sentence, parentheses removed.
fn sentence_after(flow: &str, start: usize) -> &str {
    let rest = &flow[start..];
    let mut end = rest.len().min(LIST_WINDOW);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    let window = &rest[..end];
    window.find(['.', ';', ':', '!', '?']).map_or(window, |stop| &window[..stop])
}

/// Leading names of a list, up to the first item that is not a place name.
fn names_list(text: &str) -> Vec<String> {
    let text = PARENTHESES.replace_all(text, "");
    LIST_SEPARATOR
        .split(text.trim_start_matches([',', ' ']))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map_while(|item| is_whole_name(item).then(|| item.to_string()))
        .collect()
}

/// Municipalities printed as a letterhead: consecutive short lines in capitals
/// near the top of the document, before the first line of prose.
fn letterhead(lines: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    for (position, line) in lines.iter().filter(|l| !l.trim().is_empty()).enumerate() {
        match letterhead_names(line) {
            Some(on_line) => names.extend(on_line),
            None if names.is_empty() && position < LETTERHEAD_SCAN => continue,
            None => break,
        }
    }
    if names.len() >= 2 { names } else { Vec::new() }
}

fn letterhead_names(line: &str) -> Option<Vec<String>> {
    let upper = line.chars().any(char::is_alphabetic) && !line.chars().any(char::is_lowercase);
    if !upper {
        return None;
    }
    let names: Vec<String> = LETTERHEAD_SEPARATOR
        .split(line.trim())
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| is_whole_name(part).then(|| part.to_string()))
        .collect::<Option<_>>()?;
    let short = names.iter().all(|name| name.split_whitespace().count() <= 4);
    (short && !names.is_empty()).then_some(names)
}

fn dedupe(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    names.filter(|name| seen.insert(name.to_lowercase())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::flow_text;

    fn run(text: &str) -> Vec<String> {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        find_municipalities(&lines, &flow_text(&lines))
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
    fn labelled_line() {
        assert_eq!(
            run("Territorio Interessato\n\nCopertino / Galatone / Porto Cesareo\n\nCaratteristiche"),
            ["Copertino", "Galatone", "Porto Cesareo"]
        );
    }
}

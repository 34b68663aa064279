//! Bulleted and numbered lists, and quoted names, as notices use them for
//! thematic areas and tables.

use regex::Regex;
use std::sync::LazyLock;

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?P<bullet>[-•*–·])|(?P<number>\d{1,2}[.)])|(?P<letter>[a-z][.)]))\s+").expect("valid regex")
});

static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""([^"]{2,300})""#).expect("valid regex"));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Bullet,
    Number,
    Letter,
}

fn style(line: &str) -> Option<Style> {
    let caps = MARKER.captures(line)?;
    if caps.name("bullet").is_some() {
        Some(Style::Bullet)
    } else if caps.name("number").is_some() {
        Some(Style::Number)
    } else {
        Some(Style::Letter)
    }
}

pub fn is_item(line: &str) -> bool {
    MARKER.is_match(line)
}

/// `text` without its leading list marker.
pub fn strip_marker(text: &str) -> &str {
    MARKER.find(text).map_or(text.trim(), |m| text[m.end()..].trim())
}

/// Quoted names in `text`, as "area tematica \"…\"" writes them.
pub fn quoted(text: &str) -> Vec<String> {
    QUOTED.captures_iter(text).map(|caps| clean_item(&caps[1])).filter(|item| !item.is_empty()).collect()
}

/// The items of the list starting at `start` (blank lines allowed between
/// items; an unmarked line right under an item continues it), and the index
/// of the first line after the list.
pub fn items(lines: &[String], start: usize) -> (Vec<String>, usize) {
    let mut items: Vec<String> = Vec::new();
    let mut list_style = None;
    let mut index = start;
    let mut after_blank = false;
    while let Some(line) = lines.get(index).map(|l| l.trim()) {
        if line.is_empty() {
            after_blank = true;
            index += 1;
            continue;
        }
        match (style(line), items.last_mut()) {
            (Some(found), _) if list_style.is_none_or(|s| s == found) => {
                list_style = Some(found);
                items.push(strip_marker(line).to_string());
            }
            (None, Some(last)) if !after_blank && !last.ends_with([';', '.', ':']) => {
                last.push(' ');
                last.push_str(line);
            }
            _ => break,
        }
        after_blank = false;
        index += 1;
    }
    let cleaned = items.iter().map(|item| quoted(item).into_iter().next().unwrap_or_else(|| clean_item(item)));
    (cleaned.filter(|item| !item.is_empty()).collect(), index)
}

fn clean_item(item: &str) -> String {
    let item = item.split_whitespace().collect::<Vec<_>>().join(" ");
    item.trim_end_matches(|c: char| ";.,*: ".contains(c)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn numbered_items_with_continuations() {
        let text = "1. Prima  infanzia\n 5. L'integrazione e PAC Anziani \n(Piani di azione)\n\n6. Il contrasto;\n\nNei tavoli";
        let (found, end) = items(&lines(text), 0);
        assert_eq!(found, ["Prima infanzia", "L'integrazione e PAC Anziani (Piani di azione)", "Il contrasto"]);
        assert_eq!(end, 6);
    }

    #[test]
    fn quoted_bullets_stop_at_another_style() {
        let text = "- \"Le politiche familiari\";*\n- \"Il sistema di Welfare per l'accesso\".*\n\n2. a partecipare";
        let (found, end) = items(&lines(text), 0);
        assert_eq!(found, ["Le politiche familiari", "Il sistema di Welfare per l'accesso"]);
        assert_eq!(end, 3);
    }

    #[test]
    fn quoted_names() {
        assert_eq!(
            quoted("aree tematiche: \"L'invecchiamento attivo\" e \"Le pari opportunità.\""),
            ["L'invecchiamento attivo", "Le pari opportunità"]
        );
        assert_eq!(strip_marker("-    Coordinamento"), "Coordinamento");
    }
}

//! The import review: the notice's text beside the draft read from it, each
//! value linked to the words it came from, highlighted with a text equivalent
//! for screen readers, and what to check next to it.

use concerto_notice::{ProcessDraft, Source};

use crate::page::PageContext;

/// What the review page shows after an import.
pub struct Review {
    pub values: Vec<Value>,
    pub segments: Vec<Segment>,
}

/// One value of the draft: a session, the deadline, a municipality.
pub struct Value {
    /// Id of its mark in the source text.
    pub mark: String,
    pub label: String,
    pub warnings: Vec<String>,
}

/// A run of the source text, highlighted when a value was read from it.
pub struct Segment {
    pub text: String,
    pub mark: Option<Mark>,
}

pub struct Mark {
    pub id: String,
    /// The values read here, for the screen reader's text equivalent.
    pub label: String,
}

fn italian(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

pub fn review(ctx: &PageContext, draft: &ProcessDraft) -> Review {
    let mut found: Vec<(Source, String, Vec<String>)> = Vec::new();
    let warned = |test: &dyn Fn(&str) -> bool| draft.warnings.iter().filter(|w| test(w)).cloned().collect::<Vec<_>>();
    for (index, session) in draft.sessions.iter().enumerate() {
        let when = session.date.map_or_else(|| ctx.t("office.review.undated").to_string(), italian);
        let time = session.start.map(|t| format!(" {}", t.format("%H:%M"))).unwrap_or_default();
        let label = format!("{} {}: {} – {when}{time}", ctx.t("office.review.session"), index + 1, session.title);
        let warnings = session
            .date
            .map(italian)
            .map_or_else(Vec::new, |d| warned(&|w| w.contains(&d) && !w.starts_with("Scadenza")));
        found.push((session.source, label, warnings));
    }
    if let Some(deadline) = draft.deadline {
        let time = deadline.time.map(|t| format!(" {}", t.format("%H:%M"))).unwrap_or_default();
        let label = format!("{}: {}{time}", ctx.t("office.review.deadline"), italian(deadline.date));
        found.push((deadline.source, label, warned(&|w| w.starts_with("Scadenza"))));
    }
    for municipality in &draft.municipalities {
        let label =
            format!("{}: {} (ISTAT {})", ctx.t("office.review.municipality"), municipality.name, municipality.istat);
        found.push((municipality.source, label, Vec::new()));
    }
    let (segments, marks) = segments(&draft.text, &found);
    let values =
        found.into_iter().zip(marks).map(|((_, label, warnings), mark)| Value { mark, label, warnings }).collect();
    Review { values, segments }
}

/// The text cut into runs at the values' spans; spans that overlap share one
/// mark. Returns the runs and, per value, the id of its mark.
fn segments(text: &str, found: &[(Source, String, Vec<String>)]) -> (Vec<Segment>, Vec<String>) {
    let offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let byte = |chars: usize| offsets[chars.min(offsets.len() - 1)];
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&i| (found[i].0.start, found[i].0.end));
    // Marks as (start, end, labels), in order, merged where they overlap.
    let mut marks: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for i in order {
        let source = found[i].0;
        match marks.last_mut() {
            Some(last) if source.start < last.1 => {
                last.1 = last.1.max(source.end);
                last.2.push(i);
            }
            _ => marks.push((source.start, source.end.max(source.start), vec![i])),
        }
    }
    let mut ids = vec![String::new(); found.len()];
    let mut segments = Vec::new();
    let mut at = 0;
    for (number, (start, end, members)) in marks.iter().enumerate() {
        let id = format!("fonte-{}", number + 1);
        for &member in members {
            ids[member] = id.clone();
        }
        if *start > at {
            segments.push(Segment { text: text[byte(at)..byte(*start)].to_string(), mark: None });
        }
        let label = members.iter().map(|&m| found[m].1.as_str()).collect::<Vec<_>>().join("; ");
        segments.push(Segment { text: text[byte(*start)..byte(*end)].to_string(), mark: Some(Mark { id, label }) });
        at = *end;
    }
    segments.push(Segment { text: text[byte(at)..].to_string(), mark: None });
    (segments, ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(start: usize, end: usize) -> Source {
        Source { start, end }
    }

    #[test]
    fn overlapping_spans_share_a_mark_and_characters_are_not_bytes() {
        let found = vec![
            (source(0, 5), "a".to_string(), vec![]),
            (source(3, 8), "b".to_string(), vec![]),
            (source(10, 12), "c".to_string(), vec![]),
        ];
        let (segments, ids) = segments("Nardò è qui, Seclì", &found);
        assert_eq!(ids, ["fonte-1", "fonte-1", "fonte-2"]);
        let shown: Vec<(&str, bool)> = segments.iter().map(|s| (s.text.as_str(), s.mark.is_some())).collect();
        assert_eq!(shown, [("Nardò è ", true), ("qu", false), ("i,", true), (" Seclì", false)]);
        assert_eq!(segments[0].mark.as_ref().map(|m| m.label.as_str()), Some("a; b"));
    }
}

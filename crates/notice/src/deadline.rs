//! The deadline for expressions of interest: "entro le ore 12,00 del 08/06/2022",
//! "entro e non oltre le ore 12.00 del 18 ottobre 2013", "C'è tempo fino al 31 luglio 2022".

use crate::dates::{self, PartialDate};
use crate::times;
use chrono::{NaiveTime, Weekday};
use regex::Regex;
use std::sync::LazyLock;

static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:entro|fino\s+al(?:le)?|non\s+oltre|scadenza|termine\s+(?:ultimo|perentorio|di\s+presentazione))\b")
        .expect("valid regex")
});

/// Words of a sentence about sending the expression of interest.
static SUBMISSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)manifestazion|adesion|domand|candidatur|pervenire|inviare|presentare|iscri|istanz|trasmett|consegn")
        .expect("valid regex")
});

/// How far after the trigger the date may be, and how far after the date its time.
const DATE_WINDOW: usize = 120;
const DATE_REACH: usize = 80;
const TIME_AFTER_DATE: usize = 30;
const CONTEXT: usize = 250;

/// A deadline as written; the year is completed with the rest of the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawDeadline {
    pub date: PartialDate,
    pub weekday: Option<Weekday>,
    pub time: Option<NaiveTime>,
}

/// The best candidate: one in a sentence about submissions, with a time, first.
pub fn find_deadline(flow: &str) -> Option<RawDeadline> {
    let mut best: Option<(u8, RawDeadline)> = None;
    for trigger in TRIGGER.find_iter(flow) {
        let Some(candidate) = candidate_after(flow, trigger.end()) else { continue };
        let context = sentence_around(flow, trigger.start(), trigger.end());
        let score = 2 * u8::from(SUBMISSION.is_match(context)) + u8::from(candidate.time.is_some());
        if best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, deadline)| deadline)
}

fn candidate_after(flow: &str, from: usize) -> Option<RawDeadline> {
    let window = slice(flow, from, from + DATE_WINDOW);
    let mention = dates::find_dates(window).into_iter().find(|m| !m.is_range && m.span.start <= DATE_REACH)?;
    let found = times::find_times(window, std::slice::from_ref(&mention.span));
    let time = found
        .iter()
        .find(|t| t.span.end <= mention.span.start)
        .or_else(|| found.iter().find(|t| t.span.start >= mention.span.end && t.span.start <= mention.span.end + TIME_AFTER_DATE))
        .map(|t| t.time);
    Some(RawDeadline { date: mention.date, weekday: mention.weekday, time })
}

static SENTENCE_BREAK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[.!?]\s+\p{Lu}").expect("valid regex"));

/// The sentence holding `flow[start..end]`, looking at most `CONTEXT` bytes each way.
fn sentence_around(flow: &str, start: usize, end: usize) -> &str {
    let before = slice(flow, start.saturating_sub(CONTEXT), start);
    let opening = SENTENCE_BREAK.find_iter(before).last().map_or(0, |m| m.start() + 1);
    let after = slice(flow, end, end + CONTEXT);
    let closing = SENTENCE_BREAK.find(after).map_or(after.len(), |m| m.start());
    let first = start - before.len() + opening;
    slice(flow, first, end + closing)
}

/// `text[start..end]` widened to character boundaries and clamped to the text.
fn slice(text: &str, start: usize, end: usize) -> &str {
    let (mut start, mut end) = (start.min(text.len()), end.min(text.len()));
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deadline(text: &str) -> Option<(u32, u32, Option<i32>, Option<String>)> {
        find_deadline(text).map(|d| (d.date.day, d.date.month, d.date.year, d.time.map(|t| t.format("%H:%M").to_string())))
    }

    #[test]
    fn time_before_date() {
        assert_eq!(
            deadline("far pervenire la Manifestazione di interesse a udp@x.it entro le ore 12,00 del 08/06/2022."),
            Some((8, 6, Some(2022), Some("12:00".into())))
        );
        assert_eq!(
            deadline("deve pervenire tramite e-mail entro e non oltre le ore 12.00 del 18 ottobre 2013."),
            Some((18, 10, Some(2013), Some("12:00".into())))
        );
    }

    #[test]
    fn time_after_date_or_none() {
        assert_eq!(
            deadline("C'è tempo fino al 31 luglio 2022 per presentare manifestazione di interesse"),
            Some((31, 7, Some(2022), None))
        );
        assert_eq!(
            deadline("le domande vanno inviate entro il 26.07.2022 alle ore 13:00"),
            Some((26, 7, Some(2022), Some("13:00".into())))
        );
        assert_eq!(deadline("scadenza: Lunedì 13 giugno"), Some((13, 6, None, None)));
    }

    #[test]
    fn prefers_the_submission_deadline() {
        let text = "Il Piano sarà approvato entro il 30 novembre 2013. Le schede di adesione devono pervenire entro il 18 ottobre 2013.";
        assert_eq!(deadline(text), Some((18, 10, Some(2013), None)));
        assert_eq!(deadline("Nessuna data; entro breve"), None);
    }
}

//! The deadline for expressions of interest: "entro le ore 12,00 del 08/06/2022",
//! "entro e non oltre le ore 12.00 del 18 ottobre 2013", "C'è tempo fino al 31 luglio 2022".

use crate::dates::{self, PartialDate};
use crate::times;
use chrono::{NaiveTime, Weekday};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:entro|fino\s+al(?:le)?|non\s+oltre|scadenza|termine\s+(?:ultimo|perentorio|di\s+presentazione)|(?:prorogat|differit|posticipat|spostat|rinviat|riapert)\w*|proroga|nuova\s+scadenza)(?-u:\b)")
        .expect("valid regex")
});

/// A trigger that moves the deadline later.
static EXTENSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:prorog|differit|posticipat|spostat|rinviat|riapert|nuova)").expect("valid regex")
});

/// The date the plan itself is due ("il Piano dovrà essere approvato entro il
/// 31 dicembre"), which is not the deadline for expressions of interest.
static PLAN_DUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:piano|pdz|documento\s+di\s+piano)(?-u:\b)[^.;]{0,80}(?-u:\b)(?:approv|adott|trasmess|trasmett|conclu|redatt|elaborat|definit|sottopost)\w*|(?-u:\b)(?:approvazione|adozione|trasmissione|conclusione|stesura)\s+(?:del|dello)\s+(?:nuovo\s+)?(?:piano|pdz|documento)")
        .expect("valid regex")
});

/// Words of a sentence about sending the expression of interest.
static SUBMISSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)manifestazion|adesion|domand|candidatur|pervenire|inviare|presentare|iscri|istanz|trasmett|consegn",
    )
    .expect("valid regex")
});

/// How far after the trigger the date may be, and how far after the date its time.
const DATE_WINDOW: usize = 120;
const DATE_REACH: usize = 80;
const TIME_AFTER_DATE: usize = 30;
const CONTEXT: usize = 250;

/// A deadline as written; the year is completed with the rest of the notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDeadline {
    pub date: PartialDate,
    pub weekday: Option<Weekday>,
    pub time: Option<NaiveTime>,
    /// Bytes of the flow text, from the trigger word to the date or time.
    pub span: Range<usize>,
}

/// The deadline, and the later dates a notice gives it when it is extended
/// ("prorogata al 26 luglio").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    pub first: RawDeadline,
    pub extensions: Vec<RawDeadline>,
}

/// The best candidate: one in a sentence about submissions, with a time,
/// first; a date the plan itself is due is never one.
pub fn find_deadline(flow: &str) -> Option<Deadlines> {
    let mut best: Option<(u8, RawDeadline)> = None;
    let mut extensions = Vec::new();
    for trigger in TRIGGER.find_iter(flow) {
        let Some(candidate) = candidate_after(flow, trigger.start(), trigger.end()) else { continue };
        let context = sentence_around(flow, trigger.start(), trigger.end());
        let submission = SUBMISSION.is_match(context);
        if PLAN_DUE.is_match(context) && !submission {
            continue;
        }
        if EXTENSION.is_match(trigger.as_str()) {
            extensions.push(candidate);
            continue;
        }
        let score = 2 * u8::from(submission) + u8::from(candidate.time.is_some());
        if best.as_ref().is_none_or(|(top, _)| score > *top) {
            best = Some((score, candidate));
        }
    }
    match best {
        Some((_, first)) => Some(Deadlines { first, extensions }),
        None if !extensions.is_empty() => Some(Deadlines { first: extensions.remove(0), extensions }),
        None => None,
    }
}

fn candidate_after(flow: &str, trigger: usize, from: usize) -> Option<RawDeadline> {
    let window = slice(flow, from, from + DATE_WINDOW);
    let mention = dates::find_dates(window).into_iter().find(|m| !m.is_range && m.span.start <= DATE_REACH)?;
    let found = times::find_times(window, std::slice::from_ref(&mention.span));
    let time = found.iter().find(|t| t.span.end <= mention.span.start).or_else(|| {
        found.iter().find(|t| t.span.start >= mention.span.end && t.span.start <= mention.span.end + TIME_AFTER_DATE)
    });
    let offset = window.as_ptr() as usize - flow.as_ptr() as usize;
    let end = offset + time.map_or(mention.span.end, |t| t.span.end.max(mention.span.end));
    Some(RawDeadline { date: mention.date, weekday: mention.weekday, time: time.map(|t| t.time), span: trigger..end })
}

static SENTENCE_BREAK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[.!?]\s+\p{Lu}").expect("valid regex"));

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
        find_deadline(text)
            .map(|d| d.first)
            .map(|d| (d.date.day, d.date.month, d.date.year, d.time.map(|t| t.format("%H:%M").to_string())))
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
        assert_eq!(deadline("Il Piano dovrà essere approvato entro il 31 dicembre."), None);
    }

    #[test]
    fn time_written_before_the_date_and_extensions() {
        assert_eq!(
            deadline("le adesioni vanno inviate entro le ore 18:00 di sabato 13.04.2024"),
            Some((13, 4, Some(2024), Some("18:00".into())))
        );
        let found = find_deadline("domande entro il 19 luglio 2024. Il termine è prorogato al 26 luglio, alle ore 13")
            .expect("deadline");
        assert_eq!((found.first.date.day, found.extensions.len()), (19, 1));
        assert_eq!(
            (found.extensions[0].date.day, found.extensions[0].time.map(|t| t.format("%H").to_string())),
            (26, Some("13".into()))
        );
    }
}

//! Times of day as Italian notices write them: "9,00", "h. 9,30", "ore 09.00",
//! "dalle ore 15:00 alle ore 20:00", "dalle 9 alle 13".

use chrono::NaiveTime;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeMention {
    pub span: Range<usize>,
    pub time: NaiveTime,
}

/// An hour alone ("ore 9") counts only after a word announcing a time, so that
/// numbers such as "n.44" or "art. 4" are not read as times.
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?P<prefix>(?-u:\b)(?:dalle|alle|ore|h)\.?\s*)?(?-u:\b)(?P<h>\d{1,2})(?:[:.,](?P<m>\d{2}))?(?-u:\b)",
    )
    .expect("valid regex")
});

/// What may stand between the start and the end of a time range.
static RANGE_JOIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:[-–—/]|a|alle|fino\s+alle)?\s*$").expect("valid regex"));

/// Finds the times in `text`, skipping any match that touches a `masked` span
/// (dates such as "26.07.2022" would otherwise read as 26:07).
pub fn find_times(text: &str, masked: &[Range<usize>]) -> Vec<TimeMention> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    TIME.captures_iter(text)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            if masked.iter().any(|m| m.start < whole.end() && whole.start() < m.end) {
                return None;
            }
            let minutes = match caps.name("m") {
                Some(m) => m.as_str().parse().ok()?,
                None if caps.name("prefix").is_some() => 0,
                None => return None,
            };
            let time = NaiveTime::from_hms_opt(caps.name("h")?.as_str().parse().ok()?, minutes, 0)?;
            Some(TimeMention { span: whole.range(), time })
        })
        .collect()
}

/// A meeting's time: a start, and an end when the text gives a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub span: Range<usize>,
    pub start: NaiveTime,
    pub end: Option<NaiveTime>,
}

/// The times `found` in `text` paired into ranges where they are joined as
/// one ("dalle 10.00 alle 12.00"), in order.
pub fn slots(text: &str, found: &[TimeMention]) -> Vec<Slot> {
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(first) = found.get(index) {
        let second = found
            .get(index + 1)
            .filter(|second| second.time > first.time)
            .filter(|second| RANGE_JOIN.is_match(&text[first.span.end..second.span.start]));
        match second {
            Some(second) => {
                out.push(Slot { span: first.span.start..second.span.end, start: first.time, end: Some(second.time) });
                index += 2;
            }
            None => {
                out.push(Slot { span: first.span.clone(), start: first.time, end: None });
                index += 1;
            }
        }
    }
    out
}

/// Start and end of a meeting among the times `found` in `text`: the first
/// time, and the second one when it is joined to the first as a range.
pub fn range_of(text: &str, found: &[TimeMention]) -> (Option<NaiveTime>, Option<NaiveTime>) {
    let Some(first) = found.first() else { return (None, None) };
    let end = found
        .get(1)
        .filter(|second| second.time > first.time)
        .filter(|second| RANGE_JOIN.is_match(&text[first.span.end..second.span.start]))
        .map(|second| second.time);
    (Some(first.time), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time_range(text: &str, masked: &[Range<usize>]) -> (Option<NaiveTime>, Option<NaiveTime>) {
        range_of(text, &find_times(text, masked))
    }

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn single_times() {
        assert_eq!(time_range("9,00", &[]), (t(9, 0), None));
        assert_eq!(time_range("(08 giugno h. 9,30);", &[]), (t(9, 30), None));
        assert_eq!(time_range("ore 09.00 – Ufficio di Piano", &[]), (t(9, 0), None));
        assert_eq!(time_range("alle ore 9", &[]), (t(9, 0), None));
    }

    #[test]
    fn ranges() {
        assert_eq!(time_range("dalle ore 15:00 alle ore 20:00 – Sala", &[]), (t(15, 0), t(20, 0)));
        assert_eq!(time_range("dalle 9 alle 13", &[]), (t(9, 0), t(13, 0)));
        assert_eq!(time_range("ore 9.30 - 13.00", &[]), (t(9, 30), t(13, 0)));
        assert_eq!(time_range("ore 9.30, poi alle 13.00 il buffet", &[]), (t(9, 30), None));
    }

    #[test]
    fn loose_times_and_slots() {
        for (text, h, m) in [
            ("ore 16.00", 16, 0),
            ("alle 10,30", 10, 30),
            ("intorno alle 10,30", 10, 30),
            ("h. 16", 16, 0),
            ("16:30", 16, 30),
        ] {
            assert_eq!(time_range(text, &[]), (t(h, m), None), "{text}");
        }
        let text = "dalle 10.00 alle 12.00 anziani; dalle 15.30 alle 17 minori; dalle 17.00 scuole";
        let found = slots(text, &find_times(text, &[]));
        let pairs: Vec<_> = found.iter().map(|s| (Some(s.start), s.end)).collect();
        assert_eq!(pairs, [(t(10, 0), t(12, 0)), (t(15, 30), t(17, 0)), (t(17, 0), None)]);
    }

    #[test]
    fn ignores_numbers_that_are_not_times() {
        assert!(find_times("n.44, art. 4, 1.500,00 euro, 3,5%, 12.000, 25:99, tavoli 1, 13", &[]).is_empty());
    }

    #[test]
    fn masked_dates_are_not_times() {
        let text = "26.07.2022 ore 10,00";
        assert_eq!(time_range(text, std::slice::from_ref(&(0..10))), (t(10, 0), None));
        assert_eq!(time_range("07.10.2022", &[]), (t(7, 10), None), "unmasked, a date reads as a time");
        assert_eq!(time_range("07.10.2022", std::slice::from_ref(&(0..10))), (None, None));
    }
}

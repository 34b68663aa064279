//! Italian date expressions: "13/06/2022", "26.07.2022", "08 giugno",
//! "Giovedì 17 ottobre 2013", ranges such as "Dal 29 ottobre al 08 novembre 2013",
//! and the completion of dates whose year the notice leaves implicit.

use chrono::{Datelike, NaiveDate, Weekday};
use concerto_domain::italian::MONTHS;
use regex::{Captures, Regex};
use std::ops::Range;
use std::sync::LazyLock;

/// A day and month as written, with the year only when the notice gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    pub day: u32,
    pub month: u32,
    pub year: Option<i32>,
}

/// A date found in a piece of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Byte range in the searched text, including the weekday and, for a
    /// range, both ends.
    pub span: Range<usize>,
    /// The date, or the first day of a range.
    pub date: PartialDate,
    pub weekday: Option<Weekday>,
    /// "dal … al …": a period of work, not a single meeting day.
    pub is_range: bool,
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:(?P<wd>(?:lune|marte|mercole|giove|vener)d(?:ì|i'?)|sabato|domenica)\s*,?\s*)?(?:(?P<nd>\d{1,2})[./-](?P<nm>\d{1,2})[./-](?P<ny>\d{4}|\d{2})(?-u:\b)|(?P<td>\d{1,2})\s*[°º]?\s+(?P<tm>gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre)(?-u:\b)(?:\s+(?P<ty>\d{4})(?-u:\b))?)",
    )
    .expect("valid regex")
});

/// Text between the two ends of a range ("29 ottobre al 08 novembre").
static RANGE_JOIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:al|all'|fino\s+al|[-–—])\s*$").expect("valid regex"));

/// "Dal " before the first end of a range, part of the range's text.
static RANGE_OPENING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)dal(?:l')?\s*$").expect("valid regex"));

/// "Dal 18 al " before "30 novembre": a range whose start is a bare day.
static BARE_RANGE_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)dal(?:l')?\s*(\d{1,2})\s*(?:al|all'|[-–—])\s*$").expect("valid regex"));

/// A day of a list that ends with a month: "l'11, il 17 e il 24 maggio",
/// "nei giorni 5 e 6 dicembre", "lunedì 11, mercoledì 13 e venerdì 15 marzo".
static LIST_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(?-u:\b)(?P<wd>(?:lune|marte|mercole|giove|vener)d(?:ì|i'?)|sabato|domenica)\s+)?(?-u:\b)(?P<d>\d{1,2})°?\s*(?:,|(?-u:\b)e(?-u:\b)|(?-u:\b)ed(?-u:\b))\s*(?:(?:il|l')\s*)?$")
        .expect("valid regex")
});

/// How far back a list of days may reach before its month.
const LIST_REACH: usize = 80;

/// The days listed before `last`, which names their month (and year), in order.
fn listed_days(text: &str, last: &DateMention) -> Vec<DateMention> {
    let mut days = Vec::new();
    let mut before = tail(&text[..last.span.start], LIST_REACH);
    let offset = last.span.start - before.len();
    while let Some(caps) = LIST_DAY.captures(before) {
        let (Some(whole), Some(day)) = (caps.get(0), caps.name("d").and_then(|d| d.as_str().parse::<u32>().ok()))
        else {
            break;
        };
        let date = PartialDate { day, ..last.date };
        if NaiveDate::from_ymd_opt(date.year.unwrap_or(2000), date.month, day).is_none() {
            break;
        }
        let weekday = caps.name("wd").and_then(|m| weekday(m.as_str()));
        let end = caps.name("d").map_or(whole.end(), |d| d.end());
        days.push(DateMention { span: offset + whole.start()..offset + end, date, weekday, is_range: false });
        before = &before[..whole.start()];
    }
    days.reverse();
    days
}

/// Finds the dates in `text`, in order. Linear in the length of `text`.
pub fn find_dates(text: &str) -> Vec<DateMention> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let singles = DATE.captures_iter(text).filter_map(|caps| mention(&caps));
    let mut out: Vec<DateMention> = Vec::new();
    for next in singles {
        if let Some(prev) = out.last_mut()
            && !prev.is_range
            && RANGE_JOIN.is_match(&text[prev.span.end..next.span.start])
        {
            let mut start = prev.date;
            start.year = start.year.or(next.date.year.map(|y| if start.month > next.date.month { y - 1 } else { y }));
            let before = tail(&text[..prev.span.start], 8);
            let opening =
                RANGE_OPENING.find(before).map_or(prev.span.start, |m| prev.span.start - before.len() + m.start());
            *prev = DateMention { span: opening..next.span.end, date: start, weekday: prev.weekday, is_range: true };
            continue;
        }
        let next = with_bare_range_start(text, next);
        if !next.is_range {
            let listed = listed_days(text, &next);
            let after_previous = out.last().map_or(0, |prev| prev.span.end);
            out.extend(listed.into_iter().filter(|day| day.span.start >= after_previous));
        }
        out.push(next);
    }
    out
}

fn mention(caps: &Captures) -> Option<DateMention> {
    let whole = caps.get(0)?;
    let number = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let (day, month, year) = if let Some(day) = number("nd") {
        (day, number("nm")?, caps.name("ny").map(|m| expand_year(m.as_str())))
    } else {
        let month_name = caps.name("tm")?.as_str().to_lowercase();
        let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
        (number("td")?, month, caps.name("ty").map(|m| expand_year(m.as_str())))
    };
    // 2000 is a leap year, so 29 February is accepted until the year is known.
    NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day)?;
    let weekday = caps.name("wd").and_then(|m| weekday(m.as_str()));
    Some(DateMention { span: whole.range(), date: PartialDate { day, month, year }, weekday, is_range: false })
}

fn with_bare_range_start(text: &str, end: DateMention) -> DateMention {
    let before = tail(&text[..end.span.start], 24);
    let Some(caps) = BARE_RANGE_START.captures(before) else { return end };
    let (Some(whole), Some(day)) = (caps.get(0), caps.get(1).and_then(|d| d.as_str().parse().ok())) else {
        return end;
    };
    let start = end.span.start - before.len() + whole.start();
    DateMention { span: start..end.span.end, date: PartialDate { day, ..end.date }, weekday: None, is_range: true }
}

/// The last `max` bytes of `text`, cut at a character boundary.
pub fn tail(text: &str, max: usize) -> &str {
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Two-digit years in notices ("L.R. 19/06", "13/06/22") are this century
/// unless they are clearly older.
pub fn expand_year(digits: &str) -> i32 {
    let year: i32 = digits.parse().unwrap_or(0);
    match (digits.len(), year) {
        (2, y) if y < 50 => 2000 + y,
        (2, y) => 1900 + y,
        (_, y) => y,
    }
}

fn weekday(name: &str) -> Option<Weekday> {
    let lower = name.to_lowercase();
    let day = match lower.get(..3)? {
        "lun" => Weekday::Mon,
        "mar" => Weekday::Tue,
        "mer" => Weekday::Wed,
        "gio" => Weekday::Thu,
        "ven" => Weekday::Fri,
        "sab" => Weekday::Sat,
        "dom" => Weekday::Sun,
        _ => return None,
    };
    Some(day)
}

/// Italian name of a weekday, for warnings.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "lunedì",
        Weekday::Tue => "martedì",
        Weekday::Wed => "mercoledì",
        Weekday::Thu => "giovedì",
        Weekday::Fri => "venerdì",
        Weekday::Sat => "sabato",
        Weekday::Sun => "domenica",
    }
}

/// A year the notice suggests for dates written without one, and where it
/// comes from, phrased for the reviewer ("dalle altre date del calendario").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearHint {
    pub year: i32,
    pub reason: String,
    /// A date that comes after the notice was signed: when the hint's year
    /// puts it before this day, it falls in the following year.
    pub not_before: Option<NaiveDate>,
}

/// How a date was completed: `hint` is `None` when the notice gave the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed<'a> {
    pub date: NaiveDate,
    pub hint: Option<&'a YearHint>,
}

/// Completes a date with the first hint whose year agrees with the written
/// weekday (or simply the first hint when there is no weekday to check).
pub fn complete<'a>(date: PartialDate, weekday: Option<Weekday>, hints: &'a [YearHint]) -> Option<Completed<'a>> {
    if let Some(year) = date.year {
        let date = NaiveDate::from_ymd_opt(year, date.month, date.day)?;
        return Some(Completed { date, hint: None });
    }
    let on = |hint: &YearHint| {
        let same_year = NaiveDate::from_ymd_opt(hint.year, date.month, date.day)?;
        match hint.not_before {
            Some(first) if same_year < first => NaiveDate::from_ymd_opt(hint.year + 1, date.month, date.day),
            _ => Some(same_year),
        }
    };
    let agreeing = hints.iter().find(|hint| on(hint).is_some_and(|d| weekday.is_none_or(|w| d.weekday() == w)));
    let hint = agreeing.or_else(|| hints.iter().find(|hint| on(hint).is_some()))?;
    Some(Completed { date: on(hint)?, hint: Some(hint) })
}

/// Tells the reviewer how `done` was completed from what the notice wrote:
/// a year taken from elsewhere, or a weekday that contradicts the date.
pub fn note_completion(subject: &str, done: &Completed, weekday: Option<Weekday>, warnings: &mut Vec<String>) {
    let shown = italian(done.date);
    if let Some(hint) = done.hint {
        warnings.push(format!("{subject} del {shown}: anno non indicato, dedotto {}", hint.reason));
    }
    if let Some(day) = weekday.filter(|day| *day != done.date.weekday()) {
        warnings.push(format!("{subject}: il {} indicato non corrisponde al {shown}", weekday_name(day)));
    }
}

/// "13/06/2022", the form Italian readers expect in messages.
pub fn italian(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> DateMention {
        find_dates(text).into_iter().next().expect("a date")
    }

    fn pd(day: u32, month: u32, year: Option<i32>) -> PartialDate {
        PartialDate { day, month, year }
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(first("del 08/06/2022.").date, pd(8, 6, Some(2022)));
        assert_eq!(first("il 26.07.2022").date, pd(26, 7, Some(2022)));
        assert_eq!(first("13-06-22").date, pd(13, 6, Some(2022)));
        assert!(find_dates("2022-2024, n. 4/2007, 31/02/2022, 0832/315842").is_empty());
    }

    #[test]
    fn textual_forms_with_weekday() {
        let m = first("Giovedì 17 ottobre 2013 ore 09.00");
        assert_eq!((m.date, m.weekday, m.span), (pd(17, 10, Some(2013)), Some(Weekday::Thu), 0..24));
        assert_eq!(first("(08 giugno h. 9,30)").date, pd(8, 6, None));
        assert_eq!(first("VENERDÌ 15 NOVEMBRE").weekday, Some(Weekday::Fri));
        assert_eq!(first("il 1° luglio 2022").date, pd(1, 7, Some(2022)));
        assert_eq!(first("Martedi' 22 ottobre").weekday, Some(Weekday::Tue));
    }

    #[test]
    fn ranges_are_marked_and_share_the_year() {
        let m = first("Dal 29 ottobre al 08 novembre 2013 (STESURA)");
        assert!(m.is_range);
        assert_eq!(m.date, pd(29, 10, Some(2013)));
        assert_eq!(m.span, 0..34);
        let bare = first(" Dal 18 novembre al 30 novembre – Consigli");
        assert!(bare.is_range);
        let short = first("Dal 18 al 30 novembre");
        assert_eq!((short.date, short.is_range, short.span.start), (pd(18, 11, None), true, 0));
        assert_eq!(first("dal 28 dicembre al 5 gennaio 2014").date, pd(28, 12, Some(2013)));
    }

    #[test]
    fn completes_missing_year_by_weekday() {
        let hints = [
            YearHint { year: 2014, reason: "a".into(), not_before: None },
            YearHint { year: 2013, reason: "b".into(), not_before: None },
        ];
        let tuesday = complete(pd(22, 10, None), Some(Weekday::Tue), &hints).expect("date");
        assert_eq!(tuesday.date, NaiveDate::from_ymd_opt(2013, 10, 22).expect("valid"));
        assert_eq!(tuesday.hint.map(|h| h.reason.as_str()), Some("b"));
        let plain = complete(pd(22, 10, None), None, &hints).expect("date");
        assert_eq!(plain.date.year(), 2014);
        let explicit = complete(pd(1, 2, Some(2020)), None, &hints).expect("date");
        assert_eq!(explicit.hint, None);
        assert_eq!(complete(pd(29, 2, None), None, &hints[..1]), None);
        let signed = NaiveDate::from_ymd_opt(2023, 11, 20);
        let after_notice = [YearHint { year: 2023, reason: "c".into(), not_before: signed }];
        let january = complete(pd(12, 1, None), None, &after_notice).expect("date");
        assert_eq!(
            january.date,
            NaiveDate::from_ymd_opt(2024, 1, 12).expect("valid"),
            "a January meeting after a November notice"
        );
    }

    #[test]
    fn lists_of_days_share_their_month() {
        let days =
            |text: &str| find_dates(text).iter().map(|m| (m.date.day, m.date.month, m.date.year)).collect::<Vec<_>>();
        assert_eq!(days("l'11, il 17 e il 24 maggio alle ore 16"), [(11, 5, None), (17, 5, None), (24, 5, None)]);
        assert_eq!(days("nei giorni 5 e 6 dicembre 2024, alle 10.30"), [(5, 12, Some(2024)), (6, 12, Some(2024))]);
        let text = "lunedì 11, mercoledì 13 e venerdì 15 marzo";
        let found = find_dates(text);
        assert_eq!(
            found.iter().map(|m| m.weekday).collect::<Vec<_>>(),
            [Some(Weekday::Mon), Some(Weekday::Wed), Some(Weekday::Fri)]
        );
        assert_eq!(&text[found[1].span.clone()], "mercoledì 13");
        assert_eq!(days("n. 11 del 09 ottobre"), [(9, 10, None)]);
        assert!(days("il 30 e 31 febbraio").is_empty());
    }

    #[test]
    fn two_digit_years() {
        assert_eq!(expand_year("06"), 2006);
        assert_eq!(expand_year("00"), 2000);
        assert_eq!(expand_year("98"), 1998);
        assert_eq!(expand_year("2013"), 2013);
    }
}

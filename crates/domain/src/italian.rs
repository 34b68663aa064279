//! Dates and times as Italian readers expect them: `13/06/2022`, `9,00`,
//! `lunedì 13 giugno 2022`.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

/// The months' names, January first, as dates are written and as notices write them.
pub const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];
const WEEKDAYS: [&str; 7] = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"];

/// `13/06/2022`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `lunedì 13 giugno 2022`.
pub fn long_date(d: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        WEEKDAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

/// The month's Italian name, 1-based.
pub fn month_name(month: u32) -> Option<&'static str> {
    MONTHS.get(month.checked_sub(1)? as usize).copied()
}

/// `09:30`, the form Italian public offices print in tables.
pub fn time(t: NaiveTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// `09:00–13:00`, `dalle 09:00`, or nothing.
pub fn time_range(start: Option<NaiveTime>, end: Option<NaiveTime>) -> Option<String> {
    match (start, end) {
        (Some(s), Some(e)) => Some(format!("{}–{}", time(s), time(e))),
        (Some(s), None) => Some(format!("dalle {}", time(s))),
        (None, Some(e)) => Some(format!("entro le {}", time(e))),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_italian_usage() {
        let d = NaiveDate::from_ymd_opt(2022, 6, 13).unwrap();
        assert_eq!(date(d), "13/06/2022");
        assert_eq!(long_date(d), "lunedì 13 giugno 2022");
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        let one = NaiveTime::from_hms_opt(13, 0, 0).unwrap();
        assert_eq!(time(nine), "09:00");
        assert_eq!(time_range(Some(nine), Some(one)).unwrap(), "09:00–13:00");
        assert_eq!(time_range(None, None), None);
        assert_eq!(month_name(12), Some("dicembre"));
        assert_eq!(month_name(0), None);
    }
}

//! What the notice is and whose it is: its heading, the Ambito, the plan
//! cycle and the date it was signed.

use crate::dates::{self, PartialDate};
use crate::draft::PlanPeriod;
use crate::names::{leading_name, title_case};
use chrono::NaiveDate;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Headings look for their opening word among the first lines only.
const TITLE_SCAN: usize = 60;
const TITLE_MAX: usize = 240;

static TITLE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:avviso|bando|patto\s+di|percorso|manifestazione\s+di\s+interesse|invito)(?-u:\b)")
        .expect("valid regex")
});

/// The heading of the notice; a one-word "AVVISO" takes the lines below it.
pub fn find_title(lines: &[String]) -> Option<String> {
    let mut non_blank = lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).take(TITLE_SCAN);
    let first = non_blank.by_ref().find(|line| TITLE_START.is_match(line))?;
    let mut title = first.to_string();
    for next in non_blank.take(3) {
        let open_quote = title.matches('"').count() % 2 == 1;
        if !open_quote && title.chars().count() >= 25 {
            break;
        }
        title.push(' ');
        title.push_str(next);
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(shorten(&title, TITLE_MAX))
}

/// Cuts `text` to at most `max` characters at a word boundary, marking the cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let kept = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", kept.trim_end_matches([',', ';', ' ']))
}

static AMBITO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:ambito(?:\s+terr\p{L}*)?(?:\s+social\p{L}*)?|a\.?t\.?s\.?)(?:\s+(?:n\.?|n°|nr\.?)\s*\d+)?\s+di\s+")
        .expect("valid regex")
});

/// "Ambito Territoriale Sociale di Casarano", "ATS n. 3 di Nardò",
/// "Ambito Sociale di Fasano": the first one whose name is a proper name.
/// "Territoriale" is matched loosely: notices misspell it ("TERRIORIALE").
pub fn find_ambito(lines: &[String]) -> Option<String> {
    lines.iter().find_map(|line| AMBITO.find_iter(line).find_map(|m| leading_name(&line[m.end()..])).map(title_case))
}

static PLAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:piano\s+sociale\s+di\s+zona|piano\s+di\s+zona(?:\s+dei\s+servizi\s+(?:sociali|alla\s+persona))?|piano\s+sociale|pdz)\s*\(?((?:19|20)\d\d)\s*[-–/]\s*((?:19|20)?\d\d)(?-u:\b)",
    )
    .expect("valid regex")
});

/// The cycle cited most often by `plan` (a notice may also cite the previous
/// cycle once); on a tie, the first cited.
fn most_cited_period(plan: &Regex, flow: &str) -> Option<PlanPeriod> {
    let mut counts: HashMap<PlanPeriod, (usize, usize)> = HashMap::new();
    for (order, caps) in plan.captures_iter(flow).enumerate() {
        let from: i32 = caps[1].parse().ok()?;
        let to = match caps[2].len() {
            2 => from / 100 * 100 + caps[2].parse::<i32>().ok()?,
            _ => caps[2].parse().ok()?,
        };
        if (1..=4).contains(&(to - from)) {
            let entry = counts.entry(PlanPeriod { from, to }).or_insert((0, order));
            entry.0 += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, (count, first))| (*count, std::cmp::Reverse(*first))).map(|(period, _)| period)
}

static REGIONAL_PLAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)piano\s+regionale\s+delle\s+politiche\s+sociali\s+(?:per\s+il\s+)?\(?((?:19|20)\d\d)\s*[-–/]\s*((?:19|20)?\d\d)(?-u:\b)")
        .expect("valid regex")
});

/// The cycle of the Piano Sociale di Zona, or failing that the cycle of the
/// regional plan it implements (Puglia's district plans follow it), with a
/// note for the reviewer in the second case.
pub fn find_plan_period(flow: &str) -> Option<(PlanPeriod, Option<String>)> {
    if let Some(period) = most_cited_period(&PLAN, flow) {
        return Some((period, None));
    }
    let period = most_cited_period(&REGIONAL_PLAN, flow)?;
    let note = format!(
        "Ciclo del Piano Sociale di Zona non indicato: dedotto dal Piano Regionale delle Politiche Sociali {}-{}",
        period.from, period.to
    );
    Some((period, Some(note)))
}

static PLACE_AND_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\p{Lu}[\p{L}'. ]{1,40},\s*(?:l[iì]'?\s*,?\s*)?$").expect("valid regex"));

/// What precedes the date a web page was published: "Pubblicato il",
/// "Data di pubblicazione:".
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:pubblicat[oa]|postato|inserito|data(?:\s+di)?\s+pubblicazione|data\s*:)[^0-9]{0,20}?(?:il\s+|:\s*)?$")
        .expect("valid regex")
});

/// Nothing but blanks before a date alone on its line.
static NOTHING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*$").expect("valid regex"));

/// Web pages put their date in the first lines, after the navigation.
const PUBLISHED_SCAN: usize = 40;

/// The signing line "Lecce, 09 ottobre 2013"; failing that, the date a web
/// page was published ("Pubblicato il 10 febbraio 2025", "03/09/2024").
pub fn find_notice_date(lines: &[String]) -> Option<NaiveDate> {
    let dated = |line: &String, before: &Regex, closing: bool| {
        let mention = dates::find_dates(line).into_iter().next()?;
        let closes_line = line[mention.span.end..].trim_matches([' ', '.']).is_empty();
        match mention.date {
            PartialDate { day, month, year: Some(year) }
                if (closes_line || !closing) && before.is_match(&line[..mention.span.start]) =>
            {
                NaiveDate::from_ymd_opt(year, month, day)
            }
            _ => None,
        }
    };
    lines.iter().find_map(|line| dated(line, &PLACE_AND_DATE, true)).or_else(|| {
        lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .take(PUBLISHED_SCAN)
            .find_map(|line| dated(line, &NOTHING, true).or_else(|| dated(line, &PUBLISHED, false)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn ambito_forms() {
        let cases = [
            ("AMBITO TERRITORIALE SOCIALE DI CASARANO", "Casarano"),
            ("dell'Ambito Territoriale Sociale n. 3 di Nardò, composto", "Nardò"),
            ("l'ATS n. 3 di Nardò", "Nardò"),
            ("L'AMBITO TERRIORIALE SOCIALE DI LECCE", "Lecce"),
            ("dell'Ambito Sociale di Fasano (capofila), Cisternino", "Fasano"),
            ("Ambito di intervento\nAmbito territoriale di San Pietro in Lama", "San Pietro in Lama"),
        ];
        for (text, expected) in cases {
            assert_eq!(find_ambito(&lines(text)).as_deref(), Some(expected), "{text}");
        }
        assert_eq!(find_ambito(&lines("Ambito di intervento")), None);
    }

    #[test]
    fn plan_period_forms() {
        let period = |from, to| Some((PlanPeriod { from, to }, None));
        assert_eq!(find_plan_period("stesura del Piano Sociale di Zona 2022-2024"), period(2022, 2024));
        assert_eq!(find_plan_period("del nuovo Piano Sociale 2022-2024 di Zona"), period(2022, 2024));
        assert_eq!(find_plan_period("PdZ 2014-16"), period(2014, 2016));
        assert_eq!(
            find_plan_period("Piano sociale di zona 2010-2013; PIANO SOCIALE DI ZONA 2014-2016, PdZ 2014-2016"),
            period(2014, 2016)
        );
        let regional = find_plan_period(
            "V Piano Regionale delle Politiche Sociali per il 2022-2024, e il V Piano Sociale di Zona",
        );
        assert_eq!(regional.map(|(p, note)| (p, note.is_some())), Some((PlanPeriod { from: 2022, to: 2024 }, true)));
        assert_eq!(find_plan_period("Piano Sociale di Zona del 2022"), None);
    }

    #[test]
    fn title_takes_the_lines_under_a_bare_avviso() {
        let text =
            "PROVINCIA\nAVVISO\n\n\"Per la partecipazione al Processo\nper l'elaborazione del Piano\"\nVista la Legge";
        assert_eq!(
            find_title(&lines(text)).as_deref(),
            Some("AVVISO \"Per la partecipazione al Processo per l'elaborazione del Piano\"")
        );
        assert_eq!(find_title(&lines("Il Comune informa")), None);
    }

    #[test]
    fn notice_date_is_the_signing_line() {
        let text = "entro il 18 ottobre 2013.\nLecce, 09 ottobre 2013 \nData ultima modifica: 27/10/2022";
        assert_eq!(find_notice_date(&lines(text)), NaiveDate::from_ymd_opt(2013, 10, 9));
        assert_eq!(
            find_notice_date(&lines("Home\nPubblicato il 10 febbraio 2025 alle 11:42\nTesto")),
            NaiveDate::from_ymd_opt(2025, 2, 10)
        );
        assert_eq!(find_notice_date(&lines("Menu\nTitolo\n03/09/2024\nTesto")), NaiveDate::from_ymd_opt(2024, 9, 3));
        assert_eq!(find_notice_date(&lines("Il 5 marzo 2025 alle 10 si terrà")), None);
        assert_eq!(find_notice_date(&lines("Lunedì 7 aprile 2025 ore 15.00 – Tavolo")), None);
        assert_eq!(find_notice_date(&lines("Data ultima modifica: 27/10/2022")), None);
    }

    #[test]
    fn shorten_cuts_at_words() {
        assert_eq!(shorten("uno due tre", 20), "uno due tre");
        assert_eq!(shorten("uno due, tre", 9), "uno due…");
    }
}

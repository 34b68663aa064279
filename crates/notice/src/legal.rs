//! References to laws and regional acts, normalised the way plan offices cite
//! them: "L. 328/2000", "L.R. 19/2006", "R.R. 4/2007", "DGR 353/2022".

use crate::dates::expand_year;
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The year of an act: "/2000", "/00", or "del 14 marzo 2022" / "del 14/03/2022".
const YEAR: &str = r"(?:\s*/\s*(?P<y>\d{4}|\d{2})(?-u:\b)|,?\s+del(?:l')?\s+(?:\d{1,2}(?:[./]\d{1,2}[./]|\s+\p{L}+\s+))?(?P<yd>\d{4})(?-u:\b))";
const NUMBER: &str = r"\s*(?:n\.?|nr\.?|n°|num\.)?\s*(?P<n>\d{1,5})";

/// Each kind of act with the words that introduce it; the first that matches
/// at a position wins, so regional laws are tried before national ones.
static ACTS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    let act = |intro: &str| Regex::new(&format!(r"(?i)(?-u:\b)(?:{intro}){NUMBER}{YEAR}")).expect("valid regex");
    vec![
        ("L.R.", act(r"l\.\s?r\.|legge\s+regionale")),
        ("R.R.", act(r"r\.\s?r\.|regolamento\s+regionale")),
        ("D.Lgs.", act(r"d\.\s?lgs\.?|decreto\s+legislativo")),
        ("D.P.R.", act(r"d\.\s?p\.\s?r\.")),
        ("L.", act(r"l\.|legge(?:\s+quadro)?")),
    ]
});

/// Regional resolutions ("delibera della G.R. n.353 del 14 marzo 2022",
/// "D. G. R. del 02 agosto 2013, n. 1534"), where the date may come first.
static DGR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?:d\.?\s?g\.?\s?r\.?|delibera(?:zione)?\s+(?:della\s+)?(?:g\.\s?r\.|giunta\s+regionale))(?:\s+del\s+\d{{1,2}}(?:[./]\d{{1,2}}[./]|\s+\p{{L}}+\s+)(?P<yb>\d{{4}}),?)?{NUMBER}(?:{YEAR})?"
    ))
    .expect("valid regex")
});

pub fn find_legal_references(flow: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    for (label, regex) in ACTS.iter() {
        for caps in regex.captures_iter(flow) {
            let start = caps.get(0).map_or(0, |m| m.start());
            // A position already read as a more specific act ("L.R.") is not a law too.
            if found.iter().any(|(at, _)| *at == start) {
                continue;
            }
            if let Some(year) = caps.name("y").or(caps.name("yd")).map(|y| expand_year(y.as_str())) {
                found.push((start, format!("{label} {}/{year}", &caps["n"])));
            }
        }
    }
    for caps in DGR.captures_iter(flow) {
        let year = caps.name("yb").or(caps.name("y")).or(caps.name("yd")).map(|y| expand_year(y.as_str()));
        if let (Some(year), Some(whole)) = (year, caps.get(0)) {
            found.push((whole.start(), format!("DGR {}/{year}", &caps["n"])));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    let mut seen = HashSet::new();
    found.into_iter().map(|(_, reference)| reference).filter(|r| seen.insert(r.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> Vec<String> {
        find_legal_references(text)
    }

    #[test]
    fn national_and_regional_laws() {
        assert_eq!(
            refs("artt. 1 e 3 della Legge n. 328/2000 e dell'art. 4 della L.R. 19/2006"),
            ["L. 328/2000", "L.R. 19/2006"]
        );
        assert_eq!(refs("Vista la Legge quadro n.328/00, la Legge regionale n.19/06"), ["L. 328/2000", "L.R. 19/2006"]);
        assert_eq!(refs("L.r. n. 19/2006 e l. 328 del 2000"), ["L.R. 19/2006", "L. 328/2000"]);
        assert_eq!(refs("art. 16 del R.R. n. 4/2007; Regolamento Regionale n.4/07"), ["R.R. 4/2007"]);
        assert_eq!(refs("D.Lgs. 117/2017"), ["D.Lgs. 117/2017"]);
    }

    #[test]
    fn regional_resolutions() {
        assert_eq!(refs("delibera della G.R. n.353 del 14 marzo 2022"), ["DGR 353/2022"]);
        assert_eq!(refs("Deliberazione della Giunta regionale n. 353 del 14/03/2022"), ["DGR 353/2022"]);
        assert_eq!(refs("Vista la D. G. R. del 02 agosto 2013, n. 1534 pubblicata"), ["DGR 1534/2013"]);
        assert_eq!(refs("DGR n. 353/2022"), ["DGR 353/2022"]);
    }

    #[test]
    fn not_references() {
        assert!(refs("Deliberazione del Coordinamento istituzionale n. 11 del 09 ottobre 2013, dell. 4/5").is_empty());
    }
}

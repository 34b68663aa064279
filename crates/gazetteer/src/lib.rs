//! ISTAT's list of Italian municipalities, embedded in the binary (see the
//! README for its source and CC BY licence, and `update.py` to refresh it).
//!
//! Pure and read-only: the indexes are built once, on first use, in a few
//! milliseconds, and every lookup afterwards is a hash or binary search.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

mod normalise;

pub use normalise::normalise;

const PROVINCES: &str = include_str!("../data/provinces.tsv");
const MUNICIPALITIES: &str = include_str!("../data/municipalities.tsv");

/// The most words a municipality's name has ("Appiano sulla strada del vino")
/// plus the second language ("Eppan an der Weinstraße") is well under this.
const MAX_NAME_WORDS: usize = 12;

/// A province, metropolitan city or free consortium of municipalities.
#[derive(Debug, PartialEq, Eq)]
pub struct Province {
    /// Car-plate abbreviation, e.g. "BA".
    pub abbreviation: &'static str,
    /// e.g. "Bari", "Bolzano/Bozen".
    pub name: &'static str,
    pub region: &'static str,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Municipality {
    /// Six-digit ISTAT code, e.g. "072029".
    pub istat: &'static str,
    /// Cadastral code (*codice catastale*), e.g. "F284".
    pub cadastral: &'static str,
    /// Italian name, e.g. "Bolzano".
    pub name: &'static str,
    /// Name in the other official language, e.g. "Bozen".
    pub other_name: Option<&'static str>,
    pub province: &'static Province,
}

impl Municipality {
    /// "Bolzano/Bozen" for bilingual municipalities, the Italian name otherwise.
    pub fn display_name(&self) -> String {
        match self.other_name {
            Some(other) => format!("{}/{other}", self.name),
            None => self.name.to_string(),
        }
    }
}

struct Index {
    provinces: Vec<&'static Province>,
    all: Vec<Municipality>,
    by_cadastral: HashMap<&'static str, usize>,
    by_name: HashMap<String, Vec<usize>>,
    /// Normalised names (and aliases) in order, for prefix search.
    sorted_names: Vec<(String, usize)>,
    /// Normalised first words of every name, to reject most words at once.
    first_words: HashSet<String>,
}

static INDEX: LazyLock<Index> = LazyLock::new(build);

fn build() -> Index {
    let provinces: Vec<&'static Province> = PROVINCES
        .lines()
        .filter_map(|line| {
            let mut cells = line.split('\t');
            let province = Province { abbreviation: cells.next()?, name: cells.next()?, region: cells.next()? };
            Some(&*Box::leak(Box::new(province)))
        })
        .collect();
    let all: Vec<Municipality> = MUNICIPALITIES
        .lines()
        .filter_map(|line| {
            let cells: Vec<&'static str> = line.split('\t').collect();
            let [istat, cadastral, name, other, abbreviation] = cells[..] else {
                return None;
            };
            let province = provinces.iter().find(|p| p.abbreviation == abbreviation)?;
            let other_name = (!other.is_empty()).then_some(other);
            Some(Municipality { istat, cadastral, name, other_name, province })
        })
        .collect();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, municipality) in all.iter().enumerate() {
        for key in keys(municipality) {
            let entry = by_name.entry(key).or_default();
            if !entry.contains(&index) {
                entry.push(index);
            }
        }
    }
    let mut sorted_names: Vec<(String, usize)> =
        by_name.iter().flat_map(|(key, indexes)| indexes.iter().map(|i| (key.clone(), *i))).collect();
    sorted_names.sort();
    let first_words = by_name.keys().filter_map(|key| key.split(' ').next()).map(str::to_string).collect();
    let by_cadastral = all.iter().enumerate().map(|(i, m)| (m.cadastral, i)).collect();
    Index { provinces, all, by_cadastral, by_name, sorted_names, first_words }
}

/// The normalised names a municipality is found by: Italian, other language,
/// both together as ISTAT writes them, and "s …" for San/Santa/Santo/Sant'.
fn keys(municipality: &Municipality) -> Vec<String> {
    let mut names = vec![normalise(municipality.name)];
    if let Some(other) = municipality.other_name {
        names.push(normalise(other));
        names.push(normalise(&format!("{} {other}", municipality.name)));
    }
    let aliases: Vec<String> = names
        .iter()
        .filter_map(|name| {
            let (first, rest) = name.split_once(' ')?;
            ["san", "santa", "santo", "sant"].contains(&first).then(|| format!("s {rest}"))
        })
        .collect();
    names.extend(aliases);
    names
}

/// Every municipality, ordered by ISTAT code.
pub fn all() -> &'static [Municipality] {
    &INDEX.all
}

/// Every province, ordered by abbreviation.
pub fn provinces() -> &'static [&'static Province] {
    &INDEX.provinces
}

/// The province named by its abbreviation ("ba") or its name ("Bari").
pub fn province(abbreviation_or_name: &str) -> Option<&'static Province> {
    let wanted = normalise(abbreviation_or_name);
    INDEX.provinces.iter().copied().find(|p| {
        normalise(p.abbreviation) == wanted
            || normalise(p.name) == wanted
            || p.name.split('/').any(|n| normalise(n) == wanted)
    })
}

pub fn by_istat(code: &str) -> Option<&'static Municipality> {
    let all = &INDEX.all;
    all.binary_search_by(|m| m.istat.cmp(code.trim())).ok().map(|i| &all[i])
}

/// By cadastral code, in any case ("f284").
pub fn by_cadastral(code: &str) -> Option<&'static Municipality> {
    let code = code.trim().to_ascii_uppercase();
    INDEX.by_cadastral.get(code.as_str()).map(|&i| &INDEX.all[i])
}

/// The municipalities with this name (a few names belong to two provinces).
pub fn by_name(name: &str) -> Vec<&'static Municipality> {
    INDEX.by_name.get(&normalise(name)).map_or_else(Vec::new, |found| found.iter().map(|&i| &INDEX.all[i]).collect())
}

/// Municipalities whose name (or ISTAT code, for digits) starts with `prefix`,
/// in `province` when given (abbreviation or name): an exact name first, then
/// alphabetical order, at most `limit`. An unknown province finds nothing.
pub fn search(prefix: &str, province_filter: Option<&str>, limit: usize) -> Vec<&'static Municipality> {
    let wanted = match province_filter.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => match province(p) {
            Some(found) => Some(found),
            None => return Vec::new(),
        },
        None => None,
    };
    let in_province = |m: &&Municipality| wanted.is_none_or(|p| std::ptr::eq(m.province, p));
    let query = normalise(prefix);
    if !query.is_empty() && query.chars().all(|c| c.is_ascii_digit()) {
        return INDEX.all.iter().filter(|m| m.istat.starts_with(&query)).filter(in_province).take(limit).collect();
    }
    let names = &INDEX.sorted_names;
    let start = names.partition_point(|(name, _)| name.as_str() < query.as_str());
    let mut seen = HashSet::new();
    let mut found: Vec<(bool, &'static str, usize)> = names[start..]
        .iter()
        .take_while(|(name, _)| name.starts_with(&query))
        .filter(|(_, i)| seen.insert(*i))
        .map(|(name, i)| (*name != query, INDEX.all[*i].name, *i))
        .filter(|(_, _, i)| in_province(&&INDEX.all[*i]))
        .collect();
    found.sort();
    found.into_iter().take(limit).map(|(_, _, i)| &INDEX.all[i]).collect()
}

/// A municipality's name found at the start of a text.
#[derive(Debug, PartialEq, Eq)]
pub struct NameMatch {
    /// Bytes of the text the name takes, from its start.
    pub len: usize,
    /// Every municipality with that name (usually one).
    pub municipalities: Vec<&'static Municipality>,
}

/// The longest municipality name that opens `text`, word by word, in any case,
/// with or without accents ("NARDO'"), with either apostrophe ("Sant’Angelo").
/// A name never ends inside a word: "Castrovillari" does not match "Castro".
pub fn longest_name_at(text: &str) -> Option<NameMatch> {
    let words = normalise::words(text, MAX_NAME_WORDS);
    let first = words.first()?;
    if !INDEX.first_words.contains(&first.folded) {
        return None;
    }
    let mut key = String::new();
    let mut best = None;
    for word in &words {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&word.folded);
        if let Some(found) = INDEX.by_name.get(&key) {
            best = Some((word.end, found));
        }
    }
    let (len, found) = best?;
    Some(NameMatch { len, municipalities: found.iter().map(|&i| &INDEX.all[i]).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_list_is_loaded() {
        assert!(all().len() > 7800, "{}", all().len());
        assert_eq!(provinces().len(), 107);
        assert!(all().windows(2).all(|w| w[0].istat < w[1].istat), "sorted by ISTAT code");
    }

    #[test]
    fn lookups_by_code() {
        let molfetta = by_istat("072029").expect("Molfetta");
        assert_eq!((molfetta.name, molfetta.cadastral), ("Molfetta", "F284"));
        assert_eq!(
            (molfetta.province.abbreviation, molfetta.province.name, molfetta.province.region),
            ("BA", "Bari", "Puglia")
        );
        assert_eq!(by_cadastral("f284").map(|m| m.istat), Some("072029"));
        assert_eq!(by_istat("999999"), None);
        assert_eq!(by_cadastral("Z999"), None);
    }

    #[test]
    fn lookups_by_name_ignore_accents_case_and_apostrophes() {
        let code = |name: &str| by_name(name).iter().map(|m| m.istat).collect::<Vec<_>>();
        assert_eq!(code("Monte Sant’Angelo"), ["071033"]);
        assert_eq!(code("MONTE SANT'ANGELO"), ["071033"]);
        assert_eq!(code("NARDO'"), ["075052"]);
        assert_eq!(code("nardò"), ["075052"]);
        assert_eq!(code("S. Pietro in Lama"), code("San Pietro in Lama"));
        assert_eq!(code("Bozen"), ["021008"]);
        assert_eq!(code("Bolzano/Bozen"), ["021008"]);
        assert_eq!(by_istat("021008").map(Municipality::display_name).as_deref(), Some("Bolzano/Bozen"));
        assert_eq!(code("Castro").len(), 2, "Castro (BG) and Castro (LE)");
        assert!(code("Tavoliere Meridionale").is_empty());
    }

    #[test]
    fn prefix_search_with_province() {
        let names = |found: Vec<&Municipality>| found.iter().map(|m| m.name).collect::<Vec<_>>();
        assert_eq!(names(search("molf", None, 10)), ["Molfetta"]);
        assert_eq!(names(search("Bari", None, 3))[0], "Bari", "the exact name comes first");
        let in_lecce = search("cas", Some("LE"), 20);
        assert!(in_lecce.iter().all(|m| m.province.abbreviation == "LE"));
        assert!(names(in_lecce).contains(&"Casarano"));
        assert_eq!(names(search("cas", Some("Lecce"), 20)), names(search("cas", Some("le"), 20)));
        assert!(search("cas", Some("Atlantide"), 20).is_empty());
        assert_eq!(names(search("0720", Some("BA"), 100)).len(), search("0720", None, 100).len());
        assert_eq!(search("", None, 5).len(), 5);
    }

    #[test]
    fn longest_name_at_the_start_of_a_text() {
        let at = |text: &str| longest_name_at(text).map(|m| (m.len, m.municipalities[0].name));
        assert_eq!(at("San Pietro in Lama, Casarano"), Some((18, "San Pietro in Lama")));
        assert_eq!(at("MONTE SANT’ANGELO – Vieste"), Some((19, "Monte Sant'Angelo")));
        assert_eq!(at("NARDO' e Galatone"), Some((5, "Nardò")));
        assert_eq!(at("Castrovillari"), Some((13, "Castrovillari")));
        assert_eq!(at("Castroxyz"), None);
        assert_eq!(at("Sala consiliare"), None);
        assert_eq!(at(""), None);
    }
}

//! E-mail addresses, web addresses and telephone numbers where organisations
//! send their expression of interest or ask for information.

use crate::draft::Contacts;
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?-u:\b)")
        .expect("valid regex")
});

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)(?-u:\b)(?:https?://|www\.)[^\s<>"'()\[\]]+"#).expect("valid regex"));

/// A number counts as a phone only when announced ("tel.", "fax al n."), so
/// that tax codes and protocol numbers are not taken for phones.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:tel|telefono|fax|cell|cellulare|numero\s+verde|n\.\s*verde|recapito\s+telefonico)(?-u:\b)[^0-9+]{0,15}(\+39[\s.]?)?(\d[\d\s./-]{4,14}\d)")
        .expect("valid regex")
});

pub fn find_contacts(flow: &str) -> Contacts {
    let emails = dedupe(EMAIL.find_iter(flow).map(|m| m.as_str().trim_end_matches('.').to_lowercase()));
    let urls = dedupe(
        URL.find_iter(flow)
            .map(|m| m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?']).to_string())
            .filter(|url| !url.contains('@')),
    );
    let phones = dedupe(PHONE.captures_iter(flow).filter_map(|caps| {
        let number = caps.get(2)?.as_str().trim();
        let digits = number.chars().filter(char::is_ascii_digit).count();
        let plausible = (6..=11).contains(&digits) && number.starts_with(['0', '3', '8']);
        let prefix = caps.get(1).map_or("", |p| p.as_str());
        plausible.then(|| format!("{prefix}{number}"))
    }));
    Contacts { emails, urls, phones }
}

fn dedupe(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    items.filter(|item| seen.insert(item.to_lowercase())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lowercased_and_deduplicated() {
        let c = find_contacts(
            "scrivere a Udp@AmbitodiCasarano.it. Oppure udp@ambitodicasarano.it, pec: ambito@pec.comune.lecce.it",
        );
        assert_eq!(c.emails, ["udp@ambitodicasarano.it", "ambito@pec.comune.lecce.it"]);
    }

    #[test]
    fn urls_keep_their_path_but_not_punctuation() {
        let c = find_contacts(
            "al link: www.comune.fasano.br.it/ oppure (https://ambito.it/avviso?id=3). Sito www.comune.lecce.it.",
        );
        assert_eq!(c.urls, ["www.comune.fasano.br.it/", "https://ambito.it/avviso?id=3", "www.comune.lecce.it"]);
    }

    #[test]
    fn phones_need_an_announcing_word() {
        let c = find_contacts(
            "tramite fax al n. 0832/315842 o al n. tel. 800724292; P.IVA 00743110157; cell. +39 333 1234567",
        );
        assert_eq!(c.phones, ["0832/315842", "800724292", "+39 333 1234567"]);
    }
}

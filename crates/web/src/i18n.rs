//! Italian first, English second. Texts live in `locales/{it,en}/*.txt`, one file
//! per feature and one `key = text` per line, embedded in the binary. The locale comes from `?lang=`, then the
//! `lang` cookie, then Accept-Language.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    It,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::It, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::It => "it",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| code.eq_ignore_ascii_case(l.code()))
    }

    /// The locale a request asks for: an explicit `?lang=`, the cookie the switch
    /// sets, then the browser's preference, then Italian.
    pub fn negotiate(query_lang: Option<&str>, headers: &HeaderMap) -> Locale {
        query_lang
            .and_then(Locale::from_code)
            .or_else(|| cookie(headers, "lang").and_then(|v| Locale::from_code(&v)))
            .or_else(|| headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(from_accept_language))
            .unwrap_or_default()
    }

    pub fn t(self, key: &str) -> &'static str {
        let catalog = match self {
            Locale::It => &*IT,
            Locale::En => &*EN,
        };
        catalog.get(key).copied().unwrap_or_else(|| {
            tracing::error!(key, locale = self.code(), "untranslated key");
            ""
        })
    }

    /// The text of `key` where the catalog has one: for texts that may be absent.
    pub fn find(self, key: &str) -> Option<&'static str> {
        let catalog = match self {
            Locale::It => &*IT,
            Locale::En => &*EN,
        };
        catalog.get(key).copied()
    }

    /// A text with `{name}` placeholders filled in.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        args.iter().fold(self.t(key).to_string(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
    }
}

/// The catalog of one locale: its feature files, embedded, in one map.
macro_rules! catalog {
    ($locale:literal: $($feature:literal),+) => {
        LazyLock::new(|| parse_catalog(&[$(include_str!(concat!("../locales/", $locale, "/", $feature, ".txt"))),+]))
    };
}

static IT: LazyLock<HashMap<&'static str, &'static str>> = catalog!("it": "core", "office", "documents", "pacts", "tables", "observatory", "register", "onboarding", "flows", "meetings", "flows2");
static EN: LazyLock<HashMap<&'static str, &'static str>> = catalog!("en": "core", "office", "documents", "pacts", "tables", "observatory", "register", "onboarding", "flows", "meetings", "flows2");

fn parse_catalog(sources: &[&'static str]) -> HashMap<&'static str, &'static str> {
    sources
        .iter()
        .flat_map(|source| source.lines())
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once(" = "))
        .map(|(key, text)| (key.trim(), text.trim()))
        .collect()
}

/// The first supported language in an Accept-Language header, by quality.
fn from_accept_language(header: &str) -> Option<Locale> {
    let mut ranked: Vec<(f32, Locale)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let quality =
                pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            let primary = tag.split('-').next()?;
            Some((quality, Locale::from_code(primary)?))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map(|&(_, locale)| locale)
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_have_the_same_keys_and_no_empty_text() {
        let mut it: Vec<_> = IT.keys().collect();
        let mut en: Vec<_> = EN.keys().collect();
        it.sort();
        en.sort();
        assert_eq!(it, en);
        assert!(IT.values().chain(EN.values()).all(|v| !v.is_empty()));
    }

    /// Feature files are merged into one map, so a key defined twice would shadow one text.
    #[test]
    fn no_key_is_defined_twice() {
        for locale in ["it", "en"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(locale);
            let mut seen = std::collections::HashSet::new();
            for entry in std::fs::read_dir(dir).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
                    if let Some((key, _)) = line.split_once(" = ") {
                        assert!(seen.insert(key.trim().to_string()), "{locale}: «{}» is defined twice", key.trim());
                    }
                }
            }
        }
    }

    /// Every key a template or handler asks for exists: an untranslated key fails here.
    #[test]
    fn every_key_used_in_templates_and_code_is_translated() {
        let key = key_scanner();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        let mut pending = vec![dir.join("templates"), dir.join("src")];
        while let Some(folder) = pending.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    sources.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        let mut used = 0;
        for (path, text) in &sources {
            for k in key(text) {
                used += 1;
                assert!(IT.contains_key(k.as_str()), "{}: «{k}» missing in locales/it", path.display());
                assert!(EN.contains_key(k.as_str()), "{}: «{k}» missing in locales/en", path.display());
            }
        }
        assert!(used > 50, "the scan found only {used} keys: is the pattern still right?");
    }

    /// Keys appear as the first string argument of `t(…)` and `tf(…)` calls (and not of
    /// other functions whose names end in `t`, such as `text(…)`).
    fn key_scanner() -> impl Fn(&str) -> Vec<String> {
        |text: &str| {
            let mut keys = Vec::new();
            for marker in ["t(\"", "tf(\""] {
                let mut rest = text;
                while let Some(i) = rest.find(marker) {
                    let called = rest[..i].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                    rest = &rest[i + marker.len()..];
                    if !called {
                        continue;
                    }
                    if let Some(end) = rest.find('"') {
                        let k = &rest[..end];
                        if !k.is_empty() && k.contains('.') && !k.contains(' ') {
                            keys.push(k.to_string());
                        }
                    }
                }
            }
            keys
        }
    }

    #[test]
    fn negotiation_prefers_query_then_cookie_then_header() {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, "en-GB,en;q=0.9,it;q=0.8".parse().unwrap());
        assert_eq!(Locale::negotiate(None, &headers), Locale::En);
        assert_eq!(Locale::negotiate(Some("it"), &headers), Locale::It);
        headers.insert(COOKIE, "a=b; lang=it".parse().unwrap());
        assert_eq!(Locale::negotiate(None, &headers), Locale::It);
        assert_eq!(Locale::negotiate(None, &HeaderMap::new()), Locale::It);
        let mut french = HeaderMap::new();
        french.insert(ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9,it;q=0.5,en;q=0.4".parse().unwrap());
        assert_eq!(Locale::negotiate(None, &french), Locale::It);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(Locale::It.tf("left.days", &[("days", "3"), ("hours", "4")]), "Mancano 3 giorni e 4 ore");
    }
}

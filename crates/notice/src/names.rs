//! Proper names of places: recognising them in running text and writing them
//! in title case ("SAN PIETRO IN LAMA" → "San Pietro in Lama").

/// Words that stay lowercase inside a place name.
const PARTICLES: [&str; 20] = [
    "di", "del", "della", "dello", "dei", "degli", "delle", "da", "dal", "dalla", "in", "sul", "sulla", "al", "alla",
    "allo", "e", "ed", "a", "nel",
];

/// Capitalised words that introduce or describe a place but are not its name.
const NOT_NAMES: [&str; 33] = [
    "ambito",
    "territoriale",
    "sociale",
    "comune",
    "comuni",
    "provincia",
    "regione",
    "consorzio",
    "distretto",
    "piano",
    "zona",
    "ufficio",
    "città",
    "avviso",
    "pubblico",
    "patto",
    "bando",
    "comunica",
    "oggetto",
    "allegato",
    "premesso",
    "considerato",
    "visto",
    "vista",
    "il",
    "dirigente",
    "responsabile",
    "presidente",
    "sindaco",
    "rende",
    "noto",
    "servizio",
    "settore",
];

/// Lowercase particles, capitalised words, and vowels with a trailing
/// apostrophe read as accented ("NARDO'" → "Nardò").
pub fn title_case(name: &str) -> String {
    name.split_whitespace()
        .enumerate()
        .map(|(index, word)| {
            let lower = accent_apostrophe(&word.to_lowercase());
            if index > 0 && PARTICLES.contains(&lower.as_str()) { lower } else { capitalise_parts(&lower, index > 0) }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Capitalises each part of "sant'agata" or "castel-franco"; an elided particle
/// inside a name stays lowercase ("Cassano d'Adda").
fn capitalise_parts(word: &str, inside_name: bool) -> String {
    let mut out = String::with_capacity(word.len());
    let mut at_part_start = true;
    let elided_particle = inside_name
        && word
            .split_once('\'')
            .is_some_and(|(head, tail)| !tail.is_empty() && ["d", "dell", "sull", "nell", "all"].contains(&head));
    for (position, c) in word.char_indices() {
        let keep_lower = elided_particle && position == 0;
        if at_part_start && !keep_lower {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        at_part_start = c == '\'' || c == '-';
    }
    out
}

fn accent_apostrophe(word: &str) -> String {
    let Some(stem) = word.strip_suffix('\'') else { return word.to_string() };
    let accented = match stem.chars().next_back() {
        Some('a') => 'à',
        Some('e') => 'è',
        Some('i') => 'ì',
        Some('o') => 'ò',
        Some('u') => 'ù',
        _ => return word.to_string(),
    };
    if stem.chars().count() < 2 {
        return word.to_string();
    }
    let mut out = stem[..stem.len() - 1].to_string();
    out.push(accented);
    out
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_name_word(word: &str) -> bool {
    let bare = word.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'');
    is_capitalised(bare)
        && bare.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '-')
        && !NOT_NAMES.contains(&bare.to_lowercase().as_str())
}

/// The leading place name of `text`: capitalised words, with particles only
/// between them, at most five words. Returns it without trailing punctuation.
pub fn leading_name(text: &str) -> Option<&str> {
    let mut end = None;
    let mut pending_particle = false;
    for (count, (offset, word)) in words(text).enumerate() {
        if count >= 5 {
            break;
        }
        if is_name_word(word) {
            let bare = word.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'');
            end = Some(offset + bare.len());
            pending_particle = false;
            if bare.len() < word.len() {
                break; // punctuation closes the name
            }
        } else if end.is_some() && !pending_particle && PARTICLES.contains(&word.to_lowercase().as_str()) {
            pending_particle = true;
        } else {
            break;
        }
    }
    end.map(|end| &text[..end])
}

/// Words of `text` with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace().map(move |word| (word.as_ptr() as usize - text.as_ptr() as usize, word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_keeps_particles_lowercase() {
        assert_eq!(title_case("SAN PIETRO IN LAMA"), "San Pietro in Lama");
        assert_eq!(title_case("PORTO CESAREO"), "Porto Cesareo");
        assert_eq!(title_case("CASSANO DELLE MURGE"), "Cassano delle Murge");
        assert_eq!(title_case("SANT'AGATA DI PUGLIA"), "Sant'Agata di Puglia");
        assert_eq!(title_case("CASSANO D'ADDA"), "Cassano d'Adda");
        assert_eq!(title_case("NARDO'"), "Nardò");
        assert_eq!(title_case("SECLÌ"), "Seclì");
        assert_eq!(title_case("Porto Cesareo"), "Porto Cesareo");
    }

    #[test]
    fn leading_name_stops_at_prose() {
        assert_eq!(leading_name("Casarano, Collepasso"), Some("Casarano"));
        assert_eq!(leading_name("San Pietro in Lama e altri"), Some("San Pietro in Lama"));
        assert_eq!(leading_name("Fasano (capofila)"), Some("Fasano"));
        assert_eq!(leading_name("CASARANO"), Some("CASARANO"));
        assert_eq!(leading_name("intervento"), None);
        assert_eq!(leading_name("Ambito di Casarano"), None);
    }
}

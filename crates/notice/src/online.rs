//! Meetings held online: a Meet, Zoom or Teams link, or "in modalità
//! telematica", stand for the venue.

use regex::Regex;
use std::sync::LazyLock;

static MEETING_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?-u:\b)(?:https?://)?(?:meet\.google\.com|(?:[a-z0-9-]+\.)*zoom\.us|teams\.microsoft\.com|teams\.live\.com|(?:[a-z0-9-]+\.)*webex\.com|meet\.jit\.si)/[^\s<>"'()\[\]]*"#)
        .expect("valid regex")
});

static ONLINE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:(?:in\s+)?modalit[àa]\s+(?:telematica|online|on-line|a\s+distanza|remota|virtuale)|in\s+videoconferenza|videoconferenza|da\s+remoto|on-?line\s+(?:su|tramite|sulla\s+piattaforma)|piattaforma\s+(?:google\s+meet|meet|zoom|teams|microsoft\s+teams|webex)|(?:su|tramite|via)\s+(?:google\s+meet|zoom|microsoft\s+teams|teams|webex))(?-u:\b)")
        .expect("valid regex")
});

/// What the venue of an online meeting reads when no link is given.
pub const ONLINE: &str = "In modalità telematica";

/// Whether `line` says a meeting is held online.
pub fn is_online(line: &str) -> bool {
    ONLINE_WORDS.is_match(line) || MEETING_LINK.is_match(line)
}

/// The venue of a meeting held online: its link when one of `lines` gives it.
pub fn venue_of<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut found = None;
    for line in lines {
        if let Some(link) = MEETING_LINK.find(line) {
            found = Some(link.as_str().trim_end_matches(['.', ',', ';', ':']).to_string());
            break;
        }
    }
    found.unwrap_or_else(|| ONLINE.to_string())
}

/// The shared venue when the notice says its meetings are all online
/// ("gli incontri si terranno in modalità telematica").
pub fn default_venue(lines: &[String]) -> Option<String> {
    static ALL_MEETINGS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?-u:\b)(?:incontri|sessioni|tavoli|riunioni|appuntamenti|focus\s+group|laboratori|calendario)(?-u:\b)")
            .expect("valid regex")
    });
    lines.iter().find(|l| ALL_MEETINGS.is_match(l) && ONLINE_WORDS.is_match(l))?;
    let links: Vec<&str> = lines.iter().filter_map(|l| MEETING_LINK.find(l).map(|m| m.as_str())).collect();
    let single_link = links.first().filter(|first| links.iter().all(|l| l == *first));
    Some(single_link.map_or_else(|| ONLINE.to_string(), |link| link.trim_end_matches(['.', ',', ';', ':']).to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_words() {
        assert!(is_online("collegamento: https://meet.google.com/abc-defg-hij"));
        assert!(is_online("si terrà in modalità telematica"));
        assert!(is_online("riunione su Zoom"));
        assert!(!is_online("Sala consiliare, via Roma 1"));
        let lines = ["Tavolo anziani", "Link: https://us02web.zoom.us/j/8123456789."];
        assert_eq!(venue_of(lines.into_iter()), "https://us02web.zoom.us/j/8123456789");
        assert_eq!(venue_of(["in videoconferenza"].into_iter()), ONLINE);
    }

    #[test]
    fn shared_online_venue() {
        let lines: Vec<String> =
            ["Gli incontri si terranno in modalità telematica.", "https://teams.microsoft.com/l/meetup-join/19%3a"]
                .map(String::from)
                .to_vec();
        assert_eq!(default_venue(&lines).as_deref(), Some("https://teams.microsoft.com/l/meetup-join/19%3a"));
        assert_eq!(default_venue(&lines[..1]).as_deref(), Some(ONLINE));
    }
}

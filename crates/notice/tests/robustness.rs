//! Whatever the input, parsing never panics; what a web page adds around a
//! notice, or a copy cut short after its calendar, does not change the sessions.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use concerto_notice::{ProcessDraft, import, parse_notice};
use proptest::prelude::*;

const SEEDS: [&str; 5] = [
    include_str!("seeds/000_c7aa5ff5bb19b09b.txt"),
    include_str!("seeds/001_de1f6638fdaff468.txt"),
    include_str!("seeds/002_6fa560d22c46af22.txt"),
    include_str!("seeds/003_be7d58f5d067bff0.txt"),
    include_str!("seeds/004_e298aa1c7dba7099.txt"),
];

/// The byte offset of the `n`-th character boundary (wrapping), so slices are valid UTF-8.
fn boundary(text: &str, n: usize) -> usize {
    let count = text.chars().count() + 1;
    text.char_indices().map(|(i, _)| i).chain([text.len()]).nth(n % count).unwrap_or(text.len())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = parse_notice(&text);
    }

    #[test]
    fn notice_like_text_never_panics(text in r"(?s)([0-9]{1,4}[/.:, -]|ore |dalle |entro |Comuni di |Ambito di |tavolo |\t|\n|AAVV|“|”|mailto:|L\.R\. |n\. |giugno |Lunedì |[A-Za-zàèìòù'()\-–]{1,8} ){0,60}") {
        let _ = parse_notice(&text);
    }

    #[test]
    fn slices_of_seeds_never_panic(seed in 0usize..5, a in any::<usize>(), b in any::<usize>()) {
        let text = SEEDS[seed];
        let (start, end) = (boundary(text, a), boundary(text, b));
        let _ = parse_notice(&text[start.min(end)..start.max(end)]);
    }

    #[test]
    fn cut_and_spliced_seeds_never_panic(first in 0usize..5, second in 0usize..5, a in any::<usize>(), b in any::<usize>()) {
        let head = &SEEDS[first][..boundary(SEEDS[first], a)];
        let tail = &SEEDS[second][boundary(SEEDS[second], b)..];
        let _ = parse_notice(&format!("{head}{tail}"));
    }

    #[test]
    fn arbitrary_bytes_never_panic_on_import(bytes in proptest::collection::vec(any::<u8>(), 0..512), pdf in any::<bool>()) {
        let input = if pdf { [b"%PDF-1.4\n".as_slice(), &bytes].concat() } else { bytes };
        let _ = import(&input);
    }
}

/// Notices whose calendar ends before their last paragraph, which a copy may lose.
const CALENDARS: [&str; 4] = [
    include_str!("seeds/000_c7aa5ff5bb19b09b.txt"),
    include_str!("notices/01_shared_time_list.txt"),
    include_str!("notices/07_loose_times.txt"),
    include_str!("notices/13_online_meetings.txt"),
];

/// What a web page puts before and after a notice: menus, share buttons,
/// photo captions, publication lines.
const NOISE: [&str; 16] = [
    "Home",
    "Menu",
    "Vai al contenuto",
    "Condividi su Facebook",
    "WhatsApp",
    "Stampa",
    "Cerca",
    "Foto di repertorio",
    "Tempo di lettura: 3 minuti",
    "Leggi anche",
    "Notizie > Sociale",
    "© Comune – P.IVA 01234567890",
    "Privacy | Cookie | Accessibilità",
    "Seguici su Instagram",
    "Ultimo aggiornamento: 12/03/2024 10:30",
    "Foto: l'incontro dello scorso 14 marzo 2023 alle ore 10",
];

fn sessions(draft: &ProcessDraft) -> Vec<String> {
    draft.sessions.iter().map(|s| format!("{:?} {:?} {:?} {:?} {}", s.date, s.start, s.end, s.kind, s.title)).collect()
}

/// The byte where the last session's own paragraph ends: cuts after it leave
/// the calendar whole.
fn calendar_end(text: &str) -> usize {
    let draft = parse_notice(text);
    let last = draft.sessions.iter().map(|s| s.source.end).max().unwrap_or(0);
    let after: usize = draft.text.chars().take(last).map(char::len_utf8).sum();
    draft.text[after..].find("\n\n").map_or(draft.text.len(), |p| after + p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn navigation_noise_does_not_change_the_sessions(
        notice in 0usize..4,
        before in proptest::collection::vec(0usize..16, 0..8),
        after in proptest::collection::vec(0usize..16, 0..8),
    ) {
        let text = CALENDARS[notice];
        let lines = |picks: &[usize]| picks.iter().map(|i| format!("{}\n", NOISE[*i])).collect::<String>();
        let noisy = format!("{}{text}\n{}", lines(&before), lines(&after));
        prop_assert_eq!(sessions(&parse_notice(&noisy)), sessions(&parse_notice(text)));
    }

    #[test]
    fn a_copy_cut_short_after_the_calendar_keeps_the_sessions(notice in 0usize..4, cut in any::<usize>()) {
        let draft = parse_notice(CALENDARS[notice]);
        let end = calendar_end(CALENDARS[notice]);
        let text = &draft.text;
        let at = boundary(&text[end..], cut) + end;
        prop_assert_eq!(sessions(&parse_notice(&text[..at])), sessions(&draft));
    }
}

//! Whatever the input, parsing never panics.

use concerto_notice::{import, parse_notice};
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

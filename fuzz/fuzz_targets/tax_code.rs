//! Tax codes (codice fiscale, partita IVA) as typed: accepted codes are normalized,
//! and parsing the normalized form gives the same code.
#![no_main]

use concerto_domain::TaxCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(code) = TaxCode::parse(text) {
        let again = TaxCode::parse(code.as_str()).expect("a normalized code parses");
        assert_eq!(again, code);
        assert!(code.as_str().chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(matches!(code.as_str().len(), 11 | 16));
    }
});

//! A notice file, text or PDF, as the office uploads it: the importer answers a draft or
//! an error, never a panic; a draft prints as JSON (as `concerto import-notice` does)
//! and converts to a new process whose tables name only its own areas.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(draft) = concerto_notice::import(data) {
        serde_json::to_string(&draft).expect("a draft prints as JSON");
        let process = draft.to_new_process("fuzz-2026-2028").process;
        for table in &process.tables {
            assert!(table.areas.iter().all(|&a| a < process.areas.len()), "{table:?}");
        }
    }
});

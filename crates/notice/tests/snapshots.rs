//! Full drafts of the seeds, reviewed by eye and kept as JSON snapshots.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use concerto_notice::parse_notice;

macro_rules! snapshot {
    ($name:ident, $file:literal) => {
        #[test]
        fn $name() {
            insta::assert_json_snapshot!(stringify!($name), parse_notice(include_str!(concat!("seeds/", $file))));
        }
    };
}

snapshot!(seed_000, "000_c7aa5ff5bb19b09b.txt");
snapshot!(seed_001, "001_de1f6638fdaff468.txt");
snapshot!(seed_002, "002_6fa560d22c46af22.txt");
snapshot!(seed_003, "003_be7d58f5d067bff0.txt");
snapshot!(seed_004, "004_e298aa1c7dba7099.txt");

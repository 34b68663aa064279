//! Parsing throughput on ~1 MB of notices (the seeds repeated).
//! Run with `cargo bench -p concerto-notice`.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use concerto_notice::parse_notice;
use std::hint::black_box;
use std::time::{Duration, Instant};

const SEEDS: [&str; 5] = [
    include_str!("../tests/seeds/000_c7aa5ff5bb19b09b.txt"),
    include_str!("../tests/seeds/001_de1f6638fdaff468.txt"),
    include_str!("../tests/seeds/002_6fa560d22c46af22.txt"),
    include_str!("../tests/seeds/003_be7d58f5d067bff0.txt"),
    include_str!("../tests/seeds/004_e298aa1c7dba7099.txt"),
];
const TARGET_BYTES: usize = 1 << 20;
const RUNS: usize = 9;

fn main() {
    let (megabytes, per_megabyte, sessions) = measure(1, RUNS);
    println!("input: {megabytes:.2} MB ({sessions} sessions found)");
    println!("median of {RUNS} runs: {:.1} ms per MB, {:.1} MB/s", per_megabyte * 1000.0, 1.0 / per_megabyte);
    // Linear time means the cost per MB stays the same on a larger input.
    let (larger, larger_per_megabyte, _) = measure(4, 3);
    println!("on {larger:.2} MB: {:.1} ms per MB", larger_per_megabyte * 1000.0);
}

/// Median seconds per MB over `runs` parses of about `size` MB of seeds.
fn measure(size: usize, runs: usize) -> (f64, f64, usize) {
    let target = size * TARGET_BYTES;
    let mut input = String::with_capacity(target + 16 * 1024);
    while input.len() < target {
        for seed in SEEDS {
            input.push_str(seed);
            input.push('\n');
        }
    }
    let megabytes = input.len() as f64 / TARGET_BYTES as f64;
    let mut timings: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            black_box(parse_notice(black_box(&input)));
            started.elapsed()
        })
        .collect();
    timings.sort();
    let sessions = parse_notice(&input).sessions.len();
    (megabytes, timings[runs / 2].as_secs_f64() / megabytes, sessions)
}

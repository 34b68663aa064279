//! Test notices written for the layouts the seeds lack (one file each in
//! `notices/`, with the sessions and municipalities a careful reader would
//! list in `*.expected`): every draft is kept as a JSON snapshot, and the
//! F1 of sessions (date and start) and municipalities over all of them is
//! reported and held above the targets for unseen notices.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use concerto_notice::{ProcessDraft, import};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn notices() -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/notices");
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("notices directory")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext != "expected"))
        .map(|path| (path.file_stem().unwrap_or_default().to_string_lossy().into_owned(), path))
        .collect();
    found.sort();
    found
}

fn draft(path: &Path) -> ProcessDraft {
    import(&std::fs::read(path).expect("readable notice")).expect("a draft")
}

/// Matches, found and expected items, counting repeated items as many times
/// as they occur.
#[derive(Default, Debug, Clone, Copy)]
struct Score {
    matched: usize,
    found: usize,
    expected: usize,
}

impl Score {
    fn of(found: &[String], expected: &[String]) -> Score {
        let mut left: HashMap<&str, usize> = HashMap::new();
        for item in expected {
            *left.entry(item).or_default() += 1;
        }
        let matched = found
            .iter()
            .filter(|item| left.get_mut(item.as_str()).filter(|n| **n > 0).map(|n| *n -= 1).is_some())
            .count();
        Score { matched, found: found.len(), expected: expected.len() }
    }

    fn add(self, other: Score) -> Score {
        Score {
            matched: self.matched + other.matched,
            found: self.found + other.found,
            expected: self.expected + other.expected,
        }
    }

    fn f1(self) -> f64 {
        if self.found + self.expected == 0 {
            return 1.0;
        }
        2.0 * self.matched as f64 / (self.found + self.expected) as f64
    }
}

fn expected(path: &Path, kind: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path.with_extension("expected")).expect("expected file");
    text.lines().filter_map(|l| l.strip_prefix(kind).map(|rest| rest.trim().to_string())).collect()
}

fn sessions(draft: &ProcessDraft) -> Vec<String> {
    draft
        .sessions
        .iter()
        .map(|s| {
            let date = s.date.map_or("senza-data".to_string(), |d| d.to_string());
            let start = s.start.map_or("--:--".to_string(), |t| t.format("%H:%M").to_string());
            format!("{date} {start}")
        })
        .collect()
}

#[test]
fn every_notice_matches_its_snapshot() {
    for (name, path) in notices() {
        insta::assert_json_snapshot!(format!("notice_{name}"), draft(&path));
    }
}

#[test]
fn f1_on_the_test_notices() {
    let (mut all_sessions, mut all_municipalities) = (Score::default(), Score::default());
    for (name, path) in notices() {
        let draft = draft(&path);
        let s = Score::of(&sessions(&draft), &expected(&path, "session"));
        let m = Score::of(&draft.municipality_names(), &expected(&path, "municipality"));
        println!("{name}: sessions {:.2} ({s:?}), municipalities {:.2} ({m:?})", s.f1(), m.f1());
        all_sessions = all_sessions.add(s);
        all_municipalities = all_municipalities.add(m);
    }
    println!(
        "ALL: sessions F1 {:.3} ({all_sessions:?}), municipalities F1 {:.3} ({all_municipalities:?})",
        all_sessions.f1(),
        all_municipalities.f1()
    );
    assert!(all_sessions.f1() >= 0.85, "sessions F1 {:.3}", all_sessions.f1());
    assert!(all_municipalities.f1() >= 0.9, "municipalities F1 {:.3}", all_municipalities.f1());
}

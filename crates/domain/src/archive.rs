//! Bulk archives for the plan office (archivi cumulativi): every pact of a process,
//! or every sign-in sheet of its sessions, built as one ZIP by a background job
//! whose progress the office watches.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

/// What an archive holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveKind {
    /// One PDF per participation pact or memorandum (patti di partecipazione).
    Pacts,
    /// One PDF per session of the process (fogli firme).
    SignInSheets,
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveState {
    /// Waiting for a worker (in coda).
    Queued,
    /// A worker is building it (in preparazione).
    Running,
    /// The ZIP is ready to download (pronto).
    Done,
    /// It could not be built; the error says why (non riuscito).
    Failed,
}

codes!(ArchiveKind { Pacts => "pacts", SignInSheets => "sign_in_sheets" });

codes!(ArchiveState { Queued => "queued", Running => "running", Done => "done", Failed => "failed" });

impl ArchiveState {
    /// Still to finish: the page keeps refreshing.
    pub fn is_pending(self) -> bool {
        matches!(self, ArchiveState::Queued | ArchiveState::Running)
    }
}

/// A bulk archive job, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchiveJob {
    pub id: i64,
    pub kind: ArchiveKind,
    pub process_id: i64,
    /// The account that asked for it.
    pub requested_by: i64,
    pub state: ArchiveState,
    /// Documents added to the archive so far, of `total`.
    pub done: i64,
    pub total: i64,
    /// How many times a worker has claimed it: the claim's generation, so that a
    /// worker whose lease was taken over stops writing.
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed, in Italian.
    pub error: Option<String>,
    /// The ZIP's name and size once done.
    pub file_name: Option<String>,
    pub size: Option<i64>,
}

/// How long a claimed job is its worker's without news: every progress update
/// renews it, so only a worker that stopped (a crash) loses its job.
pub const ARCHIVE_LEASE: TimeDelta = TimeDelta::seconds(60);

/// A job claimed this many times and never finished keeps crashing its worker:
/// it is failed instead of claimed again.
pub const MAX_ARCHIVE_ATTEMPTS: i64 = 3;

/// Finished archives are kept this long, then removed with their file.
pub const ARCHIVE_RETENTION: TimeDelta = TimeDelta::days(7);

/// The file names of an archive's entries, made unique: a second "patto-x.pdf"
/// becomes "patto-x-2.pdf". `stem` is already safe for an archive.
#[derive(Debug, Default)]
pub struct EntryNames(std::collections::HashSet<String>);

impl EntryNames {
    pub fn unique(&mut self, stem: &str, extension: &str) -> String {
        let mut name = format!("{stem}.{extension}");
        let mut n = 1;
        while !self.0.insert(name.clone()) {
            n += 1;
            name = format!("{stem}-{n}.{extension}");
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for kind in ArchiveKind::ALL {
            assert_eq!(ArchiveKind::from_code(kind.code()), Some(kind));
        }
        for state in ArchiveState::ALL {
            assert_eq!(ArchiveState::from_code(state.code()), Some(state));
        }
        assert_eq!(ArchiveKind::from_code("zip"), None);
        assert!(ArchiveState::Running.is_pending() && !ArchiveState::Done.is_pending());
    }

    #[test]
    fn entry_names_never_repeat() {
        let mut names = EntryNames::default();
        assert_eq!(names.unique("patto-a", "pdf"), "patto-a.pdf");
        assert_eq!(names.unique("patto-a", "pdf"), "patto-a-2.pdf");
        assert_eq!(names.unique("patto-a", "pdf"), "patto-a-3.pdf");
        assert_eq!(names.unique("patto-b", "pdf"), "patto-b.pdf");
    }
}

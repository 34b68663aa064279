//! The checks before a process is published: problems that a one-click publish
//! would put in front of the public. None of them forbids publishing (the office
//! may know better), so the office sees them on a confirmation page first.

use chrono::{DateTime, Utc};

use crate::Process;
use crate::tables::{session_end, session_start};

/// A problem found before publishing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicationWarning {
    /// Every dated session has already ended: the calendar is in the past.
    AllSessionsPast,
    /// The sign-up deadline falls after the first session starts.
    DeadlineAfterFirstSession { deadline: DateTime<Utc>, first_session: DateTime<Utc> },
    /// The process's texts name another Ambito than the one it belongs to.
    AmbitoDiffers { named: String, process: String },
    /// No deadline is set: nobody knows until when to apply.
    NoDeadline,
}

/// Letters and digits only, lowercase: "Nardò" and "NARDO'" still differ, but
/// spacing and punctuation do not.
fn folded(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The warnings for publishing `process` at `now`. `named_ambito` is the Ambito its
/// notice texts name, when they name one.
pub fn publication_warnings(
    process: &Process,
    named_ambito: Option<&str>,
    now: DateTime<Utc>,
) -> Vec<PublicationWarning> {
    let mut warnings = Vec::new();
    let live: Vec<_> = process.sessions.iter().filter(|s| !s.cancelled && s.date.is_some()).collect();
    if !live.is_empty() && live.iter().filter_map(|s| session_end(s)).all(|end| end <= now) {
        warnings.push(PublicationWarning::AllSessionsPast);
    }
    match process.header.deadline {
        None => warnings.push(PublicationWarning::NoDeadline),
        Some(deadline) => {
            if let Some(first) = live.iter().filter_map(|s| session_start(s)).min()
                && deadline.instant() > first
            {
                warnings.push(PublicationWarning::DeadlineAfterFirstSession {
                    deadline: deadline.instant(),
                    first_session: first,
                });
            }
        }
    }
    if let Some(named) = named_ambito {
        let (a, b) = (folded(named), folded(&process.ambito.name));
        if !a.is_empty() && !b.is_empty() && !a.contains(&b) && !b.contains(&a) {
            warnings.push(PublicationWarning::AmbitoDiffers {
                named: named.to_string(),
                process: process.ambito.name.clone(),
            });
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::folded;

    #[test]
    fn names_compare_without_case_or_punctuation() {
        assert_eq!(folded("Casarano"), folded("CASARANO"));
        assert_eq!(folded("Gagliano del Capo"), "gaglianodelcapo");
    }
}

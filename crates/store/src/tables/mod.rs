//! The work at the tables: attendance, minutes, proposals, priorities, outcomes,
//! the monitoring board and the plan's interventions. Every change writes its
//! audit entry, and any mail it causes, in its own transaction.

mod attendance;
mod meetings;
mod minutes;
mod monitoring;
mod progress_sheet;
mod proposals;
mod reminders;

pub use attendance::{Attendance, CheckinEntry, NewAttendance, NewRepresentative};
pub use meetings::{OfferEmail, OfferTokens, SeatRecord};
pub use minutes::{AttachmentFile, AttachmentInfo, Minutes};
pub use monitoring::{BoardMember, Intervention, Milestone, NewIntervention, ProgressComment};
pub(crate) use proposals::form_proposal_follows;
pub use proposals::{NewTableProposal, StoredBallot, StoredProposal, TableWork};

use crate::StoreError;

/// A unique index said no.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// A unique violation as the conflict it means, anything else as it is.
pub(crate) fn conflict(what: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |e| if is_unique_violation(&e) { StoreError::Conflict(what.to_string()) } else { e.into() }
}

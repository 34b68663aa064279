//! The work at the tables (tavoli di co-progettazione), after sign-up: attendance,
//! proposals, priorities, the summary of outcomes, the monitoring board and the
//! monitoring of the plan. Pure rules; the store keeps the data, the web shows it.

pub mod ballot;
pub mod board;
pub mod checkin;
pub mod meeting;
pub mod minutes;
pub mod outcome;
pub mod progress;
pub mod progress_sheet;
pub mod proposal;
pub mod reminder;
pub mod schedule;
pub mod seats;

pub use ballot::{BALLOT_POINTS, Ballot, Candidate, Ranked, on_ballot_of, tally, validate_ballot};
pub use board::{BoardCandidate, check_appointment, pact_in_force, pact_lapsed};
pub use checkin::{CHECKIN_ALPHABET, CheckinCode, Invitee, WalkIn, session_invitees, validate_walk_in};
pub use meeting::{DEFAULT_CONFIRM_HOURS, Meeting, MeetingForm, MeetingMode, Viewer};
pub use minutes::{CheckedAttachment, MAX_ATTACHMENT_BYTES, check_attachment, check_minutes};
pub use outcome::{Outcome, OutcomeDecision, check_summary_complete, decide_outcome};
pub use progress::{
    InterventionNode, InterventionStatus, derived_progress, parse_progress, validate_milestone, validate_status,
};
pub use progress_sheet::{RowError, SHEET_HEADERS, SheetMilestone, SheetRow, check_sheet};
pub use proposal::{ProposalDraft, validate_proposal};
pub use reminder::{DEFAULT_REMINDER_HOURS, reminder_due, reminder_recipients};
pub use schedule::{
    BallotRefusal, CheckinRefusal, CheckinWindow, may_open_ballot, session_end, session_held, session_start,
};
pub use seats::{
    ConfirmRefused, OfficeMove, Seat, SeatChange, SeatCounts, SeatState, may_confirm, place_for_new, rebalance,
    seat_counts,
};

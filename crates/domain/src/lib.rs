//! The types and rules of the participatory planning of a Piano Sociale di Zona.
//!
//! Everything here is pure: no I/O, no async, no clock. Callers pass the current
//! instant in, which keeps every rule testable and lets tests set the time.

/// The stable codes of an enum's variants, as stored and as sent by forms and the
/// API: `ALL` the variants in order, `code` each one's code, `from_code` the way back.
macro_rules! codes {
    ($ty:ident { $($variant:ident => $code:literal),* $(,)? }) => {
        impl $ty {
            pub const ALL: [$ty; [$(stringify!($variant)),*].len()] = [$($ty::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $($ty::$variant => $code),* }
            }

            pub fn from_code(code: &str) -> Option<$ty> {
                Self::ALL.into_iter().find(|v| v.code() == code)
            }
        }
    };
}

pub mod access;
pub mod ambito;
pub mod archive;
pub mod audit;
pub mod calendar;
pub mod deadline;
pub mod editing;
pub mod expression;
pub mod italian;
pub mod observatory;
pub mod onboarding;
pub mod pact;
pub mod process;
pub mod publication;
pub mod receipt;
pub mod registration;
pub mod report;
pub mod retention;
pub mod tables;
pub mod tax_code;
pub mod template;
pub mod validation;

pub use access::{
    Decision, OfficeAction, PactRequester, Principal, Role, TablesAction, audit_log_scope, may_act_at_tables,
    may_act_on_ambito, may_act_on_pact, may_enter_workspace, may_list_own_pacts, may_moderate_observatory,
    may_read_pact, may_use_ambito_profile, visible_ambito,
};
pub use ambito::{Ambito, AmbitoProfile, Contacts, NewAmbito};
pub use archive::{
    ARCHIVE_LEASE, ARCHIVE_RETENTION, ArchiveJob, ArchiveKind, ArchiveState, EntryNames, MAX_ARCHIVE_ATTEMPTS,
};
pub use audit::{
    AuditEntry, BreakReason, ChainBreak, ChainHead, ChainVerifier, EntryLabel, StoredAuditEntry, chain_hash,
    verify_chain,
};
pub use calendar::{Phase, Session, SessionKind, SessionUpdate, Table, ThematicArea};
pub use deadline::{Deadline, DeadlineError, TimeLeft};
pub use editing::{
    AreaInput, PhaseInput, ProcessSettings, RemovalRefused, SessionInput, SessionSchedule, TableInput, may_remove_area,
    may_remove_session,
};
pub use expression::{
    Applicant, ApplicantInput, ApplicantKind, AreaRef, Expression, ExpressionInput, LegalForm, MinimumAge,
    Participation, ParticipationInput, Proposal, ProposalInput, Representative, RepresentativeInput, is_email,
    validate_expression,
};
pub use onboarding::{
    AccountChange, AmbitoIdentity, AssociationForm, DEFAULT_RETENTION_YEARS, ListRow, accounts_scope, ambito_from_list,
    assignable_roles, keeps_a_platform_admin, may_administer_platform, may_manage_account, slugify,
};
pub use pact::upload::{MAX_SIGNED_FILE_BYTES, SignedFile, SignedFileKind, UploadError, inspect_signed_file};
pub use pact::{
    AcceptanceInput, Pact, PactAction, PactError, PactKind, PactState, SignatureMethod, WithdrawalDeclaration,
    WithdrawalInput, next_state, validate_acceptance, validate_withdrawal,
};
pub use process::{
    ApplicationChannels, NewPhase, NewProcess, NewSession, NewTable, NewThematicArea, PlanCycle, Process,
    ProcessHeader, ProcessStatus, ProcessSummary, Signatory,
};
pub use publication::{PublicationWarning, publication_warnings};
pub use receipt::{
    ExpressionStatus, ProtocolNumber, ReceivedExpression, RegisterCheck, canonical_submission, sha256_hex,
};
pub use registration::{
    MAX_ANNULMENT_REASON_CHARS, PactChange, SubmissionConflict, admit_amendment, admit_new_submission, amendable,
    may_annul, pact_change, validate_annulment_reason,
};
pub use retention::{ANONYMISED_TEXT, anonymisation_due, anonymisation_due_at};
pub use tax_code::{TaxCode, TaxCodeError, TaxCodeKind};
pub use validation::{CONTROL_CHARACTERS_MESSAGE, FieldError, FieldErrors, is_acceptable_text};

/// The time zone of every date and time a user reads or writes.
pub const ROME: chrono_tz::Tz = chrono_tz::Europe::Rome;

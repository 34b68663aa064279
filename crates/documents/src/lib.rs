//! Documents Concerto hands to people: the PDFs an Ambito files and signs (notice,
//! receipt, participation pact, sign-in sheet, attendance certificate, summary of
//! proposals), rendered with typst from templates compiled into the binary; ZIP
//! archives of many of them; and
//! the plan office's spreadsheet exports, as CSV and as XLSX from one description of
//! the sheet.
//!
//! Each PDF has a plain input struct, built from the domain's types by its `new`
//! and printed in Italian formats, and one function returning the PDF's bytes.
//! Rendering is CPU work of a few milliseconds: async callers run it inside
//! `spawn_blocking`.

mod archive;
mod calendar;
mod import;
mod letterhead;
mod logo;
mod notice;
mod pact;
mod party;
mod printable;
mod receipt;
mod render;
mod session;
mod sheet;
mod summary;

pub use archive::{ArchiveError, ZipBuilder, file_name, zip};
pub use calendar::{CalendarEvent, CalendarPerson, Method, ics, session_uid, session_url};
pub use import::{ImportError, read_rows};
pub use letterhead::{Letterhead, Logo, LogoFormat};
pub use logo::{LogoError, MAX_LOGO_BYTES, check_logo};
pub use notice::{Notice, NoticePhase, notice};
pub use pact::{Pact, PactKind, pact};
pub use party::Party;
pub use receipt::{Receipt, ReceiptParticipation, receipt};
pub use render::RenderError;
pub use session::{
    AttendanceCertificate, Attendee, SessionLine, SignInSheet, attendance_certificate, attendees, sign_in_sheet,
};
pub use sheet::{ExportError, Sheet};
pub use summary::{ProposalOutcome, Summary, SummaryRow, summary};

use serde::Serialize;

/// A signature block's caption and name ("Il Presidente del Coordinamento
/// Istituzionale", "Giovanni Rossi").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    pub role: String,
    pub name: String,
}

impl Signature {
    pub fn of(signatory: &concerto_domain::Signatory) -> Signature {
        Signature { role: signatory.role.clone(), name: signatory.name.clone() }
    }
}

/// A table as documents name it: "Tavolo 1: Le politiche familiari e la tutela dei
/// minori". Notices that title a table only by its number get its areas' names.
pub(crate) fn table_line(process: &concerto_domain::Process, table: &concerto_domain::Table) -> String {
    let generic = table.title.trim().is_empty() || table.title.trim() == format!("Tavolo {}", table.label);
    if generic {
        let areas: Vec<&str> =
            table.area_ids.iter().filter_map(|&id| process.area(id)).map(|a| a.name.as_str()).collect();
        return format!("Tavolo {}: {}", table.label, areas.join("; "));
    }
    if table.title.to_lowercase().starts_with("tavolo") {
        table.title.clone()
    } else {
        format!("Tavolo {}: {}", table.label, table.title)
    }
}

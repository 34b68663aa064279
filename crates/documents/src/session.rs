//! Documents of one session (incontro): the sign-in sheet (foglio firme) with the
//! registered representatives and blank rows for walk-ins, and the attendance
//! certificate (attestato di partecipazione) of one participant.

use chrono::NaiveDate;
use concerto_domain::{ExpressionStatus, Process, ReceivedExpression, Session, italian};
use serde::Serialize;

use crate::render::{RenderError, render, template};
use crate::{Letterhead, Signature};

/// A session as documents print it, in Italian formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionLine {
    pub title: String,
    /// "13/06/2022", or "da definire".
    pub date: String,
    /// "lunedì 13 giugno 2022", or "data da definire".
    pub long_date: String,
    /// "09:00–13:00", or empty.
    pub time: String,
    pub venue: Option<String>,
    /// "Tavolo 1: …" when the session is a table's meeting.
    pub table: Option<String>,
    pub invited: Option<String>,
}

impl SessionLine {
    pub fn of(process: &Process, session: &Session) -> SessionLine {
        SessionLine {
            title: session.title.clone(),
            date: session.date.map(italian::date).unwrap_or_else(|| "da definire".to_owned()),
            long_date: session.date.map(italian::long_date).unwrap_or_else(|| "data da definire".to_owned()),
            time: italian::time_range(session.start, session.end).unwrap_or_default(),
            venue: session.venue.clone(),
            table: session.table_id.and_then(|id| process.table(id)).map(|t| crate::table_line(process, t)),
            invited: session.invited.clone(),
        }
    }
}

/// A representative registered for a session through an expression of interest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendee {
    pub expression_id: i64,
    pub area_id: i64,
    pub name: String,
    /// The organization they represent; none for citizens applying for themselves.
    pub organization: Option<String>,
    /// The area they represent it at; empty at sessions of the whole process.
    pub area: String,
    /// Their personal check-in code (codice di accesso), once invited, and its QR
    /// symbol as SVG: the sign-in sheet prints both on their row.
    pub code: Option<String>,
    pub qr: Option<String>,
    /// The organization's tax code and the representative's e-mail, lowercased: the
    /// pair a check-in code belongs to.
    #[serde(skip)]
    pub tax_code: String,
    #[serde(skip)]
    pub email: String,
}

impl Attendee {
    /// The attendee holding the check-in code `code`.
    pub fn with_code(self, code: &str) -> Attendee {
        Attendee { code: Some(code.to_owned()), qr: qr_svg(code), ..self }
    }
}

/// The QR symbol of `code` as SVG, black on white with its quiet zone; none if the
/// code cannot be encoded (it always can: six characters of a fixed alphabet).
fn qr_svg(code: &str) -> Option<String> {
    use qrcode::render::svg;
    qrcode::QrCode::new(code.as_bytes()).ok().map(|qr| qr.render::<svg::Color<'_>>().quiet_zone(true).build())
}

/// The representatives of current expressions for the session's areas, by name. A
/// session bound to no area (a plenary) expects every representative, once each:
/// the same people `report::session_recipients` tells of a change.
pub fn attendees(process: &Process, session: &Session, expressions: &[ReceivedExpression]) -> Vec<Attendee> {
    let areas = &session.area_ids;
    let mut list: Vec<Attendee> = expressions
        .iter()
        .filter(|e| e.status == ExpressionStatus::Active && e.process_id == process.id)
        .flat_map(|e| e.expression.participations.iter().map(move |p| (e, p)))
        .filter(|(_, p)| areas.is_empty() || areas.contains(&p.area_id))
        .map(|(e, p)| {
            let applicant = &e.expression.applicant;
            Attendee {
                expression_id: e.id,
                area_id: p.area_id,
                name: p.representative.name.clone(),
                organization: (applicant.kind != concerto_domain::ApplicantKind::Citizen)
                    .then(|| applicant.name.clone()),
                area: process.area(p.area_id).map(|a| a.name.clone()).unwrap_or_default(),
                code: None,
                qr: None,
                tax_code: applicant.tax_code.to_string(),
                email: p.representative.email.trim().to_lowercase(),
            }
        })
        .collect();
    list.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.expression_id.cmp(&b.expression_id)));
    if areas.is_empty() {
        // One line per person and organization, whatever the number of areas.
        list.dedup_by(|a, b| a.expression_id == b.expression_id && a.name == b.name);
        // They come for the whole process, not for one area.
        list.iter_mut().for_each(|a| a.area.clear());
    }
    list
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignInSheet {
    pub letterhead: Letterhead,
    pub process_title: String,
    pub session: SessionLine,
    pub attendees: Vec<Attendee>,
    /// Empty rows after the registered ones, for people who come unannounced.
    pub blank_rows: usize,
    #[serde(skip)]
    pub date: NaiveDate,
}

/// Blank rows on every sheet: enough for a table's walk-ins, and the page filled.
const BLANK_ROWS: usize = 8;

impl SignInSheet {
    /// The sheet for `session`, made on `date`.
    pub fn new(process: &Process, session: &Session, attendees: Vec<Attendee>, date: NaiveDate) -> SignInSheet {
        SignInSheet {
            letterhead: Letterhead::of(&process.ambito),
            process_title: process.header.title.clone(),
            session: SessionLine::of(process, session),
            attendees,
            blank_rows: BLANK_ROWS,
            date: session.date.unwrap_or(date),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttendanceCertificate {
    pub letterhead: Letterhead,
    pub process_title: String,
    pub cycle: String,
    pub ambito: String,
    pub attendee: Attendee,
    pub session: SessionLine,
    pub signatory: Option<Signature>,
    /// "Casarano, 13/06/2022".
    pub place_and_date: String,
    #[serde(skip)]
    pub date: NaiveDate,
}

impl AttendanceCertificate {
    /// The certificate for `attendee` at `session`, issued on `date`.
    pub fn new(process: &Process, session: &Session, attendee: Attendee, date: NaiveDate) -> AttendanceCertificate {
        AttendanceCertificate {
            letterhead: Letterhead::of(&process.ambito),
            process_title: process.header.title.clone(),
            cycle: process.header.cycle.to_string(),
            ambito: process.ambito.full_name(),
            attendee,
            session: SessionLine::of(process, session),
            signatory: process.header.signatory.as_ref().map(Signature::of),
            place_and_date: format!("{}, {}", process.ambito.lead_municipality, italian::date(date)),
            date,
        }
    }
}

/// The sign-in sheet as a PDF/A-2b.
pub fn sign_in_sheet(sheet: &SignInSheet) -> Result<Vec<u8>, RenderError> {
    render(template!("sign_in_sheet"), sheet, &sheet.letterhead, sheet.date)
}

/// The attendance certificate as a PDF/A-2b.
pub fn attendance_certificate(certificate: &AttendanceCertificate) -> Result<Vec<u8>, RenderError> {
    render(template!("attendance_certificate"), certificate, &certificate.letterhead, certificate.date)
}

//! The messages Concerto sends, as plain Italian text (the invitation also as
//! HTML, with its QR image). Each template returns a
//! [`NewEmail`](concerto_store::NewEmail) ready for the outbox.

mod account;
mod meetings;
mod observatory;
mod pact;
mod password_reset;
mod receipt;
mod registration;
mod session_changed;
mod tables;

pub use account::{account_invitation, account_verification};
pub use meetings::{Reminder, SeatOffer, reminder, seat_offer, with_calendar};
pub use observatory::correction_decided;
pub use pact::{PactNotice, pact_step};
pub use password_reset::password_reset;
pub use receipt::{ReceiptEmail, expression_receipt};
pub use registration::{RegistrationRef, link_resent, registration_annulled};
pub use session_changed::{SessionChange, SessionSlot, session_changed};
pub use tables::{Invitation, OutcomeNotice, invitation, proposal_outcome};

use chrono::{DateTime, Utc};
use concerto_domain::{ROME, italian};

/// The closing every message shares: replies to a no-reply sender would be lost.
const AUTOMATIC_NOTICE: &str = "Questo messaggio è stato inviato automaticamente: si prega di non rispondere.";

/// Text for an HTML element or attribute.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `13/06/2022 alle 09:30`, in Rome whatever the server's zone.
fn rome_date_time(instant: DateTime<Utc>) -> String {
    let local = instant.with_timezone(&ROME);
    format!("{} alle {}", italian::date(local.date_naive()), italian::time(local.time()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_shown_in_rome_time_across_daylight_saving() {
        let winter = DateTime::parse_from_rfc3339("2026-01-15T08:30:00Z").expect("date").with_timezone(&Utc);
        let summer = DateTime::parse_from_rfc3339("2022-06-13T07:30:00Z").expect("date").with_timezone(&Utc);
        assert_eq!(rome_date_time(winter), "15/01/2026 alle 09:30");
        assert_eq!(rome_date_time(summer), "13/06/2022 alle 09:30");
    }
}

//! Outgoing mail for Concerto.
//!
//! The store writes each message into the outbox inside the transaction of the change
//! that causes it; this crate renders the messages ([`templates`]), sends them through
//! SMTP or as `.eml` files ([`Mailer`]), and drains the outbox with retries
//! ([`run_outbox_worker`], [`deliver_due`]).
//!
//! Delivery is at least once: a crash between sending and recording the send means the
//! message goes out again on restart. Its Message-ID is derived from the outbox's
//! deduplication key, so the receiver sees the same message twice, not two messages.

mod error;
mod message;
mod transport;
mod worker;

pub mod templates;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::MailError;
pub use transport::{MailConfig, Mailer};
pub use worker::{OutboxWaker, deliver_due, retry_delay, run_outbox_worker};

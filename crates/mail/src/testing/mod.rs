//! Test support for every crate that sends mail: a real SMTP server on 127.0.0.1
//! that records what it receives, and a reader for the messages it records or the
//! `.eml` files the file transport writes.

mod email;
mod sink;

pub use email::Email;
pub use sink::{ReceivedMessage, SmtpSink};

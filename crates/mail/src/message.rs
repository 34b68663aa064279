//! From an outbox row to an RFC 5322 message, and the names derived from its
//! deduplication key: the Message-ID and the `.eml` file name.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use concerto_store::{EmailAttachment, OutgoingEmail};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use crate::MailError;

/// Longest key part kept verbatim in a file name; longer keys are cut and carry a hash
/// of the whole key, so that names stay under the 255-byte limit of common filesystems.
const MAX_FILE_STEM: usize = 200;

/// Builds the message for `email`, dated `now`, with a Message-ID that depends only on
/// the deduplication key and the sender's domain. The domain keeps two deployments that
/// both number their receipts `2026/0000042` from sharing Message-IDs at one receiver.
pub(crate) fn build(email: &OutgoingEmail, from: &Mailbox, now: DateTime<Utc>) -> Result<Message, MailError> {
    let to: Mailbox = email.recipient.trim().parse().map_err(|e: lettre::address::AddressError| {
        MailError::InvalidAddress { address: email.recipient.clone(), reason: e.to_string() }
    })?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.as_str())
        .date(SystemTime::from(now))
        .message_id(Some(message_id(&email.dedup_key, from.email.domain())));
    let message = if email.html.is_none() && email.attachments.is_empty() {
        builder.header(ContentType::TEXT_PLAIN).body(email.body.clone())
    } else {
        builder.multipart(parts(email)?)
    };
    message.map_err(|e| MailError::Message(e.to_string()))
}

/// The MIME tree of a message with more than text: the text and its HTML as
/// alternatives, inside `multipart/related` with the images the HTML shows by
/// Content-ID, inside `multipart/mixed` with any other file.
fn parts(email: &OutgoingEmail) -> Result<MultiPart, MailError> {
    let text = SinglePart::plain(email.body.clone());
    // An iCalendar scheduling message (RFC 6047) is one more alternative of the
    // text, which calendar programs act on, rather than a file to open.
    let (calendars, others): (Vec<&EmailAttachment>, Vec<&EmailAttachment>) =
        email.attachments.iter().partition(|a| a.content_id.is_none() && a.content_type.starts_with("text/calendar"));
    let mut body = match (&email.html, calendars.is_empty()) {
        (Some(html), _) => MultiPart::alternative().singlepart(text).singlepart(SinglePart::html(html.clone())),
        (None, false) => MultiPart::alternative().singlepart(text),
        (None, true) => MultiPart::mixed().singlepart(text),
    };
    for c in calendars {
        body = body.singlepart(SinglePart::builder().header(content_type(c)?).body(c.content.clone()));
    }
    let (inline, files): (Vec<&EmailAttachment>, Vec<&EmailAttachment>) =
        others.into_iter().partition(|a| a.content_id.is_some());
    if !inline.is_empty() {
        body = inline.into_iter().try_fold(MultiPart::related().multipart(body), |related, a| {
            let id = a.content_id.clone().unwrap_or_default();
            Ok::<_, MailError>(related.singlepart(Attachment::new_inline(id).body(a.content.clone(), content_type(a)?)))
        })?;
    }
    if !files.is_empty() {
        body = files.into_iter().try_fold(MultiPart::mixed().multipart(body), |mixed, a| {
            Ok::<_, MailError>(
                mixed.singlepart(Attachment::new(a.file_name.clone()).body(a.content.clone(), content_type(a)?)),
            )
        })?;
    }
    Ok(body)
}

fn content_type(a: &EmailAttachment) -> Result<ContentType, MailError> {
    ContentType::parse(&a.content_type).map_err(|e| MailError::Message(format!("{}: {e}", a.content_type)))
}

/// `receipt:2026/0000042` -> `<receipt.2026-0000042@example.org>`.
pub(crate) fn message_id(dedup_key: &str, domain: &str) -> String {
    format!("<{}@{}>", key_token(dedup_key), domain)
}

/// `receipt:2026/0000042` -> `receipt.2026-0000042.eml`.
pub(crate) fn file_name(dedup_key: &str) -> String {
    let token = key_token(dedup_key);
    if token.len() <= MAX_FILE_STEM {
        return format!("{token}.eml");
    }
    // The token is ASCII, so any byte index is a char boundary.
    format!("{}={:016x}.eml", &token[..MAX_FILE_STEM], fnv1a(dedup_key.as_bytes()))
}

/// The key as a dot-atom that is also a safe file name: letters, digits and `_` stay,
/// `:` becomes `.` and `/` becomes `-` (the separators our keys use), and every other
/// byte, including a literal `.`, `-` or `=`, is written `=XX`. The mapping is
/// reversible, so two keys never share a token; a `:` that would leave a leading,
/// trailing or doubled dot (not allowed in a Message-ID) is escaped as well.
fn key_token(key: &str) -> String {
    let bytes = key.as_bytes();
    let mut out = String::with_capacity(key.len() + 8);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => out.push(char::from(b)),
            b'/' => out.push('-'),
            b':' if i > 0 && i + 1 < bytes.len() && bytes[i - 1] != b':' && bytes[i + 1] != b':' => out.push('.'),
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out
}

/// FNV-1a: a hash that is the same in every build, unlike std's `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing(recipient: &str) -> OutgoingEmail {
        OutgoingEmail {
            id: 1,
            dedup_key: "receipt:2026/0000042".into(),
            recipient: recipient.into(),
            subject: "Ricevuta – attività".into(),
            body: "Però è così.\n".into(),
            html: None,
            attachments: Vec::new(),
            attempts: 0,
        }
    }

    #[test]
    fn the_message_id_is_readable_and_derived_from_the_key() {
        assert_eq!(message_id("receipt:2026/0000042", "concerto.invalid"), "<receipt.2026-0000042@concerto.invalid>");
        assert_eq!(file_name("receipt:2026/0000042"), "receipt.2026-0000042.eml");
    }

    #[test]
    fn distinct_keys_never_share_a_token() {
        let keys = ["a:b", "a.b", "a/b", "a-b", "a=2Eb", "a::b", ":a", "a:", "a b", "à", "../x", ".."];
        let tokens: std::collections::HashSet<_> = keys.iter().map(|k| key_token(k)).collect();
        assert_eq!(tokens.len(), keys.len());
        for t in &tokens {
            assert!(t.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-=".contains(&b)), "{t}");
            assert!(!t.starts_with('.') && !t.ends_with('.') && !t.contains(".."), "{t}");
        }
    }

    #[test]
    fn long_keys_give_bounded_distinct_file_names() {
        let a = format!("session:{}", "x".repeat(400));
        let b = format!("session:{}y", "x".repeat(399));
        assert!(file_name(&a).len() < 255);
        assert_ne!(file_name(&a), file_name(&b));
    }

    #[test]
    fn a_built_message_carries_the_headers() {
        let from: Mailbox = "Concerto <noreply@concerto.invalid>".parse().expect("valid sender");
        let now = DateTime::parse_from_rfc3339("2026-03-02T08:30:00Z").expect("date").with_timezone(&Utc);
        let text = String::from_utf8(build(&outgoing("ente@example.org"), &from, now).expect("builds").formatted())
            .expect("ASCII on the wire");
        assert!(text.contains("Message-ID: <receipt.2026-0000042@concerto.invalid>\r\n"), "{text}");
        assert!(text.contains("Date: Mon, 02 Mar 2026 08:30:00 +0000\r\n"), "{text}");
        assert!(text.contains("To: ente@example.org\r\n"), "{text}");
        assert!(text.contains("Content-Type: text/plain; charset=utf-8\r\n"), "{text}");
    }

    #[test]
    fn html_and_an_inline_image_make_a_related_alternative() {
        let from: Mailbox = "noreply@concerto.invalid".parse().expect("valid sender");
        let mut email = outgoing("ente@example.org");
        email.html = Some("<p>Però <img src=\"cid:qr@concerto\"></p>".into());
        email.attachments.push(EmailAttachment {
            content_id: Some("qr@concerto".into()),
            file_name: "qr.png".into(),
            content_type: "image/png".into(),
            content: b"\x89PNG".to_vec(),
        });
        let text = String::from_utf8(build(&email, &from, Utc::now()).expect("builds").formatted()).expect("ASCII");
        let related = text.find("multipart/related").expect("related");
        let alternative = text.find("multipart/alternative").expect("alternative");
        assert!(related < alternative, "{text}");
        assert!(
            text.contains("Content-Type: text/plain; charset=utf-8")
                && text.contains("Content-Type: text/html; charset=utf-8")
        );
        assert!(text.contains("Content-ID: <qr@concerto>") && text.contains("Content-Disposition: inline"), "{text}");
        email.attachments[0].content_type = "no type".into();
        assert!(build(&email, &from, Utc::now()).is_err(), "a bad content type is refused");
    }

    #[test]
    fn an_invalid_recipient_is_a_permanent_error() {
        let from: Mailbox = "noreply@concerto.invalid".parse().expect("valid sender");
        let err = build(&outgoing("not an address"), &from, Utc::now()).expect_err("rejected");
        assert!(err.is_permanent(), "{err}");
    }
}

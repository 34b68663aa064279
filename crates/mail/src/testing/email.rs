//! Just enough MIME to read back what lettre writes: unfolded headers, RFC 2047
//! encoded-words (B and Q), bodies in quoted-printable, base64 or plain 7/8 bit,
//! and the parts of a multipart message.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// A message as received or written, with accessors that decode it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    raw: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Email {
    pub fn parse(raw: impl Into<String>) -> Email {
        let raw = raw.into();
        let (head, body) = raw.split_once("\r\n\r\n").or_else(|| raw.split_once("\n\n")).unwrap_or((raw.as_str(), ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push_str(line);
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        let body = body.to_owned();
        Email { raw, headers, body }
    }

    /// The message exactly as it arrived.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The first header of that name, unfolded but not decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn message_id(&self) -> Option<&str> {
        self.header("Message-ID")
    }

    pub fn subject(&self) -> Option<String> {
        self.header("Subject").map(decode_words)
    }

    pub fn to(&self) -> Option<String> {
        self.header("To").map(decode_words)
    }

    pub fn from(&self) -> Option<String> {
        self.header("From").map(decode_words)
    }

    /// The body decoded to text, with `\n` line ends as the template wrote them; of
    /// a multipart message, its first `text/plain` part.
    pub fn text_body(&self) -> String {
        if self.boundary().is_some() {
            return self
                .parts()
                .iter()
                .find(|p| p.content_type().starts_with("text/plain"))
                .map(Email::text_body)
                .unwrap_or_default();
        }
        String::from_utf8_lossy(&self.decoded()).replace("\r\n", "\n")
    }

    /// The media type, lowercased, without parameters: `text/plain` when absent.
    pub fn content_type(&self) -> String {
        let value = self.header("Content-Type").unwrap_or("text/plain");
        value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
    }

    /// The body's bytes, its transfer encoding undone.
    pub fn decoded(&self) -> Vec<u8> {
        let encoding = self.header("Content-Transfer-Encoding").unwrap_or("7bit").to_ascii_lowercase();
        match encoding.as_str() {
            "quoted-printable" => quoted_printable::decode(self.body.as_bytes(), quoted_printable::ParseMode::Robust)
                .unwrap_or_else(|_| self.body.clone().into_bytes()),
            "base64" => {
                let compact: String = self.body.chars().filter(|c| !c.is_whitespace()).collect();
                STANDARD.decode(compact).unwrap_or_else(|_| self.body.clone().into_bytes())
            }
            _ => self.body.clone().into_bytes(),
        }
    }

    /// The leaf parts of a multipart message, nested multiparts opened, in order;
    /// none for a single-part message.
    pub fn parts(&self) -> Vec<Email> {
        let Some(boundary) = self.boundary() else { return Vec::new() };
        let delimiter = format!("--{boundary}");
        self.body
            .split(delimiter.as_str())
            .skip(1)
            .take_while(|p| !p.starts_with("--"))
            .flat_map(|p| {
                let part = Email::parse(p.trim_start_matches(['\r', '\n']));
                let nested = part.parts();
                if nested.is_empty() { vec![part] } else { nested }
            })
            .collect()
    }

    fn boundary(&self) -> Option<String> {
        let value = self.header("Content-Type")?;
        if !value.trim_start().to_ascii_lowercase().starts_with("multipart/") {
            return None;
        }
        let (_, rest) = value.split_once("boundary=")?;
        let rest = rest.trim_start();
        Some(match rest.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next()?.to_owned(),
            None => rest.split([';', ' ']).next()?.to_owned(),
        })
    }
}

/// Decodes RFC 2047 encoded-words, joining adjacent ones (the space between them is
/// not part of the text, and a character may be split across two words).
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut gap = "";
    let mut rest = value;
    while let Some(c) = rest.chars().next() {
        if let Some((bytes, after)) = encoded_word(rest) {
            pending.extend(bytes);
            let trimmed = after.trim_start_matches([' ', '\t']);
            gap = &after[..after.len() - trimmed.len()];
            rest = trimmed;
            continue;
        }
        out.push_str(&String::from_utf8_lossy(&std::mem::take(&mut pending)));
        out.push_str(gap);
        gap = "";
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(&String::from_utf8_lossy(&pending));
    out.push_str(gap);
    out
}

/// `=?utf-8?B?...?=` or `=?utf-8?Q?...?=` at the start of `s`: its bytes and the rest.
fn encoded_word(s: &str) -> Option<(Vec<u8>, &str)> {
    let inner = s.strip_prefix("=?")?;
    let (_charset, inner) = inner.split_once('?')?;
    let (encoding, inner) = inner.split_once('?')?;
    let (text, rest) = inner.split_once("?=")?;
    if text.contains([' ', '\t', '?']) {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => STANDARD.decode(text).ok()?,
        "Q" | "q" => decode_q(text)?,
        _ => return None,
    };
    Some((bytes, rest))
}

fn decode_q(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = [bytes.next()?, bytes.next()?];
                out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            _ => out.push(b),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_in_both_encodings_are_decoded() {
        assert_eq!(decode_words("=?utf-8?b?UGVyw7I=?= =?utf-8?q?_=C3=A8_cos=C3=AC?= fine"), "Però è così fine");
        assert_eq!(decode_words("plain text"), "plain text");
        assert_eq!(decode_words("=?UTF-8?B?w6A=?=\t=?UTF-8?B?w6A=?="), "àà");
        // A multi-byte character split across two words.
        assert_eq!(decode_words("=?utf-8?q?=C3?= =?utf-8?q?=A0?="), "à");
    }

    #[test]
    fn bodies_in_each_transfer_encoding_are_decoded() {
        let qp = Email::parse("Content-Transfer-Encoding: quoted-printable\r\n\r\nPer=C3=B2 =\r\n=C3=A8\r\nok\r\n");
        assert_eq!(qp.text_body(), "Però è\nok\n");
        let b64 = Email::parse("Content-Transfer-Encoding: base64\r\n\r\nUGVyw7Ig\r\nw6gK\r\n");
        assert_eq!(b64.text_body(), "Però è\n");
        let plain = Email::parse("Subject: x\r\n folded\r\n\r\nhi\r\n");
        assert_eq!(plain.header("subject"), Some("x folded"));
        assert_eq!(plain.text_body(), "hi\n");
    }
}

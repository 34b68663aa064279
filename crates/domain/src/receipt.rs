//! What the Ambito gives back for a received document: a protocol number, the
//! time of receipt and a fingerprint of exactly what was received.

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Expression, ROME};

/// A protocol number (numero di protocollo): progressive per Ambito, at least seven
/// digits, restarting each calendar year in Rome. Written `2026/0000042`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProtocolNumber {
    pub year: i32,
    pub sequence: i64,
}

impl ProtocolNumber {
    /// The register's year for a document received at `instant`.
    pub fn year_of(instant: DateTime<Utc>) -> i32 {
        instant.with_timezone(&ROME).year()
    }
}

impl std::fmt::Display for ProtocolNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{:07}", self.year, self.sequence)
    }
}

/// Where an expression stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpressionStatus {
    /// The applicant's current expression in the process.
    Active,
    /// Replaced by a later amendment; kept for the history.
    Superseded,
    /// Withdrawn by the applicant.
    Withdrawn,
    /// Annulled by the office (annullata, DPR 445/2000 art. 54): its number stays in
    /// the register with who annulled it, when and why.
    Annulled,
}

codes!(ExpressionStatus { Active => "active", Superseded => "superseded", Withdrawn => "withdrawn", Annulled => "annulled" });

/// An expression as the Ambito received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedExpression {
    pub id: i64,
    pub process_id: i64,
    #[serde(serialize_with = "serialize_display")]
    pub protocol: ProtocolNumber,
    pub received_at: DateTime<Utc>,
    pub status: ExpressionStatus,
    pub sha256: String,
    pub expression: Expression,
}

fn serialize_display<S: serde::Serializer>(p: &ProtocolNumber, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(p)
}

/// The exact text whose SHA-256 the receipt carries: the process, the protocol
/// number, the instant of receipt and every validated field, as JSON with a fixed
/// field order.
pub fn canonical_submission(
    process_slug: &str,
    protocol: ProtocolNumber,
    received_at: DateTime<Utc>,
    expression: &Expression,
) -> String {
    #[derive(Serialize)]
    struct Canonical<'a> {
        process: &'a str,
        protocol_number: String,
        received_at: String,
        expression: &'a Expression,
    }
    let canonical = Canonical {
        process: process_slug,
        protocol_number: protocol.to_string(),
        received_at: received_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        expression,
    };
    // Serializing plain structs of strings, numbers and dates cannot fail.
    serde_json::to_string(&canonical).unwrap_or_default()
}

/// What a year of a protocol register looks like: numbers from 1 with no gaps and
/// no number given twice is the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterCheck {
    pub count: usize,
    pub last: i64,
    /// Numbers missing between 1 and the last one given.
    pub gaps: Vec<i64>,
    pub duplicates: Vec<i64>,
}

impl RegisterCheck {
    pub fn of(sequences: &[i64]) -> RegisterCheck {
        let mut sorted = sequences.to_vec();
        sorted.sort_unstable();
        let mut duplicates: Vec<i64> = sorted.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
        duplicates.dedup();
        let last = sorted.last().copied().unwrap_or(0);
        let mut present = sorted.iter().peekable();
        let mut gaps = Vec::new();
        for n in 1..=last {
            while present.next_if(|&&x| x < n).is_some() {}
            if present.peek() != Some(&&n) {
                gaps.push(n);
            }
        }
        RegisterCheck { count: sequences.len(), last, gaps, duplicates }
    }

    pub fn is_sound(&self) -> bool {
        self.gaps.is_empty() && self.duplicates.is_empty()
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_numbers_have_seven_digits_and_the_year() {
        assert_eq!(ProtocolNumber { year: 2026, sequence: 42 }.to_string(), "2026/0000042");
        assert_eq!(ProtocolNumber { year: 2026, sequence: 12_345_678 }.to_string(), "2026/12345678");
    }

    #[test]
    fn the_register_year_is_romes() {
        // 23:30 UTC on New Year's Eve is already the new year in Rome.
        let instant: DateTime<Utc> = "2026-12-31T23:30:00Z".parse().unwrap();
        assert_eq!(ProtocolNumber::year_of(instant), 2027);
    }

    #[test]
    fn the_register_check_finds_gaps_and_duplicates() {
        assert!(RegisterCheck::of(&[3, 1, 2]).is_sound());
        let check = RegisterCheck::of(&[1, 2, 2, 5]);
        assert_eq!(check.gaps, [3, 4]);
        assert_eq!(check.duplicates, [2]);
        assert_eq!((check.count, check.last), (4, 5));
        assert!(RegisterCheck::of(&[]).is_sound());
    }

    #[test]
    fn sha256_is_the_standard_digest() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}

//! The audit log of the plan-office workspace: who changed what, when, and the
//! state before and after. It is append-only and hash-chained: each entry's hash
//! covers the hash of the entry before it, so altering, removing or reordering an
//! entry breaks the chain there, and the first break names the entry touched.
//!
//! The chain alone cannot show that its last entries were deleted: what remains
//! is still a valid chain. The store therefore records the head of the chain (the
//! last sequence number and hash) apart from the entries, in the same transaction
//! as each append, and [`ChainVerifier::finish`] compares the two.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::sha256_hex;

/// The previous hash of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Who made it: "account:12", "system", "cli".
    pub actor: String,
    pub at: DateTime<Utc>,
    /// What was done: "process.publish".
    pub action: String,
    /// What it was done to: "process:casarano-2022-2024".
    pub subject: String,
    /// The Ambito's slug, so that an office sees the history of its own Ambito.
    pub ambito: Option<String>,
    /// The state before the change, as JSON text.
    pub before: Option<String>,
    /// The state after the change, as JSON text.
    pub after: Option<String>,
}

/// An entry as the log holds it: its place in the chain and the hashes that bind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAuditEntry {
    /// 1, 2, 3… with no gaps.
    pub sequence: i64,
    pub entry: AuditEntry,
    pub previous_hash: String,
    pub hash: String,
}

/// The end of a chain: the last sequence number and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub sequence: i64,
    pub hash: String,
}

impl ChainHead {
    /// The head of an empty chain.
    pub fn genesis() -> ChainHead {
        ChainHead { sequence: 0, hash: GENESIS_HASH.to_string() }
    }
}

/// The hash of entry number `sequence`: lower-case hex SHA-256 of a JSON array of
/// the previous hash, the sequence and every field. JSON quotes and escapes each
/// string and writes an absent field as `null`, so moving text from one field to
/// another, or an absent field becoming empty, changes the hash. The instant counts
/// to the microsecond, the precision both databases keep.
pub fn chain_hash(previous_hash: &str, sequence: i64, entry: &AuditEntry) -> String {
    let canonical = serde_json::json!([
        "concerto-audit-v1",
        previous_hash,
        sequence,
        entry.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        entry.actor,
        entry.action,
        entry.subject,
        entry.ambito,
        entry.before,
        entry.after,
    ]);
    sha256_hex(canonical.to_string().as_bytes())
}

/// Where a chain stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The entry named: the one altered, missing or out of place.
    pub sequence: i64,
    /// The named entry's action and subject, when it is there to read.
    pub entry: Option<EntryLabel>,
    pub reason: BreakReason,
}

/// What identifies an entry to a person reading a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryLabel {
    pub action: String,
    pub subject: String,
}

impl From<&AuditEntry> for EntryLabel {
    fn from(entry: &AuditEntry) -> EntryLabel {
        EntryLabel { action: entry.action.clone(), subject: entry.subject.clone() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreakReason {
    /// The entry's hash does not match its content.
    #[error("è stata alterata: la sua impronta non corrisponde al contenuto")]
    Altered,
    /// The entry is intact but does not carry the previous entry's hash: one of the
    /// two was rewritten with a recomputed hash.
    #[error("non è legata alla voce precedente: una delle due è stata riscritta")]
    BrokenLink,
    /// Another entry stands where this one should.
    #[error("manca o è fuori posto: al suo posto si trova la n. {found}")]
    OutOfSequence { found: i64 },
    /// The head records entries up to `through`, the log stops before this one.
    #[error("è stata cancellata: il registro arriva alla n. {through}, le voci dalla presente in poi mancano")]
    Deleted { through: i64 },
    /// The log goes on past the head: entries were added outside the log's writer.
    #[error("non risulta nel registro, che si ferma alla n. {head}: è stata aggiunta a mano")]
    NotRecorded { head: i64 },
    /// The last entry and the recorded head disagree on its hash.
    #[error("non corrisponde all'ultima impronta registrata: la voce o il registro sono stati riscritti")]
    HeadMismatch,
    /// The stored row cannot be read back as an entry.
    #[error("è illeggibile: {detail}")]
    Unreadable { detail: String },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "la voce n. {}", self.sequence)?;
        if let Some(label) = &self.entry {
            write!(f, " ({}, {})", label.action, label.subject)?;
        }
        write!(f, " {}", self.reason)
    }
}

impl std::error::Error for ChainBreak {}

/// Checks a chain one entry at a time, in sequence order, so that a log of any
/// length is checked without holding it in memory.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    checked: usize,
    last: Option<StoredAuditEntry>,
}

impl ChainVerifier {
    /// Accepts the next entry, or names the first break.
    pub fn push(&mut self, stored: StoredAuditEntry) -> Result<(), ChainBreak> {
        let expected = self.last.as_ref().map_or(1, |last| last.sequence + 1);
        if stored.sequence != expected {
            // The entry at hand is not the one named, so it does not label the break.
            return Err(ChainBreak {
                sequence: expected,
                entry: None,
                reason: BreakReason::OutOfSequence { found: stored.sequence },
            });
        }
        // The entry's own hash first: a single altered field, the link included, then
        // names this entry rather than the next one.
        let reason = if chain_hash(&stored.previous_hash, stored.sequence, &stored.entry) != stored.hash {
            Some(BreakReason::Altered)
        } else if stored.previous_hash != self.last.as_ref().map_or(GENESIS_HASH, |last| last.hash.as_str()) {
            Some(BreakReason::BrokenLink)
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(ChainBreak { sequence: stored.sequence, entry: Some((&stored.entry).into()), reason });
        }
        self.checked += 1;
        self.last = Some(stored);
        Ok(())
    }

    /// How many entries were accepted.
    pub fn checked(&self) -> usize {
        self.checked
    }

    /// The last accepted entry's sequence and hash.
    pub fn last(&self) -> ChainHead {
        self.last
            .as_ref()
            .map_or_else(ChainHead::genesis, |last| ChainHead { sequence: last.sequence, hash: last.hash.clone() })
    }

    /// Compares the end of the chain with the head recorded apart from it: this is
    /// what shows that the last entries were deleted.
    pub fn finish(&self, recorded: &ChainHead) -> Result<(), ChainBreak> {
        let last = self.last();
        let (sequence, reason) = if recorded.sequence > last.sequence {
            (last.sequence + 1, BreakReason::Deleted { through: recorded.sequence })
        } else if recorded.sequence < last.sequence {
            (recorded.sequence + 1, BreakReason::NotRecorded { head: recorded.sequence })
        } else if recorded.hash != last.hash {
            (last.sequence, BreakReason::HeadMismatch)
        } else {
            return Ok(());
        };
        let entry = self.last.as_ref().filter(|e| e.sequence == sequence).map(|e| (&e.entry).into());
        Err(ChainBreak { sequence, entry, reason })
    }
}

/// Checks a whole chain from its first entry and counts its entries. A chain whose
/// last entries were deleted still passes: see [`ChainVerifier::finish`].
pub fn verify_chain(entries: impl IntoIterator<Item = StoredAuditEntry>) -> Result<usize, ChainBreak> {
    let mut verifier = ChainVerifier::default();
    for stored in entries {
        verifier.push(stored)?;
    }
    Ok(verifier.checked())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn instant(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn entry(n: i64) -> AuditEntry {
        AuditEntry {
            actor: format!("account:{n}"),
            at: instant("2026-03-02T09:15:00.123456Z") + chrono::Duration::seconds(n),
            action: "process.publish".into(),
            subject: format!("process:casarano-{n}"),
            ambito: Some("casarano".into()),
            before: Some(r#"{"status":"draft"}"#.into()),
            after: Some(r#"{"status":"published"}"#.into()),
        }
    }

    /// A valid chain of the given entries, numbered from 1.
    fn chain(entries: Vec<AuditEntry>) -> Vec<StoredAuditEntry> {
        let mut previous = GENESIS_HASH.to_string();
        let mut chain = Vec::new();
        for (i, entry) in entries.into_iter().enumerate() {
            let sequence = i as i64 + 1;
            let hash = chain_hash(&previous, sequence, &entry);
            chain.push(StoredAuditEntry { sequence, entry, previous_hash: previous, hash: hash.clone() });
            previous = hash;
        }
        chain
    }

    fn chain_of(n: i64) -> Vec<StoredAuditEntry> {
        chain((1..=n).map(entry).collect())
    }

    fn first_break(entries: Vec<StoredAuditEntry>) -> ChainBreak {
        verify_chain(entries).expect_err("the chain is broken")
    }

    #[test]
    fn a_built_chain_verifies_and_counts_its_entries() {
        assert_eq!(verify_chain(chain_of(5)), Ok(5));
        assert_eq!(verify_chain(Vec::new()), Ok(0));
        let first = &chain_of(1)[0];
        assert_eq!(first.previous_hash, GENESIS_HASH);
        assert_eq!(GENESIS_HASH.len(), 64);
        assert!(first.hash.len() == 64 && first.hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let base = AuditEntry { actor: "ab".into(), action: "c".into(), ..entry(1) };
        let moved = AuditEntry { actor: "a".into(), action: "bc".into(), ..entry(1) };
        assert_ne!(chain_hash(GENESIS_HASH, 1, &base), chain_hash(GENESIS_HASH, 1, &moved));
        let empty = AuditEntry { ambito: Some(String::new()), ..entry(1) };
        let absent = AuditEntry { ambito: None, ..entry(1) };
        assert_ne!(chain_hash(GENESIS_HASH, 1, &empty), chain_hash(GENESIS_HASH, 1, &absent));
        let quoted = AuditEntry { before: Some(r#"a","b"#.into()), after: None, ..entry(1) };
        let split = AuditEntry { before: Some("a".into()), after: Some("b".into()), ..entry(1) };
        assert_ne!(chain_hash(GENESIS_HASH, 1, &quoted), chain_hash(GENESIS_HASH, 1, &split));
        assert_ne!(chain_hash(GENESIS_HASH, 1, &base), chain_hash(GENESIS_HASH, 2, &base));
    }

    #[test]
    fn the_instant_counts_to_the_microsecond() {
        let e = entry(1);
        let later = AuditEntry { at: e.at + chrono::Duration::microseconds(1), ..e.clone() };
        assert_ne!(chain_hash(GENESIS_HASH, 1, &e), chain_hash(GENESIS_HASH, 1, &later));
        // Below the microsecond nothing is kept by PostgreSQL, so nothing is hashed.
        let nanos = AuditEntry { at: e.at + chrono::Duration::nanoseconds(1), ..e.clone() };
        assert_eq!(chain_hash(GENESIS_HASH, 1, &e), chain_hash(GENESIS_HASH, 1, &nanos));
    }

    #[test]
    fn an_altered_field_names_its_entry() {
        let mut entries = chain_of(4);
        entries[2].entry.after = Some(r#"{"status":"cancelled"}"#.into());
        let found = first_break(entries);
        assert_eq!((found.sequence, &found.reason), (3, &BreakReason::Altered));
        assert_eq!(found.entry.map(|l| l.subject), Some("process:casarano-3".to_string()));
    }

    #[test]
    fn a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link() {
        let mut entries = chain_of(4);
        let forged = AuditEntry { actor: "account:99".into(), ..entries[1].entry.clone() };
        entries[1].hash = chain_hash(&entries[1].previous_hash, 2, &forged);
        entries[1].entry = forged;
        let found = first_break(entries);
        assert_eq!((found.sequence, found.reason), (3, BreakReason::BrokenLink));
    }

    #[test]
    fn a_gap_names_the_missing_entry() {
        let mut entries = chain_of(4);
        entries.remove(1);
        let found = first_break(entries);
        assert_eq!((found.sequence, found.entry, found.reason), (2, None, BreakReason::OutOfSequence { found: 3 }));
    }

    #[test]
    fn a_reordering_names_the_entry_out_of_place() {
        let mut entries = chain_of(4);
        entries.swap(1, 2);
        assert_eq!(first_break(entries).reason, BreakReason::OutOfSequence { found: 3 });
        let mut renumbered = chain_of(3);
        renumbered[0].sequence = 0;
        assert_eq!(first_break(renumbered).sequence, 1);
    }

    #[test]
    fn a_deleted_last_entry_shows_only_against_the_recorded_head() {
        let entries = chain_of(4);
        let recorded = ChainHead { sequence: 4, hash: entries[3].hash.clone() };
        let mut verifier = ChainVerifier::default();
        for stored in entries.into_iter().take(3) {
            verifier.push(stored).unwrap();
        }
        // What remains is a valid chain: the chain alone cannot tell.
        assert_eq!(verifier.checked(), 3);
        let found = verifier.finish(&recorded).unwrap_err();
        assert_eq!((found.sequence, found.reason), (4, BreakReason::Deleted { through: 4 }));
    }

    #[test]
    fn the_recorded_head_must_match_the_last_entry() {
        let mut verifier = ChainVerifier::default();
        for stored in chain_of(3) {
            verifier.push(stored).unwrap();
        }
        assert_eq!(verifier.finish(&verifier.last()), Ok(()));
        let behind = ChainHead { sequence: 2, hash: "x".into() };
        assert_eq!(verifier.finish(&behind).unwrap_err().reason, BreakReason::NotRecorded { head: 2 });
        let rewritten = ChainHead { sequence: 3, hash: GENESIS_HASH.into() };
        let found = verifier.finish(&rewritten).unwrap_err();
        assert_eq!((found.sequence, found.reason), (3, BreakReason::HeadMismatch));
        assert_eq!(ChainVerifier::default().finish(&ChainHead::genesis()), Ok(()));
    }

    #[test]
    fn a_break_reads_in_italian_with_the_entry_named() {
        let mut entries = chain_of(42);
        entries[41].entry.actor = "account:1".into();
        assert_eq!(
            first_break(entries).to_string(),
            "la voce n. 42 (process.publish, process:casarano-42) è stata alterata: \
             la sua impronta non corrisponde al contenuto"
        );
        let missing = ChainBreak { sequence: 7, entry: None, reason: BreakReason::OutOfSequence { found: 8 } };
        assert_eq!(missing.to_string(), "la voce n. 7 manca o è fuori posto: al suo posto si trova la n. 8");
    }

    fn arbitrary_entry() -> impl Strategy<Value = AuditEntry> {
        let text = "[ -~]{1,12}";
        let optional = proptest::option::of(text);
        (text, 0i64..4_000_000_000_000_000, text, text, optional.clone(), optional.clone(), optional).prop_map(
            |(actor, micros, action, subject, ambito, before, after)| AuditEntry {
                actor,
                at: DateTime::from_timestamp_micros(micros).unwrap(),
                action,
                subject,
                ambito,
                before,
                after,
            },
        )
    }

    /// Changes one byte of `text` to another printable byte; makes an absent field present.
    fn change_byte(text: &mut Option<String>, position: usize, delta: u8) {
        match text {
            Some(t) => change_string_byte(t, position, delta),
            None => *text = Some(char::from(b' ' + delta).to_string()),
        }
    }

    fn change_string_byte(text: &mut String, position: usize, delta: u8) {
        let mut bytes = std::mem::take(text).into_bytes();
        let i = position % bytes.len();
        // Printable ASCII spans 95 bytes from the space; a delta of 1..95 always changes it.
        bytes[i] = b' ' + (bytes[i] - b' ' + delta) % 95;
        *text = String::from_utf8(bytes).unwrap();
    }

    proptest! {
        #[test]
        fn any_single_byte_change_is_caught_at_its_entry(
            entries in proptest::collection::vec(arbitrary_entry(), 1..8),
            which in any::<prop::sample::Index>(),
            field in 0usize..10,
            position in any::<usize>(),
            delta in 1u8..95,
        ) {
            let mut chain = chain(entries);
            prop_assert_eq!(verify_chain(chain.clone()), Ok(chain.len()));
            let k = which.index(chain.len());
            let target = &mut chain[k];
            match field {
                0 => change_string_byte(&mut target.entry.actor, position, delta),
                1 => change_string_byte(&mut target.entry.action, position, delta),
                2 => change_string_byte(&mut target.entry.subject, position, delta),
                3 => change_byte(&mut target.entry.ambito, position, delta),
                4 => change_byte(&mut target.entry.before, position, delta),
                5 => change_byte(&mut target.entry.after, position, delta),
                6 => target.entry.at += chrono::Duration::microseconds(i64::from(delta)),
                7 => change_string_byte(&mut target.previous_hash, position, delta),
                8 => change_string_byte(&mut target.hash, position, delta),
                _ => target.sequence += i64::from(delta),
            }
            let found = verify_chain(chain).expect_err("the change is caught");
            prop_assert_eq!(found.sequence, k as i64 + 1);
        }
    }
}

//! The audit entries of workspace changes: who, when, what, before and after.

use concerto_domain::{AuditEntry, Principal, Process};
use serde::Serialize;

/// An entry for a change made by `who` to something of `process`'s Ambito; `before`
/// and `after` are recorded as JSON.
pub fn entry(
    who: &Principal,
    at: chrono::DateTime<chrono::Utc>,
    action: &str,
    subject: String,
    ambito: &str,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
) -> AuditEntry {
    AuditEntry {
        actor: format!("account:{} <{}>", who.account_id, who.email),
        at,
        action: action.to_string(),
        subject,
        ambito: Some(ambito.to_string()),
        before: before.and_then(|v| serde_json::to_string(v).ok()),
        after: after.and_then(|v| serde_json::to_string(v).ok()),
    }
}

pub fn process_subject(process: &Process) -> String {
    format!("process:{}", process.header.slug)
}

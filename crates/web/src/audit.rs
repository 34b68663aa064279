//! The audit entries of changes made in the workspace or through a management link:
//! who, when, what, before and after.

use concerto_domain::{AuditEntry, Principal, Process, ReceivedExpression};
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

/// The audit entry of a change made through a management link.
pub fn participant_entry(
    e: &ReceivedExpression,
    at: chrono::DateTime<chrono::Utc>,
    action: &str,
    subject: String,
    ambito: &str,
    after: &impl serde::Serialize,
) -> AuditEntry {
    AuditEntry {
        actor: format!("expression:{} <{}>", e.protocol, e.expression.applicant.tax_code),
        at,
        action: action.to_string(),
        subject,
        ambito: Some(ambito.to_string()),
        before: None,
        after: serde_json::to_string(after).ok(),
    }
}

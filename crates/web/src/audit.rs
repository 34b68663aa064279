//! The audit entries of changes made in the workspace or through a management link:
//! who, when, what, before and after.

use chrono::{DateTime, Utc};
use concerto_domain::{AuditEntry, Principal, Process, ReceivedExpression, Session};
use serde::Serialize;

/// An entry for a change made by `who` to something of `process`'s Ambito; `before`
/// and `after` are recorded as JSON.
pub fn entry(
    who: &Principal,
    at: DateTime<Utc>,
    action: &str,
    subject: String,
    ambito: &str,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
) -> AuditEntry {
    Auditor::new(who, at, ambito, subject).change(action, before, after)
}

/// The entries of one request to the workspace: who, when, in which Ambito and about
/// what are fixed once, so that each change names only its action and its values.
pub struct Auditor {
    actor: String,
    at: DateTime<Utc>,
    ambito: String,
    subject: String,
}

impl Auditor {
    pub fn new(who: &Principal, at: DateTime<Utc>, ambito: &str, subject: String) -> Self {
        Auditor {
            actor: format!("account:{} <{}>", who.account_id, who.email),
            at,
            ambito: ambito.to_string(),
            subject,
        }
    }

    /// The same request's entries about another subject.
    pub fn about(&self, subject: String) -> Self {
        Auditor { subject, actor: self.actor.clone(), ambito: self.ambito.clone(), ..*self }
    }

    /// A change recorded by what it made.
    pub fn after(&self, action: &str, after: &impl Serialize) -> AuditEntry {
        self.change(action, None::<&()>, Some(after))
    }

    /// A change recorded by what there was before it, and what it made.
    pub fn change(&self, action: &str, before: Option<&impl Serialize>, after: Option<&impl Serialize>) -> AuditEntry {
        AuditEntry {
            actor: self.actor.clone(),
            at: self.at,
            action: action.to_string(),
            subject: self.subject.clone(),
            ambito: Some(self.ambito.clone()),
            before: before.and_then(|v| serde_json::to_string(v).ok()),
            after: after.and_then(|v| serde_json::to_string(v).ok()),
        }
    }
}

pub fn process_subject(process: &Process) -> String {
    format!("process:{}", process.header.slug)
}

pub fn session_subject(process: &Process, session: &Session) -> String {
    format!("session:{}:{}", process.header.slug, session.id)
}

/// The audit entry of a change made through a management link.
pub fn participant_entry(
    e: &ReceivedExpression,
    at: DateTime<Utc>,
    action: &str,
    subject: String,
    ambito: &str,
    after: &impl Serialize,
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

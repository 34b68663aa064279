//! "Aggiornato il …": what the office changed in a published process since its
//! publication, from the audit log, in words a reader follows (issue 22).

use concerto_domain::{Process, ROME, italian};
use concerto_store::ProcessChange;

use crate::i18n::Locale;

/// The update note of the process page.
pub struct UpdateView {
    pub date: String,
    pub time: String,
    pub iso: String,
    /// What changed, one line per part, newest first.
    pub changes: Vec<String>,
}

/// At most this many lines; the rest is summed up by the date.
const MAX_LINES: usize = 8;

/// The changes since the last publication (all of them when the log has none, as
/// for a process created published), or None when nothing changed since.
pub fn since_publication(changes: &[ProcessChange], process: &Process, locale: Locale) -> Option<UpdateView> {
    let since: Vec<&ProcessChange> = changes
        .iter()
        .take_while(|c| !(c.action == "process.status" && c.after.as_deref().is_some_and(|a| a.contains("published"))))
        .filter(|c| c.action != "process.status")
        .collect();
    let latest = since.first()?;
    let mut lines: Vec<String> = Vec::new();
    for c in &since {
        let line = describe(c, process, locale);
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines.truncate(MAX_LINES);
    let local = latest.at.with_timezone(&ROME);
    Some(UpdateView {
        date: italian::date(local.date_naive()),
        time: italian::time(local.time()),
        iso: local.to_rfc3339(),
        changes: lines,
    })
}

/// One change in words: a session by its title, other parts by their kind.
fn describe(c: &ProcessChange, process: &Process, locale: Locale) -> String {
    let (part, verb) = c.action.split_once('.').unwrap_or((c.action.as_str(), ""));
    let id = c.subject.rsplit(':').next().and_then(|id| id.parse::<i64>().ok());
    match part {
        "session" => {
            let title = id.and_then(|id| process.sessions.iter().find(|s| s.id == id)).map(|s| s.title.clone());
            match (verb, title) {
                ("cancel", Some(t)) => locale.tf("flows2.update.session_cancelled", &[("title", &t)]),
                ("create", Some(t)) => locale.tf("flows2.update.session_added", &[("title", &t)]),
                (_, Some(t)) => locale.tf("flows2.update.session_changed", &[("title", &t)]),
                (_, None) => locale.t("flows2.update.session_removed").to_string(),
            }
        }
        "phase" => locale.t("flows2.update.phases").to_string(),
        "area" => locale.t("flows2.update.areas").to_string(),
        "table" => locale.t("flows2.update.tables").to_string(),
        _ => locale.t("flows2.update.settings").to_string(),
    }
}

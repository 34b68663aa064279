//! `/ufficio/registro-attivita`: the audit log, newest first, filtered by Ambito,
//! actor and action. The platform administrator reads every Ambito's entries; an
//! Ambito's administrator only that Ambito's.

use askama::Template;
use axum::extract::Query;
use concerto_domain::{ROME, audit_log_scope, italian};
use concerto_store::AuditFilter;
use serde::Deserialize;

use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::guard::Caller;
use crate::guard::enforce;
use crate::page::PageContext;
use crate::page::render;

/// Entries per page.
const PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    ambito: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    before: Option<i64>,
}

pub struct EntryRow {
    pub sequence: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub ambito: String,
}

#[derive(Template)]
#[template(path = "office_audit_log.html")]
struct AuditLogPage {
    ctx: PageContext,
    /// (slug, name) of the Ambiti to filter by; empty when only one is visible.
    ambiti: Vec<(String, String)>,
    ambito: String,
    actor: String,
    action: String,
    rows: Vec<EntryRow>,
    /// The query of the next page back, when there may be one.
    older: Option<String>,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub async fn page(Caller { state, ctx, user }: Caller, Query(q): Query<AuditQuery>) -> PageResult {
    let scope = match audit_log_scope(user.as_ref()) {
        Ok(scope) => scope,
        Err(decision) => {
            return Err(enforce(decision, &ctx).err().unwrap_or_else(|| WebError::Forbidden.into_page(&ctx)));
        }
    };
    let all = state.store.ambiti().await.or_page(&ctx)?;
    // An Ambito's administrator reads its own Ambito, whatever the query says.
    let ambito = match scope {
        Some(id) => all.iter().find(|(a, _, _)| *a == id).map(|(_, slug, _)| slug.clone()),
        None => filled(&q.ambito).map(str::to_string),
    };
    let filter = AuditFilter {
        ambito: ambito.as_deref(),
        actor: filled(&q.actor),
        action: filled(&q.action),
        limit: PAGE,
        before_sequence: q.before,
    };
    let entries = state.store.search_audit(&filter).await.or_page(&ctx)?;
    let older = (entries.len() as i64 == PAGE).then(|| {
        let last = entries.last().map_or(0, |e| e.sequence);
        let pairs = [("ambito", filter.ambito), ("actor", filter.actor), ("action", filter.action)];
        let mut query: Vec<String> =
            pairs.iter().filter_map(|(k, v)| v.map(|v| format!("{k}={}", crate::view::url_encode(v)))).collect();
        query.push(format!("before={last}"));
        query.join("&")
    });
    let rows = entries
        .into_iter()
        .map(|e| {
            let local = e.entry.at.with_timezone(&ROME);
            EntryRow {
                sequence: e.sequence,
                at: format!("{} {}", italian::date(local.date_naive()), local.format("%H:%M:%S")),
                actor: e.entry.actor,
                action: e.entry.action,
                subject: e.entry.subject,
                ambito: e.entry.ambito.unwrap_or_default(),
            }
        })
        .collect();
    let page = AuditLogPage {
        ambiti: if scope.is_none() {
            all.into_iter().map(|(_, slug, name)| (slug, name)).collect()
        } else {
            Vec::new()
        },
        ambito: ambito.unwrap_or_default(),
        actor: filled(&q.actor).unwrap_or_default().to_string(),
        action: filled(&q.action).unwrap_or_default().to_string(),
        rows,
        older,
        ctx,
    };
    Ok(render(&page.ctx, &page)?)
}

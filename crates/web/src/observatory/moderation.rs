//! The moderators' side, in the workspace: the queue of proposed completions with
//! what each would change, the decision with its reason, and new records of
//! processes run elsewhere, written by hand or started from a notice's text.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use concerto_domain::observatory::{Completion, Moderation, RecordContent, RecordSource, RecordStatus};
use concerto_domain::{AuditEntry, FieldErrors, PlanCycle, Principal, ROME, may_moderate_observatory};
use concerto_notice::ProcessDraft;
use serde::Deserialize;

use super::{refreshed, status_label};
use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::guard::Caller;
use crate::guard::{CurrentUser, enforce};
use crate::page::PageContext;
use crate::page::render;

/// The moderator signed in, or the answer for anyone else.
fn moderator(user: Option<Principal>, ctx: &PageContext) -> Result<Principal, Response> {
    enforce(may_moderate_observatory(user.as_ref()), ctx)?;
    user.ok_or_else(|| WebError::NotFound.into_page(ctx))
}

/// The audit entry of a moderator's change: the observatory spans every Ambito.
fn audit(
    who: &Principal,
    at: chrono::DateTime<chrono::Utc>,
    action: &str,
    subject: String,
    after: Option<String>,
) -> AuditEntry {
    AuditEntry {
        actor: format!("account:{} <{}>", who.account_id, who.email),
        at,
        action: action.into(),
        subject,
        ambito: None,
        before: None,
        after,
    }
}

pub struct Change {
    pub label: &'static str,
    pub current: String,
    pub proposed: String,
}

pub struct QueueItem {
    pub id: i64,
    pub record_id: i64,
    pub record_title: String,
    pub submitted: String,
    pub name: String,
    pub email: String,
    pub stale: bool,
    pub changes: Vec<Change>,
    /// Why the last decision on it was refused.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "observatory_queue.html")]
struct QueuePage {
    ctx: PageContext,
    items: Vec<QueueItem>,
}

fn changes(ctx: &PageContext, current: &RecordContent, proposed: &Completion) -> Vec<Change> {
    let now = Completion::of(current);
    [
        ("observatory.field.decision_holders", &now.decision_holders, &proposed.decision_holders),
        ("observatory.field.intervention_domain", &now.intervention_domain, &proposed.intervention_domain),
        ("observatory.field.specific_theme", &now.specific_theme, &proposed.specific_theme),
        ("observatory.field.objectives", &now.objectives, &proposed.objectives),
        ("observatory.field.results", &now.results, &proposed.results),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .map(|(key, a, b)| Change { label: ctx.t(key), current: a.clone(), proposed: b.clone() })
    .collect()
}

async fn queue_page(state: &AppState, ctx: PageContext, error: Option<(i64, String)>) -> PageResult {
    let pending = state.store.pending_corrections().await.or_page(&ctx)?;
    let mut items = Vec::with_capacity(pending.len());
    for p in pending {
        let current = match state.store.observatory_record(p.record_id).await {
            Ok(Some(record)) => record,
            Ok(None) => continue,
            Err(e) => return Err(WebError::from(e).into_page(&ctx)),
        };
        items.push(QueueItem {
            id: p.id,
            record_id: p.record_id,
            record_title: p.record_title,
            submitted: p.submitted_at.with_timezone(&ROME).format("%d/%m/%Y %H:%M").to_string(),
            name: p.name,
            email: p.email,
            stale: current.version != p.base_version,
            changes: changes(&ctx, &current.content, &p.completion),
            error: error.as_ref().filter(|(id, _)| *id == p.id).map(|(_, m)| m.clone()),
        });
    }
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = QueuePage { ctx, items };
    Ok((status, render(&page.ctx, &page)?).into_response())
}

pub async fn queue(Caller { state, ctx, user }: Caller) -> PageResult {
    moderator(user, &ctx)?;
    refreshed(&state).await.or_page(&ctx)?;
    queue_page(&state, ctx, None).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    Caller { state, ctx, user }: Caller,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    let who = moderator(user, &ctx)?;
    let decision = match Moderation::parse(&form.decision, &form.reason) {
        Ok(d) => d,
        Err(errors) => {
            let message = errors.errors.first().map(|e| crate::form::message(e, &ctx)).unwrap_or_default();
            return queue_page(&state, ctx, Some((id, message))).await;
        }
    };
    let after = serde_json::to_string(&decision).ok();
    let entry =
        audit(&who, state.clock.now(), &format!("observatory.{}", decision.code()), format!("correction:{id}"), after);
    // The proposer hears the decision when they left an address.
    let pending = match state.store.pending_corrections().await {
        Ok(pending) => pending.into_iter().find(|p| p.id == id),
        Err(e) => return Err(WebError::from(e).into_page(&ctx)),
    };
    let message = pending.filter(|p| !p.email.trim().is_empty()).map(|p| {
        let link = format!("{}/osservatorio/{}", state.config.public_url.trim_end_matches('/'), p.record_id);
        let accepted = matches!(decision, Moderation::Accept { .. });
        concerto_mail::templates::correction_decided(
            id,
            p.email.trim(),
            &p.name,
            &p.record_title,
            accepted,
            decision.reason(),
            &link,
        )
    });
    let emails = usize::from(message.is_some());
    let key = if matches!(decision, Moderation::Accept { .. }) { "correction_accepted" } else { "correction_rejected" };
    Ok(match state.store.decide_correction_and_tell(id, &decision, &who.email, &entry, message).await {
        Ok(()) => {
            state.outbox.wake();
            Redirect::to(&crate::page::Flash::redirect("/ufficio/osservatorio", key, Some(emails))).into_response()
        }
        Err(concerto_store::StoreError::NotFound) => {
            Redirect::to(&crate::page::Flash::redirect("/ufficio/osservatorio", "nothing_changed", None))
                .into_response()
        }
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

/// The fields of a new record, in form order: (name, label key, kind).
const FIELDS: [(&str, &str, &str); 18] = [
    ("title", "observatory.field.title", "text"),
    ("starts_on", "observatory.field.starts_on", "date"),
    ("ends_on", "observatory.field.ends_on", "date"),
    ("managing_body", "observatory.field.managing_body", "text"),
    ("address", "observatory.field.address", "text"),
    ("decision_holders", "observatory.field.decision_holders", "text"),
    ("ambito", "observatory.field.ambito", "text"),
    ("municipalities", "observatory.field.municipalities", "lines"),
    ("province", "observatory.field.province", "text"),
    ("region", "observatory.field.region", "text"),
    ("cycle", "observatory.field.cycle", "text"),
    ("areas", "observatory.field.areas", "lines"),
    ("intervention_domain", "observatory.field.intervention_domain", "text"),
    ("specific_theme", "observatory.field.specific_theme", "text"),
    ("design", "observatory.field.design", "long"),
    ("objectives", "observatory.field.objectives", "long"),
    ("results", "observatory.field.results", "long"),
    ("reported_by", "observatory.field.reported_by", "text"),
];

pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub value: String,
    pub error: Option<String>,
}

pub struct StatusChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "observatory_new.html")]
struct NewPage {
    ctx: PageContext,
    fields: Vec<FieldView>,
    statuses: Vec<StatusChoice>,
    source: &'static str,
    notice_text: String,
    errors: Vec<(String, String)>,
    imported: Vec<String>,
}

fn new_page(
    ctx: PageContext,
    values: &HashMap<String, String>,
    errors: Vec<(String, String)>,
    imported: Vec<String>,
) -> Response {
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let fields = FIELDS
        .iter()
        .map(|&(name, key, kind)| FieldView {
            name,
            label: ctx.t(key),
            kind,
            value: value(name),
            error: errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone()),
        })
        .collect();
    let chosen = value("status");
    let statuses = RecordStatus::ALL
        .into_iter()
        .map(|s| StatusChoice { code: s.code(), label: status_label(s, ctx.locale), selected: s.code() == chosen })
        .collect();
    let source = if value("source") == RecordSource::Notice.code() { "notice" } else { "external" };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = NewPage { ctx, fields, statuses, source, notice_text: value("notice_text"), errors, imported };
    match render(&page.ctx, &page) {
        Ok(r) => (status, r).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn new_form(ctx: PageContext, CurrentUser(user): CurrentUser) -> Response {
    if let Err(answer) = moderator(user, &ctx) {
        return answer;
    }
    let values = HashMap::from([("region".to_string(), "Puglia".to_string())]);
    new_page(ctx, &values, Vec::new(), Vec::new())
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// The record a moderator typed, or the errors of its fields.
fn content_from(values: &HashMap<String, String>) -> Result<RecordContent, FieldErrors> {
    let mut errors = FieldErrors::default();
    let text = |name: &str| values.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut date = |name: &'static str| {
        let raw = text(name);
        if raw.is_empty() {
            return None;
        }
        let parsed = NaiveDate::parse_from_str(&raw, "%Y-%m-%d").ok();
        if parsed.is_none() {
            errors.push(name, "invalid", "Data non valida: usare il formato AAAA-MM-GG.");
        }
        parsed
    };
    let (starts_on, ends_on) = (date("starts_on"), date("ends_on"));
    let cycle = match text("cycle") {
        raw if raw.is_empty() => None,
        raw => {
            let parsed = raw
                .split_once('-')
                .and_then(|(a, b)| Some(PlanCycle { from: a.trim().parse().ok()?, to: b.trim().parse().ok()? }))
                .filter(|c| c.to >= c.from);
            if parsed.is_none() {
                errors.push("cycle", "invalid", "Ciclo non valido: scrivere gli anni come 2022-2024.");
            }
            parsed
        }
    };
    let status = RecordStatus::from_code(&text("status")).unwrap_or(RecordStatus::Concluded);
    let content = RecordContent {
        title: text("title"),
        status,
        starts_on,
        ends_on,
        managing_body: text("managing_body"),
        address: Some(text("address")).filter(|a| !a.is_empty()),
        decision_holders: text("decision_holders"),
        ambito: text("ambito"),
        municipalities: lines(&text("municipalities")),
        province: text("province").to_uppercase(),
        region: text("region"),
        cycle,
        areas: lines(&text("areas")),
        intervention_domain: text("intervention_domain"),
        specific_theme: text("specific_theme"),
        design: text("design"),
        objectives: text("objectives"),
        results: text("results"),
        reported_by: text("reported_by"),
    };
    if let Err(more) = content.validate() {
        errors.errors.extend(more.errors);
    }
    errors.into_result(content)
}

/// What a notice suggests for a record's fields, over what the moderator typed.
fn suggest_from_notice(values: &mut HashMap<String, String>, draft: &ProcessDraft, today: NaiveDate) {
    let dates: Vec<NaiveDate> = draft.sessions.iter().filter_map(|s| s.date).collect();
    let mut set = |name: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            values.insert(name.to_string(), v);
        }
    };
    set("title", draft.title.clone());
    set("ambito", draft.ambito.clone());
    set("municipalities", Some(draft.municipality_names().join("\n")));
    set("cycle", draft.plan_period.map(|p| format!("{}-{}", p.from, p.to)));
    set("starts_on", dates.iter().min().map(std::string::ToString::to_string));
    set("ends_on", dates.iter().max().map(std::string::ToString::to_string));
    let mut areas: Vec<String> = draft.sessions.iter().flat_map(|s| s.areas.iter().cloned()).collect();
    areas.sort();
    areas.dedup();
    set("areas", Some(areas.join("\n")));
    let over = dates.iter().max().is_some_and(|last| *last < today);
    set("status", Some(if over { "concluded" } else { "ongoing" }.into()));
    set("reported_by", Some("Avviso pubblico".into()));
    set("source", Some(RecordSource::Notice.code().into()));
    if let Some(from) = dates.iter().min() {
        set(
            "specific_theme",
            Some(format!(
                "Piano Sociale di Zona {}",
                draft.plan_period.map_or(from.year().to_string(), |p| format!("{}-{}", p.from, p.to))
            )),
        );
    }
}

pub async fn create(
    Caller { state, ctx, user }: Caller,
    Form(mut values): Form<HashMap<String, String>>,
) -> PageResult {
    let who = moderator(user, &ctx)?;
    if values.get("action").map(String::as_str) == Some("import") {
        let text = values.get("notice_text").cloned().unwrap_or_default();
        return Ok(match concerto_notice::import(text.as_bytes()) {
            Ok(draft) => {
                suggest_from_notice(&mut values, &draft, state.clock.now().with_timezone(&ROME).date_naive());
                new_page(ctx, &values, Vec::new(), draft.warnings)
            }
            Err(e) => new_page(
                ctx,
                &values,
                vec![("notice_text".into(), format!("Avviso non importabile: {e}."))],
                Vec::new(),
            ),
        });
    }
    let content = match content_from(&values) {
        Ok(content) => content,
        Err(errors) => {
            let errors = crate::form::localized(&errors, &ctx);
            return Ok(new_page(ctx, &values, errors, Vec::new()));
        }
    };
    let source = if values.get("source").map(String::as_str) == Some("notice") {
        RecordSource::Notice
    } else {
        RecordSource::External
    };
    let now = state.clock.now();
    let entry = audit(
        &who,
        now,
        "observatory.create",
        format!("observatory:{}", content.title),
        serde_json::to_string(&content).ok(),
    );
    let ids = state
        .store
        .create_observatory_records(std::slice::from_ref(&content), source, now, Some(&entry))
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to(&format!("/osservatorio/{}", ids.first().copied().unwrap_or_default())).into_response())
}

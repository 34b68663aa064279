//! A record of the catalogue: what it says (or said, in an earlier version), the
//! figures of a Concerto process, its history, and the "Integra le informazioni"
//! form, whose proposals wait for a moderator.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use concerto_domain::italian;
use concerto_domain::observatory::{AreaFigures, Completion, CorrectionInput, RecordContent, validate_correction};
use concerto_store::{RecordVersion, StoredRecord};
use serde::Deserialize;

use super::{refreshed, source_label, status_label};
use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::guard::Visitor;
use crate::limits::Door;
use crate::page::PageContext;
use crate::page::render;

#[derive(Deserialize)]
pub struct RecordParams {
    versione: Option<String>,
    inviata: Option<String>,
}

pub struct VersionLine {
    pub number: i32,
    pub date: String,
    pub note: &'static str,
    pub shown: bool,
}

/// The completion form as typed, with its errors.
#[derive(Default)]
pub struct CompletionForm {
    pub name: String,
    pub email: String,
    pub privacy_accepted: bool,
    pub completion: Completion,
    pub errors: Vec<(String, String)>,
}

impl CompletionForm {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

pub struct CompletionField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "observatory_record.html")]
struct RecordPage {
    ctx: PageContext,
    record: StoredRecord,
    content: RecordContent,
    shown_version: i32,
    status: &'static str,
    source: &'static str,
    dates: Option<String>,
    last_modified: String,
    figures: Vec<AreaFigures>,
    versions: Vec<VersionLine>,
    form: CompletionForm,
    fields: Vec<CompletionField>,
    sent: bool,
}

fn note_label(ctx: &PageContext, note: &str) -> &'static str {
    match note {
        "derived" => ctx.t("observatory.version.derived"),
        "external" => ctx.t("observatory.version.external"),
        "notice" => ctx.t("observatory.version.notice"),
        _ => ctx.t("observatory.version.completion"),
    }
}

fn period(content: &RecordContent) -> Option<String> {
    match (content.starts_on, content.ends_on) {
        (Some(from), Some(to)) => Some(format!("{} – {}", italian::date(from), italian::date(to))),
        (Some(d), None) | (None, Some(d)) => Some(italian::date(d)),
        (None, None) => None,
    }
}

async fn load(state: &AppState, id: &str) -> Result<(StoredRecord, Vec<RecordVersion>, Vec<AreaFigures>), WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    refreshed(state).await?;
    let record = state.store.observatory_record(id).await?.ok_or(WebError::NotFound)?;
    let versions = state.store.observatory_versions(id).await?;
    let figures = match record.process_id {
        Some(process) => state.store.area_figures(process).await?,
        None => Vec::new(),
    };
    Ok((record, versions, figures))
}

fn show(
    ctx: PageContext,
    (record, versions, figures): (StoredRecord, Vec<RecordVersion>, Vec<AreaFigures>),
    wanted: Option<i32>,
    form: CompletionForm,
    sent: bool,
) -> Response {
    let status = if form.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let shown = match wanted {
        None => Some(&record.content),
        Some(n) => versions.iter().find(|v| v.version == n).map(|v| &v.content),
    };
    let Some(content) = shown.cloned() else { return WebError::NotFound.into_page(&ctx) };
    let shown_version = wanted.unwrap_or(record.version);
    let fields = [
        ("decision_holders", ctx.t("observatory.field.decision_holders"), &form.completion.decision_holders),
        ("intervention_domain", ctx.t("observatory.field.intervention_domain"), &form.completion.intervention_domain),
        ("specific_theme", ctx.t("observatory.field.specific_theme"), &form.completion.specific_theme),
        ("objectives", ctx.t("observatory.field.objectives"), &form.completion.objectives),
        ("results", ctx.t("observatory.field.results"), &form.completion.results),
    ]
    .into_iter()
    .map(|(name, label, value)| CompletionField { name, label, value: value.clone() })
    .collect();
    let page = RecordPage {
        status: status_label(content.status, ctx.locale),
        source: source_label(record.source, ctx.locale),
        dates: period(&content),
        last_modified: italian::date(record.updated_at.with_timezone(&concerto_domain::ROME).date_naive()),
        versions: versions
            .iter()
            .map(|v| VersionLine {
                number: v.version,
                date: italian::date(v.created_at.with_timezone(&concerto_domain::ROME).date_naive()),
                note: note_label(&ctx, &v.note),
                shown: v.version == shown_version,
            })
            .collect(),
        shown_version,
        content,
        figures,
        record,
        form,
        fields,
        sent,
        ctx,
    };
    match render(&page.ctx, &page) {
        Ok(response) => (status, response).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Query(params): Query<RecordParams>,
) -> PageResult {
    let loaded = load(&state, &id).await.or_page(&ctx)?;
    let wanted = match params.versione.as_deref().map(str::parse::<i32>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return Err(WebError::NotFound.into_page(&ctx)),
    };
    let form = CompletionForm { completion: Completion::of(&loaded.0.content), ..Default::default() };
    Ok(show(ctx, loaded, wanted, form, params.inviata.is_some()))
}

/// The form as posted; the consent box sends "on" when ticked.
#[derive(Deserialize)]
pub struct PostedCompletion {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    privacy_accepted: Option<String>,
    #[serde(default)]
    base_version: String,
    /// The honeypot: only a robot fills it.
    #[serde(default)]
    website: String,
    #[serde(flatten)]
    completion: Completion,
}

pub async fn propose(
    Visitor { state, ctx, client }: Visitor,
    Path(id): Path<String>,
    Form(posted): Form<PostedCompletion>,
) -> PageResult {
    if let Err(e) = state.limiter.admit(Door::Correction, &client) {
        return Err(e.into_page(&ctx));
    }
    let loaded = load(&state, &id).await.or_page(&ctx)?;
    let input = CorrectionInput {
        name: posted.name,
        email: posted.email,
        privacy_accepted: posted.privacy_accepted.is_some(),
        completion: posted.completion,
    };
    let record = &loaded.0;
    let base_version = posted.base_version.parse().unwrap_or(record.version);
    // A filled honeypot is answered as a success and stores nothing.
    if !posted.website.trim().is_empty() {
        return Ok((
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/osservatorio/{}?inviata=1#integra", record.id))],
        )
            .into_response());
    }
    Ok(match validate_correction(&input, &record.content) {
        Ok(correction) => {
            match state.store.propose_correction(record.id, base_version, &correction, state.clock.now()).await {
                Ok(_) => (
                    StatusCode::SEE_OTHER,
                    [(header::LOCATION, format!("/osservatorio/{}?inviata=1#integra", record.id))],
                )
                    .into_response(),
                Err(e) => WebError::from(e).into_page(&ctx),
            }
        }
        Err(errors) => {
            let form = CompletionForm {
                name: input.name,
                email: input.email,
                privacy_accepted: input.privacy_accepted,
                completion: input.completion,
                errors: crate::form::localized(&errors, &ctx),
            };
            show(ctx, loaded, None, form, false)
        }
    })
}

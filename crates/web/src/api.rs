//! The JSON API under `/api/v1`. Its shapes are a contract: extend them, never
//! break them. Dates are `YYYY-MM-DD`, times `HH:MM`, instants ISO 8601 with the
//! Europe/Rome offset.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{NaiveDate, NaiveTime};
use concerto_domain::{Deadline, PlanCycle, Process, ProcessSummary};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ErrorList};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/processes", get(list)).route("/api/v1/processes/{slug}", get(detail))
}

fn iso(deadline: Option<Deadline>) -> Option<String> {
    deadline.map(|d| d.local().to_rfc3339())
}

fn hhmm(t: Option<NaiveTime>) -> Option<String> {
    t.map(|t| t.format("%H:%M").to_string())
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ProcessList {
    processes: Vec<ProcessItem>,
}

#[derive(Serialize, ToSchema)]
struct ProcessItem {
    slug: String,
    title: String,
    ambito: AmbitoRef,
    cycle: PlanCycle,
    /// `published` or `closed`: drafts are never public.
    #[schema(value_type = String)]
    status: &'static str,
    /// The deadline for expressions of interest, ISO 8601 with the Europe/Rome offset.
    #[schema(format = DateTime)]
    deadline: Option<String>,
    url: String,
}

#[derive(Serialize, ToSchema)]
struct AmbitoRef {
    slug: String,
    name: String,
    province: String,
}

impl From<ProcessSummary> for ProcessItem {
    fn from(s: ProcessSummary) -> Self {
        ProcessItem {
            url: format!("/api/v1/processes/{}", s.slug),
            slug: s.slug,
            title: s.title,
            ambito: AmbitoRef { slug: s.ambito_slug, name: s.ambito_name, province: s.province },
            cycle: s.cycle,
            status: s.status.code(),
            deadline: iso(s.deadline),
        }
    }
}

/// The public processes, open and past.
#[utoipa::path(get, path = "/api/v1/processes", tag = "processes",
    responses((status = 200, description = "The public processes", body = ProcessList)))]
pub(crate) async fn list(State(state): State<AppState>) -> Result<Json<ProcessList>, ApiError> {
    let processes = state.store.process_summaries(false).await?;
    Ok(Json(ProcessList { processes: processes.into_iter().map(ProcessItem::from).collect() }))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ProcessDetail {
    slug: String,
    title: String,
    /// `published` or `closed`: drafts are never public.
    #[schema(value_type = String)]
    status: &'static str,
    cycle: PlanCycle,
    regional_plan: Option<String>,
    legal_references: Vec<String>,
    /// The deadline for expressions of interest, ISO 8601 with the Europe/Rome offset.
    #[schema(format = DateTime)]
    deadline: Option<String>,
    accepting_expressions: bool,
    how_to_apply: HowToApply,
    contact: Option<String>,
    description: String,
    eligibility: String,
    ambito: AmbitoDetail,
    phases: Vec<PhaseItem>,
    areas: Vec<AreaItem>,
    tables: Vec<TableItem>,
    sessions: Vec<SessionItem>,
}

#[derive(Serialize, ToSchema)]
struct HowToApply {
    email: Option<String>,
    pec: Option<String>,
    url: Option<String>,
    online_form: bool,
}

#[derive(Serialize, ToSchema)]
struct AmbitoDetail {
    slug: String,
    name: String,
    full_name: String,
    number: Option<String>,
    province: String,
    region: String,
    lead_municipality: String,
    municipalities: Vec<String>,
    managing_body: Option<String>,
    address: Option<String>,
    email: Option<String>,
    pec: Option<String>,
    phone: Option<String>,
    website: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct PhaseItem {
    id: i64,
    name: String,
    description: String,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
struct AreaItem {
    id: i64,
    name: String,
    catalogue_code: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct TableItem {
    id: i64,
    label: String,
    title: String,
    area_ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
struct SessionItem {
    id: i64,
    #[schema(value_type = String)]
    kind: &'static str,
    title: String,
    date: Option<NaiveDate>,
    /// `HH:MM`, Europe/Rome.
    start: Option<String>,
    /// `HH:MM`, Europe/Rome.
    end: Option<String>,
    venue: Option<String>,
    area_ids: Vec<i64>,
    table_id: Option<i64>,
    phase_id: Option<i64>,
    invited: Option<String>,
    cancelled: bool,
}

fn detail_of(p: Process, now: chrono::DateTime<chrono::Utc>) -> ProcessDetail {
    let a = &p.ambito;
    ProcessDetail {
        accepting_expressions: p.header.accepts_expressions_at(now),
        ambito: AmbitoDetail {
            slug: a.slug.clone(),
            name: a.name.clone(),
            full_name: a.full_name(),
            number: a.number.clone(),
            province: a.province.clone(),
            region: a.region.clone(),
            lead_municipality: a.lead_municipality.clone(),
            municipalities: a.municipalities.clone(),
            managing_body: a.managing_body.clone(),
            address: a.address.clone(),
            email: a.contacts.email.clone(),
            pec: a.contacts.pec.clone(),
            phone: a.contacts.phone.clone(),
            website: a.contacts.website.clone(),
        },
        phases: p
            .phases
            .into_iter()
            .map(|ph| PhaseItem {
                id: ph.id,
                name: ph.name,
                description: ph.description,
                starts_on: ph.starts_on,
                ends_on: ph.ends_on,
            })
            .collect(),
        areas: p
            .areas
            .into_iter()
            .map(|a| AreaItem { id: a.id, name: a.name, catalogue_code: a.catalogue_code })
            .collect(),
        tables: p
            .tables
            .into_iter()
            .map(|t| TableItem { id: t.id, label: t.label, title: t.title, area_ids: t.area_ids })
            .collect(),
        sessions: p
            .sessions
            .into_iter()
            .map(|s| SessionItem {
                id: s.id,
                kind: s.kind.code(),
                title: s.title,
                date: s.date,
                start: hhmm(s.start),
                end: hhmm(s.end),
                venue: s.venue,
                area_ids: s.area_ids,
                table_id: s.table_id,
                phase_id: s.phase_id,
                invited: s.invited,
                cancelled: s.cancelled,
            })
            .collect(),
        slug: p.header.slug,
        title: p.header.title,
        status: p.header.status.code(),
        cycle: p.header.cycle,
        regional_plan: p.header.regional_plan,
        legal_references: p.header.legal_references,
        deadline: iso(p.header.deadline),
        how_to_apply: HowToApply {
            email: p.header.channels.email,
            pec: p.header.channels.pec,
            url: p.header.channels.url,
            online_form: p.header.channels.online_form,
        },
        contact: p.header.contact_person,
        description: p.header.description,
        eligibility: p.header.eligibility,
    }
}

/// One public process in full: Ambito, phases, areas, tables and calendar.
#[utoipa::path(get, path = "/api/v1/processes/{slug}", tag = "processes",
    params(("slug" = String, Path, description = "The process's address", example = "casarano-2022-2024")),
    responses(
        (status = 200, description = "The process", body = ProcessDetail),
        (status = 404, description = "No public process has this address", body = ErrorList),
    ))]
pub(crate) async fn detail(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<ProcessDetail>, ApiError> {
    let process = crate::public_process(&state.store, &slug).await?;
    Ok(Json(detail_of(process, state.clock.now())))
}

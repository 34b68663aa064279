//! The catalogue's search: the page `/osservatorio` and `GET /api/v1/observatory`,
//! both from one reading of the query string.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concerto_domain::observatory::{FACETS, PAGE_SIZE, RecordQuery, RecordStatus, search_terms};
use concerto_domain::{FieldErrors, PlanCycle};
use concerto_store::{FacetCount, SearchPage};
use serde::{Deserialize, Serialize};

use super::{marked, refreshed, source_label, status_label};
use crate::AppState;
use crate::error::{ApiError, WebError};
use crate::page::PageContext;
use crate::page::render;
use crate::view::url_encode;

/// The query string as sent: every field optional, read as text so that a bad
/// value is a field error instead of a rejected request.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find, accents ignored.
    #[serde(default)]
    pub q: String,
    pub region: Option<String>,
    /// The province's code, e.g. `LE`.
    pub province: Option<String>,
    pub ambito: Option<String>,
    /// A thematic area's name.
    pub area: Option<String>,
    /// A plan cycle, e.g. `2022-2024`.
    pub cycle: Option<String>,
    /// `ongoing` or `concluded`.
    pub status: Option<String>,
    /// The page, from 1.
    pub page: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(String::from)
}

impl SearchParams {
    fn to_query(&self) -> Result<RecordQuery, FieldErrors> {
        let mut errors = FieldErrors::default();
        let status = given(&self.status).and_then(|code| {
            let status = RecordStatus::from_code(&code);
            if status.is_none() {
                errors.push("status", "invalid", "Stato non valido: usare «ongoing» o «concluded».");
            }
            status
        });
        let page = match given(&self.page) {
            None => 1,
            Some(text) => text.parse::<i64>().ok().filter(|p| (1..=10_000).contains(p)).unwrap_or_else(|| {
                errors.push("page", "invalid", "Il numero di pagina deve essere un intero da 1 a 10000.");
                1
            }),
        };
        errors.into_result(RecordQuery {
            terms: search_terms(&self.q),
            region: given(&self.region),
            province: given(&self.province),
            ambito: given(&self.ambito),
            area: given(&self.area),
            cycle: given(&self.cycle),
            status,
            page,
        })
    }

    /// The facet filters set, as (name, value), in [`FACETS`] order.
    fn filters(&self) -> Vec<(&'static str, String)> {
        let values = [&self.region, &self.province, &self.ambito, &self.area, &self.cycle, &self.status];
        FACETS.into_iter().zip(values).filter_map(|(name, value)| Some((name, given(value)?))).collect()
    }

    /// The link to this search with `facet` set to `value` (or cleared when it is
    /// already), back on its first page.
    fn toggled(&self, facet: &str, value: &str) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if !self.q.trim().is_empty() {
            pairs.push(("q".into(), self.q.trim().to_string()));
        }
        let mut found = false;
        for (name, current) in self.filters() {
            if name == facet {
                found = true;
                if current == value {
                    continue;
                }
                pairs.push((name.into(), value.into()));
            } else {
                pairs.push((name.into(), current));
            }
        }
        if !found {
            pairs.push((facet.into(), value.into()));
        }
        link(&pairs)
    }

    fn with_page(&self, page: i64) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if !self.q.trim().is_empty() {
            pairs.push(("q".into(), self.q.trim().to_string()));
        }
        pairs.extend(self.filters().into_iter().map(|(n, v)| (n.to_string(), v)));
        pairs.push(("page".into(), page.to_string()));
        link(&pairs)
    }
}

fn link(pairs: &[(String, String)]) -> String {
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", url_encode(v))).collect();
    if query.is_empty() { "/osservatorio".into() } else { format!("/osservatorio?{}", query.join("&")) }
}

pub struct HitView {
    pub id: i64,
    pub title_html: String,
    pub excerpt_html: Option<String>,
    pub ambito: String,
    pub province: String,
    pub cycle: Option<String>,
    pub status: &'static str,
    pub source: &'static str,
}

pub struct FacetValue {
    pub label: String,
    pub count: i64,
    pub href: String,
    pub selected: bool,
}

pub struct FacetGroup {
    pub id: &'static str,
    pub label: &'static str,
    pub values: Vec<FacetValue>,
}

#[derive(Template)]
#[template(path = "observatory_search.html")]
struct SearchPageView {
    ctx: PageContext,
    q: String,
    errors: Vec<(String, String)>,
    hits: Vec<HitView>,
    total: i64,
    facets: Vec<FacetGroup>,
    page: i64,
    pages: i64,
    previous: Option<String>,
    next: Option<String>,
}

fn facet_label(ctx: &PageContext, facet: &str) -> &'static str {
    match facet {
        "region" => ctx.t("observatory.facet.region"),
        "province" => ctx.t("observatory.facet.province"),
        "ambito" => ctx.t("observatory.facet.ambito"),
        "area" => ctx.t("observatory.facet.area"),
        "cycle" => ctx.t("observatory.facet.cycle"),
        _ => ctx.t("observatory.facet.status"),
    }
}

fn facet_groups(ctx: &PageContext, params: &SearchParams, counts: &[FacetCount]) -> Vec<FacetGroup> {
    let set = params.filters();
    FACETS
        .into_iter()
        .map(|facet| FacetGroup {
            id: facet,
            label: facet_label(ctx, facet),
            values: counts
                .iter()
                .filter(|c| c.facet == facet)
                .map(|c| FacetValue {
                    label: match RecordStatus::from_code(&c.value).filter(|_| facet == "status") {
                        Some(status) => status_label(status, ctx.locale).to_string(),
                        None => c.value.clone(),
                    },
                    count: c.count,
                    href: params.toggled(facet, &c.value),
                    selected: set.iter().any(|(name, value)| *name == facet && *value == c.value),
                })
                .collect(),
        })
        .filter(|g| !g.values.is_empty())
        .collect()
}

async fn run(state: &AppState, query: &RecordQuery) -> Result<SearchPage, WebError> {
    refreshed(state).await?;
    Ok(state.store.search_observatory(query).await?)
}

pub async fn page(State(state): State<AppState>, ctx: PageContext, Query(params): Query<SearchParams>) -> Response {
    let (query, errors) = match params.to_query() {
        Ok(query) => (query, Vec::new()),
        Err(errors) => (RecordQuery::default(), crate::form::localized(&errors, &ctx)),
    };
    let found = if errors.is_empty() {
        match run(&state, &query).await {
            Ok(found) => found,
            Err(e) => return e.into_page(&ctx),
        }
    } else {
        SearchPage { hits: vec![], total: 0, facets: vec![] }
    };
    let pages = (found.total + PAGE_SIZE - 1) / PAGE_SIZE;
    let page = query.page.max(1);
    let hits = found
        .hits
        .into_iter()
        .map(|h| {
            let c = &h.record.content;
            HitView {
                id: h.record.id,
                title_html: marked(h.title_marked.as_deref().unwrap_or(&c.title)),
                excerpt_html: h.excerpt_marked.as_deref().map(marked),
                ambito: c.ambito.clone(),
                province: c.province.clone(),
                cycle: c.cycle.map(|cy| cy.to_string()),
                status: status_label(c.status, ctx.locale),
                source: source_label(h.record.source, ctx.locale),
            }
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = SearchPageView {
        q: params.q.clone(),
        errors,
        hits,
        total: found.total,
        facets: facet_groups(&ctx, &params, &found.facets),
        page,
        pages,
        previous: (page > 1).then(|| params.with_page(page - 1)),
        next: (page < pages).then(|| params.with_page(page + 1)),
        ctx,
    };
    match render(&view.ctx, &view) {
        Ok(response) => (status, response).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ObservatoryPage)]
struct ApiPage {
    total: i64,
    page: i64,
    pages: i64,
    records: Vec<ApiHit>,
    facets: Vec<ApiFacet>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ObservatoryRecord)]
struct ApiHit {
    id: i64,
    url: String,
    title: String,
    #[schema(value_type = String)]
    status: &'static str,
    #[schema(value_type = String)]
    source: &'static str,
    ambito: String,
    province: String,
    region: String,
    cycle: Option<PlanCycle>,
    areas: Vec<String>,
    /// The matched words between `<mark>` and `</mark>`, the rest escaped as HTML.
    highlight: Option<String>,
    last_modified: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ObservatoryFacet)]
struct ApiFacet {
    #[schema(value_type = String)]
    facet: &'static str,
    value: String,
    count: i64,
}

#[utoipa::path(get, path = "/api/v1/observatory", tag = "observatory",
    params(SearchParams),
    responses(
        (status = 200, description = "One page of the catalogue's records, with the facet counts", body = ApiPage),
        (status = 422, description = "A parameter is not valid; each error names it", body = crate::error::ErrorList),
    ))]
pub async fn api(State(state): State<AppState>, Query(params): Query<SearchParams>) -> Result<Response, ApiError> {
    let query = params.to_query().map_err(|e| ApiError(WebError::Store(e.into())))?;
    let found = run(&state, &query).await?;
    let base = state.config.public_url.trim_end_matches('/');
    let body = ApiPage {
        total: found.total,
        page: query.page,
        pages: (found.total + PAGE_SIZE - 1) / PAGE_SIZE,
        records: found
            .hits
            .into_iter()
            .map(|h| {
                let c = h.record.content;
                ApiHit {
                    id: h.record.id,
                    url: format!("{base}/osservatorio/{}", h.record.id),
                    highlight: h.excerpt_marked.as_deref().map(marked),
                    title: c.title,
                    status: c.status.code(),
                    source: h.record.source.code(),
                    ambito: c.ambito,
                    province: c.province,
                    region: c.region,
                    cycle: c.cycle,
                    areas: c.areas,
                    last_modified: h.record.updated_at.with_timezone(&concerto_domain::ROME).to_rfc3339(),
                }
            })
            .collect(),
        facets: found.facets.into_iter().map(|f| ApiFacet { facet: f.facet, value: f.value, count: f.count }).collect(),
    };
    Ok(Json(body).into_response())
}

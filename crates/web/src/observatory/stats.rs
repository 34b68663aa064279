//! The statistics page: processes per year and per province, participants per
//! area, organizations per legal form, each as an SVG chart beside its table.

use askama::Template;
use axum::extract::State;
use concerto_domain::{ApplicantKind, LegalForm};

use super::{chart, refreshed};
use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::i18n::Locale;
use crate::page::PageContext;
use crate::page::render;

pub struct ChartView {
    pub id: &'static str,
    pub title: &'static str,
    pub label_header: &'static str,
    pub svg: String,
    pub rows: Vec<(String, i64)>,
}

#[derive(Template)]
#[template(path = "observatory_stats.html")]
struct StatsPage {
    ctx: PageContext,
    charts: Vec<ChartView>,
}

/// A legal form's or applicant kind's code as the expression form names it (the
/// form's tests check that every code has its label).
fn form_label(code: &str, locale: Locale) -> String {
    match (LegalForm::from_code(code), ApplicantKind::from_code(code)) {
        (Some(form), _) => locale.t(&format!("legal.{}", form.code())).to_string(),
        (None, Some(kind)) => locale.t(&format!("form.kind.{}", kind.code())).to_string(),
        (None, None) => code.to_string(),
    }
}

pub async fn page(State(state): State<AppState>, ctx: PageContext) -> PageResult {
    let stats = match refreshed(&state).await {
        Ok(()) => state.store.observatory_stats().await.map_err(WebError::from),
        Err(e) => Err(e),
    };
    let stats = stats.or_page(&ctx)?;
    let legal_forms =
        stats.organizations_per_legal_form.into_iter().map(|(code, n)| (form_label(&code, ctx.locale), n)).collect();
    let charts = [
        ("per-year", ctx.t("observatory.stats.per_year"), ctx.t("observatory.stats.year"), stats.per_year),
        (
            "per-province",
            ctx.t("observatory.stats.per_province"),
            ctx.t("observatory.field.province"),
            stats.per_province,
        ),
        ("per-area", ctx.t("observatory.stats.per_area"), ctx.t("observatory.field.area"), stats.participants_per_area),
        ("per-form", ctx.t("observatory.stats.per_form"), ctx.t("observatory.stats.form"), legal_forms),
    ]
    .into_iter()
    .map(|(id, title, label_header, rows)| ChartView {
        id,
        title,
        label_header,
        svg: chart::bars(id, title, &rows),
        rows,
    })
    .collect();
    let page = StatsPage { ctx, charts };
    Ok(render(&page.ctx, &page)?)
}

//! The office's exports of expressions: one row per representative or one per
//! organization, as CSV or XLSX, with the list's filters applied.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use concerto_documents::Sheet;
use concerto_domain::{Process, ROME, ReceivedExpression};
use serde::Deserialize;

use super::process::Filters;
use super::process_with_expressions;
use crate::AppState;
use crate::error::PageResult;
use crate::error::WebError;
use crate::guard::CurrentUser;
use crate::i18n::Locale::It;
use crate::page::PageContext;

#[derive(Deserialize)]
pub struct ExportQuery {
    /// `rappresentanti` (default) or `organizzazioni`.
    per: Option<String>,
    #[serde(flatten)]
    filters: Filters,
}

fn applicant_cells(e: &ReceivedExpression) -> Vec<String> {
    let a = &e.expression.applicant;
    vec![
        e.protocol.to_string(),
        e.received_at.with_timezone(&ROME).format("%d/%m/%Y %H:%M").to_string(),
        // Labels, not codes: the file is read by people (issue 22).
        It.t(&format!("form.kind.{}", a.kind.code())).to_string(),
        a.legal_form.map(|f| It.t(&format!("legal.{}", f.code())).to_string()).unwrap_or_default(),
        a.name.clone(),
        a.tax_code.to_string(),
        a.legal_representative.clone().unwrap_or_default(),
        a.address.clone(),
        a.municipality.clone(),
        a.email.clone(),
        a.pec.clone().unwrap_or_default(),
        a.phone.clone().unwrap_or_default(),
        a.founded_on.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
        if e.expression.eligible_for_pact { "sì" } else { "no" }.to_string(),
    ]
}

const APPLICANT_HEADERS: [&str; 14] = [
    "Protocollo",
    "Ricevuta il",
    "Soggetto",
    "Forma giuridica",
    "Denominazione",
    "Codice fiscale",
    "Legale rappresentante",
    "Sede",
    "Comune",
    "E-mail",
    "PEC",
    "Telefono",
    "Costituzione",
    "Ammessa al patto",
];

fn sheet(process: &Process, expressions: &[&ReceivedExpression], per_organization: bool) -> Sheet {
    let mut headers: Vec<String> = APPLICANT_HEADERS.iter().map(std::string::ToString::to_string).collect();
    let rows = if per_organization {
        headers.extend(["Aree".into(), "Proposta".into()]);
        expressions
            .iter()
            .map(|e| {
                let mut cells = applicant_cells(e);
                let areas: Vec<&str> = e
                    .expression
                    .participations
                    .iter()
                    .filter_map(|p| process.area(p.area_id))
                    .map(|a| a.name.as_str())
                    .collect();
                cells.push(areas.join("; "));
                cells.push(e.expression.proposal.as_ref().map(|p| p.title.clone()).unwrap_or_default());
                cells
            })
            .collect()
    } else {
        headers.extend([
            "Area".into(),
            "Rappresentante".into(),
            "E-mail rappresentante".into(),
            "Telefono rappresentante".into(),
        ]);
        expressions
            .iter()
            .flat_map(|e| {
                e.expression.participations.iter().map(move |p| {
                    let mut cells = applicant_cells(e);
                    cells.push(process.area(p.area_id).map(|a| a.name.clone()).unwrap_or_default());
                    cells.push(p.representative.name.clone());
                    cells.push(p.representative.email.clone());
                    cells.push(p.representative.phone.clone().unwrap_or_default());
                    cells
                })
            })
            .collect()
    };
    Sheet { name: if per_organization { "Organizzazioni".into() } else { "Rappresentanti".into() }, headers, rows }
}

async fn export(
    state: AppState,
    ctx: PageContext,
    user: Option<concerto_domain::Principal>,
    slug: String,
    query: ExportQuery,
    xlsx: bool,
) -> PageResult {
    let (process, expressions) = process_with_expressions(&state, &ctx, user.as_ref(), &slug).await?;
    let chosen: Vec<&ReceivedExpression> = expressions.iter().filter(|e| query.filters.admit(&process, e)).collect();
    let per_organization = query.per.as_deref() == Some("organizzazioni");
    let sheet = sheet(&process, &chosen, per_organization);
    let (bytes, content_type, extension) = if xlsx {
        (sheet.to_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    } else {
        (sheet.to_csv(), "text/csv; charset=utf-8", "csv")
    };
    Ok(match bytes {
        Ok(bytes) => {
            let what = if per_organization { "organizzazioni" } else { "rappresentanti" };
            let disposition = crate::security::content_disposition(false, &format!("{slug}-{what}.{extension}"));
            ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
                .into_response()
        }
        Err(e) => WebError::Internal(e.to_string()).into_page(&ctx),
    })
}

pub async fn csv(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Query(query): Query<ExportQuery>,
) -> PageResult {
    export(state, ctx, user, slug, query, false).await
}

pub async fn xlsx(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
    Query(query): Query<ExportQuery>,
) -> PageResult {
    export(state, ctx, user, slug, query, true).await
}

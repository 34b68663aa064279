//! The office's exports of expressions: one row per representative or one per
//! organization, as CSV or XLSX, with the list's filters applied.

use axum::extract::Query;
use concerto_documents::Sheet;
use concerto_domain::{Process, ROME, ReceivedExpression};
use serde::Deserialize;

use super::process::Filters;
use crate::error::OrPage;
use crate::error::PageResult;
use crate::guard::Reader;
use crate::i18n::Locale::It;
use crate::page::{SheetFormat, send_sheet};

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

async fn export(office: Reader, query: ExportQuery, format: SheetFormat) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    let expressions = state.store.active_expressions(process.id).await.or_page(&ctx)?;
    let chosen: Vec<&ReceivedExpression> = expressions.iter().filter(|e| query.filters.admit(&process, e)).collect();
    let per_organization = query.per.as_deref() == Some("organizzazioni");
    let what = if per_organization { "organizzazioni" } else { "rappresentanti" };
    let stem = format!("{}-{what}", process.header.slug);
    Ok(send_sheet(&sheet(&process, &chosen, per_organization), format, &stem, &ctx))
}

pub async fn csv(office: Reader, Query(query): Query<ExportQuery>) -> PageResult {
    export(office, query, SheetFormat::Csv).await
}

pub async fn xlsx(office: Reader, Query(query): Query<ExportQuery>) -> PageResult {
    export(office, query, SheetFormat::Xlsx).await
}

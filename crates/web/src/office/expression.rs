//! One expression as the office reads it: its data, the history of its versions,
//! its receipt and pact as PDF, its proposal and its pact's state. Whoever may see
//! the process's list of expressions may open each one.

use askama::Template;
use axum::extract::Path;
use axum::response::IntoResponse;
use concerto_domain::{Pact, Process, ReceivedExpression, italian};

use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::guard::Reader;
use crate::page::PageContext;
use crate::page::render;
use crate::view::when;

/// One version of the registration: (protocol, received, status, is this page's).
type VersionLine = (String, String, &'static str, bool);

#[derive(Template)]
#[template(path = "office_expression.html")]
struct ExpressionPage {
    ctx: PageContext,
    process: Process,
    e: ReceivedExpression,
    protocol: String,
    received_at: String,
    status: &'static str,
    kind: &'static str,
    legal_form: Option<&'static str>,
    founded_on: Option<String>,
    /// (area, representative's name, e-mail, phone)
    participations: Vec<(String, String, String, Option<String>)>,
    proposal_areas: Vec<String>,
    history: Vec<VersionLine>,
    pact: Option<PactView>,
}

pub struct PactView {
    pub id: i64,
    pub kind: &'static str,
    pub state: &'static str,
    pub state_code: &'static str,
    /// (label key, when) of each step taken.
    pub steps: Vec<(&'static str, String)>,
    pub signed_file: bool,
}

fn status_label(e: &ReceivedExpression, ctx: &PageContext) -> &'static str {
    use concerto_domain::ExpressionStatus::*;
    ctx.t(match e.status {
        Active => "status.expr.active",
        Superseded => "status.expr.superseded",
        Withdrawn => "status.expr.withdrawn",
        Annulled => "status.expr.annulled",
    })
}

fn pact_view(pact: &Pact, signed_file: bool, ctx: &PageContext) -> PactView {
    let steps = [
        ("pact.event.generated", Some(pact.generated_at)),
        ("pact.event.signed", pact.signed_at),
        ("pact.event.countersigned", pact.countersigned_at),
        ("pact.event.withdrawn", pact.withdrawn_at),
    ]
    .into_iter()
    .filter_map(|(key, at)| at.map(|at| (key, when(at))))
    .collect();
    PactView {
        id: pact.id,
        kind: crate::view::pact_kind_label(pact.kind, ctx),
        state: crate::view::pact_state_label(pact.state, ctx),
        state_code: pact.state.code(),
        steps,
        signed_file,
    }
}

/// The expression `id` of the process, any version, or not found: another
/// process's ids open nothing.
async fn target(state: &AppState, process: &Process, id: i64) -> Result<ReceivedExpression, WebError> {
    state.store.expression_by_id(id).await?.filter(|e| e.process_id == process.id).ok_or(WebError::NotFound)
}

pub async fn page(office: Reader, Path((_, id)): Path<(String, i64)>) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    let built = async {
        let e = target(&state, &process, id).await?;
        let history = state.store.expression_history(process.id, &e.expression.applicant.tax_code).await?;
        let pact = match state.store.pact_of_expression(e.id).await? {
            Some(p) => {
                let file = state.store.pact_file(p.id).await?.is_some();
                Some(pact_view(&p, file, &ctx))
            }
            None => None,
        };
        Ok::<_, WebError>((e, history, pact))
    }
    .await;
    let (e, history, pact) = built.or_page(&ctx)?;
    let a = &e.expression.applicant;
    let area_name = |id: i64| process.area(id).map(|a| a.name.clone()).unwrap_or_default();
    let page = ExpressionPage {
        protocol: e.protocol.to_string(),
        received_at: when(e.received_at),
        status: status_label(&e, &ctx),
        kind: ctx.t(&format!("form.kind.{}", a.kind.code())),
        legal_form: a.legal_form.map(|f| ctx.t(&format!("legal.{}", f.code()))),
        founded_on: a.founded_on.map(italian::date),
        participations: e
            .expression
            .participations
            .iter()
            .map(|p| {
                let r = &p.representative;
                (area_name(p.area_id), r.name.clone(), r.email.clone(), r.phone.clone())
            })
            .collect(),
        proposal_areas: e.expression.proposal.iter().flat_map(|p| p.area_ids.iter().map(|&id| area_name(id))).collect(),
        history: history
            .iter()
            .map(|h| {
                let status = ctx.t(match h.status {
                    concerto_domain::ExpressionStatus::Active => "status.expr.active",
                    concerto_domain::ExpressionStatus::Superseded => "status.expr.superseded",
                    concerto_domain::ExpressionStatus::Withdrawn => "status.expr.withdrawn",
                    concerto_domain::ExpressionStatus::Annulled => "status.expr.annulled",
                });
                (h.protocol.to_string(), when(h.received_at), status, h.protocol == e.protocol)
            })
            .collect(),
        pact,
        e,
        process,
        ctx,
    };
    Ok(render(&page.ctx, &page)?)
}

/// The receipt of an expression as PDF, the same the applicant has.
pub async fn receipt_pdf(office: Reader, Path((_, id)): Path<(String, i64)>) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    Ok(match target(&state, &process, id).await {
        Ok(e) => {
            let mut input = concerto_documents::Receipt::new(&process, &e);
            input.letterhead.logo = crate::documents::letterhead_logo(&state, process.ambito.id).await;
            let name = format!("ricevuta-{}", input.protocol);
            crate::documents::pdf(&ctx, &name, input, concerto_documents::receipt).await
        }
        Err(error) => error.into_page(&ctx),
    })
}

/// The pact of an expression as PDF, the version the organization reads.
pub async fn pact_pdf(office: Reader, Path((_, id)): Path<(String, i64)>) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    let found = async {
        let e = target(&state, &process, id).await?;
        state.store.pact_of_expression(e.id).await?.ok_or(WebError::NotFound)?;
        let bytes = crate::documents::render_pdf(&state, &process, &e).await?;
        Ok::<_, WebError>((e, bytes))
    }
    .await;
    Ok(match found {
        Ok((e, bytes)) => {
            let name = concerto_documents::file_name(&format!("patto-{}", e.protocol));
            let disposition = crate::security::content_disposition(true, &format!("{name}.pdf"));
            (
                [
                    (axum::http::header::CONTENT_TYPE, "application/pdf".to_string()),
                    (axum::http::header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(error) => error.into_page(&ctx),
    })
}

//! The outcome of one proposal, for the summary: the office chooses it and, for
//! anything but "accepted", says why (a 422 naming the motivation otherwise).

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use concerto_domain::tables::{Outcome, decide_outcome};
use concerto_domain::{OfficeAction, Process};
use concerto_store::StoredProposal;

use crate::AppState;
use crate::audit;
use crate::error::PageResult;
use crate::error::WebError;
use crate::form::{Fields, FormErrors, Pairs, unprocessable};
use crate::guard::Caller;
use crate::guard::office_process;
use crate::page::PageContext;
use crate::page::render;

#[derive(Template)]
#[template(path = "tables_outcome.html")]
struct OutcomePage {
    ctx: PageContext,
    process: Process,
    proposal: StoredProposal,
    /// (code, label key) of each outcome.
    outcomes: Vec<(&'static str, String)>,
    /// The proposals this one may be merged into.
    targets: Vec<(i64, String)>,
    fields: Fields,
    errors: FormErrors,
}

/// The proposals a proposal may be merged into: the others not merged themselves.
fn targets(all: &[StoredProposal], id: i64) -> Vec<(i64, String)> {
    all.iter()
        .filter(|p| p.id != id && p.outcome.as_ref().is_none_or(|o| o.merged_into.is_none()))
        .map(|p| (p.id, p.title.clone()))
        .collect()
}

fn fields_of(p: &StoredProposal) -> Fields {
    let mut values = Vec::new();
    if let Some(o) = &p.outcome {
        values.push(("outcome".to_string(), o.outcome.code().to_string()));
        values.push(("motivation".to_string(), o.motivation.clone().unwrap_or_default()));
        values.extend(o.merged_into.map(|t| ("merged_into".to_string(), t.to_string())));
    }
    Fields(values)
}

async fn load(
    state: &AppState,
    ctx: &PageContext,
    user: Option<&concerto_domain::Principal>,
    slug: &str,
    id: i64,
) -> Result<(Process, StoredProposal, Vec<StoredProposal>), Response> {
    let process = office_process(state, ctx, user, slug, OfficeAction::Edit).await?;
    let all = state.store.table_proposals(process.id).await.map_err(|e| WebError::from(e).into_page(ctx))?;
    let proposal = all.iter().find(|p| p.id == id).cloned().ok_or_else(|| WebError::NotFound.into_page(ctx))?;
    Ok((process, proposal, all))
}

fn page(
    ctx: PageContext,
    process: Process,
    proposal: StoredProposal,
    all: &[StoredProposal],
    fields: Fields,
    errors: FormErrors,
) -> OutcomePage {
    OutcomePage {
        outcomes: Outcome::ALL.iter().map(|o| (o.code(), format!("tables.outcome.{}", o.code()))).collect(),
        targets: targets(all, proposal.id),
        ctx,
        process,
        proposal,
        fields,
        errors,
    }
}

pub async fn form(Caller { state, ctx, user }: Caller, Path((slug, id)): Path<(String, i64)>) -> PageResult {
    let (process, proposal, all) = load(&state, &ctx, user.as_ref(), &slug, id).await?;
    let fields = fields_of(&proposal);
    let page = page(ctx, process, proposal, &all, fields, FormErrors::default());
    Ok(render(&page.ctx, &page)?)
}

pub async fn save(
    Caller { state, ctx, user }: Caller,
    Path((slug, id)): Path<(String, i64)>,
    Form(form): Pairs,
) -> PageResult {
    let (process, proposal, all) = load(&state, &ctx, user.as_ref(), &slug, id).await?;
    let Some(who) = user.as_ref() else { return Err(WebError::NotFound.into_page(&ctx)) };
    let fields = Fields(form);
    let allowed: Vec<i64> = targets(&all, id).into_iter().map(|(t, _)| t).collect();
    let decision = match decide_outcome(
        id,
        fields.get("outcome"),
        fields.get("motivation"),
        fields.opt_id("merged_into"),
        &allowed,
    ) {
        Ok(d) => d,
        Err(errors) => {
            let errors = FormErrors::of(&errors, &ctx);
            let page = page(ctx, process, proposal, &all, fields, errors);
            return Ok(unprocessable(&page.ctx, &page));
        }
    };
    let before = proposal.outcome.as_ref().map(|o| serde_json::json!({ "outcome": o.outcome.code(), "motivation": o.motivation, "merged_into": o.merged_into }));
    let after = serde_json::json!({ "outcome": decision.outcome.code(), "motivation": decision.motivation, "merged_into": decision.merged_into });
    let entry = audit::entry(
        who,
        state.clock.now(),
        "proposal.outcome",
        format!("proposal:{}:{id}", process.header.slug),
        &process.ambito.slug,
        before.as_ref(),
        Some(&after),
    );
    Ok(match state.store.decide_proposal(process.id, id, &decision, &entry).await {
        Ok(()) => Redirect::to(&format!("/ufficio/processi/{slug}/tavoli#proposte")).into_response(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

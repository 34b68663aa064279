//! The public results of the tables: the priorities with their chart, the summary
//! of proposals (page and CSV), the monitoring board and the plan's progress.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use concerto_documents::{ProposalOutcome, Sheet, Summary};
use concerto_domain::tables::{Candidate, InterventionNode, derived_progress, tally};
use concerto_domain::{Process, ROME};
use concerto_store::{BoardMember, Intervention, StoredProposal, TableWork};

use super::chart::{Bar, bar_chart};
use crate::error::WebError;
use crate::page::PageContext;
use crate::page::render;
use crate::view::when;
use crate::{AppState, public_process};

/// One line of the priorities' result.
pub struct RankLine {
    pub position: usize,
    pub id: i64,
    pub title: String,
    pub organization: String,
    pub points: u32,
    pub first_preferences: u32,
    /// Merged after the ballot closed: the proposal it joined ("unita alla n. X").
    pub merged_into: Option<i64>,
}

/// The name a public page shows for a proposal's proponent: a private citizen who
/// did not agree to be named is "Cittadina/o".
pub fn shown_name(ctx: &PageContext, p: &StoredProposal) -> String {
    if p.public_name { p.organization.clone() } else { ctx.t("flows.citizen").to_string() }
}

/// The ranking of the proposals and its chart. Once the ballot is closed it is
/// the tally kept at closing, whatever was merged or decided afterwards (a merge
/// shows as "unita alla n. X" beside the points the proposal had); while the
/// ballot is open, the count so far of the proposals still open.
pub async fn ranking(
    state: &AppState,
    ctx: &PageContext,
    process: &Process,
    proposals: &[StoredProposal],
) -> Result<(Vec<RankLine>, usize, String), WebError> {
    let ballots = state.store.ballots(process.id).await?;
    let kept = state.store.ballot_results(process.id).await?;
    let ranked = if kept.is_empty() {
        let open: Vec<&StoredProposal> =
            proposals.iter().filter(|p| p.outcome.as_ref().is_none_or(|o| o.merged_into.is_none())).collect();
        let candidates: Vec<Candidate> =
            open.iter().map(|p| Candidate { id: p.id, submitted_at: p.submitted_at }).collect();
        let cast: Vec<_> = ballots.iter().map(|b| b.ballot.clone()).collect();
        tally(&candidates, &cast)
    } else {
        kept
    };
    let lines: Vec<RankLine> = ranked
        .into_iter()
        .filter_map(|r| {
            proposals.iter().find(|p| p.id == r.proposal_id).map(|p| RankLine {
                position: r.position,
                id: p.id,
                title: p.title.clone(),
                organization: shown_name(ctx, p),
                points: r.points,
                first_preferences: r.first_preferences,
                merged_into: p.outcome.as_ref().and_then(|o| o.merged_into),
            })
        })
        .collect();
    let max = lines.iter().map(|l| l.points).max().unwrap_or(0);
    let bars: Vec<Bar> = lines
        .iter()
        .map(|l| Bar {
            label: l.title.clone(),
            value: l.points,
            text: ctx.tf("tables.chart.points", &[("points", &l.points.to_string())]),
        })
        .collect();
    let chart = bar_chart(
        "priorities-chart",
        ctx.t("tables.chart.priorities.title"),
        &ctx.tf("tables.chart.priorities.desc", &[("ballots", &ballots.len().to_string())]),
        &bars,
        max,
    );
    Ok((lines, ballots.len(), chart))
}

/// One intervention in the tree, with its derived progress.
pub struct ProgressLine {
    pub id: i64,
    pub depth: usize,
    pub title: String,
    pub area: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub progress: u8,
    pub derived: bool,
    pub intervention: Intervention,
}

/// The interventions in tree order (each parent before its children), with every
/// figure derived by the domain's rule.
pub fn progress_lines(ctx: &PageContext, process: &Process, interventions: Vec<Intervention>) -> Vec<ProgressLine> {
    let nodes: Vec<InterventionNode> = interventions
        .iter()
        .map(|i| InterventionNode { id: i.id, parent_id: i.parent_id, progress: i.progress })
        .collect();
    let derived = derived_progress(&nodes);
    let mut lines = Vec::new();
    let roots: Vec<&Intervention> =
        interventions.iter().filter(|i| i.parent_id.is_none_or(|p| !interventions.iter().any(|o| o.id == p))).collect();
    let mut stack: Vec<(&Intervention, usize)> = roots.into_iter().rev().map(|i| (i, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        if lines.iter().any(|l: &ProgressLine| l.id == i.id) {
            continue;
        }
        let children: Vec<&Intervention> =
            interventions.iter().filter(|c| c.parent_id == Some(i.id) && c.id != i.id).collect();
        lines.push(ProgressLine {
            id: i.id,
            depth,
            title: i.title.clone(),
            area: i.area_id.and_then(|a| process.area(a)).map(|a| a.name.clone()).unwrap_or_default(),
            status: ctx.t(&format!("tables.status.{}", i.status.code())),
            status_code: i.status.code(),
            progress: derived.get(&i.id).copied().unwrap_or(i.progress),
            derived: !children.is_empty(),
            intervention: i.clone(),
        });
        stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
    }
    lines
}

/// The progress chart of the top-level interventions.
pub fn progress_chart(ctx: &PageContext, lines: &[ProgressLine]) -> String {
    let bars: Vec<Bar> = lines
        .iter()
        .filter(|l| l.depth == 0)
        .map(|l| Bar { label: l.title.clone(), value: u32::from(l.progress), text: format!("{} %", l.progress) })
        .collect();
    bar_chart("progress-chart", ctx.t("tables.chart.progress.title"), ctx.t("tables.chart.progress.desc"), &bars, 100)
}

#[derive(Template)]
#[template(path = "tables_priorities.html")]
struct PrioritiesPage {
    ctx: PageContext,
    process: Process,
    work: TableWork,
    lines: Vec<RankLine>,
    ballots: usize,
    chart: String,
    closed_at: String,
}

pub async fn priorities(State(state): State<AppState>, ctx: PageContext, Path(slug): Path<String>) -> Response {
    let result = async {
        let process = public_process(&state.store, &slug).await?;
        let work = state.store.table_work(process.id).await?;
        let proposals = state.store.table_proposals(process.id).await?;
        let (lines, ballots, chart) = ranking(&state, &ctx, &process, &proposals).await?;
        let closed_at = work.ballot_closed_at.map(when).unwrap_or_default();
        Ok::<_, WebError>(PrioritiesPage { ctx: ctx.clone(), process, work, lines, ballots, chart, closed_at })
    }
    .await;
    match result {
        Ok(page) => render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response),
        Err(e) => e.into_page(&ctx),
    }
}

/// One line of the summary of proposals.
pub struct SummaryLine {
    pub id: i64,
    pub title: String,
    pub organization: String,
    pub areas: String,
    pub outcome: String,
    pub motivation: String,
    pub merged_into: Option<(i64, String)>,
}

/// The summary's lines as the public sees them: proponents named only when they may be.
pub fn public_summary_lines(ctx: &PageContext, process: &Process, proposals: &[StoredProposal]) -> Vec<SummaryLine> {
    summary_lines(ctx, process, proposals)
        .into_iter()
        .zip(proposals)
        .map(|(line, p)| SummaryLine { organization: shown_name(ctx, p), ..line })
        .collect()
}

pub fn summary_lines(ctx: &PageContext, process: &Process, proposals: &[StoredProposal]) -> Vec<SummaryLine> {
    proposals
        .iter()
        .map(|p| SummaryLine {
            id: p.id,
            title: p.title.clone(),
            organization: p.organization.clone(),
            areas: process.area_names(&p.area_ids).join(", "),
            outcome: p
                .outcome
                .as_ref()
                .map(|o| ctx.t(&format!("tables.outcome.{}", o.outcome.code())).to_string())
                .unwrap_or_default(),
            motivation: p.outcome.as_ref().and_then(|o| o.motivation.clone()).unwrap_or_default(),
            merged_into: p
                .outcome
                .as_ref()
                .and_then(|o| o.merged_into)
                .and_then(|t| proposals.iter().find(|q| q.id == t))
                .map(|q| (q.id, q.title.clone())),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "tables_summary.html")]
struct SummaryPage {
    ctx: PageContext,
    process: Process,
    published_at: String,
    lines: Vec<SummaryLine>,
}

/// A published summary: the process, when it was published, its proposals.
struct Published {
    process: Process,
    at: chrono::DateTime<chrono::Utc>,
    proposals: Vec<StoredProposal>,
}

/// The published summary, or not found before it is published.
async fn published_summary(state: &AppState, slug: &str) -> Result<Published, WebError> {
    let process = public_process(&state.store, slug).await?;
    let work = state.store.table_work(process.id).await?;
    let at = work.summary_published_at.ok_or(WebError::NotFound)?;
    let proposals = state.store.table_proposals(process.id).await?;
    Ok(Published { process, at, proposals })
}

pub async fn summary(State(state): State<AppState>, ctx: PageContext, Path(slug): Path<String>) -> Response {
    match published_summary(&state, &slug).await {
        Ok(p) => {
            let lines = public_summary_lines(&ctx, &p.process, &p.proposals);
            let page = SummaryPage { ctx, process: p.process, published_at: when(p.at), lines };
            render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response)
        }
        Err(e) => e.into_page(&ctx),
    }
}

pub async fn summary_csv(State(state): State<AppState>, ctx: PageContext, Path(slug): Path<String>) -> Response {
    match published_summary(&state, &slug).await {
        Ok(p) => {
            let headers =
                ["numero", "proposta", "organizzazione", "aree", "esito", "motivazione", "unita_alla_proposta"];
            let rows = public_summary_lines(&ctx, &p.process, &p.proposals)
                .into_iter()
                .map(|l| {
                    vec![
                        l.id.to_string(),
                        l.title,
                        l.organization,
                        l.areas,
                        l.outcome,
                        l.motivation,
                        l.merged_into.map(|(id, _)| id.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            let sheet = Sheet { name: "Sintesi".into(), headers: headers.map(String::from).to_vec(), rows };
            crate::page::send_file(
                sheet.to_csv(),
                "text/csv; charset=utf-8",
                format!("sintesi-{}.csv", p.process.header.slug),
                &ctx,
            )
        }
        Err(e) => e.into_page(&ctx),
    }
}

/// The summary as a PDF/A, in Italian whatever the reader's language, dated the
/// day it was published (Rome), so that every download gives the same bytes.
pub async fn summary_pdf(State(state): State<AppState>, ctx: PageContext, Path(slug): Path<String>) -> Response {
    match published_summary(&state, &slug).await {
        Ok(p) => {
            let names: Vec<String> = p.proposals.iter().map(|q| shown_name(&italian_ctx(&ctx), q)).collect();
            let outcomes: Vec<ProposalOutcome> = p
                .proposals
                .iter()
                .zip(&names)
                .map(|(q, name)| ProposalOutcome {
                    id: q.id,
                    title: &q.title,
                    body: &q.body,
                    organization: name,
                    area_ids: &q.area_ids,
                    supporters: q.supporters.len(),
                    outcome: q.outcome.as_ref(),
                })
                .collect();
            let mut input = Summary::new(&p.process, &outcomes, p.at.with_timezone(&ROME).date_naive());
            input.letterhead.logo = crate::documents::letterhead_logo(&state, p.process.ambito.id).await;
            crate::documents::pdf(&ctx, &format!("sintesi-{slug}"), input, concerto_documents::summary).await
        }
        Err(e) => e.into_page(&ctx),
    }
}

/// The PDF is in Italian whatever the reader's language.
fn italian_ctx(ctx: &PageContext) -> PageContext {
    PageContext { locale: crate::i18n::Locale::It, ..ctx.clone() }
}

#[derive(Template)]
#[template(path = "tables_board.html")]
struct BoardPage {
    ctx: PageContext,
    process: Process,
    members: Vec<(BoardMember, String)>,
}

pub async fn board(State(state): State<AppState>, ctx: PageContext, Path(slug): Path<String>) -> Response {
    let result = async {
        let process = public_process(&state.store, &slug).await?;
        let members = state.store.board_members(process.id).await?.into_iter().map(|m| {
            let at = when(m.appointed_at);
            (m, at)
        });
        Ok::<_, WebError>(BoardPage { ctx: ctx.clone(), members: members.collect(), process })
    }
    .await;
    match result {
        Ok(page) => render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response),
        Err(e) => e.into_page(&ctx),
    }
}

#[derive(Template)]
#[template(path = "tables_progress.html")]
struct ProgressPage {
    ctx: PageContext,
    process: Process,
    lines: Vec<ProgressLine>,
    chart: String,
}

pub async fn progress(State(state): State<AppState>, ctx: PageContext, Path(slug): Path<String>) -> Response {
    let result = async {
        let process = public_process(&state.store, &slug).await?;
        let lines = progress_lines(&ctx, &process, state.store.interventions(process.id).await?);
        let chart = progress_chart(&ctx, &lines);
        Ok::<_, WebError>(ProgressPage { ctx: ctx.clone(), process, lines, chart })
    }
    .await;
    match result {
        Ok(page) => render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response),
        Err(e) => e.into_page(&ctx),
    }
}

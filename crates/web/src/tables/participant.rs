//! The tables behind a management link: the representatives' check-in codes, the
//! proposals (send one, support others), the organization's priority ballot and,
//! for members of the monitoring board, comments on the plan's progress.

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use concerto_domain::tables::{BALLOT_POINTS, on_ballot_of, validate_ballot, validate_proposal};
use concerto_domain::{
    AuditEntry, Decision, ExpressionStatus, FieldErrors, Process, ReceivedExpression, TablesAction, may_act_at_tables,
};
use concerto_store::{Intervention, NewTableProposal, ProgressComment, StoreError, StoredProposal};
use serde::Serialize;

use crate::AppState;
use crate::audit::participant_entry;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::form::{Fields, FormErrors, Pairs, unprocessable};
use crate::guard::path_param;
use crate::page::PageContext;
use crate::page::render;
use crate::qr::{CodeView, codes_of};
use crate::secret::token_digest;

pub struct ProposalLine {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub organization: String,
    pub areas: String,
    pub supporters: usize,
    pub supported: bool,
    pub own: bool,
    /// On this organization's ballot, with the points it gave.
    pub points: Option<String>,
}

#[derive(Template)]
#[template(path = "tables_participant.html")]
struct ParticipantPage {
    ctx: PageContext,
    token: String,
    process: Process,
    organization: String,
    active: bool,
    codes: Vec<CodeView>,
    /// The attendance certificates of sessions attended: (link, label).
    certificates: Vec<(String, String)>,
    proposals: Vec<ProposalLine>,
    /// The office has opened the ballot (it may be closed since).
    ballot_opened: bool,
    ballot_open: bool,
    has_ballot: bool,
    points: u32,
    on_board: bool,
    interventions: Vec<(i64, String)>,
    fields: Fields,
    errors: FormErrors,
}

struct Holder {
    process: Process,
    received: ReceivedExpression,
}

impl Holder {
    /// The audit entry of a change the holder made through their link, about `subject`.
    fn entry(&self, at: DateTime<Utc>, action: &str, subject: String, after: &impl Serialize) -> AuditEntry {
        participant_entry(&self.received, at, action, subject, &self.process.ambito.slug, after)
    }
}

/// A request through a management link (`{token}`) whose holder may take part in
/// the tables: everything its handler needs. A link not found, or a holder who may
/// not take part, is answered before the handler runs.
pub struct Participant {
    state: AppState,
    ctx: PageContext,
    token: String,
    h: Holder,
}

impl FromRequestParts<AppState> for Participant {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(ctx) = PageContext::from_request_parts(parts, state).await;
        let token = path_param(parts, state, "token").await.unwrap_or_default();
        let h = allowed(state, &ctx, &token, TablesAction::Participate).await?;
        Ok(Participant { state: state.clone(), ctx, token, h })
    }
}

async fn holder(state: &AppState, token: &str) -> Result<Holder, WebError> {
    let received = state.store.expression_by_token(&token_digest(token)).await?.ok_or(WebError::NotFound)?;
    let process = state.store.process_by_id(received.process_id).await?.ok_or(WebError::NotFound)?;
    Ok(Holder { process, received })
}

async fn on_board(state: &AppState, h: &Holder) -> Result<bool, WebError> {
    let tax_code = h.received.expression.applicant.tax_code.to_string();
    Ok(state.store.board_members(h.process.id).await?.iter().any(|m| m.tax_code == tax_code))
}

fn participation_areas(e: &ReceivedExpression) -> Vec<i64> {
    e.expression.participations.iter().map(|p| p.area_id).collect()
}

fn merged(p: &StoredProposal) -> bool {
    p.outcome.as_ref().is_some_and(|o| o.merged_into.is_some())
}

async fn build(
    state: &AppState,
    ctx: PageContext,
    token: &str,
    h: Holder,
    fields: Fields,
    errors: FormErrors,
) -> Result<ParticipantPage, WebError> {
    let tax_code = h.received.expression.applicant.tax_code.to_string();
    let work = state.store.table_work(h.process.id).await?;
    let ballots = state.store.ballots(h.process.id).await?;
    let mine = ballots.iter().find(|b| b.tax_code == tax_code);
    let areas = participation_areas(&h.received);
    let all = state.store.table_proposals(h.process.id).await?;
    let organization = h.received.expression.applicant.name.clone();
    let proposals = all
        .iter()
        .filter(|p| !merged(p))
        .map(|p| {
            let given =
                mine.and_then(|b| b.ballot.points.iter().find(|(id, _)| *id == p.id)).map(|(_, n)| n.to_string());
            ProposalLine {
                id: p.id,
                title: p.title.clone(),
                body: p.body.clone(),
                organization: p.organization.clone(),
                areas: p
                    .area_ids
                    .iter()
                    .filter_map(|&a| h.process.area(a))
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                supporters: p.supporters.len(),
                supported: p.supporters.contains(&organization),
                own: p.tax_code.as_deref() == Some(tax_code.as_str()),
                points: on_ballot_of(&p.area_ids, false, &areas).then(|| given.unwrap_or_default()),
            }
        })
        .collect();
    let interventions: Vec<Intervention> = state.store.interventions(h.process.id).await?;
    let certificates = crate::documents::own_certificates(state, &h.process, &h.received)
        .await?
        .into_iter()
        .map(|(s, a)| {
            let href = format!("/manifestazioni/{token}/sessioni/{}/attestato.pdf?area={}", s.id, a.area_id);
            (href, ctx.tf("documents.certificate.own_of", &[("name", &a.name), ("session", &s.title)]))
        })
        .collect();
    Ok(ParticipantPage {
        certificates,
        codes: codes_of(state, &ctx, &h.received).await?,
        token: token.to_string(),
        organization,
        active: h.received.status == ExpressionStatus::Active,
        proposals,
        ballot_opened: work.ballot_opened_at.is_some(),
        ballot_open: work.ballot_opened_at.is_some() && work.ballot_closed_at.is_none(),
        has_ballot: mine.is_some(),
        points: BALLOT_POINTS,
        on_board: on_board(state, &h).await?,
        interventions: interventions.into_iter().map(|i| (i.id, i.title)).collect(),
        process: h.process,
        ctx,
        fields,
        errors,
    })
}

async fn show(
    state: &AppState,
    ctx: PageContext,
    token: &str,
    h: Holder,
    fields: Fields,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let errors = FormErrors::of(&errors, &ctx);
    match build(state, ctx.clone(), token, h, fields, errors).await {
        Ok(page) if status == StatusCode::UNPROCESSABLE_ENTITY => unprocessable(&page.ctx, &page),
        Ok(page) => {
            render(&page.ctx, &page).map(|r| (status, r).into_response()).unwrap_or_else(IntoResponse::into_response)
        }
        Err(e) => e.into_page(&ctx),
    }
}

pub async fn page(State(state): State<AppState>, ctx: PageContext, Path(token): Path<String>) -> PageResult {
    let h = holder(&state, &token).await.or_page(&ctx)?;
    let page = build(&state, ctx.clone(), &token, h, Fields::default(), FormErrors::default()).await.or_page(&ctx)?;
    Ok(render(&page.ctx, &page)?)
}

/// The holder behind `token`, when it may do `action`.
async fn allowed(state: &AppState, ctx: &PageContext, token: &str, action: TablesAction) -> Result<Holder, Response> {
    let h = holder(state, token).await.map_err(|e| e.into_page(ctx))?;
    let board = match action {
        TablesAction::CommentProgress => on_board(state, &h).await.map_err(|e| e.into_page(ctx))?,
        TablesAction::Participate => false,
    };
    match may_act_at_tables(h.received.status == ExpressionStatus::Active, board, action) {
        Decision::Allow => Ok(h),
        _ => Err(WebError::Forbidden.into_page(ctx)),
    }
}

fn back(token: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/manifestazioni/{token}/tavoli#{anchor}")).into_response()
}

pub async fn propose(participant: Participant, Form(form): Pairs) -> PageResult {
    let Participant { state, ctx, token, h } = participant;
    let fields = Fields(form);
    let process_areas: Vec<i64> = h.process.areas.iter().map(|a| a.id).collect();
    let e = &h.received.expression;
    let draft = match validate_proposal(
        fields.get("title"),
        fields.get("text"),
        &fields.ids("area"),
        &e.applicant.name,
        &process_areas,
    ) {
        Ok(d) => d,
        Err(errors) => return Ok(show(&state, ctx, &token, h, fields, errors, StatusCode::UNPROCESSABLE_ENTITY).await),
    };
    let proposal = NewTableProposal {
        process_id: h.process.id,
        session_id: None,
        online: true,
        draft: &draft,
        tax_code: Some(e.applicant.tax_code.to_string()),
        proposer_email: Some(e.applicant.email.clone()),
        public_name: e.named_in_public(),
    };
    let audit = h.entry(
        state.clock.now(),
        "proposal.submit",
        format!("process:{}", h.process.header.slug),
        &serde_json::json!({ "title": draft.title, "areas": draft.area_ids }),
    );
    state.store.create_table_proposal(&proposal, &audit).await.or_page(&ctx)?;
    Ok(back(&token, "proposte"))
}

pub async fn support(participant: Participant, Path((_, id)): Path<(String, i64)>) -> PageResult {
    let Participant { state, ctx, token, h } = participant;
    let a = &h.received.expression.applicant;
    let audit = h.entry(
        state.clock.now(),
        "proposal.support",
        format!("proposal:{}:{id}", h.process.header.slug),
        &serde_json::json!({ "organization": a.name }),
    );
    Ok(match state.store.support_proposal(h.process.id, id, a.tax_code.as_str(), &a.name, &audit).await {
        // A second support from the same organization changes nothing.
        Ok(()) | Err(StoreError::Conflict(_)) => back(&token, "proposte"),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

pub async fn vote(participant: Participant, Form(form): Pairs) -> PageResult {
    let Participant { state, ctx, token, h } = participant;
    let fields = Fields(form);
    let proposals = state.store.table_proposals(h.process.id).await.or_page(&ctx)?;
    let areas = participation_areas(&h.received);
    let eligible: Vec<i64> =
        proposals.iter().filter(|p| on_ballot_of(&p.area_ids, merged(p), &areas)).map(|p| p.id).collect();
    let sent: Vec<(i64, String)> = fields
        .0
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("points.").map(|id| (id.parse().unwrap_or(-1), v.clone())))
        .collect();
    let ballot = match validate_ballot(&sent, &eligible) {
        Ok(b) => b,
        Err(errors) => return Ok(show(&state, ctx, &token, h, fields, errors, StatusCode::UNPROCESSABLE_ENTITY).await),
    };
    let a = &h.received.expression.applicant;
    let audit = h.entry(
        state.clock.now(),
        "ballot.cast",
        format!("process:{}", h.process.header.slug),
        &serde_json::json!({ "points": ballot.points }),
    );
    Ok(match state.store.cast_ballot(h.process.id, a.tax_code.as_str(), &a.name, &ballot, &audit).await {
        Ok(()) => back(&token, "priorita"),
        Err(StoreError::Conflict(_)) => {
            let mut errors = FieldErrors::default();
            match state.store.table_work(h.process.id).await {
                Ok(w) if w.ballot_opened_at.is_none() => {
                    errors.push("points", "not_open", "La votazione delle priorità non è ancora aperta.");
                }
                _ => errors.push("points", "closed", "La votazione delle priorità è chiusa."),
            }
            show(&state, ctx, &token, h, fields, errors, StatusCode::CONFLICT).await
        }
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

pub async fn comment(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((token, id)): Path<(String, i64)>,
    Form(form): Pairs,
) -> PageResult {
    let h = allowed(&state, &ctx, &token, TablesAction::CommentProgress).await?;
    let fields = Fields(form);
    let body = fields.get("comment").trim().to_string();
    if body.is_empty() || body.chars().count() > 5_000 {
        let mut errors = FieldErrors::default();
        errors.push("comment", "required", "Scrivere il commento (al massimo 5.000 caratteri).");
        return Ok(show(&state, ctx, &token, h, fields, errors, StatusCode::UNPROCESSABLE_ENTITY).await);
    }
    let a = &h.received.expression.applicant;
    let now = state.clock.now();
    let comment = ProgressComment { organization: a.name.clone(), body, written_at: now };
    let audit = h.entry(
        now,
        "progress.comment",
        format!("intervention:{}:{id}", h.process.header.slug),
        &serde_json::json!({ "comment": comment.body }),
    );
    Ok(match state.store.add_progress_comment(h.process.id, id, a.tax_code.as_str(), &comment, &audit).await {
        Ok(()) => back(&token, "monitoraggio"),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

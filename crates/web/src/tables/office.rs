//! The office's page of the tables, `/ufficio/processi/{slug}/tavoli`: sessions and
//! attendance, proposals entered at a session, the ballot, the summary, the
//! monitoring board and the plan's interventions.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use concerto_domain::tables::{
    BallotRefusal, BoardCandidate, InterventionStatus, check_appointment, check_summary_complete, may_open_ballot,
    pact_lapsed, validate_milestone, validate_proposal, validate_status,
};
use concerto_domain::{FieldErrors, Process, ReceivedExpression};
use concerto_mail::templates::{OutcomeNotice, proposal_outcome};
use concerto_store::{
    BoardMember, Milestone, NewIntervention, NewTableProposal, PactEntry, StoreError, StoredProposal, TableWork,
};

use super::public::{ProgressLine, RankLine, progress_chart, progress_lines, ranking, summary_lines};
use crate::AppState;
use crate::confirm::{Confirmation, ask, confirmed};
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::form::{Fields, FormErrors, Pairs, unprocessable};
use crate::guard::{Editor, Reader};
use crate::page::render;
use crate::page::{Flash, PageContext};

pub struct ProposalLine {
    pub id: i64,
    pub title: String,
    pub organization: String,
    pub areas: String,
    pub supporters: usize,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "tables_office.html")]
struct Hub {
    ctx: PageContext,
    process: Process,
    organizations: Vec<(String, String)>,
    board_candidates: Vec<(String, String)>,
    proposals: Vec<ProposalLine>,
    work: TableWork,
    ranking: Vec<RankLine>,
    ballots: usize,
    chart: String,
    undecided: usize,
    board: Vec<BoardMember>,
    /// The tax codes of members whose organization has no pact in force any more
    /// (withdrawn since their appointment).
    lapsed: Vec<String>,
    interventions: Vec<ProgressLine>,
    progress_chart: String,
    statuses: Vec<(&'static str, &'static str)>,
    fields: Fields,
    errors: FormErrors,
}

impl Hub {
    fn is_lapsed(&self, member: &BoardMember) -> bool {
        self.lapsed.contains(&member.tax_code)
    }
}

/// The organizations of the current expressions: (tax code, name).
fn organizations(expressions: &[ReceivedExpression]) -> Vec<(String, String)> {
    expressions
        .iter()
        .map(|e| (e.expression.applicant.tax_code.to_string(), e.expression.applicant.name.clone()))
        .collect()
}

/// The states of the pacts `tax_code` has had in the process.
fn pact_states<'a>(pacts: &'a [PactEntry], tax_code: &'a str) -> impl Iterator<Item = concerto_domain::PactState> + 'a {
    pacts.iter().filter(move |p| p.tax_code == tax_code).map(|p| p.pact.state)
}

/// Who may sit on the monitoring board: the organizations of the current
/// expressions, each with whether the register holds a pact of theirs in force.
fn board_candidates(expressions: &[ReceivedExpression], pacts: &[PactEntry]) -> Vec<BoardCandidate> {
    expressions
        .iter()
        .map(|e| {
            let tax_code = e.expression.applicant.tax_code.as_str();
            BoardCandidate::of(tax_code, pact_states(pacts, tax_code))
        })
        .collect()
}

async fn build(
    state: &AppState,
    ctx: PageContext,
    process: Process,
    fields: Fields,
    errors: FormErrors,
) -> Result<Hub, WebError> {
    let expressions = state.store.active_expressions(process.id).await?;
    let proposals = state.store.table_proposals(process.id).await?;
    let work = state.store.table_work(process.id).await?;
    let (ranking, ballots, chart) = ranking(state, &ctx, &process, &proposals).await?;
    let board = state.store.board_members(process.id).await?;
    let interventions = progress_lines(&ctx, &process, state.store.interventions(process.id).await?);
    let summary = summary_lines(&ctx, &process, &proposals);
    let organizations = organizations(&expressions);
    let pacts = state.store.pact_register(process.id).await?;
    let candidates = board_candidates(&expressions, &pacts);
    Ok(Hub {
        lapsed: board
            .iter()
            .filter(|m| pact_lapsed(pact_states(&pacts, &m.tax_code)))
            .map(|m| m.tax_code.clone())
            .collect(),
        board_candidates: organizations
            .iter()
            .filter(|(t, _)| {
                candidates.iter().any(|c| &c.tax_code == t && c.pact_signed) && !board.iter().any(|m| &m.tax_code == t)
            })
            .cloned()
            .collect(),
        organizations,
        proposals: summary
            .into_iter()
            .zip(&proposals)
            .map(|(s, p)| ProposalLine {
                id: s.id,
                title: s.title,
                organization: s.organization,
                areas: s.areas,
                supporters: p.supporters.len(),
                outcome: match s.merged_into {
                    Some((_, title)) => format!("{}: {title}", s.outcome),
                    None => s.outcome,
                },
            })
            .collect(),
        undecided: proposals.iter().filter(|p| p.outcome.is_none()).count(),
        progress_chart: progress_chart(&ctx, &interventions),
        interventions,
        statuses: InterventionStatus::ALL.iter().map(|s| (s.code(), status_key(*s))).collect(),
        work,
        ranking,
        ballots,
        chart,
        board,
        process,
        ctx,
        fields,
        errors,
    })
}

fn status_key(s: InterventionStatus) -> &'static str {
    match s {
        InterventionStatus::Planned => "tables.status.planned",
        InterventionStatus::InProgress => "tables.status.in_progress",
        InterventionStatus::Suspended => "tables.status.suspended",
        InterventionStatus::Completed => "tables.status.completed",
    }
}

async fn show(
    state: &AppState,
    ctx: PageContext,
    process: Process,
    fields: Fields,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let errors = FormErrors::of(&errors, &ctx);
    match build(state, ctx.clone(), process, fields, errors).await {
        Ok(page) if status == StatusCode::UNPROCESSABLE_ENTITY => unprocessable(&page.ctx, &page),
        Ok(page) => {
            render(&page.ctx, &page).map(|r| (status, r).into_response()).unwrap_or_else(IntoResponse::into_response)
        }
        Err(e) => e.into_page(&ctx),
    }
}

pub async fn hub(office: Reader) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    let page = build(&state, ctx.clone(), process, Fields::default(), FormErrors::default()).await.or_page(&ctx)?;
    Ok(render(&page.ctx, &page)?)
}

/// Back to the hub's section `anchor`, with the message saying what was saved.
fn back(slug: &str, anchor: &str, done: &str) -> Response {
    Redirect::to(&Flash::redirect(&format!("/ufficio/processi/{slug}/tavoli#{anchor}"), done, None)).into_response()
}

pub async fn add_proposal(office: Editor, Path(slug): Path<String>, Form(form): Pairs) -> PageResult {
    let audit = office.auditor();
    let Editor { state, ctx, process, .. } = office;
    let fields = Fields(form);
    let expressions = state.store.active_expressions(process.id).await.or_page(&ctx)?;
    // A registered organization brings its name and address; otherwise they are typed.
    let proposer = expressions.iter().find(|e| e.expression.applicant.tax_code.as_str() == fields.get("proposer"));
    let organization = proposer.map_or(fields.get("organization").to_string(), |e| e.expression.applicant.name.clone());
    let email = proposer
        .map(|e| e.expression.applicant.email.clone())
        .or_else(|| Some(fields.get("email").trim().to_lowercase()).filter(|e| !e.is_empty()));
    let process_areas: Vec<i64> = process.areas.iter().map(|a| a.id).collect();
    let session_id = fields.opt_id("session").filter(|id| process.sessions.iter().any(|s| s.id == *id));
    let draft = match validate_proposal(
        fields.get("title"),
        fields.get("text"),
        &fields.ids("area"),
        &organization,
        &process_areas,
    ) {
        Ok(d) => d,
        Err(errors) => return Ok(show(&state, ctx, process, fields, errors, StatusCode::UNPROCESSABLE_ENTITY).await),
    };
    let proposal = NewTableProposal {
        process_id: process.id,
        session_id,
        online: false,
        draft: &draft,
        tax_code: proposer.map(|e| e.expression.applicant.tax_code.to_string()),
        proposer_email: email,
        public_name: proposer.is_none_or(|e| e.expression.named_in_public()),
    };
    let entry = audit.after(
        "proposal.create",
        &serde_json::json!({ "title": draft.title, "organization": draft.organization, "session": session_id }),
    );
    state.store.create_table_proposal(&proposal, &entry).await.or_page(&ctx)?;
    Ok(back(&slug, "proposte", "proposal_added"))
}

/// Back to the ballot's section once `saved`; a ballot already in the state asked
/// for changes nothing, and says so.
fn ballot_saved(saved: Result<(), StoreError>, ctx: &PageContext, slug: &str, done: &str) -> Response {
    match saved {
        Ok(()) => back(slug, "priorita", done),
        Err(StoreError::Conflict(_)) => back(slug, "priorita", "nothing_changed"),
        Err(e) => WebError::from(e).into_page(ctx),
    }
}

/// Opens the priority ballot, when the domain's rule allows it now.
pub async fn open_ballot(office: Editor, Path(slug): Path<String>) -> PageResult {
    let audit = office.auditor();
    let Editor { state, ctx, process, .. } = office;
    if let Err(refusal) = may_open_ballot(&process, state.clock.now()) {
        let mut errors = FieldErrors::default();
        let (code, at) = match refusal {
            BallotRefusal::BeforeDeadline(at) => ("before_deadline", at),
            BallotRefusal::BeforePlenary(at) => ("before_plenary", at),
        };
        let text = ctx.tf(&format!("flows.ballot.{code}"), &[("at", &crate::view::when(at))]);
        errors.push("ballot", code, text);
        return Ok(show(&state, ctx, process, Fields::default(), errors, StatusCode::CONFLICT).await);
    }
    let entry = audit.after("ballot.open", &serde_json::json!({ "opened": true }));
    let saved = state.store.open_ballot(process.id, &entry).await;
    Ok(ballot_saved(saved, &ctx, &slug, "ballot_opened"))
}

/// Closes the ballot after a confirmation: the tally is kept as it stands.
pub async fn close_ballot(office: Editor, Path(slug): Path<String>, Form(form): Pairs) -> PageResult {
    let audit = office.auditor();
    let Editor { state, ctx, process, .. } = office;
    if !confirmed(&form) {
        let ballots = state.store.ballots(process.id).await.map(|b| b.len()).unwrap_or_default();
        return Ok(ask(
            ctx.clone(),
            Confirmation {
                title: ctx.t("flows.confirm.close_ballot.title").to_string(),
                text: ctx.tf("flows.confirm.close_ballot.text", &[("ballots", &ballots.to_string())]),
                warnings: Vec::new(),
                action: format!("/ufficio/processi/{slug}/priorita/chiusura"),
                fields: Vec::new(),
                button: ctx.t("tables.ballot.close").to_string(),
                back: format!("/ufficio/processi/{slug}/tavoli#priorita"),
            },
        ));
    }
    let entry = audit.after("ballot.close", &serde_json::json!({ "closed": true }));
    let saved = state.store.close_ballot(process.id, &entry).await;
    Ok(ballot_saved(saved, &ctx, &slug, "ballot_closed"))
}

fn outcome_notice(
    state: &AppState,
    process: &Process,
    p: &StoredProposal,
    all: &[StoredProposal],
) -> Option<concerto_store::NewEmail> {
    let (recipient, outcome) = (p.proposer_email.clone()?, p.outcome.as_ref()?);
    let base = state.config.public_url.trim_end_matches('/');
    Some(proposal_outcome(&OutcomeNotice {
        dedup_key: format!("outcome:{}", p.id),
        recipient,
        organization: p.organization.clone(),
        process_title: process.header.title.clone(),
        proposal_title: p.title.clone(),
        outcome: outcome.outcome.label().to_string(),
        motivation: outcome.motivation.clone(),
        merged_into: outcome.merged_into.and_then(|t| all.iter().find(|q| q.id == t)).map(|q| q.title.clone()),
        summary_url: format!("{base}/processi/{}/sintesi", process.header.slug),
    }))
}

pub async fn publish_summary(office: Editor, Path(slug): Path<String>, Form(form): Pairs) -> PageResult {
    let audit = office.auditor();
    let Editor { state, ctx, process, .. } = office;
    let proposals = state.store.table_proposals(process.id).await.or_page(&ctx)?;
    let decided: Vec<bool> = proposals.iter().map(|p| p.outcome.is_some()).collect();
    if let Err(errors) = check_summary_complete(&decided) {
        return Ok(show(&state, ctx, process, Fields::default(), errors, StatusCode::UNPROCESSABLE_ENTITY).await);
    }
    let emails: Vec<_> = proposals.iter().filter_map(|p| outcome_notice(&state, &process, p, &proposals)).collect();
    if !confirmed(&form) {
        return Ok(ask(
            ctx.clone(),
            Confirmation {
                title: ctx.t("flows.confirm.summary.title").to_string(),
                text: ctx.tf(
                    "flows.confirm.summary.text",
                    &[("proposals", &proposals.len().to_string()), ("emails", &emails.len().to_string())],
                ),
                warnings: Vec::new(),
                action: format!("/ufficio/processi/{slug}/sintesi/pubblicazione"),
                fields: Vec::new(),
                button: ctx.t("tables.summary.publish").to_string(),
                back: format!("/ufficio/processi/{slug}/tavoli#sintesi"),
            },
        ));
    }
    let sent = emails.len();
    let entry =
        audit.after("summary.publish", &serde_json::json!({ "proposals": proposals.len(), "notices": emails.len() }));
    Ok(match state.store.publish_summary(process.id, &emails, &entry).await {
        Ok(()) => {
            state.outbox.wake();
            Redirect::to(&Flash::redirect(&format!("/processi/{slug}/sintesi"), "summary_published", Some(sent)))
                .into_response()
        }
        Err(StoreError::Conflict(_)) => Redirect::to(&format!("/processi/{slug}/sintesi")).into_response(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

pub async fn appoint(office: Editor, Path(slug): Path<String>, Form(form): Pairs) -> PageResult {
    let audit = office.auditor();
    let Editor { state, ctx, process, .. } = office;
    let fields = Fields(form);
    let loaded = async {
        let store = &state.store;
        Ok::<_, StoreError>((
            store.active_expressions(process.id).await?,
            store.board_members(process.id).await?,
            store.pact_register(process.id).await?,
        ))
    };
    let (expressions, board, pacts) = loaded.await.or_page(&ctx)?;
    let tax_code = fields.get("organization");
    let candidate = board_candidates(&expressions, &pacts)
        .into_iter()
        .find(|c| c.tax_code == tax_code)
        .unwrap_or(BoardCandidate { tax_code: tax_code.to_string(), pact_signed: false });
    let appointed: Vec<String> = board.iter().map(|m| m.tax_code.clone()).collect();
    if let Err(errors) = check_appointment(&candidate, fields.get("referent"), &appointed) {
        return Ok(show(&state, ctx, process, fields, errors, StatusCode::UNPROCESSABLE_ENTITY).await);
    }
    let name = expressions
        .iter()
        .find(|e| e.expression.applicant.tax_code.as_str() == tax_code)
        .map(|e| e.expression.applicant.name.clone())
        .unwrap_or_default();
    let member = BoardMember {
        tax_code: candidate.tax_code,
        organization: name,
        referent: fields.get("referent").trim().to_string(),
        appointed_at: state.clock.now(),
    };
    let entry = audit.after(
        "board.appoint",
        &serde_json::json!({ "organization": member.organization, "referent": member.referent }),
    );
    Ok(match state.store.appoint_board_member(process.id, &member, &entry).await {
        Ok(()) => back(&slug, "cabina", "board_appointed"),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

pub async fn add_intervention(office: Editor, Path(slug): Path<String>, Form(form): Pairs) -> PageResult {
    let audit = office.auditor();
    let Editor { state, ctx, process, .. } = office;
    let fields = Fields(form);
    let mut errors = FieldErrors::default();
    let title = fields.get("intervention").trim().to_string();
    if title.is_empty() {
        errors.push("intervention", "required", "Indicare il titolo dell'intervento.");
    }
    let checked =
        validate_status(fields.get("status"), fields.get("progress")).map_err(|e| errors.errors.extend(e.errors)).ok();
    let Some((status, progress)) = checked.filter(|_| errors.is_empty()) else {
        return Ok(show(&state, ctx, process, fields, errors, StatusCode::UNPROCESSABLE_ENTITY).await);
    };
    let new = NewIntervention {
        area_id: fields.opt_id("area").filter(|id| process.area(*id).is_some()),
        parent_id: fields.opt_id("parent"),
        title,
        status,
        progress,
    };
    let entry = audit.after("intervention.add", &serde_json::json!({ "title": new.title, "parent": new.parent_id, "status": status.code(), "progress": progress }));
    state.store.add_intervention(process.id, &new, &entry).await.or_page(&ctx)?;
    Ok(back(&slug, "interventi", "intervention_added"))
}

/// Updates an intervention's status and progress, or adds a milestone to it.
pub async fn update_intervention(
    office: Editor,
    Path((slug, id)): Path<(String, i64)>,
    Form(form): Pairs,
) -> PageResult {
    let audit = office.auditor();
    let Editor { state, ctx, process, .. } = office;
    let fields = Fields(form);
    let audit = audit.about(format!("intervention:{}:{id}", process.header.slug));
    let saved = if fields.0.iter().any(|(k, _)| k == "milestone") {
        match validate_milestone(fields.get("milestone"), fields.get("due_on")) {
            Err(errors) => {
                return Ok(show(&state, ctx, process, fields, errors, StatusCode::UNPROCESSABLE_ENTITY).await);
            }
            Ok((title, due_on)) => {
                let m = Milestone { title, due_on, done: fields.get("done") == "1" };
                let entry = audit.after("milestone.add", &serde_json::json!({ "title": m.title, "due_on": m.due_on }));
                state.store.add_milestone(process.id, id, &m, &entry).await
            }
        }
    } else {
        match validate_status(fields.get("status"), fields.get("progress")) {
            Err(errors) => {
                return Ok(show(&state, ctx, process, fields, errors, StatusCode::UNPROCESSABLE_ENTITY).await);
            }
            Ok((status, progress)) => {
                let entry = audit.after(
                    "intervention.update",
                    &serde_json::json!({ "status": status.code(), "progress": progress }),
                );
                state.store.update_intervention(process.id, id, status, progress, &entry).await
            }
        }
    };
    Ok(match saved {
        Ok(()) => back(&slug, &format!("intervento-{id}"), "intervention_saved"),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

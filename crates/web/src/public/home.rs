//! The home page: open processes first, then the others, grouped by Ambito.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use concerto_domain::{ProcessStatus, ProcessSummary};

use crate::AppState;
use crate::error::PageError;
use crate::page::PageContext;
use crate::page::render;
use crate::view::{self, DeadlineView};

pub struct Card {
    pub slug: String,
    pub title: String,
    pub cycle: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub deadline: Option<DeadlineView>,
}

pub struct AmbitoGroup {
    pub name: String,
    pub province: String,
    pub processes: Vec<Card>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageContext,
    open: Vec<AmbitoGroup>,
    past: Vec<AmbitoGroup>,
}

/// Groups processes by Ambito, keeping the order of first appearance.
fn group(processes: Vec<(ProcessSummary, Card)>) -> Vec<AmbitoGroup> {
    let mut groups: Vec<AmbitoGroup> = Vec::new();
    for (summary, card) in processes {
        match groups.iter_mut().find(|g| g.name == summary.ambito_name) {
            Some(g) => g.processes.push(card),
            None => groups.push(AmbitoGroup {
                name: summary.ambito_name,
                province: summary.province,
                processes: vec![card],
            }),
        }
    }
    groups
}

pub async fn page(State(state): State<AppState>, ctx: PageContext) -> Result<Response, PageError> {
    let summaries =
        state.store.process_summaries(false).await.map_err(|e| PageError { ctx: ctx.clone(), error: e.into() })?;
    let now = state.clock.now();
    let (open, past): (Vec<_>, Vec<_>) = summaries
        .into_iter()
        .map(|s| {
            let card = Card {
                slug: s.slug.clone(),
                title: s.title.clone(),
                cycle: s.cycle.to_string(),
                status: view::status_label(s.status, ctx.locale),
                status_code: s.status.code(),
                deadline: s.deadline.map(|d| view::deadline(d, now, ctx.locale)),
            };
            (s, card)
        })
        .partition(|(s, card)| s.status == ProcessStatus::Published && card.deadline.as_ref().is_some_and(|d| d.open));
    let page = HomePage { open: group(open), past: group(past), ctx };
    render(&page.ctx, &page)
}

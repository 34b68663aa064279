//! "I miei patti": the pacts of the organizations a signed-in representative speaks
//! for, across processes, each linked to its page for the account.

use askama::Template;
use axum::response::{IntoResponse, Response};
use concerto_domain::may_list_own_pacts;

use super::own_pact_path;
use crate::error::WebError;
use crate::guard::Caller;
use crate::guard::enforce;
use crate::page::PageContext;
use crate::page::render;
use crate::view::when;
use crate::view::{pact_kind_label, pact_state_label};

pub struct OwnPactLine {
    pub path: String,
    pub process_title: String,
    pub protocol: String,
    pub name: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub state_code: &'static str,
    pub generated_at: String,
}

#[derive(Template)]
#[template(path = "pacts_mine.html")]
struct OwnPactsPage {
    ctx: PageContext,
    email: String,
    lines: Vec<OwnPactLine>,
}

pub async fn list(Caller { state, ctx, user }: Caller) -> Response {
    if let Err(answer) = enforce(may_list_own_pacts(user.as_ref()), &ctx) {
        return answer;
    }
    let Some(who) = user else { return WebError::NotFound.into_page(&ctx) };
    let lines = async {
        let mut lines = Vec::new();
        for entry in state.store.pacts_of_organization(&who.email).await? {
            let process = state.store.process_by_id(entry.pact.process_id).await?.ok_or(WebError::NotFound)?;
            lines.push(OwnPactLine {
                path: own_pact_path(entry.pact.id),
                process_title: process.header.title,
                protocol: entry.protocol.to_string(),
                name: entry.name,
                kind: pact_kind_label(entry.pact.kind, &ctx),
                state: pact_state_label(entry.pact.state, &ctx),
                state_code: entry.pact.state.code(),
                generated_at: when(entry.pact.generated_at),
            });
        }
        Ok::<_, WebError>(lines)
    };
    match lines.await {
        Ok(lines) => {
            let page = OwnPactsPage { email: who.email, lines, ctx };
            render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response)
        }
        Err(e) => e.into_page(&ctx),
    }
}

//! A participant's sessions behind the management link: how each is held, with its
//! meeting link (they are invited), and a seat to take, give back or confirm for
//! each of the organization's representatives.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use concerto_domain::tables::{Invitee, SeatState, Viewer, may_confirm, session_invitees};
use concerto_domain::{Process, ReceivedExpression, Session};
use concerto_store::{NewRepresentative, SeatRecord, StoreError};
use serde::Deserialize;

use super::{mode_label, offer_mail, offer_token, place, state_label};
use crate::AppState;
use crate::audit::participant_entry;
use crate::error::WebError;
use crate::form::Fields;
use crate::form::Pairs;
use crate::page::PageContext;
use crate::page::render;
use crate::secret::token_digest;
use crate::view::when;

pub struct RepLine {
    pub name: String,
    pub email: String,
    pub state: Option<&'static str>,
    pub state_label: String,
    pub until: Option<String>,
}

pub struct SessionCard {
    pub id: i64,
    pub title: String,
    pub when: String,
    pub mode: &'static str,
    pub place: String,
    pub link: Option<String>,
    pub accessibility: Option<String>,
    pub seats: Option<u32>,
    pub reps: Vec<RepLine>,
}

#[derive(Template)]
#[template(path = "meetings_participant.html")]
struct ParticipantPage {
    ctx: PageContext,
    token: String,
    process: Process,
    organization: String,
    sessions: Vec<SessionCard>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    esito: Option<String>,
}

async fn holder(state: &AppState, token: &str) -> Result<(Process, ReceivedExpression), WebError> {
    let received = state.store.expression_by_token(&token_digest(token)).await?.ok_or(WebError::NotFound)?;
    let process = state.store.process_by_id(received.process_id).await?.ok_or(WebError::NotFound)?;
    Ok((process, received))
}

/// The organization's representatives invited to `session`.
fn mine(session: &Session, e: &ReceivedExpression) -> Vec<Invitee> {
    session_invitees(session, std::slice::from_ref(e))
}

fn notice_text(ctx: &PageContext, key: Option<String>) -> Option<String> {
    let key: String = key?.chars().filter(char::is_ascii_alphabetic).collect();
    Some(ctx.t(&format!("meetings.done.{key}")).to_string()).filter(|t| !t.is_empty())
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    let built = async {
        let (process, received) = holder(&state, &token).await?;
        let seats = state.store.seats_of(process.id, &received.expression.applicant.tax_code.to_string()).await?;
        let mut sessions = Vec::new();
        for s in process.sessions_in_calendar_order() {
            let reps = mine(s, &received);
            if reps.is_empty() || s.cancelled {
                continue;
            }
            let meeting = state.store.meeting(s.id).await?;
            let seat_of = |i: &Invitee| seats.iter().find(|x| x.session_id == s.id && x.rep_email == i.email);
            sessions.push(SessionCard {
                id: s.id,
                title: s.title.clone(),
                when: crate::view::session_when(s),
                mode: mode_label(&ctx, meeting.mode),
                place: place(&ctx, s, &meeting),
                link: meeting.link_for(Viewer::Participant).map(String::from),
                accessibility: meeting.accessibility.clone(),
                seats: meeting.seats(),
                reps: reps
                    .iter()
                    .map(|i| {
                        let seat = seat_of(i).filter(|x| x.state != SeatState::Cancelled);
                        RepLine {
                            name: i.name.clone(),
                            email: i.email.clone(),
                            state: seat.map(|x| x.state.as_str()),
                            state_label: seat.map_or_else(
                                || ctx.t("meetings.seat.none").to_string(),
                                |x| state_label(&ctx, x.state).to_string(),
                            ),
                            until: seat
                                .filter(|x| x.state == SeatState::Offered)
                                .and_then(|x| x.offered_until)
                                .map(when),
                        }
                    })
                    .collect(),
            });
        }
        Ok::<_, WebError>(ParticipantPage {
            organization: received.expression.applicant.name.clone(),
            notice: notice_text(&ctx, notice.esito),
            ctx: ctx.clone(),
            token: token.clone(),
            process,
            sessions,
        })
    }
    .await;
    match built {
        Ok(page) => render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response),
        Err(e) => e.into_page(&ctx),
    }
}

/// Takes a seat, gives it back, or confirms one offered, for one representative.
pub async fn act(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((token, id)): Path<(String, i64)>,
    Form(form): Pairs,
) -> Response {
    let fields = Fields(form);
    let outcome = async {
        let (process, received) = holder(&state, &token).await?;
        let session = process.sessions.iter().find(|s| s.id == id && !s.cancelled).ok_or(WebError::NotFound)?;
        let email = fields.get("email").trim().to_lowercase();
        let rep = mine(session, &received).into_iter().find(|i| i.email == email).ok_or(WebError::NotFound)?;
        let now = state.clock.now();
        let subject = format!("session:{}:{}", process.header.slug, session.id);
        let entry = |action: &str| {
            participant_entry(
                &received,
                now,
                action,
                subject.clone(),
                &process.ambito.slug,
                &serde_json::json!({ "representative": rep.email }),
            )
        };
        let done = match fields.get("action") {
            "register" => {
                let who = NewRepresentative {
                    tax_code: rep.tax_code.clone(),
                    organization: rep.organization.clone(),
                    rep_name: rep.name.clone(),
                    rep_email: rep.email.clone(),
                };
                match state.store.register_seat(session.id, &who, &entry("seat.register")).await {
                    Ok(SeatState::Waiting) => "attesa",
                    Ok(_) => "iscritto",
                    Err(StoreError::Conflict(_)) => "giaiscritto",
                    Err(e) => return Err(e.into()),
                }
            }
            "cancel" => {
                let mail = offer_mail(&state.config.public_url, &process, session);
                state
                    .store
                    .cancel_seat(session.id, &rep.tax_code, &rep.email, offer_token, mail, &entry("seat.cancel"))
                    .await?;
                state.outbox.wake();
                "annullato"
            }
            "confirm" => {
                let seats: Vec<SeatRecord> = state.store.seats(session.id).await?;
                let seat = seats
                    .iter()
                    .find(|s| s.tax_code == rep.tax_code && s.rep_email == rep.email)
                    .ok_or(WebError::NotFound)?;
                match may_confirm(&seat.rule(), now) {
                    Ok(()) => {
                        state.store.confirm_seat(seat.id, &entry("seat.confirm")).await?;
                        "confermato"
                    }
                    Err(_) => "scaduto",
                }
            }
            _ => return Err(WebError::NotFound),
        };
        Ok::<_, WebError>(done)
    }
    .await;
    match outcome {
        Ok(done) => {
            Redirect::to(&format!("/manifestazioni/{token}/sessioni?esito={done}#sessione-{id}")).into_response()
        }
        Err(e) => e.into_page(&ctx),
    }
}

//! Meetings as people hold them (issue 19): how each session is held (in person,
//! online or hybrid, accessibility, agenda), its seats and waiting list, the offer
//! of a freed seat, each session's public page, reminders before a session, and the
//! monitoring board's progress taken from a spreadsheet.

mod offer;
mod office;
mod participant;
mod progress_upload;
mod public;
mod reminders;

use axum::Router;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use concerto_domain::tables::{Meeting, MeetingMode, SeatState};
use concerto_domain::{Process, Session};
use concerto_mail::templates::{SeatOffer, seat_offer};
use concerto_store::{NewEmail, SeatRecord};

use crate::AppState;
use crate::page::PageContext;

pub use reminders::{pass_on_expired_offers, run_meetings_worker, send_due_reminders};

pub fn routes() -> Router<AppState> {
    let office = "/ufficio/processi/{slug}";
    Router::new()
        .route(&format!("{office}/sessioni/{{id}}/incontro"), get(office::page).post(office::save))
        .route(&format!("{office}/sessioni/{{id}}/posti/{{seat}}"), post(office::move_seat))
        .route(&format!("{office}/promemoria"), post(office::reminder_hours))
        .route(
            &format!("{office}/monitoraggio/foglio"),
            get(progress_upload::page)
                .post(progress_upload::upload)
                .layer(axum::extract::DefaultBodyLimit::max(progress_upload::MAX_BODY)),
        )
        .route(&format!("{office}/monitoraggio/foglio/conferma"), post(progress_upload::confirm))
        .route(&format!("{office}/monitoraggio/modello.csv"), get(progress_upload::template))
        .route("/manifestazioni/{token}/sessioni", get(participant::page))
        .route("/manifestazioni/{token}/sessioni/{id}/posto", post(participant::act))
        .route("/posti/{token}", get(offer::page).post(offer::confirm))
        .route("/processi/{slug}/sessioni/{id}", get(public::page))
}

/// A fresh secret for an offer's link and its digest, as management links are made.
pub(crate) fn offer_token() -> Option<(String, String)> {
    let token = crate::secret::new_token().ok()?;
    let digest = crate::secret::token_digest(&token);
    Some((token, digest))
}

/// The e-mail offering a freed seat of `session`.
pub(crate) fn offer_mail<'a>(
    public_url: &'a str,
    process: &'a Process,
    session: &'a Session,
) -> impl Fn(&SeatRecord, &str, DateTime<Utc>) -> NewEmail + Sync + 'a {
    move |seat, token, until| {
        seat_offer(&SeatOffer {
            dedup_key: format!("seat-offer:{}:{}", seat.id, until.timestamp()),
            recipient: seat.rep_email.clone(),
            representative: seat.rep_name.clone(),
            organization: seat.organization.clone(),
            process_title: process.header.title.clone(),
            session_title: session.title.clone(),
            when: crate::view::session_when(session),
            deadline: crate::view::when(until),
            confirm_url: format!("{}/posti/{token}", public_url.trim_end_matches('/')),
        })
    }
}

/// Where a session is held, as a person reads it: the venue, "online", or both.
pub(crate) fn place(ctx: &PageContext, session: &Session, meeting: &Meeting) -> String {
    let venue = session.venue.clone().unwrap_or_else(|| ctx.t("meetings.venue_unknown").to_string());
    match meeting.mode {
        MeetingMode::InPerson => venue,
        MeetingMode::Online => ctx.t("meetings.online").to_string(),
        MeetingMode::Hybrid => format!("{venue} · {}", ctx.t("meetings.online_too")),
    }
}

pub(crate) fn mode_label(ctx: &PageContext, mode: MeetingMode) -> &'static str {
    ctx.t(match mode {
        MeetingMode::InPerson => "meetings.mode.in_person",
        MeetingMode::Online => "meetings.mode.online",
        MeetingMode::Hybrid => "meetings.mode.hybrid",
    })
}

pub(crate) fn state_label(ctx: &PageContext, state: SeatState) -> &'static str {
    ctx.t(match state {
        SeatState::Confirmed => "meetings.seat.confirmed",
        SeatState::Offered => "meetings.seat.offered",
        SeatState::Waiting => "meetings.seat.waiting",
        SeatState::Cancelled => "meetings.seat.cancelled",
        SeatState::Expired => "meetings.seat.expired",
    })
}

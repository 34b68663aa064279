//! The background work of meetings: the reminder before each session, and offers
//! not confirmed in time passed on to the next waiting. Any number of instances may
//! run it on one database: each reminder is claimed in the store with its message,
//! and offers are moved under the session's lock.

use std::future::Future;
use std::time::Duration;

use concerto_domain::tables::{Invitee, SeatState, Viewer, reminder_due, reminder_recipients, session_invitees};
use concerto_domain::{AuditEntry, Session};
use concerto_mail::templates::{Reminder, reminder};

use super::{offer_mail, offer_token};
use crate::AppState;
use crate::error::WebError;
use crate::page::PageContext;

/// How often the worker looks: reminders are hours ahead, offers last hours.
const POLL_INTERVAL: Duration = Duration::from_secs(60);

/// Queues every reminder due now that no run has claimed yet; returns how many
/// this run queued.
pub async fn send_due_reminders(state: &AppState) -> Result<usize, WebError> {
    let now = state.clock.now();
    let base = state.config.public_url.trim_end_matches('/');
    let ctx = PageContext { locale: crate::i18n::Locale::It, path: String::new(), request_id: None, flash: None };
    let mut sent = 0;
    for summary in state.store.process_summaries(false).await? {
        let Some(process) = state.store.process_by_slug(&summary.slug).await? else { continue };
        let hours = state.store.reminder_hours(process.id).await?;
        let due: Vec<&Session> = process.sessions.iter().filter(|s| reminder_due(s, hours, now)).collect();
        if due.is_empty() {
            continue;
        }
        let expressions = state.store.active_expressions(process.id).await?;
        let codes = state.store.checkin_codes(process.id).await?;
        for s in due {
            let meeting = state.store.meeting(s.id).await?;
            let invited: Vec<Invitee> = session_invitees(s, &expressions)
                .into_iter()
                .filter(|i| codes.iter().any(|c| c.tax_code == i.tax_code && c.rep_email == i.email))
                .collect();
            let seated: Vec<Invitee> = state
                .store
                .seats(s.id)
                .await?
                .into_iter()
                .filter(|x| x.state == SeatState::Confirmed)
                .map(|x| Invitee {
                    tax_code: x.tax_code,
                    organization: x.organization,
                    name: x.rep_name,
                    email: x.rep_email,
                })
                .collect();
            for who in reminder_recipients(&invited, &seated, meeting.seats().is_some()) {
                if state.store.reminder_sent(s.id, &who.tax_code, &who.email).await? {
                    continue;
                }
                let code = codes
                    .iter()
                    .find(|c| c.tax_code == who.tax_code && c.rep_email == who.email)
                    .map(|c| (c.code.clone(), crate::qr::png(&c.code)));
                let email = reminder(&Reminder {
                    dedup_key: format!("reminder:{}:{}:{}", s.id, who.tax_code, who.email),
                    recipient: who.email.clone(),
                    representative: who.name.clone(),
                    process_title: process.header.title.clone(),
                    session_title: s.title.clone(),
                    when: crate::view::session_when(s),
                    place: super::place(&ctx, s, &meeting),
                    meeting_link: meeting.link_for(Viewer::Participant).map(String::from),
                    code,
                    session_url: concerto_documents::session_url(base, &process.header.slug, s.id),
                });
                if state.store.claim_reminder(s.id, &who.tax_code, &who.email, &email, now).await? {
                    sent += 1;
                }
            }
        }
    }
    if sent > 0 {
        state.outbox.wake();
    }
    Ok(sent)
}

/// Passes each offer not confirmed in time to the next waiting; returns how many
/// new offers went out.
pub async fn pass_on_expired_offers(state: &AppState) -> Result<usize, WebError> {
    let now = state.clock.now();
    let mut offered = 0;
    for session_id in state.store.sessions_with_expired_offers(now).await? {
        let Some(process_id) = state.store.session_process(session_id).await? else { continue };
        let Some(process) = state.store.process_by_id(process_id).await? else { continue };
        let Some(session) = process.sessions.iter().find(|s| s.id == session_id) else { continue };
        let entry = AuditEntry {
            actor: "system".into(),
            at: now,
            action: "seat.offer_expired".into(),
            subject: format!("session:{}:{}", process.header.slug, session.id),
            ambito: Some(process.ambito.slug.clone()),
            before: None,
            after: None,
        };
        let mail = offer_mail(&state.config.public_url, &process, session);
        offered += state.store.rebalance_seats(session.id, offer_token, mail, &entry).await?.len();
    }
    if offered > 0 {
        state.outbox.wake();
    }
    Ok(offered)
}

/// Runs both every minute until `shutdown`.
pub async fn run_meetings_worker(state: AppState, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    tracing::info!("meetings worker started");
    loop {
        if let Err(error) = send_due_reminders(&state).await {
            tracing::error!(%error, "reminders pass failed");
        }
        if let Err(error) = pass_on_expired_offers(&state).await {
            tracing::error!(%error, "waiting list pass failed");
        }
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            () = tokio::time::sleep(POLL_INTERVAL) => {}
        }
    }
    tracing::info!("meetings worker stopped");
}

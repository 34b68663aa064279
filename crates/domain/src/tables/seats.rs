//! The seats of a session and its waiting list. Registrations past the seats wait in
//! order of arrival; a seat freed goes to the first waiting, who has a time to
//! confirm it before it is offered to the next one.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatState {
    /// Holds a seat.
    Confirmed,
    /// Holds a seat kept for them until a deadline, to be confirmed.
    Offered,
    Waiting,
    Cancelled,
    /// An offer not confirmed in time.
    Expired,
}

impl SeatState {
    pub fn as_str(self) -> &'static str {
        match self {
            SeatState::Confirmed => "confirmed",
            SeatState::Offered => "offered",
            SeatState::Waiting => "waiting",
            SeatState::Cancelled => "cancelled",
            SeatState::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<SeatState> {
        [SeatState::Confirmed, SeatState::Offered, SeatState::Waiting, SeatState::Cancelled, SeatState::Expired]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// Whether the person takes a seat now (confirmed, or kept for them).
    pub fn takes_a_seat(self) -> bool {
        matches!(self, SeatState::Confirmed | SeatState::Offered)
    }

    /// Whether the person is still registered (seated or waiting).
    pub fn is_active(self) -> bool {
        self.takes_a_seat() || self == SeatState::Waiting
    }
}

/// A registration, as the rule needs it; a session's list is in order of arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub id: i64,
    pub state: SeatState,
    pub requested_at: DateTime<Utc>,
    pub offered_until: Option<DateTime<Utc>>,
}

/// What happens to one registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeatChange {
    /// The offer was not confirmed in time.
    Expire { id: i64 },
    /// A free seat is kept for this person until `until`.
    Offer { id: i64, until: DateTime<Utc> },
}

/// How a new registration starts: a seat when one is free and nobody waits before
/// it, otherwise the end of the waiting list. No limit, no list.
pub fn place_for_new(seats: &[Seat], available: Option<u32>) -> SeatState {
    let Some(available) = available else { return SeatState::Confirmed };
    let taken = seats.iter().filter(|s| s.state.takes_a_seat()).count();
    let waiting = seats.iter().any(|s| s.state == SeatState::Waiting);
    if !waiting && taken < available as usize { SeatState::Confirmed } else { SeatState::Waiting }
}

/// What the list needs at `now`: offers past their time expire, and each free seat
/// is offered to the first waiting, in order of arrival, for `confirm_hours`.
pub fn rebalance(seats: &[Seat], available: Option<u32>, now: DateTime<Utc>, confirm_hours: u32) -> Vec<SeatChange> {
    let mut changes: Vec<SeatChange> = seats
        .iter()
        .filter(|s| s.state == SeatState::Offered && s.offered_until.is_some_and(|u| u <= now))
        .map(|s| SeatChange::Expire { id: s.id })
        .collect();
    let expired = changes.len();
    let taken = seats.iter().filter(|s| s.state.takes_a_seat()).count() - expired;
    let free = match available {
        Some(n) => (n as usize).saturating_sub(taken),
        None => usize::MAX,
    };
    let mut waiting: Vec<&Seat> = seats.iter().filter(|s| s.state == SeatState::Waiting).collect();
    waiting.sort_by_key(|s| (s.requested_at, s.id));
    let until = now + Duration::hours(i64::from(confirm_hours));
    changes.extend(waiting.into_iter().take(free).map(|s| SeatChange::Offer { id: s.id, until }));
    changes
}

/// Why an offer cannot be confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmRefused {
    #[error("Il posto è già confermato.")]
    AlreadyConfirmed,
    #[error("Il tempo per confermare il posto è scaduto.")]
    Expired,
    #[error("Non c'è un posto da confermare.")]
    NotOffered,
}

/// Whether the offer of `seat` may be confirmed at `now`.
pub fn may_confirm(seat: &Seat, now: DateTime<Utc>) -> Result<(), ConfirmRefused> {
    match seat.state {
        SeatState::Confirmed => Err(ConfirmRefused::AlreadyConfirmed),
        SeatState::Offered if seat.offered_until.is_some_and(|u| u <= now) => Err(ConfirmRefused::Expired),
        SeatState::Offered => Ok(()),
        SeatState::Expired => Err(ConfirmRefused::Expired),
        _ => Err(ConfirmRefused::NotOffered),
    }
}

/// What the office sees of a session's list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeatCounts {
    /// Seats held, confirmed or kept for someone.
    pub taken: usize,
    pub confirmed: usize,
    pub waiting: usize,
}

pub fn seat_counts(states: impl IntoIterator<Item = SeatState>) -> SeatCounts {
    states.into_iter().fold(SeatCounts::default(), |mut c, s| {
        c.taken += usize::from(s.takes_a_seat());
        c.confirmed += usize::from(s == SeatState::Confirmed);
        c.waiting += usize::from(s == SeatState::Waiting);
        c
    })
}

/// A move the office makes by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeMove {
    /// Gives a seat at once, past the limit if need be: the office decides.
    Seat,
    /// Back to the waiting list, at the place its arrival gives it.
    Wait,
    Cancel,
}

impl OfficeMove {
    pub fn parse(text: &str) -> Option<OfficeMove> {
        match text {
            "seat" => Some(OfficeMove::Seat),
            "wait" => Some(OfficeMove::Wait),
            "cancel" => Some(OfficeMove::Cancel),
            _ => None,
        }
    }

    pub fn target(self) -> SeatState {
        match self {
            OfficeMove::Seat => SeatState::Confirmed,
            OfficeMove::Wait => SeatState::Waiting,
            OfficeMove::Cancel => SeatState::Cancelled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap().and_hms_opt(9, minute, 0).unwrap().and_utc()
    }

    fn seat(id: i64, state: SeatState, minute: u32) -> Seat {
        Seat { id, state, requested_at: at(minute), offered_until: None }
    }

    #[test]
    fn the_third_of_two_seats_waits_and_is_offered_the_first_freed() {
        let mut list = vec![seat(1, SeatState::Confirmed, 0), seat(2, SeatState::Confirmed, 1)];
        assert_eq!(place_for_new(&list, Some(2)), SeatState::Waiting);
        list.push(seat(3, SeatState::Waiting, 2));
        assert_eq!(rebalance(&list, Some(2), at(10), 48), vec![]);
        list[0].state = SeatState::Cancelled;
        let until = at(10) + Duration::hours(48);
        assert_eq!(rebalance(&list, Some(2), at(10), 48), vec![SeatChange::Offer { id: 3, until }]);
    }

    #[test]
    fn an_offer_not_confirmed_in_time_goes_to_the_next() {
        let mut list =
            vec![seat(1, SeatState::Confirmed, 0), seat(3, SeatState::Waiting, 5), seat(2, SeatState::Offered, 1)];
        list[2].offered_until = Some(at(30));
        assert_eq!(rebalance(&list, Some(2), at(29), 1), vec![]);
        assert!(may_confirm(&list[2], at(29)).is_ok());
        assert_eq!(may_confirm(&list[2], at(30)), Err(ConfirmRefused::Expired));
        let until = at(30) + Duration::hours(1);
        assert_eq!(
            rebalance(&list, Some(2), at(30), 1),
            vec![SeatChange::Expire { id: 2 }, SeatChange::Offer { id: 3, until }]
        );
    }

    #[test]
    fn a_new_registration_never_passes_those_waiting() {
        let list = vec![seat(1, SeatState::Waiting, 0)];
        assert_eq!(place_for_new(&list, Some(5)), SeatState::Waiting);
        assert_eq!(place_for_new(&[], Some(1)), SeatState::Confirmed);
        assert_eq!(place_for_new(&list, None), SeatState::Confirmed);
    }

    #[test]
    fn more_seats_offer_more_places_in_order() {
        let list =
            vec![seat(1, SeatState::Confirmed, 0), seat(4, SeatState::Waiting, 3), seat(3, SeatState::Waiting, 2)];
        let ids: Vec<i64> = rebalance(&list, Some(3), at(9), 48)
            .into_iter()
            .map(|c| match c {
                SeatChange::Offer { id, .. } | SeatChange::Expire { id } => id,
            })
            .collect();
        assert_eq!(ids, vec![3, 4]);
        let counts = seat_counts(list.iter().map(|s| s.state));
        assert_eq!(counts, SeatCounts { taken: 1, confirmed: 1, waiting: 2 });
    }
}

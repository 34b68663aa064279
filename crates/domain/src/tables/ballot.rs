//! Priorities at the plenary (plenaria di priorità).
//!
//! The rule: each organization casts one ballot, distributing exactly
//! [`BALLOT_POINTS`] points among the open proposals of the areas it takes part in
//! (any split: all ten on one proposal, one each on ten). A proposal's score is the
//! sum of its points. The ranking orders proposals by
//! 1. more points;
//! 2. then more first preferences: a ballot's first preferences are the proposals
//!    it gave its highest number of points to (all of them, when tied on that ballot);
//! 3. then earlier submission of the proposal;
//! 4. then the lower proposal id.
//!
//! So the ranking never depends on the order ballots were read in.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::FieldErrors;

/// The points every ballot distributes.
pub const BALLOT_POINTS: u32 = 10;

/// A proposal on the ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub submitted_at: DateTime<Utc>,
}

/// One organization's ballot: points per proposal, the zeros left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub points: Vec<(i64, u32)>,
}

/// A proposal's place in the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// 1 for the first; each proposal has its own place (ties are broken).
    pub position: usize,
    pub proposal_id: i64,
    pub points: u32,
    pub first_preferences: u32,
}

/// Checks a ballot: points only on `eligible` proposals, their sum exactly
/// [`BALLOT_POINTS`]. The field of a proposal's points is `points.{id}`.
pub fn validate_ballot(points: &[(i64, String)], eligible: &[i64]) -> Result<Ballot, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut ballot = Vec::new();
    for (id, text) in points {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match text.parse::<u32>() {
            Ok(_) if !eligible.contains(id) => errors.push(
                format!("points.{id}"),
                "not_eligible",
                "Questa proposta non è tra quelle delle aree dell'organizzazione.",
            ),
            Ok(0) => {}
            Ok(n) if n <= BALLOT_POINTS => ballot.push((*id, n)),
            _ => errors.push(
                format!("points.{id}"),
                "invalid_points",
                format!("Indicare un numero intero di punti da 0 a {BALLOT_POINTS}."),
            ),
        }
    }
    let total: u32 = ballot.iter().map(|(_, n)| n).sum();
    if errors.is_empty() && total != BALLOT_POINTS {
        errors.push(
            "points",
            "wrong_total",
            format!("I punti assegnati sono {total}: vanno distribuiti esattamente {BALLOT_POINTS} punti."),
        );
    }
    errors.into_result(Ballot { points: ballot })
}

/// Is a proposal on an organization's ballot? When it is still open (not merged into
/// another) and shares an area with the organization's participation.
pub fn on_ballot_of(proposal_areas: &[i64], merged: bool, organization_areas: &[i64]) -> bool {
    !merged && proposal_areas.iter().any(|a| organization_areas.contains(a))
}

/// The ranking of `candidates` after `ballots`, by the rule of this module. Points
/// given to proposals that are not candidates (merged meanwhile) are not counted.
pub fn tally(candidates: &[Candidate], ballots: &[Ballot]) -> Vec<Ranked> {
    let mut points: HashMap<i64, u32> = HashMap::new();
    let mut firsts: HashMap<i64, u32> = HashMap::new();
    let is_candidate = |id: &i64| candidates.iter().any(|c| c.id == *id);
    for ballot in ballots {
        let counted: Vec<&(i64, u32)> = ballot.points.iter().filter(|(id, _)| is_candidate(id)).collect();
        let top = counted.iter().map(|(_, n)| *n).max().unwrap_or(0);
        for (id, n) in counted {
            *points.entry(*id).or_default() += n;
            if *n == top && top > 0 {
                *firsts.entry(*id).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(&Candidate, u32, u32)> = candidates
        .iter()
        .map(|c| (c, points.get(&c.id).copied().unwrap_or(0), firsts.get(&c.id).copied().unwrap_or(0)))
        .collect();
    ranked.sort_by(|(a, pa, fa), (b, pb, fb)| {
        pb.cmp(pa).then(fb.cmp(fa)).then(a.submitted_at.cmp(&b.submitted_at)).then(a.id.cmp(&b.id))
    });
    ranked
        .into_iter()
        .enumerate()
        .map(|(i, (c, points, first_preferences))| Ranked {
            position: i + 1,
            proposal_id: c.id,
            points,
            first_preferences,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, minute, 0).unwrap()
    }

    fn candidates(n: i64) -> Vec<Candidate> {
        (1..=n).map(|id| Candidate { id, submitted_at: at(0) }).collect()
    }

    #[test]
    fn the_ballot_holds_the_open_proposals_of_the_organization_s_areas() {
        assert!(on_ballot_of(&[1, 2], false, &[2, 3]));
        assert!(!on_ballot_of(&[1], false, &[2, 3]));
        assert!(!on_ballot_of(&[2], true, &[2]));
    }

    #[test]
    fn a_ballot_must_give_exactly_ten_points_to_eligible_proposals() {
        let ok = validate_ballot(&[(1, "7".into()), (2, "3".into()), (3, "".into())], &[1, 2, 3]).unwrap();
        assert_eq!(ok.points, vec![(1, 7), (2, 3)]);
        let short = validate_ballot(&[(1, "7".into())], &[1]).unwrap_err();
        assert_eq!(short.errors[0].field, "points");
        let foreign = validate_ballot(&[(9, "10".into())], &[1]).unwrap_err();
        assert_eq!(foreign.errors[0].field, "points.9");
        let bad = validate_ballot(&[(1, "dieci".into())], &[1]).unwrap_err();
        assert_eq!(bad.errors[0].field, "points.1");
    }

    #[test]
    fn ties_on_points_go_to_more_first_preferences() {
        // All three score 10; 1 is first on one ballot, 2 and 3 on two each.
        let ballots = vec![
            Ballot { points: vec![(1, 10)] },
            Ballot { points: vec![(2, 5), (3, 5)] },
            Ballot { points: vec![(2, 5), (3, 5)] },
        ];
        let r = tally(&candidates(3), &ballots);
        let summary: Vec<_> = r.iter().map(|r| (r.proposal_id, r.points, r.first_preferences)).collect();
        assert_eq!(summary, [(2, 10, 2), (3, 10, 2), (1, 10, 1)]);
    }

    #[test]
    fn then_earlier_submission_then_lower_id() {
        let cands = vec![
            Candidate { id: 1, submitted_at: at(30) },
            Candidate { id: 2, submitted_at: at(10) },
            Candidate { id: 3, submitted_at: at(10) },
        ];
        let r = tally(&cands, &[Ballot { points: vec![(1, 5), (2, 5)] }, Ballot { points: vec![(3, 5), (1, 5)] }]);
        // 1 has 10 points; 2 and 3 have 5 points and one first preference each, same time: lower id.
        assert_eq!(r.iter().map(|r| r.proposal_id).collect::<Vec<_>>(), [1, 2, 3]);
        let none = tally(&cands, &[]);
        assert_eq!(none.iter().map(|r| r.proposal_id).collect::<Vec<_>>(), [2, 3, 1]);
    }

    /// Valid ballots over proposals 1..=n: ten points split among a few of them.
    fn ballots(n: i64) -> impl Strategy<Value = Vec<Ballot>> {
        let ballot = proptest::collection::vec((1..=n, 1u32..=BALLOT_POINTS), 1..6).prop_map(|parts| {
            let mut left = BALLOT_POINTS;
            let mut points: HashMap<i64, u32> = HashMap::new();
            for (id, n) in parts {
                let n = n.min(left);
                *points.entry(id).or_default() += n;
                left -= n;
            }
            if left > 0 {
                *points.entry(1).or_default() += left;
            }
            let mut points: Vec<(i64, u32)> = points.into_iter().filter(|(_, n)| *n > 0).collect();
            points.sort_unstable();
            Ballot { points }
        });
        proptest::collection::vec(ballot, 0..30)
    }

    fn scenario() -> impl Strategy<Value = (Vec<Candidate>, Vec<Ballot>)> {
        (1i64..12).prop_flat_map(|n| {
            let cands = proptest::collection::vec(0u32..5, n as usize).prop_map(|minutes| {
                minutes
                    .into_iter()
                    .enumerate()
                    .map(|(i, m)| Candidate { id: i as i64 + 1, submitted_at: at(m) })
                    .collect::<Vec<_>>()
            });
            (cands, ballots(n))
        })
    }

    proptest! {
        #[test]
        fn totals_are_conserved((cands, ballots) in scenario()) {
            let r = tally(&cands, &ballots);
            let total: u32 = r.iter().map(|r| r.points).sum();
            prop_assert_eq!(total, BALLOT_POINTS * ballots.len() as u32);
            prop_assert_eq!(r.len(), cands.len());
            let firsts: u32 = r.iter().map(|r| r.first_preferences).sum();
            prop_assert!(firsts >= ballots.len() as u32);
        }

        #[test]
        fn the_order_follows_the_documented_rule((cands, ballots) in scenario()) {
            let r = tally(&cands, &ballots);
            prop_assert_eq!(r.iter().map(|r| r.position).collect::<Vec<_>>(), (1..=cands.len()).collect::<Vec<_>>());
            let time = |id: i64| cands.iter().find(|c| c.id == id).map(|c| c.submitted_at);
            for w in r.windows(2) {
                let key = |x: &Ranked| (std::cmp::Reverse(x.points), std::cmp::Reverse(x.first_preferences), time(x.proposal_id), x.proposal_id);
                prop_assert!(key(&w[0]) < key(&w[1]), "{:?} before {:?}", w[0], w[1]);
            }
        }

        #[test]
        fn the_order_of_ballots_does_not_matter((cands, ballots) in scenario(), seed in any::<u64>()) {
            let mut shuffled = ballots.clone();
            let len = shuffled.len();
            if len > 1 {
                shuffled.rotate_left((seed % len as u64) as usize);
                shuffled.reverse();
            }
            prop_assert_eq!(tally(&cands, &ballots), tally(&cands, &shuffled));
        }
    }
}

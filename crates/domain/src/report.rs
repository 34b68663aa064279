//! What the plan office counts: how many organizations and representatives per
//! area and per table.

use crate::{Process, ReceivedExpression};

/// How many current expressions take part in one area or table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub id: i64,
    pub name: String,
    pub expressions: usize,
}

/// Expressions per area, in the process's area order.
pub fn per_area(process: &Process, expressions: &[ReceivedExpression]) -> Vec<Tally> {
    process
        .areas
        .iter()
        .map(|area| Tally {
            id: area.id,
            name: area.name.clone(),
            expressions: expressions.iter().filter(|e| takes_part_in(e, &[area.id])).count(),
        })
        .collect()
}

/// Expressions per table: an expression sits at a table when it chose any of the
/// table's areas.
pub fn per_table(process: &Process, expressions: &[ReceivedExpression]) -> Vec<Tally> {
    process
        .tables
        .iter()
        .map(|table| Tally {
            id: table.id,
            name: format!("{} – {}", table.label, table.title),
            expressions: expressions.iter().filter(|e| takes_part_in(e, &table.area_ids)).count(),
        })
        .collect()
}

/// [`per_area`] from the areas each expression takes part in, without the
/// expressions: what the dashboard counts for an office with thousands of them.
pub fn per_area_of(process: &Process, areas_of: &[Vec<i64>]) -> Vec<Tally> {
    process
        .areas
        .iter()
        .map(|area| Tally {
            id: area.id,
            name: area.name.clone(),
            expressions: areas_of.iter().filter(|areas| areas.contains(&area.id)).count(),
        })
        .collect()
}

/// [`per_table`] from the areas each expression takes part in.
pub fn per_table_of(process: &Process, areas_of: &[Vec<i64>]) -> Vec<Tally> {
    process
        .tables
        .iter()
        .map(|table| Tally {
            id: table.id,
            name: format!("{} – {}", table.label, table.title),
            expressions: areas_of.iter().filter(|areas| areas.iter().any(|a| table.area_ids.contains(a))).count(),
        })
        .collect()
}

/// Does the expression take part in any of these areas?
pub fn takes_part_in(e: &ReceivedExpression, areas: &[i64]) -> bool {
    e.expression.participations.iter().any(|p| areas.contains(&p.area_id))
}

/// Who must hear of a change to `session`: the representatives registered for its
/// areas, or every applicant and representative when the session has no areas
/// (a plenary or a concertation session concerns everyone). Each address once.
pub fn session_recipients(session: &crate::Session, expressions: &[ReceivedExpression]) -> Vec<String> {
    let mut recipients: Vec<String> = Vec::new();
    let mut add = |email: &str| {
        let email = email.trim().to_lowercase();
        if !email.is_empty() && !recipients.contains(&email) {
            recipients.push(email);
        }
    };
    for e in expressions {
        if session.area_ids.is_empty() {
            add(&e.expression.applicant.email);
        }
        for p in &e.expression.participations {
            if session.area_ids.is_empty() || session.area_ids.contains(&p.area_id) {
                add(&p.representative.email);
            }
        }
    }
    recipients
}

//! Monitoring the plan (monitoraggio del piano): the interventions of each area,
//! nested, each with a status and a progress. A leaf's progress is what the office
//! records; a parent's is derived from its children: the plain mean of the children's
//! own (derived) progress, rounded to the nearest whole percent, halves up. The
//! office's figure for a parent is ignored, so a total never disagrees with its parts.

use std::collections::HashMap;

use crate::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterventionStatus {
    /// Programmato.
    Planned,
    /// In corso.
    InProgress,
    /// Sospeso.
    Suspended,
    /// Concluso.
    Completed,
}

codes!(InterventionStatus { Planned => "planned", InProgress => "in_progress", Suspended => "suspended", Completed => "completed" });

/// An intervention as far as progress cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterventionNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// The recorded progress, 0–100; only a leaf's counts.
    pub progress: u8,
}

/// The progress of every intervention, derived bottom-up.
pub fn derived_progress(nodes: &[InterventionNode]) -> HashMap<i64, u8> {
    let mut children: HashMap<i64, Vec<&InterventionNode>> = HashMap::new();
    for n in nodes {
        if let Some(parent) = n.parent_id.filter(|&p| p != n.id) {
            children.entry(parent).or_default().push(n);
        }
    }
    let mut done = HashMap::new();
    for n in nodes {
        derive(n, &children, &mut done, &mut Vec::new());
    }
    done
}

fn derive<'a>(
    node: &'a InterventionNode,
    children: &HashMap<i64, Vec<&'a InterventionNode>>,
    done: &mut HashMap<i64, u8>,
    path: &mut Vec<i64>,
) -> u8 {
    if let Some(&p) = done.get(&node.id) {
        return p;
    }
    // A cycle cannot come from the office's forms; if stored data had one, the
    // node's own figure stops the walk instead of looping.
    let kids = children.get(&node.id).filter(|_| !path.contains(&node.id));
    let value = match kids {
        Some(kids) if !kids.is_empty() => {
            path.push(node.id);
            let sum: u32 = kids.iter().map(|k| u32::from(derive(k, children, done, path))).sum();
            path.pop();
            let count = kids.len() as u32;
            ((sum * 2 + count) / (count * 2)) as u8
        }
        _ => node.progress.min(100),
    };
    done.insert(node.id, value);
    value
}

/// Reads a progress typed as a whole percent, `%` allowed.
pub fn parse_progress(text: &str) -> Result<u8, FieldErrors> {
    let mut errors = FieldErrors::default();
    let value = text.trim().trim_end_matches('%').trim().parse::<u8>().ok().filter(|&p| p <= 100);
    if value.is_none() {
        errors.push("progress", "invalid_progress", "Indicare l'avanzamento come percentuale intera da 0 a 100.");
    }
    errors.into_result(value.unwrap_or_default())
}

/// An intervention's status and progress as the office types them.
pub fn validate_status(status: &str, progress: &str) -> Result<(InterventionStatus, u8), FieldErrors> {
    let mut errors = FieldErrors::default();
    let status = InterventionStatus::from_code(status);
    if status.is_none() {
        errors.push("status", "required", "Scegliere lo stato dell'intervento.");
    }
    let progress = parse_progress(progress).map_err(|e| errors.errors.extend(e.errors)).ok();
    match (status, progress) {
        (Some(s), Some(p)) if errors.is_empty() => Ok((s, p)),
        _ => Err(errors),
    }
}

/// A milestone's title and optional due date (`AAAA-MM-GG`, as a date input sends it).
pub fn validate_milestone(title: &str, due_on: &str) -> Result<(String, Option<chrono::NaiveDate>), FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = title.trim();
    if title.is_empty() {
        errors.push("milestone", "required", "Indicare la tappa.");
    }
    errors.check_text("milestone", title, false);
    let due = match due_on.trim() {
        "" => None,
        text => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.push("due_on", "invalid_date", "Data non valida."))
            .ok(),
    };
    errors.into_result((title.to_string(), due))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn node(id: i64, parent_id: Option<i64>, progress: u8) -> InterventionNode {
        InterventionNode { id, parent_id, progress }
    }

    #[test]
    fn a_parent_is_the_mean_of_its_children() {
        let nodes = [
            node(1, None, 0),
            node(2, Some(1), 50),
            node(3, Some(1), 100),
            node(4, Some(3), 100),
            node(5, Some(3), 25),
        ];
        let p = derived_progress(&nodes);
        // 3 = (100 + 25) / 2 = 62.5 → 63; 1 = (50 + 63) / 2 = 56.5 → 57. The recorded 0 of 1 is ignored.
        assert_eq!((p[&3], p[&1], p[&2]), (63, 57, 50));
    }

    #[test]
    fn a_cycle_stops_instead_of_looping() {
        let p = derived_progress(&[node(1, Some(2), 10), node(2, Some(1), 30)]);
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn status_and_milestones_are_checked() {
        assert_eq!(validate_status("completed", "100").unwrap(), (InterventionStatus::Completed, 100));
        let errors = validate_status("", "x").unwrap_err();
        assert_eq!(errors.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["status", "progress"]);
        assert!(validate_milestone("Avvio", "2027-03-01").is_ok());
        assert_eq!(validate_milestone("", "01/03/2027").unwrap_err().errors.len(), 2);
    }

    #[test]
    fn progress_is_a_whole_percent() {
        assert_eq!(parse_progress(" 40 % ").unwrap(), 40);
        assert!(parse_progress("101").is_err());
        assert!(parse_progress("quaranta").is_err());
    }

    proptest! {
        #[test]
        fn derived_figures_stay_between_the_children(leaves in proptest::collection::vec(0u8..=100, 1..8)) {
            let mut nodes = vec![node(0, None, 0)];
            nodes.extend(leaves.iter().enumerate().map(|(i, &p)| node(i as i64 + 1, Some(0), p)));
            let p = derived_progress(&nodes);
            let (min, max) = (*leaves.iter().min().unwrap(), *leaves.iter().max().unwrap());
            prop_assert!(p[&0] >= min && p[&0] <= max);
        }
    }
}

//! The monitoring board's progress from a spreadsheet: one row per intervention
//! with its progress, status and optionally a milestone. Every row is checked
//! before anything is applied, and each error names its row and field.

use chrono::NaiveDate;

use super::progress::{InterventionStatus, parse_progress};
use crate::is_acceptable_text;

/// The columns of the template, in order; `titolo` is there for people to read.
pub const SHEET_HEADERS: [&str; 7] =
    ["intervento", "titolo", "avanzamento", "stato", "tappa", "scadenza", "tappa_completata"];

/// The milestone of a row: title, due date, done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetMilestone {
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
}

/// One row that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    /// The row's number in the file, the header being row 1.
    pub line: usize,
    pub intervention_id: i64,
    pub status: InterventionStatus,
    pub progress: u8,
    pub milestone: Option<SheetMilestone>,
}

/// What is wrong with one field of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub field: &'static str,
    pub message: String,
}

/// Checks the rows of a sheet (the header first) against the process's
/// interventions (id, current status). Every row passes, or nothing is applied.
pub fn check_sheet(rows: &[Vec<String>], known: &[(i64, InterventionStatus)]) -> Result<Vec<SheetRow>, Vec<RowError>> {
    let mut errors = Vec::new();
    let Some(header) = rows.first() else {
        return Err(vec![RowError { line: 1, field: "intervento", message: "Il file è vuoto.".into() }]);
    };
    let column = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let mut columns = Vec::new();
    for name in SHEET_HEADERS {
        match column(name) {
            Some(i) => columns.push(Some(i)),
            None if matches!(name, "intervento" | "avanzamento") => {
                errors.push(RowError {
                    line: 1,
                    field: field_name(name),
                    message: format!("Manca la colonna «{name}»."),
                });
                columns.push(None);
            }
            None => columns.push(None),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Vec::new();
    for (index, row) in rows.iter().enumerate().skip(1) {
        let line = index + 1;
        let cell = |name: &str| -> &str {
            let at = SHEET_HEADERS.iter().position(|h| *h == name).and_then(|i| columns[i]);
            at.and_then(|i| row.get(i)).map(|c| c.trim()).unwrap_or("")
        };
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let before = errors.len();
        let mut fail = |field: &'static str, message: String| errors.push(RowError { line, field, message });
        let id = cell("intervento");
        let current = id.parse::<i64>().ok().and_then(|id| known.iter().find(|(k, _)| *k == id).copied());
        if current.is_none() {
            fail("intervento", format!("Intervento sconosciuto: «{id}»."));
        }
        let progress = parse_progress(cell("avanzamento")).map_err(|_| {
            fail("avanzamento", format!("«{}» non è una percentuale intera da 0 a 100.", cell("avanzamento")));
        });
        let status = match cell("stato") {
            "" => current.map(|(_, s)| s),
            text => {
                let s = InterventionStatus::from_code(text);
                if s.is_none() {
                    fail("stato", format!("Stato «{text}» sconosciuto: planned, in_progress, suspended o completed."));
                }
                s
            }
        };
        let title = cell("tappa");
        let due = match cell("scadenza") {
            "" => None,
            text => {
                let date = NaiveDate::parse_from_str(text, "%d/%m/%Y")
                    .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
                    .ok();
                if date.is_none() {
                    fail("scadenza", format!("Data «{text}» non valida: GG/MM/AAAA."));
                }
                date
            }
        };
        if title.is_empty() && due.is_some() {
            fail("tappa", "Una scadenza senza tappa: indicare la tappa.".into());
        }
        if !is_acceptable_text(title, false) {
            fail("tappa", crate::CONTROL_CHARACTERS_MESSAGE.into());
        }
        let done = match cell("tappa_completata").to_lowercase().as_str() {
            "" | "no" | "0" | "false" => false,
            "sì" | "si" | "yes" | "1" | "true" | "x" => true,
            other => {
                fail("tappa_completata", format!("«{other}»: scrivere sì oppure no."));
                false
            }
        };
        if errors.len() > before {
            continue;
        }
        if let (Some((id, _)), Ok(progress), Some(status)) = (current, progress, status) {
            let milestone = (!title.is_empty()).then(|| SheetMilestone { title: title.to_string(), due_on: due, done });
            out.push(SheetRow { line, intervention_id: id, status, progress, milestone });
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// The Italian field names are the columns' own.
fn field_name(name: &str) -> &'static str {
    SHEET_HEADERS.iter().find(|h| **h == name).copied().unwrap_or("intervento")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(std::string::ToString::to_string).collect()).collect()
    }

    const HEAD: &[&str] = &["intervento", "titolo", "avanzamento", "stato", "tappa", "scadenza", "tappa_completata"];

    #[test]
    fn each_bad_row_names_its_line_and_field() {
        let known = [(7, InterventionStatus::Planned)];
        let rows = sheet(&[
            HEAD,
            &["7", "Centro", "40", "", "", "", ""],
            &["9", "", "10", "", "", "", ""],
            &["7", "", "140%", "", "Gara", "31/02/2027", ""],
        ]);
        let errors = check_sheet(&rows, &known).expect_err("bad rows");
        let named: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field)).collect();
        assert_eq!(named, vec![(3, "intervento"), (4, "avanzamento"), (4, "scadenza")]);
    }

    #[test]
    fn a_good_sheet_keeps_the_status_when_left_empty() {
        let known = [(7, InterventionStatus::InProgress)];
        let rows =
            sheet(&[HEAD, &["7", "Centro", "55%", "", "Avvio", "15/03/2027", "sì"], &["", "", "", "", "", "", ""]]);
        let ok = check_sheet(&rows, &known).expect("valid");
        assert_eq!(ok.len(), 1);
        assert_eq!((ok[0].progress, ok[0].status), (55, InterventionStatus::InProgress));
        let m = ok[0].milestone.clone().expect("a milestone");
        assert_eq!((m.due_on, m.done), (NaiveDate::from_ymd_opt(2027, 3, 15), true));
    }

    #[test]
    fn a_missing_column_is_named_on_the_header() {
        let errors = check_sheet(&sheet(&[&["titolo"]]), &[]).expect_err("no columns");
        assert_eq!(errors[0].line, 1);
        assert_eq!(errors[0].field, "intervento");
    }
}

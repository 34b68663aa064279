//! Spreadsheets read back: a CSV (UTF-8, `;` or `,`, as Concerto's writer or a
//! spreadsheet program saves it) or the first worksheet of an XLSX, as rows of text.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("il file non è un CSV in UTF-8 né un foglio XLSX leggibile")]
    Unreadable,
    #[error("il foglio XLSX non ha fogli di lavoro")]
    NoWorksheet,
}

/// The rows of `bytes`, recognised by content: an XLSX is a ZIP archive.
pub fn read_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::Unreadable)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() >= first.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| ImportError::Unreadable)?;
        rows.push(record.iter().map(unguard).collect());
    }
    Ok(rows)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, ImportError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|_| ImportError::Unreadable)?;
    let range = book.worksheet_range_at(0).ok_or(ImportError::NoWorksheet)?.map_err(|_| ImportError::Unreadable)?;
    Ok(range.rows().map(|r| r.iter().map(cell).collect()).collect())
}

fn cell(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) => unguard(s),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => {
            if *b {
                "sì".into()
            } else {
                "no".into()
            }
        }
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

/// A date cell as `GG/MM/AAAA`: Excel counts days from 30 December 1899.
fn excel_date(serial: f64) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    epoch
        .checked_add_signed(chrono::Duration::days(serial.floor() as i64))
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

/// Our CSV writer guards a cell a spreadsheet would run as a formula with a leading
/// `'`; reading it back drops that mark, as the README tells programs to.
fn unguard(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sheet;

    #[test]
    fn our_own_csv_and_xlsx_read_back() {
        let sheet = Sheet {
            name: "Avanzamento".into(),
            headers: vec!["intervento".into(), "titolo".into()],
            rows: vec![vec!["7".into(), "-Centro; «diurno»".into()]],
        };
        let csv = read_rows(&sheet.to_csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            vec![vec!["intervento".to_string(), "titolo".into()], vec!["7".into(), "-Centro; «diurno»".into()]]
        );
        let xlsx = read_rows(&sheet.to_xlsx().unwrap()).unwrap();
        assert_eq!(xlsx[1][1], "-Centro; «diurno»");
        assert!(read_rows(b"\xff\xfe").is_err());
        assert_eq!(read_rows(b"a,b\n1,2\n").unwrap()[1], vec!["1".to_string(), "2".into()]);
    }
}

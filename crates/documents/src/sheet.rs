//! A sheet of text cells, written as CSV for any tool or as XLSX for the office's
//! spreadsheet program.

/// A table to export: a title, the column headers and the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The worksheet's name (at most 31 characters in XLSX; longer names are cut).
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("impossibile scrivere il CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("impossibile scrivere il file XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Spreadsheets in Italian locales split CSV on semicolons and read UTF-8 only
/// with a byte-order mark: both make the file open right with a double click.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR at
/// its start) gets a leading `'`, as OWASP advises against CSV injection: the
/// program then shows the text as typed and runs nothing. Every other cell is
/// written unchanged.
fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}").into() } else { cell.into() }
}

/// A cell written as Italian dates are, `22/12/2026` or `22/12/2026 12:00`
/// (also `22/12/2026, 12:00`): (year, month, day, Some((hour, minute))).
type ItalianDate = (u16, u8, u8, Option<(u16, u8)>);

fn italian_date(cell: &str) -> Option<ItalianDate> {
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u16>().ok()).flatten()
    };
    let (date, time) = match cell.split_once(' ') {
        Some((d, t)) => (d.trim_end_matches(','), Some(t)),
        None => (cell, None),
    };
    let mut parts = date.split('/');
    let (d, m, y) = (number(parts.next()?, 2)?, number(parts.next()?, 2)?, number(parts.next()?, 4)?);
    if parts.next().is_some() || !(1..=31).contains(&d) || !(1..=12).contains(&m) {
        return None;
    }
    let time = match time {
        None => None,
        Some(t) => {
            let (h, min) = t.split_once(':')?;
            let (h, min) = (number(h, 2)?, number(min, 2)?);
            if h > 23 || min > 59 {
                return None;
            }
            Some((h, min as u8))
        }
    };
    Some((y, m as u8, d as u8, time))
}

/// The columns whose every filled cell is an Italian date: in XLSX they become
/// date cells a spreadsheet sorts and filters as dates.
fn date_columns(headers: usize, rows: &[Vec<String>]) -> Vec<bool> {
    (0..headers)
        .map(|col| {
            let mut filled = rows.iter().filter_map(|r| r.get(col)).filter(|c| !c.is_empty()).peekable();
            filled.peek().is_some() && filled.all(|c| italian_date(c).is_some())
        })
        .collect()
}

impl Sheet {
    /// The one CSV writer of every CSV Concerto serves: RFC 4180 quoting, `;`
    /// between fields, CRLF line ends, a UTF-8 BOM, and formula-like cells
    /// neutralised (see [`neutralise`]).
    pub fn to_csv(&self) -> Result<Vec<u8>, ExportError> {
        let mut out = BOM.to_vec();
        {
            let mut writer =
                csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(&mut out);
            writer.write_record(self.headers.iter().map(|c| neutralise(c).into_owned()))?;
            for row in &self.rows {
                writer.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
            }
            writer.flush().map_err(csv::Error::from)?;
        }
        Ok(out)
    }

    /// An XLSX workbook with one sheet: bold headers, frozen first row, filters.
    /// A column of Italian dates (`dd/mm/yyyy`, with `hh:mm` or not) is written as
    /// date cells with that number format; every other cell is a string.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, ExportError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let name: String = self.name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        sheet.set_name(if name.is_empty() { "Foglio1" } else { &name })?;
        let bold = Format::new().set_bold();
        let day = Format::new().set_num_format("dd/mm/yyyy");
        let minute = Format::new().set_num_format("dd/mm/yyyy hh:mm");
        for (col, header) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, header, &bold)?;
        }
        let dates = date_columns(self.headers.len(), &self.rows);
        for (r, row) in self.rows.iter().enumerate() {
            for (col, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, col as u16);
                match italian_date(cell).filter(|_| dates.get(col).copied().unwrap_or(false)) {
                    Some((y, m, d, None)) => {
                        sheet.write_datetime_with_format(
                            r,
                            c,
                            rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, d)?,
                            &day,
                        )?;
                    }
                    Some((y, m, d, Some((h, min)))) => {
                        let at = rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, d)?.and_hms(h, min, 0)?;
                        sheet.write_datetime_with_format(r, c, at, &minute)?;
                    }
                    None => {
                        sheet.write_string(r, c, cell)?;
                    }
                }
            }
        }
        if !self.headers.is_empty() {
            sheet.set_freeze_panes(1, 0)?;
            sheet.autofilter(0, 0, self.rows.len() as u32, self.headers.len() as u16 - 1)?;
            sheet.autofit();
        }
        Ok(workbook.save_to_buffer()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Sheet {
        Sheet {
            name: "Manifestazioni: elenco".into(),
            headers: vec!["Protocollo".into(), "Denominazione".into()],
            rows: vec![
                vec!["2026/0000001".into(), "Associazione \"Il Faro\"; ODV".into()],
                vec!["2026/0000002".into(), "Società di mutuo soccorso".into()],
            ],
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_keeps_accents() {
        let bytes = sheet().to_csv().unwrap();
        assert!(bytes.starts_with(BOM));
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(&bytes[BOM.len()..]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(&rows[0][1], "Associazione \"Il Faro\"; ODV");
        assert_eq!(&rows[1][1], "Società di mutuo soccorso");
    }

    #[test]
    fn formula_like_cells_are_neutralised_and_keep_their_text() {
        let cells = ["=HYPERLINK(\"http://x\";\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "ok = fine", "-"];
        let sheet = Sheet {
            name: "x".into(),
            headers: vec!["a".into()],
            rows: cells.iter().map(|c| vec![c.to_string()]).collect(),
        };
        let bytes = sheet.to_csv().unwrap();
        assert!(String::from_utf8_lossy(&bytes).contains("\r\n"), "RFC 4180 line ends");
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(&bytes[BOM.len()..]);
        let read: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_string()).collect();
        for (cell, back) in cells.iter().zip(&read) {
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                assert_eq!(back, &format!("'{cell}"));
            } else {
                assert_eq!(back, cell);
            }
        }
    }

    #[test]
    fn italian_dates_are_recognised_and_nothing_else() {
        assert_eq!(italian_date("22/12/2026"), Some((2026, 12, 22, None)));
        assert_eq!(italian_date("22/12/2026 12:05"), Some((2026, 12, 22, Some((12, 5)))));
        assert_eq!(italian_date("22/12/2026, 09:30"), Some((2026, 12, 22, Some((9, 30)))));
        for not in
            ["2026/0000001", "22/13/2026", "1/2/2026", "22/12/2026 25:00", "00743110157", "22/12/2026 ore 12", ""]
        {
            assert_eq!(italian_date(not), None, "{not}");
        }
    }

    #[test]
    fn xlsx_writes_a_column_of_dates_as_dates_and_a_mixed_one_as_text() {
        use calamine::{Data, Reader, Xlsx};
        let sheet = Sheet {
            name: "Date".into(),
            headers: vec!["Ricevuta il".into(), "Costituzione".into(), "Nota".into()],
            rows: vec![
                vec!["22/12/2026 12:05".into(), "01/05/2010".into(), "01/05/2010".into()],
                vec!["23/12/2026 09:00".into(), "".into(), "Via Roma 1".into()],
            ],
        };
        let bytes = sheet.to_xlsx().unwrap();
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = workbook.worksheet_range("Date").unwrap();
        // Excel's serial days since 30/12/1899: 22/12/2026 12:05 and 01/05/2010.
        let serial = |cell: &Data| match cell {
            Data::DateTime(d) => d.as_f64(),
            other => panic!("not a date cell: {other:?}"),
        };
        assert!((serial(range.get_value((1, 0)).unwrap()) - 46378.503472).abs() < 1e-5);
        assert_eq!(serial(range.get_value((1, 1)).unwrap()), 40299.0);
        assert!(matches!(range.get_value((1, 2)).unwrap(), Data::String(_)), "a column with other text stays text");
    }

    #[test]
    fn xlsx_reads_back_with_a_spreadsheet_reader() {
        use calamine::{Reader, Xlsx};
        let bytes = sheet().to_xlsx().unwrap();
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let names = workbook.sheet_names();
        assert_eq!(names, ["Manifestazioni elenco"]);
        let range = workbook.worksheet_range(&names[0]).unwrap();
        assert_eq!(range.get_value((0, 0)).unwrap().to_string(), "Protocollo");
        assert_eq!(range.get_value((2, 1)).unwrap().to_string(), "Società di mutuo soccorso");
    }
}

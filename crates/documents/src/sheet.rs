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

impl Sheet {
    /// The one CSV writer of every CSV Concerto serves: RFC 4180 quoting, `;`
    /// between fields, CRLF line ends, a UTF-8 BOM, and formula-like cells
    /// neutralised (see [`neutralise`]).
    pub fn to_csv(&self) -> Result<Vec<u8>, ExportError> {
        let mut out = BOM.to_vec();
        {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut out);
            writer.write_record(self.headers.iter().map(|c| neutralise(c).into_owned()))?;
            for row in &self.rows {
                writer.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
            }
            writer.flush().map_err(csv::Error::from)?;
        }
        Ok(out)
    }

    /// An XLSX workbook with one sheet: bold headers, frozen first row, filters.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, ExportError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let name: String = self.name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        sheet.set_name(if name.is_empty() { "Foglio1" } else { &name })?;
        let bold = Format::new().set_bold();
        for (col, header) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, header, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (col, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 1, col as u16, cell)?;
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
        let sheet = Sheet { name: "x".into(), headers: vec!["a".into()], rows: cells.iter().map(|c| vec![c.to_string()]).collect() };
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

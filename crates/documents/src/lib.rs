//! Documents Concerto hands to people: for now the plan office's spreadsheet
//! exports, as CSV and as XLSX from one description of the sheet.

mod sheet;

pub use sheet::{ExportError, Sheet};

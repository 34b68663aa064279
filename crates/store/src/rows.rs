//! Reading columns the same way from either backend's rows, so that each row is
//! mapped to a domain value by one function.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use crate::{Result, StoreError};

/// The column types Concerto stores, read by name.
pub(crate) trait Columns {
    fn int(&self, column: &'static str) -> Result<i64>;
    fn small(&self, column: &'static str) -> Result<i32>;
    fn flag(&self, column: &'static str) -> Result<bool>;
    fn text(&self, column: &'static str) -> Result<String>;
    fn opt_int(&self, column: &'static str) -> Result<Option<i64>>;
    fn opt_small(&self, column: &'static str) -> Result<Option<i32>>;
    fn opt_text(&self, column: &'static str) -> Result<Option<String>>;
    fn opt_date(&self, column: &'static str) -> Result<Option<NaiveDate>>;
    fn opt_time(&self, column: &'static str) -> Result<Option<NaiveTime>>;
    fn instant(&self, column: &'static str) -> Result<DateTime<Utc>>;
    fn opt_instant(&self, column: &'static str) -> Result<Option<DateTime<Utc>>>;
}

macro_rules! impl_columns {
    ($row:ty) => {
        impl Columns for $row {
            fn int(&self, c: &'static str) -> Result<i64> {
                Ok(self.try_get(c)?)
            }
            fn small(&self, c: &'static str) -> Result<i32> {
                Ok(self.try_get(c)?)
            }
            fn flag(&self, c: &'static str) -> Result<bool> {
                Ok(self.try_get(c)?)
            }
            fn text(&self, c: &'static str) -> Result<String> {
                Ok(self.try_get(c)?)
            }
            fn opt_int(&self, c: &'static str) -> Result<Option<i64>> {
                Ok(self.try_get(c)?)
            }
            fn opt_small(&self, c: &'static str) -> Result<Option<i32>> {
                Ok(self.try_get(c)?)
            }
            fn opt_text(&self, c: &'static str) -> Result<Option<String>> {
                Ok(self.try_get(c)?)
            }
            fn opt_date(&self, c: &'static str) -> Result<Option<NaiveDate>> {
                Ok(self.try_get(c)?)
            }
            fn opt_time(&self, c: &'static str) -> Result<Option<NaiveTime>> {
                Ok(self.try_get(c)?)
            }
            fn instant(&self, c: &'static str) -> Result<DateTime<Utc>> {
                Ok(self.try_get(c)?)
            }
            fn opt_instant(&self, c: &'static str) -> Result<Option<DateTime<Utc>>> {
                Ok(self.try_get(c)?)
            }
        }
    };
}
impl_columns!(SqliteRow);
impl_columns!(PgRow);

/// What a row is looked up by.
pub(crate) enum Key<'a> {
    Int(i64),
    Text(&'a str),
}

/// A stored code that no longer names a known value.
pub(crate) fn corrupt(column: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt { column, detail: format!("valore sconosciuto «{value}»") }
}

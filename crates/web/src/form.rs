//! What every HTML form shares: the fields as sent, their errors in the reader's
//! language, and the page shown again with them.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concerto_domain::FieldErrors;

use crate::page::{PageContext, render};

/// A form's fields as sent: repeated names (several areas) are kept.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// The ids sent under `name`, the unreadable ones as -1 so that a rule refuses them.
    pub fn ids(&self, name: &str) -> Vec<i64> {
        self.all(name).into_iter().map(|v| v.trim().parse().unwrap_or(-1)).collect()
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    pub fn opt_id(&self, name: &str) -> Option<i64> {
        self.get(name).trim().parse().ok()
    }
}

/// Field errors as a form shows them: the field and a message in the reader's language.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    pub fn of(errors: &FieldErrors, ctx: &PageContext) -> FormErrors {
        FormErrors(
            errors.errors.iter().map(|e| (e.field.clone(), message(ctx, &e.field, e.code, &e.message))).collect(),
        )
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The message of an error in the reader's language: `tables.err.{field}.{code}`,
/// with the field's numeric part left out (`points.12` → `points`).
fn message(ctx: &PageContext, field: &str, code: &str, italian: &str) -> String {
    let base = field.split('.').next().unwrap_or(field);
    let key = format!("tables.err.{base}.{code}");
    match ctx.locale.t(&key) {
        "" => italian.to_string(),
        text => text.to_string(),
    }
}

/// A page shown again with its errors: 422.
pub fn unprocessable(ctx: &PageContext, page: &impl askama::Template) -> Response {
    match render(ctx, page) {
        Ok(r) => (StatusCode::UNPROCESSABLE_ENTITY, r).into_response(),
        Err(e) => e.into_response(),
    }
}

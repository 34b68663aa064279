//! What every HTML form shares: the fields as sent, their errors in the reader's
//! language, and the page shown again with them.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concerto_domain::{FieldError, FieldErrors};

use crate::i18n::Locale;

use crate::page::{PageContext, render};

/// A form's fields as sent: repeated names (several areas) are kept.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

/// A submitted form as its pairs: names may repeat.
pub type Pairs = axum::Form<Vec<(String, String)>>;

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
        FormErrors(localized(errors, ctx))
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Each error as its field and its message in the reader's language.
pub fn localized(errors: &FieldErrors, ctx: &PageContext) -> Vec<(String, String)> {
    errors.errors.iter().map(|e| (e.field.clone(), message(e, ctx))).collect()
}

/// The message of an error in the reader's language: the form's own text for its
/// field and code (`tables.err.{field}.{code}`, the field's numeric part left out:
/// `points.12` → `points`); else the domain's message on Italian pages, which names
/// its limits, and the text of the code (`err.{code}`) in another language.
pub fn message(error: &FieldError, ctx: &PageContext) -> String {
    let locale = ctx.locale;
    let base = error.field.split('.').next().unwrap_or(&error.field);
    let own = locale.find(&format!("tables.err.{base}.{}", error.code));
    let by_code = || (locale != Locale::It).then(|| locale.find(&format!("err.{}", error.code))).flatten();
    own.or_else(by_code).map_or_else(|| error.message.clone(), str::to_string)
}

/// A page shown again with its errors: 422.
pub fn unprocessable(ctx: &PageContext, page: &impl askama::Template) -> Response {
    match render(ctx, page) {
        Ok(r) => (StatusCode::UNPROCESSABLE_ENTITY, r).into_response(),
        Err(e) => e.into_response(),
    }
}

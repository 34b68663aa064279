//! The workspace's edit forms, described as data and drawn by one template: a form
//! shown again keeps what was typed and names each bad field, with an error summary
//! that links to it.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, NaiveTime};
use concerto_domain::FieldErrors;

use crate::page::PageContext;
use crate::page::render;

/// A submitted form, as name and value pairs: a name may repeat (checkboxes).
#[derive(Debug, Clone, Default)]
pub struct FormValues(pub Vec<(String, String)>);

impl FormValues {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_string(), value.into()));
    }
}

/// Reads typed values out of a form, collecting an error for each unreadable field.
pub struct Reader<'a> {
    values: &'a FormValues,
    pub errors: FieldErrors,
}

impl<'a> Reader<'a> {
    pub fn new(values: &'a FormValues) -> Self {
        Reader { values, errors: FieldErrors::default() }
    }

    pub fn text(&self, name: &str) -> String {
        self.values.get(name).trim().to_string()
    }

    pub fn optional(&self, name: &str) -> Option<String> {
        Some(self.text(name)).filter(|v| !v.is_empty())
    }

    pub fn flag(&self, name: &str) -> bool {
        !self.values.get(name).is_empty()
    }

    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        let text = self.text(name);
        if text.is_empty() {
            return None;
        }
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(&text, "%d/%m/%Y"))
            .map_err(|_| self.errors.push(name, "invalid_date", "Data non valida (GG/MM/AAAA)."))
            .ok()
    }

    pub fn time(&mut self, name: &str) -> Option<NaiveTime> {
        let text = self.text(name).replace(['.', ','], ":");
        if text.is_empty() {
            return None;
        }
        NaiveTime::parse_from_str(&text, "%H:%M")
            .map_err(|_| self.errors.push(name, "invalid_time", "Orario non valido (HH:MM)."))
            .ok()
    }

    pub fn number(&mut self, name: &str) -> Option<u32> {
        let text = self.text(name);
        if text.is_empty() {
            return None;
        }
        text.parse().map_err(|_| self.errors.push(name, "invalid_number", "Indicare un numero intero.")).ok()
    }

    /// An id chosen in a select: empty means none.
    pub fn id(&mut self, name: &str) -> Option<i64> {
        self.number(name).map(i64::from)
    }

    pub fn ids(&mut self, name: &str) -> Vec<i64> {
        let mut ids = Vec::new();
        for value in self.values.all(name) {
            match value.trim().parse() {
                Ok(id) => ids.push(id),
                Err(_) => self.errors.push(name, "invalid_choice", "Scelta non valida."),
            }
        }
        ids
    }

    /// The value read, checked by `validate`: the errors of both, each field named once.
    pub fn finish<T>(self, value: T, validate: impl FnOnce(&T) -> Result<(), FieldErrors>) -> Result<T, FieldErrors> {
        let mut errors = self.errors;
        if let Err(more) = validate(&value) {
            for e in more.errors {
                if errors.for_field(&e.field).is_none() {
                    errors.errors.push(e);
                }
            }
        }
        errors.into_result(value)
    }
}

/// A choice of a select or of a group of checkboxes.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// How an input is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Email,
    Url,
    Tel,
    Number,
    Date,
    Time,
    TextArea,
    Select,
    Checks,
    Checkbox,
}

impl Kind {
    /// The `type` of an `<input>`.
    pub fn input_type(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Url => "url",
            Kind::Tel => "tel",
            // Text with a numeric keyboard: a number input would drop a wrong entry
            // instead of showing it back with its error.
            Kind::Date => "date",
            Kind::Time => "time",
            _ => "text",
        }
    }
}

pub struct Field {
    pub name: &'static str,
    /// The locale key of its label.
    pub label: &'static str,
    pub kind: Kind,
    pub value: String,
    pub choices: Vec<Choice>,
    pub required: bool,
    /// The locale key of a hint under the label.
    pub hint: Option<&'static str>,
    /// Values offered as the field is typed (a `<datalist>`: no script needed).
    pub suggestions: Vec<String>,
}

impl Field {
    pub fn new(name: &'static str, label: &'static str, kind: Kind, values: &FormValues) -> Field {
        Field {
            name,
            label,
            kind,
            value: values.get(name).to_string(),
            choices: vec![],
            required: false,
            hint: None,
            suggestions: vec![],
        }
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn hint(mut self, key: &'static str) -> Field {
        self.hint = Some(key);
        self
    }

    pub fn suggest(mut self, values: Vec<String>) -> Field {
        self.suggestions = values;
        self
    }

    /// A select or a group of checkboxes over (value, label), with what `values` chose.
    pub fn choices(mut self, options: impl IntoIterator<Item = (String, String)>, values: &FormValues) -> Field {
        let chosen = values.all(self.name);
        self.choices = options
            .into_iter()
            .map(|(value, label)| Choice { selected: chosen.contains(&value.as_str()), value, label })
            .collect();
        self
    }

    pub fn is(&self, kind: &str) -> bool {
        let name = match self.kind {
            Kind::TextArea => "textarea",
            Kind::Select => "select",
            Kind::Checks => "checks",
            Kind::Checkbox => "checkbox",
            _ => "input",
        };
        name == kind
    }

    pub fn is_number(&self) -> bool {
        self.kind == Kind::Number
    }

    /// The value shown on a page that only reads the form.
    pub fn shown(&self) -> String {
        match self.kind {
            Kind::Select | Kind::Checks => {
                self.choices.iter().filter(|c| c.selected).map(|c| c.label.as_str()).collect::<Vec<_>>().join(", ")
            }
            _ => self.value.clone(),
        }
    }
}

/// One edit form of the workspace.
#[derive(Template)]
#[template(path = "office_form.html")]
pub struct FormPage {
    pub ctx: PageContext,
    /// (href, text) of the way back: the process or the workspace.
    pub back: (String, String),
    pub heading: String,
    pub intro: Option<&'static str>,
    pub fields: Vec<Field>,
    /// (field, message); a message without a field concerns the whole form.
    pub errors: Vec<(String, String)>,
    pub submit: &'static str,
    /// The address of a removal button under the form, for an existing part.
    pub remove: Option<String>,
    /// Only shown, for whoever may read but not change.
    pub read_only: bool,
}

impl FormPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    /// The ids of a field's hint and error, for aria-describedby.
    pub fn described(&self, f: &Field) -> String {
        let hint = f.hint.map(|_| format!("h-{}", f.name));
        let error = self.error(f.name).map(|_| format!("e-{}", f.name));
        [hint, error].into_iter().flatten().collect::<Vec<_>>().join(" ")
    }

    pub fn with_errors(mut self, errors: FieldErrors) -> Self {
        self.errors = crate::form::localized(&errors, &self.ctx);
        self
    }

    /// The page, with 422 when it carries errors.
    pub fn respond(self) -> Response {
        let status = if self.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        self.respond_with(status)
    }

    pub fn respond_with(self, status: StatusCode) -> Response {
        render(&self.ctx, &self).map(|r| (status, r).into_response()).unwrap_or_else(IntoResponse::into_response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_names_unreadable_fields_and_keeps_the_rest() {
        let values = FormValues(vec![
            ("date".into(), "31/02/2026".into()),
            ("start".into(), "9.30".into()),
            ("areas".into(), "4".into()),
            ("areas".into(), "x".into()),
        ]);
        let mut r = Reader::new(&values);
        assert_eq!(r.date("date"), None);
        assert_eq!(r.time("start"), NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(r.ids("areas"), vec![4]);
        assert_eq!(r.date("missing"), None);
        let fields: Vec<_> = r.errors.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["date", "areas"]);
    }
}

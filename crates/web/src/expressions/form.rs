//! The HTML form: shown empty, shown again with its errors beside the fields and
//! everything typed kept, or prefilled for an amendment.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use concerto_domain::{
    ApplicantInput, ApplicantKind, AreaRef, Expression, ExpressionInput, FieldErrors, LegalForm, ParticipationInput,
    Process, ProposalInput, ReceivedExpression, RepresentativeInput, SubmissionConflict,
};

use super::{SubmitError, caught_in_trap, receipt_path, receive};
use crate::AppState;
use crate::error::{PageError, WebError, conflict_errors};
use crate::guard::Visitor;
use crate::page::PageContext;
use crate::page::render;
use crate::secret::token_digest;

/// The form's fields as typed, and the errors to show beside them.
#[derive(Default)]
pub struct FormState {
    values: HashMap<String, String>,
    areas: HashSet<i64>,
    proposal_areas: HashSet<i64>,
    errors: Vec<(String, String)>,
}

impl FormState {
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn is(&self, name: &str, value: &str) -> bool {
        self.value(name) == value
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|(n, _)| n == name).map(|(_, m)| m.as_str())
    }

    pub fn has_area(&self, id: &i64) -> bool {
        self.areas.contains(id)
    }

    pub fn has_proposal_area(&self, id: &i64) -> bool {
        self.proposal_areas.contains(id)
    }

    pub fn errors(&self) -> &[(String, String)] {
        &self.errors
    }

    /// The element id of a field, for labels and the error summary's links.
    pub fn id(&self, name: &str) -> String {
        format!("f-{}", name.replace('.', "-"))
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> FormState {
        let mut form = FormState::default();
        for (name, value) in pairs {
            match name.as_str() {
                "area" => form.areas.extend(value.trim().parse::<i64>().ok()),
                "proposal.area" => form.proposal_areas.extend(value.trim().parse::<i64>().ok()),
                _ => {
                    form.values.insert(name, value);
                }
            }
        }
        form
    }

    /// The input the domain validates, with participations in the process's area order.
    fn to_input(&self, process: &Process) -> (ExpressionInput, Vec<i64>) {
        let text = |name: &str| self.value(name).to_string();
        let optional = |name: &str| Some(text(name)).filter(|v| !v.trim().is_empty());
        let chosen: Vec<i64> = process.areas.iter().map(|a| a.id).filter(|id| self.areas.contains(id)).collect();
        let participations = chosen
            .iter()
            .map(|id| ParticipationInput {
                area_id: AreaRef::Id(*id),
                representative: RepresentativeInput {
                    name: text(&format!("rep.{id}.name")),
                    email: text(&format!("rep.{id}.email")),
                    phone: optional(&format!("rep.{id}.phone")),
                },
            })
            .collect();
        let proposal_areas: Vec<AreaRef> =
            process.areas.iter().filter(|a| self.proposal_areas.contains(&a.id)).map(|a| AreaRef::Id(a.id)).collect();
        let proposal = (!self.value("proposal.title").trim().is_empty()
            || !self.value("proposal.text").trim().is_empty())
        .then(|| ProposalInput {
            title: text("proposal.title"),
            text: text("proposal.text"),
            area_ids: proposal_areas,
        });
        let input = ExpressionInput {
            applicant: ApplicantInput {
                kind: text("applicant.kind"),
                name: text("applicant.name"),
                legal_form: optional("applicant.legal_form"),
                tax_code: text("applicant.tax_code"),
                legal_representative: optional("applicant.legal_representative"),
                address: text("applicant.address"),
                municipality: text("applicant.municipality"),
                email: text("applicant.email"),
                pec: optional("applicant.pec"),
                phone: optional("applicant.phone"),
                founded_on: optional("applicant.founded_on"),
            },
            participations,
            proposal,
            privacy_accepted: !self.value("privacy_accepted").is_empty(),
            declaration_accepted: !self.value("declaration_accepted").is_empty(),
            public_name_consent: !self.value("public_name_consent").is_empty(),
        };
        (input, chosen)
    }

    /// Puts each domain error beside the form field it is about.
    fn with_errors(mut self, errors: &FieldErrors, chosen: &[i64], ctx: &PageContext) -> FormState {
        for (field, message) in crate::form::localized(errors, ctx) {
            let field = form_field(&field, chosen);
            if self.error(&field).is_none() {
                self.errors.push((field, message));
            }
        }
        self
    }

    fn from_expression(e: &Expression) -> FormState {
        let a = &e.applicant;
        let mut values: HashMap<String, String> = [
            ("applicant.kind", a.kind.code().to_string()),
            ("applicant.name", a.name.clone()),
            ("applicant.legal_form", a.legal_form.map(|f| f.code().to_string()).unwrap_or_default()),
            ("applicant.tax_code", a.tax_code.to_string()),
            ("applicant.legal_representative", a.legal_representative.clone().unwrap_or_default()),
            ("applicant.address", a.address.clone()),
            ("applicant.municipality", a.municipality.clone()),
            ("applicant.email", a.email.clone()),
            ("applicant.pec", a.pec.clone().unwrap_or_default()),
            ("applicant.phone", a.phone.clone().unwrap_or_default()),
            ("applicant.founded_on", a.founded_on.map(|d| d.to_string()).unwrap_or_default()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for p in &e.participations {
            let r = &p.representative;
            values.insert(format!("rep.{}.name", p.area_id), r.name.clone());
            values.insert(format!("rep.{}.email", p.area_id), r.email.clone());
            values.insert(format!("rep.{}.phone", p.area_id), r.phone.clone().unwrap_or_default());
        }
        let mut proposal_areas = HashSet::new();
        if let Some(p) = &e.proposal {
            values.insert("proposal.title".into(), p.title.clone());
            values.insert("proposal.text".into(), p.text.clone());
            proposal_areas.extend(p.area_ids.iter().copied());
        }
        if e.public_name_consent {
            values.insert("public_name_consent".into(), "1".into());
        }
        FormState {
            values,
            areas: e.participations.iter().map(|p| p.area_id).collect(),
            proposal_areas,
            errors: vec![],
        }
    }
}

/// `participations[1].representative.email` is the field `rep.{area}.email`.
fn form_field(field: &str, chosen: &[i64]) -> String {
    if let Some(rest) = field.strip_prefix("participations[") {
        let area = rest.split(']').next().and_then(|i| i.parse::<usize>().ok()).and_then(|i| chosen.get(i));
        return match (area, rest.split_once("].representative.")) {
            (Some(id), Some((_, part))) => format!("rep.{id}.{part}"),
            _ => "area".into(),
        };
    }
    if field == "participations" {
        return "area".into();
    }
    if field.starts_with("proposal.area_ids") {
        return "proposal.area".into();
    }
    field.to_string()
}

/// A text input of the applicant's section.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub input_type: &'static str,
    pub required: bool,
    /// Required of organizations only (legal representative).
    pub org_only: bool,
    pub hint: Option<&'static str>,
    pub autocomplete: &'static str,
}

fn applicant_fields(ctx: &PageContext) -> Vec<Field> {
    let f = |name, label, input_type, required, hint: Option<&str>, autocomplete| Field {
        name,
        label: ctx.t(label),
        input_type,
        required,
        org_only: name == "applicant.legal_representative",
        hint: hint.map(|h| ctx.t(h)),
        autocomplete,
    };
    vec![
        f("applicant.name", "form.name", "text", true, None, "organization"),
        f("applicant.tax_code", "form.tax_code", "text", true, Some("form.tax_code.hint"), "off"),
        f("applicant.legal_representative", "form.legal_representative", "text", false, None, "name"),
        f("applicant.address", "form.address", "text", true, None, "address-line1"),
        f("applicant.municipality", "form.municipality", "text", true, None, "address-level2"),
        f("applicant.email", "form.email", "email", true, None, "email"),
        f("applicant.pec", "form.pec", "email", false, None, "off"),
        f("applicant.phone", "form.phone", "tel", false, None, "tel"),
        f("applicant.founded_on", "form.founded_on", "date", false, Some("form.founded_on.hint"), "off"),
    ]
}

pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "expression_form.html")]
struct FormPage {
    ctx: PageContext,
    process: Process,
    full_name: String,
    action: String,
    amending: bool,
    form: FormState,
    /// The error summary's lines: (field, text naming the field).
    summary: Vec<(String, String)>,
    fields: Vec<Field>,
    kinds: Vec<Choice>,
    legal_forms: Vec<Choice>,
    /// The tax code already has a current expression: explain, offer the link again.
    registered: bool,
    /// The process takes no expressions now: said plainly, with the office's
    /// contacts, instead of the form.
    closed: Option<Closed>,
}

/// Why the form is closed, and whom to ask.
pub struct Closed {
    pub text: String,
    /// (label, value, href) of each contact of the office.
    pub contacts: Vec<(&'static str, String, Option<String>)>,
}

/// The closed form's explanation, or None while the process takes expressions.
fn closed_view(
    ctx: &PageContext,
    process: &Process,
    now: chrono::DateTime<chrono::Utc>,
    amending: bool,
) -> Option<Closed> {
    if process.header.accepts_expressions_at(now) {
        return None;
    }
    let passed = process.header.deadline.filter(|d| !d.is_open_at(now));
    let text = match passed {
        Some(d) => {
            let local = d.local();
            ctx.tf(
                if amending { "flows2.form.deadline_passed.amend" } else { "flows2.form.deadline_passed" },
                &[
                    ("date", &concerto_domain::italian::date(local.date_naive())),
                    ("time", &concerto_domain::italian::time(local.time())),
                ],
            )
        }
        None => ctx.t("form.closed").to_string(),
    };
    let c = &process.ambito.contacts;
    let mut contacts = Vec::new();
    if let Some(email) = &c.email {
        contacts.push(("flows2.contact.email", email.clone(), Some(format!("mailto:{email}"))));
    }
    if let Some(pec) = &c.pec {
        contacts.push(("flows2.contact.pec", pec.clone(), Some(format!("mailto:{pec}"))));
    }
    if let Some(phone) = &c.phone {
        let dial: String = phone.chars().filter(|ch| ch.is_ascii_digit() || *ch == '+').collect();
        contacts.push(("flows2.contact.phone", phone.clone(), Some(format!("tel:{dial}"))));
    }
    if let Some(address) = &process.ambito.address {
        contacts.push(("flows2.contact.address", address.clone(), None));
    }
    if let Some(site) = c.website.as_ref().filter(|w| w.starts_with("https://") || w.starts_with("http://")) {
        contacts.push(("flows2.contact.website", site.clone(), Some(site.clone())));
    }
    Some(Closed { text, contacts })
}

/// What a field is called, so that each line of the error summary says which field
/// it is about ("E-mail: Campo obbligatorio."), not only what is wrong.
fn field_label(ctx: &PageContext, fields: &[Field], process: &Process, name: &str) -> String {
    if let Some(f) = fields.iter().find(|f| f.name == name) {
        return f.label.to_string();
    }
    let key = match name {
        "applicant.kind" => "form.kind",
        "applicant.legal_form" => "form.legal_form",
        "area" => "form.areas",
        "proposal.title" => "form.proposal.title",
        "proposal.text" => "form.proposal.text",
        "proposal.area" => "form.proposal.areas",
        "privacy_accepted" => "form.privacy.accept",
        "declaration_accepted" => "form.declaration.accept",
        _ => {
            // rep.{area}.{part}: the representative's field of one area.
            let mut parts = name.split('.').skip(1);
            let area = parts.next().and_then(|id| id.parse::<i64>().ok()).and_then(|id| process.area(id));
            let label = match parts.next() {
                Some("email") => ctx.t("form.rep.email"),
                Some("phone") => ctx.t("form.rep.phone"),
                _ => ctx.t("form.rep.name"),
            };
            return match area {
                Some(a) => format!("{label} ({})", a.name),
                None => label.to_string(),
            };
        }
    };
    ctx.t(key).to_string()
}

fn page(ctx: PageContext, process: Process, form: FormState, amend_token: Option<&str>) -> Result<Response, PageError> {
    shown(ctx, process, form, amend_token, false, None)
}

/// The form shown, with everything typed, under the answer `status`.
fn shown(
    ctx: PageContext,
    process: Process,
    form: FormState,
    amend_token: Option<&str>,
    registered: bool,
    closed: Option<Closed>,
) -> Result<Response, PageError> {
    let action = match amend_token {
        Some(token) => format!("/manifestazioni/{token}/modifica"),
        None => format!("/processi/{}/manifestazione", process.header.slug),
    };
    let fields = applicant_fields(&ctx);
    let summary = form
        .errors
        .iter()
        .map(|(name, message)| {
            let text = if name == "form" {
                message.clone()
            } else {
                format!("{}: {message}", field_label(&ctx, &fields, &process, name))
            };
            (name.clone(), text)
        })
        .collect();
    let page = FormPage {
        summary,
        fields,
        kinds: ApplicantKind::ALL
            .iter()
            .map(|k| Choice { code: k.code(), label: ctx.t(&format!("form.kind.{}", k.code())) })
            .collect(),
        legal_forms: LegalForm::ALL
            .iter()
            .map(|f| Choice { code: f.code(), label: ctx.t(&format!("legal.{}", f.code())) })
            .collect(),
        full_name: process.ambito.full_name(),
        amending: amend_token.is_some(),
        registered,
        closed,
        action,
        process,
        form,
        ctx,
    };
    let status = if page.form.errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render(&page.ctx, &page).map(|r| (status, r).into_response())
}

fn fail(ctx: &PageContext) -> impl Fn(WebError) -> PageError + '_ {
    |error| PageError { ctx: ctx.clone(), error }
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let process = crate::public_process(&state.store, &slug).await.map_err(fail(&ctx))?;
    let mut form = FormState::default();
    form.values.insert("applicant.kind".into(), ApplicantKind::Organization.code().into());
    let closed = closed_view(&ctx, &process, state.clock.now(), false);
    shown(ctx, process, form, None, false, closed)
}

async fn handle(
    state: &AppState,
    ctx: PageContext,
    process: Process,
    pairs: Vec<(String, String)>,
    amend_token: Option<&str>,
    client: &str,
) -> Result<Response, PageError> {
    let trapped = caught_in_trap(&pairs);
    let mut form = FormState::from_pairs(pairs);
    if trapped {
        // A quiet refusal: no number taken, nothing said about why.
        form.errors.push(("form".into(), ctx.t("form.not_accepted").into()));
        return page(ctx, process, form, amend_token);
    }
    let (input, chosen) = form.to_input(&process);
    match receive(state, &process, &input, amend_token, client).await {
        Ok(done) => Ok(Redirect::to(&receipt_path(&done.token)).into_response()),
        Err(SubmitError::Refused(conflict)) => {
            let registered = conflict == SubmissionConflict::AlreadyRegistered;
            let form = form.with_errors(&conflict_errors(conflict), &chosen, &ctx);
            shown(ctx, process, form, amend_token, registered, None).map(|r| with_status(r, StatusCode::CONFLICT))
        }
        // Past the deadline (or closed): the plain explanation, not an error summary.
        Err(SubmitError::Invalid(_)) if !process.header.accepts_expressions_at(state.clock.now()) => {
            let closed = closed_view(&ctx, &process, state.clock.now(), amend_token.is_some());
            shown(ctx, process, form, amend_token, false, closed).map(|r| with_status(r, StatusCode::CONFLICT))
        }
        Err(SubmitError::Invalid(errors)) => {
            let form = form.with_errors(&errors, &chosen, &ctx);
            page(ctx, process, form, amend_token)
        }
        // Everything typed stays on the page, with when to try again.
        Err(SubmitError::Web(WebError::TooManyRequests(wait))) => {
            form.errors.push(("form".into(), ctx.t("error.too_many.text").into()));
            let retry_after = [(axum::http::header::RETRY_AFTER, wait.as_secs().to_string())];
            page(ctx, process, form, amend_token)
                .map(|r| (StatusCode::TOO_MANY_REQUESTS, retry_after, r).into_response())
        }
        Err(SubmitError::Web(error)) => Err(PageError { ctx, error }),
    }
}

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

pub async fn submit(
    Visitor { state, ctx, client }: Visitor,
    Path(slug): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let process = crate::public_process(&state.store, &slug).await.map_err(fail(&ctx))?;
    handle(&state, ctx, process, pairs, None, &client).await
}

/// The process and the current version of the expression behind a management link.
async fn amendable(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
) -> Result<(Process, ReceivedExpression), PageError> {
    let received = state
        .store
        .expression_by_token(&token_digest(token))
        .await
        .map_err(|e| fail(ctx)(e.into()))?
        .ok_or_else(|| fail(ctx)(WebError::NotFound))?;
    let process = state
        .store
        .process_by_id(received.process_id)
        .await
        .map_err(|e| fail(ctx)(e.into()))?
        .ok_or_else(|| fail(ctx)(WebError::NotFound))?;
    Ok((process, received))
}

pub async fn amend_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let (process, received) = amendable(&state, &ctx, &token).await?;
    let mut form = FormState::from_expression(&received.expression);
    let mut closed = None;
    if let Err(conflict) = concerto_domain::amendable(received.status) {
        form = form.with_errors(&conflict_errors(conflict), &[], &ctx);
    } else {
        closed = closed_view(&ctx, &process, state.clock.now(), true);
    }
    shown(ctx, process, form, Some(&token), false, closed)
}

pub async fn amend(
    Visitor { state, ctx, client }: Visitor,
    Path(token): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (process, _) = amendable(&state, &ctx, &token).await?;
    handle(&state, ctx, process, pairs, Some(&token), &client).await
}

#[cfg(test)]
mod tests {
    use super::form_field;

    #[test]
    fn domain_fields_map_to_form_fields() {
        let chosen = [10, 12];
        assert_eq!(form_field("participations[1].representative.email", &chosen), "rep.12.email");
        assert_eq!(form_field("participations[0].area_id", &chosen), "area");
        assert_eq!(form_field("participations", &chosen), "area");
        assert_eq!(form_field("proposal.area_ids[0]", &chosen), "proposal.area");
        assert_eq!(form_field("applicant.tax_code", &chosen), "applicant.tax_code");
    }
}

#[cfg(test)]
mod translation_tests {
    use concerto_domain::{ApplicantKind, LegalForm};

    use crate::i18n::Locale;

    /// Labels built from codes are translated for every code.
    #[test]
    fn every_applicant_kind_and_legal_form_has_a_label() {
        for locale in Locale::ALL {
            for kind in ApplicantKind::ALL {
                assert!(!locale.t(&format!("form.kind.{}", kind.code())).is_empty());
            }
            for form in LegalForm::ALL {
                assert!(!locale.t(&format!("legal.{}", form.code())).is_empty());
            }
        }
    }
}

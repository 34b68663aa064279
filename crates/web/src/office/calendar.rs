//! Adding, changing and removing the phases, thematic areas, tables and sessions of
//! a process. Each kind of part describes its form, reads it into a domain input and
//! stores it; the routes, the audit entry and the answers are shared.

use axum::Form;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use concerto_domain::{
    AreaInput, FieldErrors, PhaseInput, Process, SessionInput, SessionKind, SessionSchedule, TableInput,
    may_remove_session,
};
use concerto_store::{CalendarPart, StoreError};
use serde::Serialize;

use super::form::{Field, FormPage, FormValues, Kind, Reader};
use crate::AppState;
use crate::error::PageResult;
use crate::error::WebError;
use crate::form::Pairs;
use crate::guard::Editor;
use crate::page::PageContext;
use crate::view;

/// The address segment, the audit name and the headings of each kind of part.
fn segment(part: CalendarPart) -> &'static str {
    match part {
        CalendarPart::Phase => "fasi",
        CalendarPart::Area => "aree",
        CalendarPart::Table => "tavoli",
        CalendarPart::Session => "sessioni",
    }
}

fn audit_name(part: CalendarPart) -> &'static str {
    match part {
        CalendarPart::Phase => "phase",
        CalendarPart::Area => "area",
        CalendarPart::Table => "table",
        CalendarPart::Session => "session",
    }
}

fn heading_key(part: CalendarPart, new: bool) -> &'static str {
    match (part, new) {
        (CalendarPart::Phase, true) => "office.phase.new",
        (CalendarPart::Phase, false) => "office.phase.edit",
        (CalendarPart::Area, true) => "office.area.new",
        (CalendarPart::Area, false) => "office.area.edit",
        (CalendarPart::Table, true) => "office.table.new",
        (CalendarPart::Table, false) => "office.table.edit",
        (CalendarPart::Session, true) => "office.session_new",
        (CalendarPart::Session, false) => "office.session_details",
    }
}

/// The route of one part: the process's slug and the part's id.
type PartPath = Path<(String, i64)>;

pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for part in [CalendarPart::Phase, CalendarPart::Area, CalendarPart::Table, CalendarPart::Session] {
        let base = format!("/ufficio/processi/{{slug}}/{}", segment(part));
        router = router
            .route(
                &format!("{base}/nuova"),
                get(move |office: Editor| show(part, office, None))
                    .post(move |office: Editor, form: Pairs| save(part, office, None, form)),
            )
            .route(
                &format!("{base}/{{id}}/modifica"),
                get(move |Path((_, id)): PartPath, office: Editor| show(part, office, Some(id))).post(
                    move |Path((_, id)): PartPath, office: Editor, form: Pairs| save(part, office, Some(id), form),
                ),
            )
            .route(
                &format!("{base}/{{id}}/elimina"),
                post(move |Path((_, id)): PartPath, office: Editor| remove(part, office, id)),
            );
    }
    router
}

/// The stored part as form values, or `None` when the process has no such part.
fn stored_values(process: &Process, part: CalendarPart, id: i64) -> Option<FormValues> {
    let mut v = FormValues::default();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    match part {
        CalendarPart::Phase => {
            let p = process.phases.iter().find(|p| p.id == id)?;
            v.set("name", &p.name);
            v.set("description", &p.description);
            v.set("starts_on", date(p.starts_on));
            v.set("ends_on", date(p.ends_on));
        }
        CalendarPart::Area => v.set("name", &process.area(id)?.name),
        CalendarPart::Table => {
            let t = process.table(id)?;
            v.set("label", &t.label);
            v.set("title", &t.title);
            t.area_ids.iter().for_each(|a| v.set("areas", a.to_string()));
        }
        CalendarPart::Session => {
            let s = process.sessions.iter().find(|s| s.id == id)?;
            v.set("kind", s.kind.code());
            v.set("title", &s.title);
            v.set("phase", s.phase_id.map(|p| p.to_string()).unwrap_or_default());
            v.set("table", s.table_id.map(|t| t.to_string()).unwrap_or_default());
            s.area_ids.iter().for_each(|a| v.set("areas", a.to_string()));
            v.set("invited", s.invited.clone().unwrap_or_default());
        }
    }
    Some(v)
}

fn area_choices(process: &Process) -> Vec<(String, String)> {
    process.areas.iter().map(|a| (a.id.to_string(), a.name.clone())).collect()
}

fn fields(process: &Process, part: CalendarPart, new: bool, v: &FormValues, ctx: &PageContext) -> Vec<Field> {
    match part {
        CalendarPart::Phase => vec![
            Field::new("name", "office.field.name", Kind::Text, v).required(),
            Field::new("description", "office.field.description", Kind::TextArea, v),
            Field::new("starts_on", "office.field.starts_on", Kind::Date, v),
            Field::new("ends_on", "office.field.ends_on", Kind::Date, v),
        ],
        CalendarPart::Area => vec![Field::new("name", "office.field.name", Kind::Text, v).required()],
        CalendarPart::Table => vec![
            Field::new("label", "office.field.label", Kind::Text, v).required().hint("office.field.label.hint"),
            Field::new("title", "office.field.title", Kind::Text, v).required(),
            Field::new("areas", "office.field.areas", Kind::Checks, v).required().choices(area_choices(process), v),
        ],
        CalendarPart::Session => {
            let kinds =
                SessionKind::ALL.iter().map(|k| (k.code().to_string(), view::kind_label(*k, ctx.locale).to_string()));
            let phases = process.phases.iter().map(|p| (p.id.to_string(), p.name.clone()));
            let tables = process.tables.iter().map(|t| (t.id.to_string(), format!("{} – {}", t.label, t.title)));
            let mut fields = vec![
                Field::new("kind", "office.field.kind", Kind::Select, v).required().choices(kinds, v),
                Field::new("title", "office.field.title", Kind::Text, v).required(),
                Field::new("phase", "office.field.phase", Kind::Select, v).choices(phases, v),
                Field::new("table", "office.field.table", Kind::Select, v).choices(tables, v),
                Field::new("areas", "office.field.areas", Kind::Checks, v)
                    .hint("office.field.session_areas.hint")
                    .choices(area_choices(process), v),
                Field::new("invited", "office.field.invited", Kind::Text, v),
            ];
            if new {
                fields.extend([
                    Field::new("date", "office.session.date", Kind::Date, v).hint("office.field.date.hint"),
                    Field::new("start", "office.session.start", Kind::Time, v),
                    Field::new("end", "office.session.end", Kind::Time, v),
                    Field::new("venue", "office.session.venue", Kind::Text, v),
                ]);
            }
            fields
        }
    }
}

fn page(process: &Process, part: CalendarPart, id: Option<i64>, values: &FormValues, ctx: PageContext) -> FormPage {
    let slug = &process.header.slug;
    let removable = id.map(|id| format!("/ufficio/processi/{slug}/{}/{id}/elimina", segment(part)));
    FormPage {
        fields: fields(process, part, id.is_none(), values, &ctx),
        back: (format!("/ufficio/processi/{slug}"), process.header.title.clone()),
        heading: ctx.t(heading_key(part, id.is_none())).to_string(),
        intro: (part == CalendarPart::Session && id.is_some()).then_some("office.session_details.intro"),
        errors: vec![],
        submit: "office.form.save",
        remove: removable,
        read_only: false,
        ctx,
    }
}

async fn show(part: CalendarPart, office: Editor, id: Option<i64>) -> PageResult {
    let Editor { ctx, process, .. } = office;
    let values = match id {
        None => FormValues::default(),
        Some(id) => match stored_values(&process, part, id) {
            Some(v) => v,
            None => return Err(WebError::NotFound.into_page(&ctx)),
        },
    };
    Ok(page(&process, part, id, &values, ctx).respond())
}

/// The input of each kind of part, read and checked.
enum Input {
    Phase(PhaseInput),
    Area(AreaInput),
    Table(TableInput),
    Session(SessionInput, SessionSchedule),
}

fn read(process: &Process, part: CalendarPart, new: bool, v: &FormValues) -> Result<Input, FieldErrors> {
    let mut r = Reader::new(v);
    match part {
        CalendarPart::Phase => {
            let input = PhaseInput {
                name: r.text("name"),
                description: r.text("description"),
                starts_on: r.date("starts_on"),
                ends_on: r.date("ends_on"),
            };
            r.finish(input, PhaseInput::validate).map(Input::Phase)
        }
        CalendarPart::Area => {
            let input = AreaInput { name: r.text("name") };
            r.finish(input, AreaInput::validate).map(Input::Area)
        }
        CalendarPart::Table => {
            let input = TableInput { label: r.text("label"), title: r.text("title"), area_ids: r.ids("areas") };
            r.finish(input, |t| t.validate(process)).map(Input::Table)
        }
        CalendarPart::Session => {
            let kind = SessionKind::from_code(&r.text("kind"));
            if kind.is_none() {
                r.errors.push("kind", "invalid_choice", "Scegliere il tipo di incontro.");
            }
            let schedule = if new {
                SessionSchedule {
                    date: r.date("date"),
                    start: r.time("start"),
                    end: r.time("end"),
                    venue: r.optional("venue"),
                }
            } else {
                SessionSchedule::default()
            };
            let input = SessionInput {
                kind: kind.unwrap_or(SessionKind::Other),
                title: r.text("title"),
                phase_id: r.id("phase"),
                table_id: r.id("table"),
                area_ids: r.ids("areas"),
                invited: r.optional("invited"),
            };
            r.finish((input, schedule), |(s, schedule)| {
                let mut errors = s.validate(process).err().unwrap_or_default();
                errors.errors.extend(schedule.validate().err().unwrap_or_default().errors);
                errors.into_result(())
            })
            .map(|(s, schedule)| Input::Session(s, schedule))
        }
    }
}

/// The stored part as it was, for the audit entry's "before".
fn before(process: &Process, part: CalendarPart, id: i64) -> Option<serde_json::Value> {
    fn json(value: &impl Serialize) -> Option<serde_json::Value> {
        serde_json::to_value(value).ok()
    }
    match part {
        CalendarPart::Phase => process.phases.iter().find(|p| p.id == id).and_then(json),
        CalendarPart::Area => process.area(id).and_then(json),
        CalendarPart::Table => process.table(id).and_then(json),
        CalendarPart::Session => process.sessions.iter().find(|s| s.id == id).and_then(json),
    }
}

/// The audit entry of `verb` on the part: its subject names the part (and its id).
fn audit(
    office: &Editor,
    part: CalendarPart,
    verb: &str,
    id: Option<i64>,
    after: Option<&serde_json::Value>,
) -> concerto_domain::AuditEntry {
    let process = &office.process;
    let before = id.and_then(|id| before(process, part, id));
    let subject = match id {
        Some(id) => format!("{}:{}:{id}", audit_name(part), process.header.slug),
        None => format!("{}:{}", audit_name(part), process.header.slug),
    };
    office.auditor().about(subject).change(&format!("{}.{verb}", audit_name(part)), before.as_ref(), after)
}

async fn save(part: CalendarPart, office: Editor, id: Option<i64>, Form(pairs): Pairs) -> PageResult {
    let process = &office.process;
    if id.is_some_and(|id| stored_values(process, part, id).is_none()) {
        return Err(WebError::NotFound.into_page(&office.ctx));
    }
    let values = FormValues(pairs);
    let input = match read(process, part, id.is_none(), &values) {
        Ok(input) => input,
        Err(errors) => return Ok(page(process, part, id, &values, office.ctx).with_errors(errors).respond()),
    };
    let verb = if id.is_some() { "update" } else { "create" };
    // What the audit records of the change: the part's values (with a session, its schedule).
    let after = match &input {
        Input::Phase(p) => serde_json::to_value(p).ok(),
        Input::Area(a) => serde_json::to_value(a).ok(),
        Input::Table(t) => serde_json::to_value(t).ok(),
        Input::Session(s, schedule) => Some(serde_json::json!({ "session": s, "schedule": schedule })),
    };
    let entry = audit(&office, part, verb, id, after.as_ref());
    let Editor { state, ctx, process, .. } = office;
    let (store, slug) = (&state.store, &process.header.slug);
    let outcome = match &input {
        Input::Phase(p) => store.save_phase(process.id, id, p, &entry).await,
        Input::Area(a) => store.save_area(process.id, id, a, &entry).await,
        Input::Table(t) => store.save_table(process.id, id, t, &entry).await,
        Input::Session(s, schedule) => store.save_session(process.id, id, s, schedule, &entry).await,
    };
    Ok(match outcome {
        Ok(_) => Redirect::to(&format!("/ufficio/processi/{slug}")).into_response(),
        Err(StoreError::Invalid(errors)) => page(&process, part, id, &values, ctx).with_errors(errors).respond(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

async fn remove(part: CalendarPart, office: Editor, id: i64) -> PageResult {
    let Some(values) = stored_values(&office.process, part, id) else {
        return Err(WebError::NotFound.into_page(&office.ctx));
    };
    let entry = audit(&office, part, "remove", Some(id), None);
    let Editor { state, ctx, process, .. } = office;
    let slug = &process.header.slug;
    // Shown on the part's own form, which stays as it was.
    let refuse = |message: String| {
        let mut form = page(&process, part, Some(id), &values, ctx.clone());
        form.errors = vec![(String::new(), message)];
        form.respond_with(StatusCode::CONFLICT)
    };
    if part == CalendarPart::Session
        && let Err(refused) = may_remove_session(&process, id)
    {
        return Ok(refuse(crate::view::sentence(&refused.to_string())));
    }
    Ok(match state.store.remove_calendar_part(process.id, part, id, &entry).await {
        Ok(()) => Redirect::to(&format!("/ufficio/processi/{slug}")).into_response(),
        Err(StoreError::Conflict(message)) => refuse(crate::view::sentence(&message)),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

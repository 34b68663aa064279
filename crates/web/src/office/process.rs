//! One process in the workspace: expressions per area and per table, filters, the
//! list, and the status buttons.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use concerto_domain::report::{self, Tally};
use concerto_domain::{Process, ProcessStatus, PublicationWarning, ROME, ReceivedExpression, italian};
use serde::Deserialize;

use crate::confirm;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::form::Pairs;
use crate::guard::{Editor, Reader};
use crate::page::render;
use crate::page::{Flash, PageContext};
use crate::view::LIST_PAGE;
use crate::view::{self, DeadlineView};

/// The list's filters, from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    pub area: Option<String>,
    pub table: Option<String>,
    pub q: Option<String>,
    pub eligible: Option<String>,
    /// The list's page, from 1; the exports ignore it.
    pub pagina: Option<String>,
}

impl Filters {
    fn id(value: &Option<String>) -> Option<i64> {
        value.as_deref().and_then(|v| v.trim().parse().ok())
    }

    /// Does the expression pass every filter set?
    pub fn admit(&self, process: &Process, e: &ReceivedExpression) -> bool {
        let by_area = Self::id(&self.area).is_none_or(|area| report::takes_part_in(e, &[area]));
        let by_table = Self::id(&self.table)
            .and_then(|id| process.table(id))
            .is_none_or(|table| report::takes_part_in(e, &table.area_ids));
        let by_text = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).is_none_or(|q| {
            let q = q.to_lowercase();
            let a = &e.expression.applicant;
            a.name.to_lowercase().contains(&q)
                || a.tax_code.as_str().to_lowercase().contains(&q)
                || e.protocol.to_string().contains(&q)
                || e.expression.participations.iter().any(|p| p.representative.name.to_lowercase().contains(&q))
        });
        let by_eligibility = match self.eligible.as_deref() {
            Some("si") => e.expression.eligible_for_pact,
            Some("no") => !e.expression.eligible_for_pact,
            _ => true,
        };
        by_area && by_table && by_text && by_eligibility
    }

    pub fn is_area(&self, id: &i64) -> bool {
        Self::id(&self.area) == Some(*id)
    }

    pub fn is_table(&self, id: &i64) -> bool {
        Self::id(&self.table) == Some(*id)
    }

    pub fn text(&self) -> &str {
        self.q.as_deref().unwrap_or("")
    }

    pub fn eligible_is(&self, value: &str) -> bool {
        self.eligible.as_deref().unwrap_or("") == value
    }
}

pub struct Row {
    pub id: i64,
    pub protocol: String,
    pub received_at: String,
    pub name: String,
    pub tax_code: String,
    pub kind: &'static str,
    pub representatives: Vec<String>,
    pub eligible: bool,
    pub proposal: Option<String>,
    /// The pact's state: (code, label), when the expression has one.
    pub pact: Option<(&'static str, &'static str)>,
}

fn row(process: &Process, e: &ReceivedExpression, ctx: &PageContext) -> Row {
    let a = &e.expression.applicant;
    let local = e.received_at.with_timezone(&ROME);
    Row {
        id: e.id,
        protocol: e.protocol.to_string(),
        received_at: format!("{} {}", italian::date(local.date_naive()), italian::time(local.time())),
        name: a.name.clone(),
        tax_code: a.tax_code.to_string(),
        kind: a
            .legal_form
            .map(|f| ctx.t(&format!("legal.{}", f.code())))
            .unwrap_or_else(|| ctx.t(&format!("form.kind.{}", a.kind.code()))),
        representatives: e
            .expression
            .participations
            .iter()
            .map(|p| {
                let area = process.area(p.area_id).map_or("", |a| a.name.as_str());
                format!("{area}: {} <{}>", p.representative.name, p.representative.email)
            })
            .collect(),
        eligible: e.expression.eligible_for_pact,
        proposal: e.expression.proposal.as_ref().map(|p| p.title.clone()),
        pact: None,
    }
}

#[derive(Template)]
#[template(path = "office_process.html")]
struct ProcessWorkspace {
    ctx: PageContext,
    process: Process,
    status: &'static str,
    deadline: Option<DeadlineView>,
    total: usize,
    per_area: Vec<Tally>,
    per_table: Vec<Tally>,
    filters: Filters,
    query: String,
    rows: Vec<Row>,
    /// Expressions passing the filters, on every page.
    matching: usize,
    /// "page 2 of 50" when the list has more than one page.
    page_label: Option<String>,
    previous: Option<String>,
    next: Option<String>,
    /// The statuses the process can move to, with their buttons' labels.
    status_changes: Vec<(&'static str, &'static str)>,
    parts: Vec<EditList>,
    /// The importer's warnings not yet marked resolved: (id, text).
    import_warnings: Vec<(i64, String)>,
}

/// An editable kind of part, sessions aside: (address segment, heading, add link,
/// [(id, name)]).
type EditList = (&'static str, &'static str, &'static str, Vec<(i64, String)>);

fn parts(process: &Process) -> Vec<EditList> {
    vec![
        ("fasi", "office.phases", "office.phase.new", process.phases.iter().map(|p| (p.id, p.name.clone())).collect()),
        ("aree", "office.areas", "office.area.new", process.areas.iter().map(|a| (a.id, a.name.clone())).collect()),
        (
            "tavoli",
            "office.tables",
            "office.table.new",
            process.tables.iter().map(|t| (t.id, format!("{} – {}", t.label, t.title))).collect(),
        ),
    ]
}

impl Filters {
    /// No filter set: the list is the register's order, and a page of it can be read
    /// alone.
    fn is_empty(&self) -> bool {
        [&self.area, &self.table, &self.q, &self.eligible]
            .iter()
            .all(|v| v.as_deref().is_none_or(|v| v.trim().is_empty()))
    }
}

pub async fn page(office: Reader, Query(filters): Query<Filters>) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    // The counts come from the areas each expression chose; the rows of the page
    // from the page alone when no filter is set, otherwise from every expression
    // filtered here.
    let areas_of = state.store.active_expression_areas(process.id).await.or_page(&ctx)?;
    let requested = Filters::id(&filters.pagina).map_or(1, |n| n.max(1) as usize);
    let (matching, current, expressions) = if filters.is_empty() {
        let matching = areas_of.len();
        let current = requested.min(matching.div_ceil(LIST_PAGE).max(1));
        match state.store.active_expressions_page(process.id, (current - 1) * LIST_PAGE, LIST_PAGE).await {
            Ok(page) => (matching, current, page),
            Err(e) => return Err(WebError::from(e).into_page(&ctx)),
        }
    } else {
        let all = state.store.active_expressions(process.id).await.or_page(&ctx)?;
        let chosen: Vec<ReceivedExpression> = all.into_iter().filter(|e| filters.admit(&process, e)).collect();
        let current = requested.min(chosen.len().div_ceil(LIST_PAGE).max(1));
        let matching = chosen.len();
        (matching, current, chosen.into_iter().skip((current - 1) * LIST_PAGE).take(LIST_PAGE).collect())
    };
    let pages = matching.div_ceil(LIST_PAGE).max(1);
    let pacts: std::collections::HashMap<i64, concerto_domain::PactState> =
        match state.store.pact_states(process.id).await {
            Ok(states) => states.into_iter().collect(),
            Err(e) => return Err(WebError::from(e).into_page(&ctx)),
        };
    let rows: Vec<Row> = expressions
        .iter()
        .map(|e| Row {
            pact: pacts.get(&e.id).map(|s| (s.code(), crate::view::pact_state_label(*s, &ctx))),
            ..row(&process, e, &ctx)
        })
        .collect();
    let import_warnings = match state.store.open_import_warnings(process.id).await {
        Ok(open) => open.into_iter().map(|w| (w.id, w.text)).collect(),
        Err(e) => return Err(WebError::from(e).into_page(&ctx)),
    };
    let query = serde_urlencoded_query(&filters);
    let page_href = |n: usize| {
        let base = format!("/ufficio/processi/{}", process.header.slug);
        if query.is_empty() { format!("{base}?pagina={n}") } else { format!("{base}?{query}&pagina={n}") }
    };
    let previous = (current > 1).then(|| page_href(current - 1));
    let next = (current < pages).then(|| page_href(current + 1));
    let status_changes = [
        (ProcessStatus::Published, "office.status.publish"),
        (ProcessStatus::Draft, "office.status.unpublish"),
        (ProcessStatus::Closed, "office.status.close"),
    ]
    .into_iter()
    .filter(|(status, _)| *status != process.header.status)
    .map(|(status, label)| (status.code(), label))
    .collect();
    let page = ProcessWorkspace {
        import_warnings,
        status_changes,
        parts: parts(&process),
        status: view::status_label(process.header.status, ctx.locale),
        deadline: process.header.deadline.map(|d| view::deadline(d, state.clock.now(), ctx.locale)),
        total: areas_of.len(),
        per_area: report::per_area_of(&process, &areas_of),
        per_table: report::per_table_of(&process, &areas_of),
        rows,
        matching,
        page_label: (pages > 1)
            .then(|| ctx.tf("perf.list.page", &[("page", &current.to_string()), ("pages", &pages.to_string())])),
        previous,
        next,
        query,
        filters,
        process,
        ctx,
    };
    Ok(render(&page.ctx, &page)?)
}

/// The filters as a query string, carried over to the export links.
fn serde_urlencoded_query(f: &Filters) -> String {
    let pairs = [("area", &f.area), ("table", &f.table), ("q", &f.q), ("eligible", &f.eligible)];
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", crate::view::url_encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `13/06/2022, 09:30` in Rome.
fn rome(instant: chrono::DateTime<chrono::Utc>) -> String {
    let local = instant.with_timezone(&ROME);
    format!("{}, {}", italian::date(local.date_naive()), italian::time(local.time()))
}

/// The problems the office should see before publishing, in the reader's language.
fn publication_warnings(
    ctx: &PageContext,
    process: &concerto_domain::Process,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    let texts = [process.header.title.as_str(), &process.header.description, &process.header.eligibility].join("\n");
    let named = concerto_notice::ambito_named_in(&texts);
    concerto_domain::publication_warnings(process, named.as_deref(), now)
        .into_iter()
        .map(|w| match w {
            PublicationWarning::AllSessionsPast => ctx.t("flows.publish.all_past").to_string(),
            PublicationWarning::NoDeadline => ctx.t("flows.publish.no_deadline").to_string(),
            PublicationWarning::DeadlineAfterFirstSession { deadline, first_session } => ctx.tf(
                "flows.publish.deadline_after_session",
                &[("deadline", &rome(deadline)), ("session", &rome(first_session))],
            ),
            PublicationWarning::AmbitoDiffers { named, process } => {
                ctx.tf("flows.publish.ambito_differs", &[("named", &named), ("process", &process)])
            }
        })
        .collect()
}

pub async fn set_status(office: Editor, Path(slug): Path<String>, Form(form): Pairs) -> PageResult {
    let Editor { state, ctx, process, user } = office;
    let code = form.iter().find(|(k, _)| k == "status").map(|(_, v)| v.as_str()).unwrap_or_default();
    let Some(status) = ProcessStatus::from_code(code) else {
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, ctx.t("office.status.invalid")).into_response());
    };
    let Some(who) = Some(&user) else { return Err(WebError::NotFound.into_page(&ctx)) };
    let now = state.clock.now();
    // Publishing and closing reach the public and cannot be taken back quietly:
    // the office confirms them on a page of their own, with any problem found.
    let asks = matches!(status, ProcessStatus::Published | ProcessStatus::Closed) && status != process.header.status;
    if asks && !confirm::confirmed(&form) {
        let key = status.code();
        let warnings =
            if status == ProcessStatus::Published { publication_warnings(&ctx, &process, now) } else { Vec::new() };
        return Ok(confirm::ask(
            ctx.clone(),
            confirm::Confirmation {
                title: ctx.tf(&format!("flows.confirm.{key}.title"), &[("process", &process.header.title)]),
                text: ctx.t(&format!("flows.confirm.{key}.text")).to_string(),
                warnings,
                action: format!("/ufficio/processi/{slug}/stato"),
                fields: vec![("status".into(), key.into())],
                button: ctx.t(&format!("flows.confirm.{key}.button")).to_string(),
                back: format!("/ufficio/processi/{slug}"),
            },
        ));
    }
    let audit = crate::audit::entry(
        who,
        now,
        "process.status",
        crate::audit::process_subject(&process),
        &process.ambito.slug,
        Some(&process.header.status),
        Some(&status),
    );
    if let Err(e) = state.store.set_process_status(process.id, status, &audit).await {
        return Err(WebError::from(e).into_page(&ctx));
    }
    let done = format!("process_{}", status.code());
    Ok(Redirect::to(&Flash::redirect(&format!("/ufficio/processi/{slug}"), &done, None)).into_response())
}

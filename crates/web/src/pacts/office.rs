//! The office's side: the register of a process's pacts with state and dates, the
//! countersignature (controfirma), the signed files, and the register as CSV/XLSX.

use askama::Template;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use concerto_documents::Sheet;
use concerto_domain::{OfficeAction, PactAction, PactRequester, Principal, Process, may_act_on_pact, next_state};
use concerto_store::{PactEntry, PactStep, StoreError};

use super::Loaded;
use crate::AppState;
use crate::client::ClientAddress;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::form::Pairs;
use crate::guard::Caller;
use crate::guard::Reader;
use crate::guard::enforce;
use crate::guard::office_process;
use crate::page::PageContext;
use crate::page::render;
use crate::page::{SheetFormat, send_sheet};
use crate::view::when;
use crate::view::{pact_kind_label, pact_state_label};

pub struct RegisterLine {
    pub id: i64,
    pub protocol: String,
    pub name: String,
    pub tax_code: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub state_code: &'static str,
    pub generated_at: String,
    pub signed_at: Option<String>,
    /// "firma digitale rilevata" or not, for an uploaded file.
    pub signature_note: Option<&'static str>,
    pub countersigned_at: Option<String>,
    pub withdrawn_at: Option<String>,
    pub may_countersign: bool,
    pub has_file: bool,
}

#[derive(Template)]
#[template(path = "office_pacts.html")]
struct RegisterPage {
    ctx: PageContext,
    process: Process,
    lines: Vec<RegisterLine>,
    error: Option<String>,
    /// Pacts in the register, on every page.
    total: usize,
    /// "page 2 of 50" when the register has more than one page.
    page_label: Option<String>,
    previous: Option<String>,
    next: Option<String>,
}

/// Lines of the register per page, as the list of expressions.
const REGISTER_PAGE: usize = crate::view::LIST_PAGE;

/// Which page of the register to show.
enum Shown {
    Page(Option<String>),
    /// The page holding this pact: where a countersignature refused is explained.
    Holding(i64),
}

#[derive(serde::Deserialize)]
pub struct RegisterQuery {
    pagina: Option<String>,
}

fn line(e: &PactEntry, ctx: &PageContext) -> RegisterLine {
    let p = &e.pact;
    RegisterLine {
        id: p.id,
        protocol: e.protocol.to_string(),
        name: e.name.clone(),
        tax_code: e.tax_code.clone(),
        kind: pact_kind_label(p.kind, ctx),
        state: pact_state_label(p.state, ctx),
        state_code: p.state.code(),
        generated_at: when(p.generated_at),
        signed_at: p.signed_at.map(when),
        signature_note: e
            .signature_detected
            .map(|found| ctx.t(if found { "pact.signature.detected" } else { "pact.signature.not_detected" })),
        countersigned_at: p.countersigned_at.map(when),
        withdrawn_at: p.withdrawn_at.map(when),
        may_countersign: next_state(p.state, PactAction::Countersign).is_ok(),
        has_file: e.signature_detected.is_some(),
    }
}

/// The register's size, the page shown (from 1) and its lines.
async fn register_page(
    state: &AppState,
    process: &Process,
    shown: Shown,
) -> Result<(usize, usize, Vec<PactEntry>), StoreError> {
    match shown {
        Shown::Page(n) => {
            let total = state.store.pact_count(process.id).await?;
            let pages = total.div_ceil(REGISTER_PAGE).max(1);
            let current = n.and_then(|n| n.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, pages);
            let lines =
                state.store.pact_register_page(process.id, (current - 1) * REGISTER_PAGE, REGISTER_PAGE).await?;
            Ok((total, current, lines))
        }
        Shown::Holding(id) => {
            let entries = state.store.pact_register(process.id).await?;
            let current = entries.iter().position(|e| e.pact.id == id).map_or(1, |i| i / REGISTER_PAGE + 1);
            let lines = entries.iter().skip((current - 1) * REGISTER_PAGE).take(REGISTER_PAGE).cloned().collect();
            Ok((entries.len(), current, lines))
        }
    }
}

async fn show(
    state: &AppState,
    ctx: PageContext,
    process: Process,
    shown: Shown,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    // A page of the register is read alone; after a change, the whole register is
    // read once to find the page that holds the pact changed.
    let (total, current, lines) = register_page(state, &process, shown).await.or_page(&ctx)?;
    let pages = total.div_ceil(REGISTER_PAGE).max(1);
    let href = |n: usize| format!("/ufficio/processi/{}/patti?pagina={n}", process.header.slug);
    let lines = lines.iter().map(|e| line(e, &ctx)).collect();
    let page = RegisterPage {
        total,
        page_label: (pages > 1)
            .then(|| ctx.tf("perf.list.page", &[("page", &current.to_string()), ("pages", &pages.to_string())])),
        previous: (current > 1).then(|| href(current - 1)),
        next: (current < pages).then(|| href(current + 1)),
        ctx,
        process,
        lines,
        error,
    };
    Ok((status, render(&page.ctx, &page)?).into_response())
}

pub async fn register(office: Reader, axum::extract::Query(query): axum::extract::Query<RegisterQuery>) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    show(&state, ctx, process, Shown::Page(query.pagina), None, StatusCode::OK).await
}

/// A pact of `process` with its expression; another process's pact is not found.
async fn pact_of(state: &AppState, process: Process, id: i64) -> Result<Loaded, WebError> {
    let pact = state.store.pact(id).await?.filter(|p| p.process_id == process.id).ok_or(WebError::NotFound)?;
    let received = state.store.expression_by_id(pact.expression_id).await?.ok_or(WebError::NotFound)?;
    Ok(Loaded { process, received, pact })
}

pub async fn countersign(
    Caller { state, ctx, user }: Caller,
    ClientAddress(address): ClientAddress,
    Path((slug, id)): Path<(String, i64)>,
    axum::Form(form): Pairs,
) -> PageResult {
    let process = office_process(&state, &ctx, user.as_ref(), &slug, OfficeAction::Edit).await?;
    let Some(who): Option<&Principal> = user.as_ref() else { return Err(WebError::NotFound.into_page(&ctx)) };
    let loaded = pact_of(&state, process, id).await.or_page(&ctx)?;
    if let Err(answer) =
        enforce(may_act_on_pact(PactRequester::Account(who), PactAction::Countersign, loaded.pact.ambito_id, &[]), &ctx)
    {
        return Ok(answer);
    }
    // Countersigning binds the Ambito and mails the organization: asked first.
    if next_state(loaded.pact.state, PactAction::Countersign).is_ok() && !crate::confirm::confirmed(&form) {
        return Ok(crate::confirm::ask(
            ctx.clone(),
            crate::confirm::Confirmation {
                title: ctx.t("flows.confirm.countersign.title").to_string(),
                text: ctx.tf("flows.confirm.countersign.text", &[("number", &loaded.pact.id.to_string())]),
                warnings: Vec::new(),
                action: format!("/ufficio/processi/{slug}/patti/{id}/controfirma"),
                fields: Vec::new(),
                button: ctx.t("flows.confirm.countersign.button").to_string(),
                back: format!("/ufficio/processi/{slug}/patti"),
            },
        ));
    }
    let refuse = |why: String| (Some(why), StatusCode::CONFLICT);
    let (error, status) = match next_state(loaded.pact.state, PactAction::Countersign) {
        Err(e) => refuse(e.to_string()),
        Ok(to) => {
            let now = state.clock.now();
            let audit = crate::audit::entry(
                who,
                now,
                "pact.countersign",
                format!("pact:{}:{}", loaded.process.header.slug, loaded.pact.id),
                &loaded.process.ambito.slug,
                Some(&loaded.pact.state.code()),
                Some(&to.code()),
            );
            let emails = [loaded.email(&state, PactAction::Countersign, now, None, None)];
            let step = PactStep {
                emails: &emails,
                audit: Some(&audit),
                ..PactStep::new(loaded.pact.id, PactAction::Countersign, now, audit.actor.clone(), address)
            };
            match state.store.record_pact_step(&step).await {
                Ok(_) => {
                    state.outbox.wake();
                    let done = crate::page::Flash::redirect(
                        &format!("/ufficio/processi/{slug}/patti"),
                        "pact_countersigned",
                        Some(emails.len()),
                    );
                    return Ok(Redirect::to(&done).into_response());
                }
                Err(StoreError::Conflict(why)) => refuse(why),
                Err(e) => return Err(WebError::from(e).into_page(&ctx)),
            }
        }
    };
    show(&state, ctx, loaded.process, Shown::Holding(id), error, status).await
}

pub async fn signed_file(office: Reader, Path((_, id)): Path<(String, i64)>) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    let found = async {
        let loaded = pact_of(&state, process, id).await?;
        let file = state.store.pact_file(loaded.pact.id).await?.ok_or(WebError::NotFound)?;
        Ok::<_, WebError>((loaded, file))
    }
    .await;
    Ok(match found {
        Ok((loaded, file)) => {
            let name = concerto_documents::file_name(&format!("patto-firmato-{}", loaded.received.protocol));
            let disposition = crate::security::content_disposition(false, &format!("{name}.{}", file.kind.extension()));
            (
                [
                    (header::CONTENT_TYPE, file.kind.content_type().to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                file.content,
            )
                .into_response()
        }
        Err(e) => e.into_page(&ctx),
    })
}

const HEADERS: [&str; 10] = [
    "Protocollo",
    "Denominazione",
    "Codice fiscale",
    "Documento",
    "Stato",
    "Generato il",
    "Firmato il",
    "Firma digitale",
    "Controfirmato il",
    "Recesso il",
];

fn sheet(entries: &[PactEntry], ctx: &PageContext) -> Sheet {
    let rows = entries
        .iter()
        .map(|e| {
            let l = line(e, ctx);
            vec![
                l.protocol,
                l.name,
                l.tax_code,
                l.kind.to_string(),
                l.state.to_string(),
                l.generated_at,
                l.signed_at.unwrap_or_default(),
                l.signature_note.unwrap_or_default().to_string(),
                l.countersigned_at.unwrap_or_default(),
                l.withdrawn_at.unwrap_or_default(),
            ]
        })
        .collect();
    Sheet { name: "Patti".into(), headers: HEADERS.iter().map(std::string::ToString::to_string).collect(), rows }
}

async fn export(office: Reader, format: SheetFormat) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    let entries = state.store.pact_register(process.id).await.or_page(&ctx)?;
    // The sheet is an office record: Italian whatever the reader's language.
    let italian = PageContext { locale: crate::i18n::Locale::It, ..ctx.clone() };
    let stem = format!("{}-patti", process.header.slug);
    Ok(send_sheet(&sheet(&entries, &italian), format, &stem, &ctx))
}

pub async fn csv(office: Reader) -> PageResult {
    export(office, SheetFormat::Csv).await
}

pub async fn xlsx(office: Reader) -> PageResult {
    export(office, SheetFormat::Xlsx).await
}

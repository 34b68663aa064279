//! The organization's side: the pact's page and PDF, the online acceptance, the
//! upload of the signed file and the written declaration of withdrawal (recesso).
//! The organization reaches them behind the expression's secret link or, signed in
//! as its representative, from "I miei patti": the same handlers serve both, and
//! [`Holder`] says which way the request came.

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use concerto_domain::{
    AcceptanceInput, Decision, FieldErrors, PactAction, PactRequester, Principal, SignatureMethod, UploadError,
    WithdrawalInput, inspect_signed_file, may_act_on_pact, may_read_pact, next_state, sha256_hex, validate_acceptance,
    validate_withdrawal,
};
use concerto_store::{NewPactFile, PactStep, StoreError};

use super::{Loaded, pact_path};
use crate::AppState;
use crate::documents::render_pdf;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::guard::CurrentUser;
use crate::guard::Visitor;
use crate::page::PageContext;
use crate::page::render;
use crate::secret::token_digest;
use crate::view::when;
use crate::view::{pact_kind_label, pact_state_label};

/// Room for the multipart framing around the file.
pub const FORM_OVERHEAD: usize = 64 * 1024;

/// Who speaks for the organization on this request.
pub enum Holder {
    /// Whoever holds the expression's secret link (its token).
    Link(String),
    /// A signed-in account, asking for the pact `id` from "I miei patti".
    Account(Principal, i64),
}

impl FromRequestParts<AppState> for Holder {
    type Rejection = Response;

    /// A route with `{token}` is the link's; one with `{id}` wants a signed-in
    /// account, and sends anybody else to the login page first.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if let Some(token) = params.get("token") {
            return Ok(Holder::Link(token.clone()));
        }
        let ctx = PageContext::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let Some(user) = user else {
            return Err(crate::guard::sign_in_first(&ctx));
        };
        match params.get("id").and_then(|id| id.parse::<i64>().ok()) {
            Some(id) => Ok(Holder::Account(user, id)),
            None => Err(WebError::NotFound.into_page(&ctx)),
        }
    }
}

impl Holder {
    fn requester(&self) -> PactRequester<'_> {
        match self {
            Holder::Link(_) => PactRequester::ManageLink,
            Holder::Account(who, _) => PactRequester::Account(who),
        }
    }

    /// The pact's page; its forms post below it.
    pub fn path(&self) -> String {
        match self {
            Holder::Link(token) => pact_path(token),
            Holder::Account(_, id) => super::own_pact_path(*id),
        }
    }

    fn pdf_path(&self) -> String {
        match self {
            Holder::Link(token) => format!("{}.pdf", pact_path(token)),
            Holder::Account(_, id) => format!("{}/patto.pdf", super::own_pact_path(*id)),
        }
    }

    /// Who took a step, for the pact's history: the channel, then the name given.
    fn actor(&self, name: Option<&str>) -> String {
        let channel = match self {
            Holder::Link(_) => "link".to_string(),
            Holder::Account(who, _) => format!("account:{} <{}>", who.account_id, who.email),
        };
        match name {
            Some(name) => format!("{channel}: {name}"),
            None => channel,
        }
    }
}

async fn load(state: &AppState, holder: &Holder) -> Result<Loaded, WebError> {
    let (received, pact) = match holder {
        Holder::Link(token) => {
            let received = state.store.expression_by_token(&token_digest(token)).await?.ok_or(WebError::NotFound)?;
            let pact = state.store.pact_of_expression(received.id).await?.ok_or(WebError::NotFound)?;
            (received, pact)
        }
        Holder::Account(_, id) => {
            let pact = state.store.pact(*id).await?.ok_or(WebError::NotFound)?;
            (state.store.expression_by_id(pact.expression_id).await?.ok_or(WebError::NotFound)?, pact)
        }
    };
    match may_read_pact(holder.requester(), &[received.expression.applicant.email.as_str()]) {
        Decision::Allow => {}
        Decision::Forbidden => return Err(WebError::Forbidden),
        _ => return Err(WebError::NotFound),
    }
    let process = state.store.process_by_id(received.process_id).await?.ok_or(WebError::NotFound)?;
    Ok(Loaded { process, received, pact })
}

pub struct EventLine {
    pub at: String,
    pub action: &'static str,
    pub actor: String,
    pub sha256: Option<String>,
}

/// What the form had, shown again with the errors.
#[derive(Default)]
pub struct Typed {
    signer: String,
    withdrawal: WithdrawalInput,
}

#[derive(Template)]
#[template(path = "pact.html")]
struct PactPage {
    ctx: PageContext,
    /// The pact's page, as the request reached it; the forms post below it.
    base: String,
    pdf: String,
    /// Where "back" goes: the expression behind the link, or "I miei patti".
    back: String,
    /// Reached through the secret link, which the page warns to keep.
    secret: bool,
    loaded: Loaded,
    kind: &'static str,
    state: &'static str,
    sha256: String,
    generated_at: String,
    signed_at: Option<String>,
    signature: Option<&'static str>,
    /// For an uploaded file: was a digital signature found in it?
    signature_detected: Option<bool>,
    countersigned_at: Option<String>,
    withdrawn_at: Option<String>,
    withdrawal: Option<String>,
    events: Vec<EventLine>,
    /// (id of the input, message).
    errors: Vec<(String, String)>,
    typed: Typed,
}

impl PactPage {
    fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str())
    }

    fn may_sign(&self) -> bool {
        next_state(self.loaded.pact.state, PactAction::Sign).is_ok()
    }

    fn withdraw_error(&self, name: &str) -> Option<&str> {
        self.error(&format!("withdraw-{name}"))
    }

    /// (name, label key, value typed) of the declaration's text inputs.
    fn withdraw_fields(&self) -> [(&'static str, &'static str, &str); 2] {
        let w = &self.typed.withdrawal;
        [
            ("declarant", "pact.withdraw.declarant", w.declarant.as_str()),
            ("capacity", "pact.withdraw.capacity", w.capacity.as_str()),
        ]
    }

    fn may_withdraw(&self) -> bool {
        next_state(self.loaded.pact.state, PactAction::Withdraw).is_ok()
    }
}

/// Who took a step, as the holder reads it: the office, the representative or the
/// name they signed with, never the internal channel (`sistema`, `account:1 <…>`).
fn actor_label(actor: &str, action: &str, ctx: &PageContext) -> String {
    if actor == "sistema" || actor == "system" {
        return ctx.t("flows2.actor.system").to_string();
    }
    if action == "countersigned" || actor.starts_with("office") {
        return ctx.t("flows2.actor.office").to_string();
    }
    // `link: Name`, `account:7 <a@b>: Name`: the name given, else the representative.
    let name = if let Some(rest) = actor.strip_prefix("link") {
        rest.strip_prefix(": ")
    } else if actor.starts_with("account:") {
        actor.split_once(">: ").map(|(_, name)| name)
    } else {
        None
    };
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => ctx.tf("flows2.actor.named", &[("name", name)]),
        None => ctx.t("flows2.actor.representative").to_string(),
    }
}

fn event_label(action: &str, ctx: &PageContext) -> &'static str {
    ctx.t(match action {
        "generated" => "pact.event.generated",
        "signed" => "pact.event.signed",
        "countersigned" => "pact.event.countersigned",
        _ => "pact.event.withdrawn",
    })
}

/// Renders the page, with `errors` (and what was typed) when a form was refused.
async fn show(
    state: &AppState,
    ctx: PageContext,
    holder: &Holder,
    errors: Vec<(String, String)>,
    typed: Typed,
    status: StatusCode,
) -> PageResult {
    let page = async {
        let loaded = load(state, holder).await?;
        let pdf = render_pdf(state, &loaded.process, &loaded.received).await?;
        let events = state.store.pact_events(loaded.pact.id).await?;
        let file = state.store.pact_file(loaded.pact.id).await?;
        let withdrawal = state.store.pact_withdrawal(loaded.pact.id).await?;
        let p = &loaded.pact;
        Ok::<_, WebError>(PactPage {
            kind: pact_kind_label(p.kind, &ctx),
            state: pact_state_label(p.state, &ctx),
            sha256: sha256_hex(&pdf),
            generated_at: when(p.generated_at),
            signed_at: p.signed_at.map(when),
            signature: p.signature.map(|s| {
                ctx.t(match s {
                    SignatureMethod::Online => "pact.signature.online",
                    SignatureMethod::Upload => "pact.signature.upload",
                })
            }),
            signature_detected: file.map(|f| f.signature_detected),
            countersigned_at: p.countersigned_at.map(when),
            withdrawn_at: p.withdrawn_at.map(when),
            withdrawal: withdrawal.map(|(_, w)| format!("{} ({})", w.declarant, w.capacity)),
            events: events
                .into_iter()
                .map(|e| EventLine {
                    at: when(e.at),
                    action: event_label(&e.action, &ctx),
                    actor: actor_label(&e.actor, &e.action, &ctx),
                    sha256: e.document_sha256,
                })
                .collect(),
            base: holder.path(),
            pdf: holder.pdf_path(),
            back: match holder {
                Holder::Link(token) => format!("/manifestazioni/{token}"),
                Holder::Account(..) => super::OWN_PACTS.to_string(),
            },
            secret: matches!(holder, Holder::Link(_)),
            loaded,
            errors,
            typed,
            ctx: ctx.clone(),
        })
    }
    .await;
    Ok(match page {
        Ok(page) => match render(&page.ctx, &page) {
            Ok(response) => (status, response).into_response(),
            Err(e) => e.into_response(),
        },
        Err(e) => e.into_page(&ctx),
    })
}

pub async fn page(State(state): State<AppState>, ctx: PageContext, holder: Holder) -> PageResult {
    show(&state, ctx, &holder, vec![], Typed::default(), StatusCode::OK).await
}

pub async fn pdf(State(state): State<AppState>, ctx: PageContext, holder: Holder) -> PageResult {
    let outcome = async {
        let loaded = load(&state, &holder).await?;
        let bytes = render_pdf(&state, &loaded.process, &loaded.received).await?;
        let name = concerto_documents::file_name(&format!("patto-{}", loaded.received.protocol));
        Ok::<_, WebError>((name, bytes))
    }
    .await;
    Ok(match outcome {
        Ok((name, bytes)) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (header::CONTENT_DISPOSITION, crate::security::content_disposition(true, &format!("{name}.pdf"))),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_page(&ctx),
    })
}

/// The field errors of one form, anchored to its inputs (`accept-signer`).
fn anchored(form: &str, errors: &FieldErrors, ctx: &PageContext) -> Vec<(String, String)> {
    crate::form::localized(errors, ctx)
        .into_iter()
        .map(|(field, message)| (format!("{form}-{field}"), message))
        .collect()
}

/// Takes one step for the organization: checks the request may, and that the
/// pact's state allows it, then records it. A refusal is the page again.
async fn step(
    state: &AppState,
    ctx: PageContext,
    holder: &Holder,
    loaded: &Loaded,
    step: PactStep<'_>,
    typed: Typed,
) -> PageResult {
    let organization = [loaded.received.expression.applicant.email.as_str()];
    if may_act_on_pact(holder.requester(), step.action, loaded.pact.ambito_id, &organization) != Decision::Allow {
        return Err(WebError::Forbidden.into_page(&ctx));
    }
    if let Err(e) = next_state(loaded.pact.state, step.action) {
        return show(
            state,
            ctx,
            holder,
            vec![("form".into(), crate::view::sentence(&e.to_string()))],
            typed,
            StatusCode::CONFLICT,
        )
        .await;
    }
    let path = holder.path();
    let email = loaded.email(state, step.action, step.at, step.document_sha256.clone(), Some(&path));
    let emails = [email];
    let step = PactStep { emails: &emails, ..step };
    Ok(match state.store.record_pact_step(&step).await {
        Ok(_) => {
            state.outbox.wake();
            let key = match (step.action, step.signature) {
                (PactAction::Sign, Some(SignatureMethod::Upload)) => "pact_uploaded",
                (PactAction::Sign, _) => "pact_signed",
                (PactAction::Countersign, _) => "pact_countersigned",
                (PactAction::Withdraw, _) => "pact_withdrawn",
            };
            Redirect::to(&crate::page::Flash::redirect(&path, key, Some(step.emails.len()))).into_response()
        }
        Err(StoreError::Conflict(why)) => {
            return show(
                state,
                ctx,
                holder,
                vec![("form".into(), crate::view::sentence(&why))],
                typed,
                StatusCode::CONFLICT,
            )
            .await;
        }
        Err(e) => return Err(WebError::from(e).into_page(&ctx)),
    })
}

fn base_step(
    loaded: &Loaded,
    action: PactAction,
    state: &AppState,
    actor: String,
    address: String,
) -> PactStep<'static> {
    PactStep::new(loaded.pact.id, action, state.clock.now(), actor, address)
}

pub async fn accept(
    Visitor { state, ctx, client: address }: Visitor,
    holder: Holder,
    Form(input): Form<AcceptanceInput>,
) -> PageResult {
    let prepared = async {
        let loaded = load(&state, &holder).await?;
        let pdf = render_pdf(&state, &loaded.process, &loaded.received).await?;
        Ok::<_, WebError>((loaded, sha256_hex(&pdf)))
    }
    .await;
    let (loaded, sha256) = prepared.or_page(&ctx)?;
    let typed = Typed { signer: input.signer.clone(), ..Typed::default() };
    let signer = match validate_acceptance(&input, &sha256) {
        Ok(signer) => signer,
        Err(errors) => {
            let errors = anchored("accept", &errors, &ctx);
            return show(&state, ctx, &holder, errors, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let s = PactStep {
        document_sha256: Some(sha256),
        signature: Some(SignatureMethod::Online),
        detail: Some(format!("accettazione online di {signer}")),
        ..base_step(&loaded, PactAction::Sign, &state, holder.actor(Some(&signer)), address)
    };
    step(&state, ctx, &holder, &loaded, s, typed).await
}

/// Reads the file field, stopping past the limit so a huge upload is never held.
async fn read_file(mut multipart: Multipart) -> Result<Vec<u8>, UploadError> {
    let mut bytes = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(bytes),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(UploadError::TooLarge),
            Err(_) => return Err(UploadError::Empty),
        };
        if field.name() != Some("file") {
            continue;
        }
        let mut field = field;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > concerto_domain::MAX_SIGNED_FILE_BYTES {
                        return Err(UploadError::TooLarge);
                    }
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(UploadError::TooLarge),
                Err(_) => return Err(UploadError::Empty),
            }
        }
    }
}

pub async fn upload(
    Visitor { state, ctx, client: address }: Visitor,
    holder: Holder,
    multipart: Multipart,
) -> PageResult {
    let loaded = load(&state, &holder).await.or_page(&ctx)?;
    let checked = read_file(multipart).await.and_then(|bytes| inspect_signed_file(&bytes).map(|file| (file, bytes)));
    let (file, bytes) = match checked {
        Ok(found) => found,
        Err(e) => {
            let status = if e == UploadError::TooLarge {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return show(&state, ctx, &holder, vec![("upload-file".into(), e.to_string())], Typed::default(), status)
                .await;
        }
    };
    let sha256 = sha256_hex(&bytes);
    let s = PactStep {
        document_sha256: Some(sha256.clone()),
        signature: Some(SignatureMethod::Upload),
        detail: Some(format!(
            "file {} caricato, firma digitale {}",
            file.kind.code(),
            if file.signature_detected { "rilevata" } else { "non rilevata" }
        )),
        file: Some(NewPactFile { file, sha256, content: &bytes }),
        ..base_step(&loaded, PactAction::Sign, &state, holder.actor(None), address)
    };
    step(&state, ctx, &holder, &loaded, s, Typed::default()).await
}

pub async fn withdraw(
    Visitor { state, ctx, client: address }: Visitor,
    holder: Holder,
    Form(input): Form<WithdrawalInput>,
) -> PageResult {
    let loaded = load(&state, &holder).await.or_page(&ctx)?;
    let declaration = match validate_withdrawal(&input) {
        Ok(d) => d,
        Err(errors) => {
            let typed = Typed { withdrawal: input, ..Typed::default() };
            let errors = anchored("withdraw", &errors, &ctx);
            return show(&state, ctx, &holder, errors, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let s = PactStep {
        detail: Some(format!("dichiarazione di recesso di {} ({})", declaration.declarant, declaration.capacity)),
        withdrawal: Some(&declaration),
        ..base_step(&loaded, PactAction::Withdraw, &state, holder.actor(Some(&declaration.declarant)), address)
    };
    step(&state, ctx, &holder, &loaded, s, Typed { withdrawal: input, ..Typed::default() }).await
}

#[cfg(test)]
mod actor_tests {
    use super::actor_label;
    use crate::i18n::Locale;
    use crate::page::PageContext;

    #[test]
    fn the_history_names_people_and_the_office_not_channels() {
        let ctx = PageContext { locale: Locale::It, path: "/".into(), request_id: None, flash: None };
        assert_eq!(actor_label("sistema", "generated", &ctx), "Ufficio di Piano (automatico)");
        assert_eq!(actor_label("account:7 <ufficio@esempio.it>", "countersigned", &ctx), "Ufficio di Piano");
        assert_eq!(actor_label("link: Maria Rossi", "signed", &ctx), "Maria Rossi (rappresentante)");
        assert_eq!(actor_label("account:1 <a@b.it>: Maria Rossi", "signed", &ctx), "Maria Rossi (rappresentante)");
        assert_eq!(actor_label("account:1 <a@b.it>", "signed", &ctx), "Rappresentante");
        assert_eq!(actor_label("link", "signed", &ctx), "Rappresentante");
    }
}

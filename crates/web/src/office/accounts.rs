//! The accounts of the offices at `/ufficio/utenti`: the platform's administrator
//! invites Ambito administrators (and anyone), an Ambito's administrator invites its
//! editors; roles change, accounts are turned off and on again (their sessions end
//! at once), and the last active platform administrator always stays. Audited.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use concerto_domain::{
    AccountChange, Decision, FieldErrors, Principal, Role, accounts_scope, assignable_roles, may_manage_account,
};
use concerto_mail::templates::account_invitation;
use concerto_store::{AccountLine, NewAccount, StoreError};

use super::form::{Field, FormPage, FormValues, Kind, Reader};
use crate::AppState;
use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::form::Pairs;
use crate::guard::Caller;
use crate::guard::enforce;
use crate::page::PageContext;
use crate::page::render;
use crate::view::role_name;

/// How long an invitation opens.
const INVITATION_HOURS: i64 = 48;

/// One account of the list, with what the reader may do to it.
pub struct Row {
    pub line: AccountLine,
    pub role: &'static str,
    pub last_sign_in: String,
    /// (code, name, current) of the roles it may be given; empty when it may not change.
    pub roles: Vec<(&'static str, &'static str, bool)>,
    pub manageable: bool,
}

#[derive(Template)]
#[template(path = "office_accounts.html")]
struct ListPage {
    ctx: PageContext,
    rows: Vec<Row>,
    error: Option<String>,
}

/// The signed-in administrator and the Ambito whose accounts it manages (`None`: all).
fn administrator(user: Option<Principal>, ctx: &PageContext) -> Result<(Principal, Option<i64>), Response> {
    let scope = accounts_scope(user.as_ref())
        .map_err(|d| enforce(d, ctx).err().unwrap_or_else(|| WebError::Forbidden.into_page(ctx)))?;
    let who = user.ok_or_else(|| WebError::NotFound.into_page(ctx))?;
    Ok((who, scope))
}

async fn list_page(
    state: &AppState,
    ctx: PageContext,
    who: &Principal,
    scope: Option<i64>,
    error: Option<String>,
) -> PageResult {
    let lines = state.store.account_lines(scope).await.or_page(&ctx)?;
    let rows = lines
        .into_iter()
        .map(|line| {
            let manageable = may_manage_account(Some(who), line.role, line.ambito_id) == Decision::Allow
                && line.id != who.account_id;
            let roles = if manageable && line.role != Role::Representative && line.role != Role::Citizen {
                assignable_roles(who).iter().map(|r| (r.code(), role_name(*r), *r == line.role)).collect()
            } else {
                vec![]
            };
            Row {
                role: role_name(line.role),
                last_sign_in: line
                    .last_sign_in_at
                    .map(|at| {
                        let local = at.with_timezone(&concerto_domain::ROME);
                        format!(
                            "{} {}",
                            concerto_domain::italian::date(local.date_naive()),
                            concerto_domain::italian::time(local.time())
                        )
                    })
                    .unwrap_or_default(),
                roles,
                manageable,
                line,
            }
        })
        .collect();
    let status = if error.is_some() { axum::http::StatusCode::CONFLICT } else { axum::http::StatusCode::OK };
    let page = ListPage { ctx, rows, error };
    Ok(render(&page.ctx, &page).map(|r| (status, r).into_response()).unwrap_or_else(IntoResponse::into_response))
}

pub async fn list(Caller { state, ctx, user }: Caller) -> PageResult {
    let (who, scope) = administrator(user, &ctx)?;
    list_page(&state, ctx, &who, scope, None).await
}

async fn invite_page(state: &AppState, who: &Principal, v: &FormValues, ctx: PageContext) -> FormPage {
    let roles = assignable_roles(who).iter().map(|r| (r.code().to_string(), role_name(*r).to_string()));
    let mut fields = vec![
        Field::new("email", "office.accounts.email", Kind::Email, v).required(),
        Field::new("display_name", "office.accounts.name", Kind::Text, v),
        Field::new("role", "office.accounts.role", Kind::Select, v).required().choices(roles, v),
    ];
    if who.role == Role::PlatformAdmin {
        let ambiti = state.store.ambiti().await.unwrap_or_default().into_iter().map(|(_, slug, name)| (slug, name));
        fields.push(
            Field::new("ambito", "office.accounts.ambito", Kind::Select, v)
                .hint("office.accounts.ambito.hint")
                .choices(ambiti, v),
        );
    }
    FormPage {
        fields,
        back: ("/ufficio/utenti".to_string(), ctx.t("office.accounts.title").to_string()),
        heading: ctx.t("office.accounts.invite").to_string(),
        intro: Some("office.accounts.invite.intro"),
        errors: vec![],
        submit: "office.accounts.send",
        remove: None,
        read_only: false,
        ctx,
    }
}

pub async fn invite_form(Caller { state, ctx, user }: Caller) -> Response {
    match administrator(user, &ctx) {
        Ok((who, _)) => invite_page(&state, &who, &FormValues::default(), ctx).await.respond(),
        Err(answer) => answer,
    }
}

/// The account an invitation asks for, with its Ambito: the inviter's own for an
/// Ambito's administrator, the one chosen for the platform's.
async fn read_invitation(
    state: &AppState,
    who: &Principal,
    v: &FormValues,
) -> Result<(NewAccount, Option<String>), FieldErrors> {
    let r = Reader::new(v);
    let mut errors = FieldErrors::default();
    let email = r.text("email").to_lowercase();
    if !concerto_domain::is_email(&email) {
        errors.push("email", "invalid_email", "Indirizzo e-mail non valido.");
    }
    let display_name = r.optional("display_name").unwrap_or_else(|| email.clone());
    errors.check_text("display_name", &display_name, false);
    let role = Role::from_code(&r.text("role")).filter(|role| assignable_roles(who).contains(role));
    if role.is_none() {
        errors.push("role", "invalid_choice", "Scegliere un ruolo tra quelli proposti.");
    }
    let (ambito_id, ambito_name) = match who.role {
        Role::PlatformAdmin => match r.optional("ambito") {
            Some(slug) => match state.store.ambito_profile(&slug).await {
                Ok(Some(a)) => (Some(a.id), Some(a.full_name)),
                _ => {
                    errors.push("ambito", "invalid_choice", "Ambito sconosciuto.");
                    (None, None)
                }
            },
            None => (None, None),
        },
        _ => {
            let name = state
                .store
                .ambiti()
                .await
                .unwrap_or_default()
                .into_iter()
                .find(|(id, _, _)| Some(*id) == who.ambito_id)
                .map(|(_, _, n)| n);
            (who.ambito_id, name)
        }
    };
    match role {
        Some(r) if r.needs_ambito() && ambito_id.is_none() => {
            errors.push("ambito", "required", "Questo ruolo richiede un Ambito.");
        }
        Some(Role::PlatformAdmin) if ambito_id.is_some() => {
            errors.push("ambito", "not_allowed", "L'amministratore della piattaforma non appartiene a un Ambito.");
        }
        _ => {}
    }
    let role = role.unwrap_or(Role::AmbitoEditor);
    errors.into_result((NewAccount { email, display_name, role, ambito_id, password_hash: None }, ambito_name))
}

pub async fn invite(Caller { state, ctx, user }: Caller, Form(pairs): Pairs) -> PageResult {
    let (who, _) = administrator(user, &ctx)?;
    let values = FormValues(pairs);
    let (account, ambito_name) = match read_invitation(&state, &who, &values).await {
        Ok(found) => found,
        Err(errors) => {
            return Ok(invite_page(&state, &who, &values, ctx).await.with_errors(errors).respond());
        }
    };
    let token = crate::secret::account_token().or_page(&ctx)?;
    let digest = crate::secret::token_digest(&token);
    let link = format!("{}/accedi/invito/{token}", state.config.public_url.trim_end_matches('/'));
    let message = account_invitation(
        format!("invitation:{digest}"),
        &account.email,
        role_name(account.role),
        ambito_name.as_deref(),
        &link,
        INVITATION_HOURS,
    );
    let now = state.clock.now();
    let actor = format!("account:{} <{}>", who.account_id, who.email);
    Ok(
        match state
            .store
            .invite_account(&account, &digest, now + Duration::hours(INVITATION_HOURS), &message, &actor, now)
            .await
        {
            Ok(_) => {
                state.outbox.wake();
                Redirect::to("/ufficio/utenti").into_response()
            }
            Err(StoreError::Conflict(message)) => {
                let mut errors = FieldErrors::default();
                errors.push("email", "taken", message);
                invite_page(&state, &who, &values, ctx)
                    .await
                    .with_errors(errors)
                    .respond_with(axum::http::StatusCode::CONFLICT)
            }
            Err(e) => WebError::from(e).into_page(&ctx),
        },
    )
}

/// The account `id` once `who` may manage it; another Ambito's is not found.
async fn managed(state: &AppState, ctx: &PageContext, who: &Principal, id: i64) -> Result<AccountLine, Response> {
    let line = state
        .store
        .account_line(id)
        .await
        .map_err(|e| WebError::from(e).into_page(ctx))?
        .ok_or_else(|| WebError::NotFound.into_page(ctx))?;
    enforce(may_manage_account(Some(who), line.role, line.ambito_id), ctx)?;
    Ok(line)
}

async fn apply(
    Caller { state, ctx, user }: Caller,
    id: i64,
    change: impl FnOnce(&Principal, &AccountLine) -> Result<AccountChange, FieldErrors>,
) -> PageResult {
    let (who, scope) = administrator(user, &ctx)?;
    let line = managed(&state, &ctx, &who, id).await?;
    let change = match change(&who, &line) {
        Ok(c) => c,
        Err(errors) => {
            let message = errors.errors.first().map(|e| crate::form::message(e, &ctx));
            return list_page(&state, ctx, &who, scope, message).await;
        }
    };
    let actor = format!("account:{} <{}>", who.account_id, who.email);
    Ok(match state.store.change_account(id, change, &actor, state.clock.now()).await {
        Ok(()) => Redirect::to("/ufficio/utenti").into_response(),
        Err(StoreError::Invalid(errors)) => {
            let message = errors.errors.first().map(|e| crate::form::message(e, &ctx));
            return list_page(&state, ctx, &who, scope, message).await;
        }
        Err(e) => return Err(WebError::from(e).into_page(&ctx)),
    })
}

#[derive(serde::Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn set_role(caller: Caller, Path(id): Path<i64>, Form(input): Form<RoleForm>) -> PageResult {
    apply(caller, id, |who, _| {
        let role = Role::from_code(&input.role).filter(|r| assignable_roles(who).contains(r));
        role.map(AccountChange::Role)
            .ok_or_else(|| FieldErrors::one("role", "invalid_choice", "Scegliere un ruolo tra quelli proposti."))
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct StateForm {
    #[serde(default)]
    azione: String,
}

pub async fn set_state(caller: Caller, Path(id): Path<i64>, Form(input): Form<StateForm>) -> PageResult {
    apply(caller, id, |_, _| match input.azione.as_str() {
        "disattiva" => Ok(AccountChange::Deactivate),
        "riattiva" => Ok(AccountChange::Reactivate),
        _ => Err(FieldErrors::one("azione", "invalid_choice", "Azione non prevista.")),
    })
    .await
}

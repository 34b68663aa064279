//! The importer's warnings on a draft: listed on the process's page until the
//! office marks each one resolved (issue 22).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use concerto_domain::OfficeAction;

use crate::AppState;
use crate::error::PageResult;
use crate::error::WebError;
use crate::guard::CurrentUser;
use crate::guard::office_process;
use crate::page::{Flash, PageContext};

pub async fn resolve(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentUser(user): CurrentUser,
    Path((slug, id)): Path<(String, i64)>,
) -> PageResult {
    let process = office_process(&state, &ctx, user.as_ref(), &slug, OfficeAction::Edit).await?;
    let Some(who) = user.as_ref() else {
        return Err(WebError::NotFound.into_page(&ctx));
    };
    let audit = crate::audit::entry(
        who,
        state.clock.now(),
        "process.import_warning.resolve",
        format!("import-warning:{slug}:{id}"),
        &process.ambito.slug,
        None::<&()>,
        None::<&()>,
    );
    let by = format!("account:{} <{}>", who.account_id, who.email);
    let back = format!("/ufficio/processi/{slug}#import-warnings");
    Ok(match state.store.resolve_import_warning(process.id, id, &by, &audit).await {
        Ok(true) => Redirect::to(&Flash::redirect(&back, "import_warning_resolved", None)).into_response(),
        Ok(false) => Redirect::to(&Flash::redirect(&back, "nothing_changed", None)).into_response(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

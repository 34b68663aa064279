//! The importer's warnings on a draft: listed on the process's page until the
//! office marks each one resolved (issue 22).

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect};

use crate::error::PageResult;
use crate::error::WebError;
use crate::guard::Editor;
use crate::page::Flash;

pub async fn resolve(office: Editor, Path((slug, id)): Path<(String, i64)>) -> PageResult {
    let Editor { state, ctx, process, user } = office;
    let Some(who) = Some(&user) else {
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

//! The letterhead logo of an Ambito (issue 16): its administrators, and the
//! platform's, upload a PNG or an SVG; Concerto recognises it by its content and
//! draws it once before accepting it, so that every PDF of the Ambito can carry it.
//! The logo is never served back as a file: an SVG opened from this origin could
//! run its scripts, and the office sees its logo on the documents themselves.

use askama::Template;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use concerto_documents::{LogoError, LogoFormat, MAX_LOGO_BYTES, check_logo};
use concerto_domain::{Decision, may_use_ambito_profile};
use concerto_store::{AmbitoLogo, AmbitoRecord};

use crate::AppState;
use crate::error::PageResult;
use crate::error::WebError;
use crate::guard::Caller;
use crate::page::PageContext;
use crate::page::render;

/// The upload's body limit: the largest logo and the multipart envelope around it.
pub const MAX_BODY: usize = MAX_LOGO_BYTES + 16 * 1024;

#[derive(Template)]
#[template(path = "office_ambito_logo.html")]
struct LogoPage {
    ctx: PageContext,
    ambito: AmbitoRecord,
    /// "PNG, 12 KB", or none.
    current: Option<String>,
    may_change: bool,
    /// The field's error, already in the reader's language.
    error: Option<String>,
}

/// Why no logo was stored, as the form says it beside the field.
enum Refusal {
    Missing,
    Unreadable,
    Logo(LogoError),
}

impl Refusal {
    fn key(&self) -> &'static str {
        match self {
            Refusal::Missing => "office.logo.error.missing",
            Refusal::Unreadable => "office.logo.error.unreadable",
            Refusal::Logo(LogoError::TooLarge) => "office.logo.error.too_large",
            Refusal::Logo(LogoError::NotAnImage) => "office.logo.error.format",
            Refusal::Logo(LogoError::Unrenderable) => "office.logo.error.unrenderable",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Refusal::Logo(LogoError::TooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

fn describe(logo: &AmbitoLogo) -> String {
    let kind = match LogoFormat::from_content_type(&logo.content_type) {
        Some(LogoFormat::Png) => "PNG",
        Some(LogoFormat::Svg) => "SVG",
        None => "?",
    };
    format!("{kind}, {} KB", logo.bytes.len().div_ceil(1024))
}

async fn page(
    state: &AppState,
    ctx: PageContext,
    user: Option<&concerto_domain::Principal>,
    ambito: AmbitoRecord,
    error: Option<&Refusal>,
) -> Response {
    let current = match state.store.ambito_logo(ambito.id).await {
        Ok(logo) => logo.as_ref().map(describe),
        Err(e) => return WebError::from(e).into_page(&ctx),
    };
    let may_change = may_use_ambito_profile(user, ambito.id, true) == Decision::Allow;
    let status = error.map_or(StatusCode::OK, Refusal::status);
    let error = error.map(|r| ctx.t(r.key()).to_string());
    let page = LogoPage { ctx, ambito, current, may_change, error };
    match render(&page.ctx, &page) {
        Ok(r) => (status, r).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn form(Caller { state, ctx, user }: Caller, Path(slug): Path<String>) -> Response {
    match super::ambito_of(&state, &ctx, user.as_ref(), &slug, false).await {
        Ok(ambito) => page(&state, ctx, user.as_ref(), ambito, None).await,
        Err(answer) => answer,
    }
}

/// The one file of the form, or why there is none. A body over the limit is
/// refused by the extractor's limit while it is read: that is the 413.
async fn read_logo(mut multipart: Multipart) -> Result<Vec<u8>, Refusal> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Refusal::Logo(LogoError::TooLarge)
        } else {
            Refusal::Unreadable
        }
    };
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let is_logo = field.name() == Some("logo");
        let bytes = field.bytes().await.map_err(unreadable)?;
        if is_logo && !bytes.is_empty() {
            file = Some(bytes.to_vec());
        }
    }
    file.ok_or(Refusal::Missing)
}

pub async fn upload(Caller { state, ctx, user }: Caller, Path(slug): Path<String>, multipart: Multipart) -> PageResult {
    let ambito = super::ambito_of(&state, &ctx, user.as_ref(), &slug, true).await?;
    let Some(who) = user.as_ref() else {
        return Err(WebError::NotFound.into_page(&ctx));
    };
    let bytes = match read_logo(multipart).await {
        Ok(bytes) => bytes,
        Err(refusal) => return Ok(page(&state, ctx, user.as_ref(), ambito, Some(&refusal)).await),
    };
    // Drawing the logo is typst's work: CPU, off the async threads.
    let checked = match tokio::task::spawn_blocking(move || check_logo(&bytes)).await {
        Ok(checked) => checked,
        Err(e) => return Err(WebError::Internal(format!("logo check stopped: {e}")).into_page(&ctx)),
    };
    let logo = match checked {
        Ok(logo) => logo,
        Err(e) => return Ok(page(&state, ctx, user.as_ref(), ambito, Some(&Refusal::Logo(e))).await),
    };
    let stored = AmbitoLogo { content_type: logo.format.content_type().to_string(), bytes: logo.bytes };
    let audit = crate::audit::entry(
        who,
        state.clock.now(),
        "ambito.logo",
        format!("ambito:{}", ambito.slug),
        &ambito.slug,
        None::<&()>,
        Some(&serde_json::json!({
            "type": stored.content_type,
            "bytes": stored.bytes.len(),
            "sha256": concerto_domain::sha256_hex(&stored.bytes),
        })),
    );
    Ok(match state.store.set_ambito_logo(ambito.id, &stored, &audit).await {
        Ok(()) => Redirect::to(&format!("/ufficio/ambiti/{slug}/logo")).into_response(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

//! The minutes (verbale) of each session: the office writes them with attachments and
//! publishes them or keeps them internal; the public reads the published ones.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use concerto_domain::tables::{MAX_ATTACHMENT_BYTES, check_attachment, check_minutes};
use concerto_domain::{FieldErrors, Process, Session};
use concerto_store::{AttachmentFile, Minutes};

use crate::error::WebError;
use crate::error::{OrPage, PageResult};
use crate::form::{Fields, FormErrors, unprocessable};
use crate::guard::Reader;
use crate::guard::SessionEditor;
use crate::page::PageContext;
use crate::page::render;
use crate::view::when;
use crate::{AppState, public_process};

/// The upload's body limit: the largest attachment and the text around it.
pub const MAX_BODY: usize = MAX_ATTACHMENT_BYTES + 256 * 1024;

#[derive(Template)]
#[template(path = "tables_minutes_form.html")]
struct MinutesForm {
    ctx: PageContext,
    process: Process,
    session: Session,
    minutes: Option<Minutes>,
    fields: Fields,
    errors: FormErrors,
    /// Where the attachments' links start: the office's own route.
    prefix: String,
}

impl MinutesForm {
    /// The office's form for `session`'s minutes, with what was typed and what is wrong with it.
    fn of(office: SessionEditor, minutes: Option<Minutes>, fields: Fields, errors: &FieldErrors) -> Self {
        let SessionEditor { ctx, process, session, .. } = office;
        let errors = FormErrors::of(errors, &ctx);
        let prefix = format!("/ufficio/processi/{}", process.header.slug);
        MinutesForm { ctx, process, session, minutes, fields, errors, prefix }
    }
}

pub async fn form(office: SessionEditor) -> PageResult {
    let minutes = office.state.store.minutes(office.session.id).await.or_page(&office.ctx)?;
    let fields = Fields(match &minutes {
        Some(m) => vec![
            ("minutes".into(), m.body.clone()),
            ("published".into(), if m.published { "1".into() } else { String::new() }),
        ],
        None => vec![],
    });
    let page = MinutesForm::of(office, minutes, fields, &FieldErrors::default());
    Ok(render(&page.ctx, &page)?)
}

/// The text fields and the one file of the form.
async fn read(mut multipart: Multipart) -> Result<(Fields, Option<(String, Vec<u8>)>), FieldErrors> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        let mut errors = FieldErrors::default();
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            errors.push("attachment", "too_large", "L'allegato supera il limite di 5 MB.");
        } else {
            errors.push("attachment", "unreadable", "Modulo non leggibile: inviarlo di nuovo.");
        }
        errors
    };
    let mut fields = Vec::new();
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        let filename = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(unreadable)?;
        match (name.as_str(), filename) {
            ("attachment", Some(filename)) if !bytes.is_empty() => file = Some((filename, bytes.to_vec())),
            ("attachment", _) => {}
            _ => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    Ok((Fields(fields), file))
}

pub async fn save(office: SessionEditor, multipart: Multipart) -> PageResult {
    let minutes = office.state.store.minutes(office.session.id).await.or_page(&office.ctx)?;
    let (fields, file) = match read(multipart).await {
        Ok(read) => read,
        Err(errors) => {
            let too_large = errors.errors.iter().any(|e| e.code == "too_large");
            let page = MinutesForm::of(office, minutes, Fields::default(), &errors);
            let mut answer = unprocessable(&page.ctx, &page);
            if too_large {
                *answer.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            }
            return Ok(answer);
        }
    };
    let mut errors = FieldErrors::default();
    let body = check_minutes(fields.get("minutes")).map_err(|e| errors.errors.extend(e.errors)).ok();
    let attachment = match &file {
        None => None,
        Some((name, bytes)) => check_attachment(name, bytes).map_err(|e| errors.errors.extend(e.errors)).ok(),
    };
    let Some(body) = body.filter(|_| errors.is_empty()) else {
        let page = MinutesForm::of(office, minutes, fields, &errors);
        return Ok(unprocessable(&page.ctx, &page));
    };
    let published = fields.get("published") == "1";
    let before =
        minutes.as_ref().map(|m| serde_json::json!({ "published": m.published, "chars": m.body.chars().count() }));
    let after = serde_json::json!({ "published": published, "chars": body.chars().count(), "attachment": attachment.as_ref().map(|a| &a.filename) });
    let entry = office.auditor().change("minutes.save", before.as_ref(), Some(&after));
    let SessionEditor { state, ctx, process, session, .. } = office;
    let (slug, id) = (&process.header.slug, session.id);
    let upload = attachment
        .as_ref()
        .zip(file.as_ref())
        .map(|(a, (_, bytes))| (a.filename.as_str(), a.content_type, bytes.as_slice()));
    Ok(match state.store.save_minutes(session.id, &body, published, upload, &entry).await {
        Ok(()) => Redirect::to(&format!("/ufficio/processi/{slug}/sessioni/{id}/verbale")).into_response(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

fn send(file: AttachmentFile) -> Response {
    let disposition =
        crate::security::content_disposition(crate::security::is_safe_inline(&file.content_type), &file.filename);

    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        file.content,
    )
        .into_response()
}

/// An attachment for the office: of a session of a process it may see.
pub async fn office_file(office: Reader, Path((_, id)): Path<(String, i64)>) -> PageResult {
    let Reader { state, ctx, process, .. } = office;
    Ok(match state.store.minute_attachment(id).await {
        Ok(file) if process.sessions.iter().any(|s| s.id == file.session_id) => send(file),
        Ok(_) => WebError::NotFound.into_page(&ctx),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

/// An attachment for the public: only of published minutes.
pub async fn public_file(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, id)): Path<(String, i64)>,
) -> PageResult {
    let result = async {
        let process = public_process(&state.store, &slug).await?;
        let file = state.store.minute_attachment(id).await?;
        if !process.sessions.iter().any(|s| s.id == file.session_id) {
            return Err(WebError::NotFound);
        }
        match state.store.minutes(file.session_id).await? {
            Some(m) if m.published => Ok(file),
            _ => Err(WebError::NotFound),
        }
    }
    .await;
    let file = result.or_page(&ctx)?;
    Ok(send(file))
}

#[derive(Template)]
#[template(path = "tables_minutes.html")]
struct MinutesPage {
    ctx: PageContext,
    process: Process,
    /// Each session with published minutes and when they were last changed.
    published: Vec<(Session, Minutes, String)>,
    prefix: String,
}

pub async fn public_list(State(state): State<AppState>, ctx: PageContext, Path(slug): Path<String>) -> PageResult {
    let result = async {
        let process = public_process(&state.store, &slug).await?;
        let mut published = Vec::new();
        for s in process.sessions_in_calendar_order() {
            if let Some(m) = state.store.minutes(s.id).await?.filter(|m| m.published) {
                let at = when(m.updated_at);
                published.push((s.clone(), m, at));
            }
        }
        Ok::<_, WebError>(MinutesPage {
            ctx: ctx.clone(),
            prefix: format!("/processi/{}", process.header.slug),
            process,
            published,
        })
    }
    .await;
    let page = result.or_page(&ctx)?;
    Ok(render(&page.ctx, &page)?)
}

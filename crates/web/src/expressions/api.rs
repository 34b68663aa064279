//! `POST /api/v1/processes/{slug}/expressions`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concerto_domain::{ExpressionInput, FieldErrors};
use serde::Serialize;
use utoipa::ToSchema;

use super::{SubmitError, manage_path, receipt_path, receive};
use crate::AppState;
use crate::client::ClientAddress;
use crate::error::{ApiError, ErrorList, WebError};
use concerto_store::StoreError;

/// The receipt of an expression received.
#[derive(Serialize, ToSchema)]
pub(crate) struct Created {
    protocol_number: String,
    /// ISO 8601 with the Europe/Rome offset.
    #[schema(format = DateTime)]
    received_at: String,
    sha256: String,
    receipt_url: String,
    manage_url: String,
    supersedes: Option<String>,
}

/// 422 with field errors: the shape every client of the API reads.
pub fn unprocessable(errors: FieldErrors) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(ErrorList::from(&errors))).into_response()
}

/// Sends an expression of interest (manifestazione di interesse) to an open process.
#[utoipa::path(post, path = "/api/v1/processes/{slug}/expressions", tag = "expressions",
    params(("slug" = String, Path, description = "The process's address", example = "esempio-2026-2028")),
    request_body(content = ExpressionInput, description = "The expression as typed: the server checks every rule"),
    responses(
        (status = 201, description = "Received: protocol number, fingerprint and the sender's links", body = Created),
        (status = 404, description = "No public process has this address", body = ErrorList),
        (status = 409, description = "The tax code already has a current expression in this process (`already_registered`): only its holder amends it, through the personal link", body = ErrorList),
        (status = 413, description = "The body is larger than 256 KB", body = ErrorList),
        (status = 422, description = "The body is not JSON of this shape, or fields break the rules: one error per field", body = ErrorList),
        (status = 429, description = "Too many submissions from this client address: `Retry-After` says when to try again", body = ErrorList),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(slug): Path<String>,
    body: Result<Json<ExpressionInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = match body {
        Ok(Json(input)) => input,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Ok(crate::security::too_large(true));
        }
        Err(rejection) => {
            let mut errors = FieldErrors::default();
            errors.push("body", "invalid_json", format!("Richiesta non valida: {}", rejection.body_text()));
            return Ok(unprocessable(errors));
        }
    };
    let process = crate::public_process(&state.store, &slug).await?;
    match receive(&state, &process, &input, None, &client).await {
        Ok(done) => {
            let base = state.config.public_url.trim_end_matches('/');
            let r = &done.receipt;
            let created = Created {
                protocol_number: r.protocol.to_string(),
                received_at: r.received_at.with_timezone(&concerto_domain::ROME).to_rfc3339(),
                sha256: r.sha256.clone(),
                receipt_url: format!("{base}{}", receipt_path(&done.token)),
                manage_url: format!("{base}{}", manage_path(&done.token)),
                supersedes: r.supersedes.map(|p| p.to_string()),
            };
            Ok((StatusCode::CREATED, Json(created)).into_response())
        }
        Err(SubmitError::Invalid(errors)) => Ok(unprocessable(errors)),
        Err(SubmitError::Refused(conflict)) => Err(ApiError(WebError::Store(StoreError::Refused(conflict)))),
        Err(SubmitError::Web(e)) => Err(ApiError(e)),
    }
}

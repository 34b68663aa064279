//! `POST /api/v1/processes/{slug}/expressions`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concerto_domain::{ExpressionInput, FieldErrors};
use serde::Serialize;

use super::{SubmitError, manage_path, receipt_path, receive};
use crate::AppState;
use crate::error::ApiError;

#[derive(Serialize)]
struct Created {
    protocol_number: String,
    received_at: String,
    sha256: String,
    receipt_url: String,
    manage_url: String,
    supersedes: Option<String>,
}

/// 422 with field errors: the shape every client of the API reads.
pub fn unprocessable(errors: FieldErrors) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(errors)).into_response()
}

pub async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    body: Result<Json<ExpressionInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = match body {
        Ok(Json(input)) => input,
        Err(rejection) => {
            let mut errors = FieldErrors::default();
            errors.push("body", "invalid_json", format!("Richiesta non valida: {}", rejection.body_text()));
            return Ok(unprocessable(errors));
        }
    };
    let process = crate::public_process(&state.store, &slug).await?;
    match receive(&state, &process, &input, None).await {
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
        Err(SubmitError::Web(e)) => Err(ApiError(e)),
    }
}

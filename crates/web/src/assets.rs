//! Static assets, embedded in the binary so that a single file is the whole server.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../assets/concerto.css");

pub async fn serve(Path(file): Path<String>) -> Response {
    match file.as_str() {
        "concerto.css" => {
            ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], CSS)
                .into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

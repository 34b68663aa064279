//! `GET /api/v1/openapi.json`: the API's contract, generated from the handlers'
//! annotations so that it cannot drift from them. No viewer is bundled.

use std::sync::OnceLock;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Concerto API",
        description = "Participatory planning of the Piani Sociali di Zona: processes and expressions of interest. \
            Dates are `YYYY-MM-DD`, times `HH:MM`, instants ISO 8601 with the Europe/Rome offset. \
            Every error answers `{\"errors\": [{\"field\", \"code\", \"message\"}]}`.",
        license(name = "EUPL-1.2"),
    ),
    paths(crate::api::list, crate::api::detail, crate::expressions::api::submit),
    tags(
        (name = "processes", description = "Public processes"),
        (name = "expressions", description = "Expressions of interest (manifestazioni di interesse)"),
    )
)]
struct ApiDoc;

/// The document, serialized once.
fn document() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(|| async { ([(CONTENT_TYPE, "application/json")], document()).into_response() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_every_route_and_the_error_shape() {
        let doc: serde_json::Value = serde_json::from_str(document()).unwrap();
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
        let paths = doc["paths"].as_object().unwrap();
        for path in ["/api/v1/processes", "/api/v1/processes/{slug}", "/api/v1/processes/{slug}/expressions"] {
            assert!(paths.contains_key(path), "{path} missing from {:?}", paths.keys().collect::<Vec<_>>());
        }
        let post = &paths["/api/v1/processes/{slug}/expressions"]["post"];
        for status in ["201", "404", "422"] {
            assert!(post["responses"][status].is_object(), "no {status} for the submission");
        }
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for schema in ["ErrorList", "ErrorItem", "ExpressionInput", "Created", "ProcessDetail", "ProcessList"] {
            assert!(schemas.contains_key(schema), "schema {schema} missing");
        }
    }
}

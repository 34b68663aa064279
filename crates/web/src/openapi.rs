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
    paths(
        crate::api::list,
        crate::api::detail,
        crate::expressions::api::submit,
        crate::observatory::search::api,
        crate::municipalities::api
    ),
    tags(
        (name = "processes", description = "Public processes"),
        (name = "expressions", description = "Expressions of interest (manifestazioni di interesse)"),
        (name = "observatory", description = "The catalogue of participatory processes (osservatorio)"),
        (name = "municipalities", description = "ISTAT's list of Italian municipalities (CC BY 4.0)"),
    )
)]
struct ApiDoc;

/// The document, serialized once.
fn document() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")))
}

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/openapi.json",
        get(|| async { ([(CONTENT_TYPE, "application/json")], document()).into_response() }),
    )
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
        for route in api_routes_in_source() {
            assert!(
                paths.contains_key(&route),
                "{route} is routed but not in the OpenAPI document: annotate its handler"
            );
        }
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for schema in ["ErrorList", "ErrorItem", "ExpressionInput", "Created", "ProcessDetail", "ProcessList"] {
            assert!(schemas.contains_key(schema), "schema {schema} missing");
        }
    }

    /// Every `/api/v1/…` path given to `.route(` anywhere in this crate's source, so a
    /// route added without its annotation fails here.
    fn api_routes_in_source() -> Vec<String> {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for piece in text.split(".route(\"").skip(1) {
                        let route = piece.split('"').next().unwrap_or_default();
                        if route.starts_with("/api/v1/") && route != "/api/v1/openapi.json" {
                            found.push(route.to_string());
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        assert!(found.len() >= 3, "the scan finds the routes: {found:?}");
        found
    }
}

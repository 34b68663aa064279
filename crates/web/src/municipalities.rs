//! `GET /api/v1/municipalities?q=&province=`: ISTAT's municipalities from the
//! embedded gazetteer, by the start of their name or code, for suggestion lists
//! and for other systems that need the ISTAT code of a town.

use axum::extract::Query;
use axum::routing::get;
use axum::{Json, Router};
use concerto_domain::FieldErrors;
use concerto_gazetteer::Municipality;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, WebError};

/// At most this many municipalities in one answer.
const LIMIT: usize = 20;
/// Longest query accepted: no municipality's name is near it.
const QUERY_MAX: usize = 100;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/municipalities", get(api))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MunicipalityParams {
    /// The start of a name ("molf"; case, accents and apostrophes ignored) or of an ISTAT code.
    #[serde(default)]
    q: String,
    /// A province's abbreviation (`BA`) or name (`Bari`).
    province: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct MunicipalityList {
    /// At most 20, the exact name first, then in alphabetical order.
    municipalities: Vec<MunicipalityItem>,
}

#[derive(Serialize, ToSchema)]
struct MunicipalityItem {
    /// ISTAT code, six digits.
    istat: String,
    name: String,
    /// The name in the other official language (German, Slovene, French), if any.
    other_name: Option<String>,
    province: String,
    /// The province's abbreviation, e.g. `BA`.
    province_code: String,
    region: String,
    /// Codice catastale, the birthplace part of a codice fiscale.
    cadastral_code: String,
}

impl From<&Municipality> for MunicipalityItem {
    fn from(m: &Municipality) -> Self {
        MunicipalityItem {
            istat: m.istat.into(),
            name: m.name.into(),
            other_name: m.other_name.map(String::from),
            province: m.province.name.into(),
            province_code: m.province.abbreviation.into(),
            region: m.province.region.into(),
            cadastral_code: m.cadastral.into(),
        }
    }
}

/// Municipalities whose name (or ISTAT code) starts with `q`, optionally in one province.
#[utoipa::path(get, path = "/api/v1/municipalities", tag = "municipalities",
    params(MunicipalityParams),
    responses(
        (status = 200, description = "The matching municipalities (ISTAT, CC BY 4.0)", body = MunicipalityList),
        (status = 422, description = "A parameter is not valid; each error names it", body = crate::error::ErrorList),
    ))]
pub(crate) async fn api(Query(params): Query<MunicipalityParams>) -> Result<Json<MunicipalityList>, ApiError> {
    let mut errors = FieldErrors::default();
    if params.q.chars().count() > QUERY_MAX {
        errors.push("q", "too_long", "La ricerca non può superare i 100 caratteri.");
    }
    let province = params.province.as_deref().map(str::trim).filter(|p| !p.is_empty());
    if province.is_some_and(|p| concerto_gazetteer::province(p).is_none()) {
        errors.push("province", "unknown", "Provincia sconosciuta: indicare la sigla (ad esempio BA) o il nome.");
    }
    if !errors.is_empty() {
        return Err(ApiError(WebError::Store(errors.into())));
    }
    let found = concerto_gazetteer::search(&params.q, province, LIMIT);
    Ok(Json(MunicipalityList { municipalities: found.into_iter().map(MunicipalityItem::from).collect() }))
}

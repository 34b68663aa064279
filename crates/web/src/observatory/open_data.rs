//! Open data at stable URLs under `/osservatorio/dati`: the catalogue, and each
//! public process's calendar, areas and anonymised counts, as CSV and JSON, with a
//! DCAT-AP_IT catalogue (JSON-LD) of these datasets, under CC BY 4.0.
//!
//! No personal data: records hold what a process is, never who took part; the
//! counts are counts; the proposers of completions stay in the workspace.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use concerto_documents::Sheet;
use concerto_domain::observatory::AreaFigures;
use concerto_domain::{Process, ROME};
use concerto_store::StoredRecord;
use serde::Serialize;
use serde_json::{Value, json};

use super::refreshed;
use crate::AppState;
use crate::error::{ApiError, WebError};

pub const LICENSE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";
const LICENSE_NAME: &str = "CC BY 4.0";

fn csv_response(name: &str, sheet: &Sheet) -> Result<Response, ApiError> {
    let bytes = sheet.to_csv().map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, crate::security::content_disposition(true, name)),
        ],
        bytes,
    )
        .into_response())
}

fn json_response(body: Value, media: &'static str) -> Response {
    ([(header::CONTENT_TYPE, media)], body.to_string()).into_response()
}

fn base(state: &AppState) -> String {
    state.config.public_url.trim_end_matches('/').to_string()
}

const CATALOGUE_HEADERS: [&str; 20] = [
    "id",
    "url",
    "titolo",
    "stato",
    "inizio",
    "fine",
    "ambito",
    "comuni",
    "provincia",
    "regione",
    "ciclo",
    "aree",
    "gestione",
    "titolari_decisione",
    "ambito_intervento",
    "tematica",
    "obiettivi",
    "risultati",
    "segnalato_da",
    "ultima_modifica",
];

fn catalogue_row(base: &str, r: &StoredRecord) -> Vec<String> {
    let c = &r.content;
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    vec![
        r.id.to_string(),
        format!("{base}/osservatorio/{}", r.id),
        c.title.clone(),
        c.status.code().into(),
        day(c.starts_on),
        day(c.ends_on),
        c.ambito.clone(),
        c.municipalities.join(" / "),
        c.province.clone(),
        c.region.clone(),
        c.cycle.map(|cy| cy.to_string()).unwrap_or_default(),
        c.areas.join(" / "),
        c.managing_body.clone(),
        c.decision_holders.clone(),
        c.intervention_domain.clone(),
        c.specific_theme.clone(),
        c.objectives.clone(),
        c.results.clone(),
        c.reported_by.clone(),
        r.updated_at.with_timezone(&ROME).to_rfc3339(),
    ]
}

async fn catalogue(state: &AppState) -> Result<Vec<StoredRecord>, ApiError> {
    refreshed(state).await?;
    Ok(state.store.observatory_catalogue().await?)
}

pub async fn catalogue_csv(State(state): State<AppState>) -> Result<Response, ApiError> {
    let base = base(&state);
    let records = catalogue(&state).await?;
    let sheet = Sheet {
        name: "Osservatorio".into(),
        headers: CATALOGUE_HEADERS.iter().map(std::string::ToString::to_string).collect(),
        rows: records.iter().map(|r| catalogue_row(&base, r)).collect(),
    };
    csv_response("osservatorio.csv", &sheet)
}

#[derive(Serialize)]
struct CatalogueRecord<'a> {
    id: i64,
    url: String,
    source: &'static str,
    version: i32,
    last_modified: String,
    #[serde(flatten)]
    content: &'a concerto_domain::observatory::RecordContent,
    process_data: Option<String>,
}

pub async fn catalogue_json(State(state): State<AppState>) -> Result<Response, ApiError> {
    let base = base(&state);
    let records = catalogue(&state).await?;
    let list: Vec<CatalogueRecord> = records
        .iter()
        .map(|r| CatalogueRecord {
            id: r.id,
            url: format!("{base}/osservatorio/{}", r.id),
            source: r.source.code(),
            version: r.version,
            last_modified: r.updated_at.with_timezone(&ROME).to_rfc3339(),
            content: &r.content,
            process_data: r.process_slug.as_ref().map(|s| format!("{base}/osservatorio/dati/processi/{s}/dati.json")),
        })
        .collect();
    let body = json!({ "license": LICENSE_URL, "records": list });
    Ok(json_response(body, "application/json"))
}

async fn public_process(state: &AppState, slug: &str) -> Result<(Process, Vec<AreaFigures>), ApiError> {
    let process = crate::public_process(&state.store, slug).await?;
    let figures = state.store.area_figures(process.id).await?;
    Ok((process, figures))
}

fn calendar_rows(process: &Process) -> Vec<Vec<String>> {
    process
        .sessions_in_calendar_order()
        .into_iter()
        .map(|s| {
            let areas: Vec<&str> =
                s.area_ids.iter().filter_map(|id| process.area(*id)).map(|a| a.name.as_str()).collect();
            vec![
                s.date.map(|d| d.to_string()).unwrap_or_default(),
                s.start.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
                s.end.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
                s.kind.code().to_string(),
                s.title.clone(),
                s.venue.clone().unwrap_or_default(),
                areas.join(" / "),
                if s.cancelled { "annullata" } else { "" }.to_string(),
            ]
        })
        .collect()
}

const CALENDAR_HEADERS: [&str; 8] = ["data", "inizio", "fine", "tipo", "titolo", "luogo", "aree", "stato"];
const AREA_HEADERS: [&str; 4] = ["area", "organizzazioni", "partecipanti", "proposte"];

fn area_rows(figures: &[AreaFigures]) -> Vec<Vec<String>> {
    figures
        .iter()
        .map(|f| vec![f.area.clone(), f.organizations.to_string(), f.participants.to_string(), f.proposals.to_string()])
        .collect()
}

pub async fn calendar_csv(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, ApiError> {
    let (process, _) = public_process(&state, &slug).await?;
    let sheet = Sheet {
        name: "Calendario".into(),
        headers: CALENDAR_HEADERS.iter().map(std::string::ToString::to_string).collect(),
        rows: calendar_rows(&process),
    };
    csv_response(&format!("{slug}-calendario.csv"), &sheet)
}

pub async fn areas_csv(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, ApiError> {
    let (_, figures) = public_process(&state, &slug).await?;
    let sheet = Sheet {
        name: "Aree".into(),
        headers: AREA_HEADERS.iter().map(std::string::ToString::to_string).collect(),
        rows: area_rows(&figures),
    };
    csv_response(&format!("{slug}-aree.csv"), &sheet)
}

pub async fn process_json(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, ApiError> {
    let (process, figures) = public_process(&state, &slug).await?;
    let calendar: Vec<Value> = calendar_rows(&process)
        .into_iter()
        .map(|cells| {
            json!(
                CALENDAR_HEADERS
                    .iter()
                    .zip(cells)
                    .map(|(h, c)| (h.to_string(), json!(c)))
                    .collect::<serde_json::Map<_, _>>()
            )
        })
        .collect();
    let a = &process.ambito;
    let body = json!({
        "license": LICENSE_URL,
        "process": {
            "slug": process.header.slug,
            "title": process.header.title,
            "ambito": a.full_name(),
            "municipalities": a.municipalities,
            "province": a.province,
            "region": a.region,
            "cycle": process.header.cycle,
            "status": process.header.status.code(),
        },
        "calendar": calendar,
        "areas": figures,
    });
    Ok(json_response(body, "application/json"))
}

/// A DCAT-AP_IT distribution of a dataset.
fn distribution(url: String, format: &str, media: &str, title: &str) -> Value {
    json!({
        "@id": format!("{url}#distribuzione"),
        "@type": ["dcat:Distribution", "dcatapit:Distribution"],
        "dct:title": { "@value": title, "@language": "it" },
        "dcat:accessURL": { "@id": url },
        "dcat:downloadURL": { "@id": url },
        "dct:format": { "@id": format!("http://publications.europa.eu/resource/authority/file-type/{format}") },
        "dcat:mediaType": media,
        "dct:license": { "@id": LICENSE_URL },
    })
}

fn dataset(base: &str, id: &str, title: &str, description: &str, modified: String, distributions: Vec<Value>) -> Value {
    json!({
        "@id": format!("{base}/osservatorio/dati#{id}"),
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        "dct:identifier": format!("concerto:{id}"),
        "dct:title": { "@value": title, "@language": "it" },
        "dct:description": { "@value": description, "@language": "it" },
        "dct:modified": { "@value": modified, "@type": "xsd:date" },
        "dct:publisher": { "@id": format!("{base}/#editore") },
        "dct:rightsHolder": { "@id": format!("{base}/#editore") },
        "dcat:theme": { "@id": "http://publications.europa.eu/resource/authority/data-theme/SOCI" },
        "dct:accrualPeriodicity": { "@id": "http://publications.europa.eu/resource/authority/frequency/IRREG" },
        "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/ITA" },
        "dct:license": { "@id": LICENSE_URL },
        "dcat:distribution": distributions,
    })
}

/// The DCAT-AP_IT catalogue of the open data, as JSON-LD.
pub async fn dcat(State(state): State<AppState>) -> Result<Response, ApiError> {
    let base = base(&state);
    let records = catalogue(&state).await?;
    let today = state.clock.now().with_timezone(&ROME).date_naive().to_string();
    let modified = records
        .iter()
        .map(|r| r.updated_at)
        .max()
        .map_or(today.clone(), |t| t.with_timezone(&ROME).date_naive().to_string());
    let data = format!("{base}/osservatorio/dati");
    let mut datasets = vec![dataset(
        &base,
        "catalogo",
        "Catalogo dei processi partecipativi",
        "Le schede dell'osservatorio: processi di programmazione partecipata dei Piani Sociali di Zona, con gestione, territorio, tematiche, obiettivi e risultati.",
        modified.clone(),
        vec![
            distribution(format!("{data}/catalogo.csv"), "CSV", "text/csv", "Catalogo (CSV)"),
            distribution(format!("{data}/catalogo.json"), "JSON", "application/json", "Catalogo (JSON)"),
        ],
    )];
    for r in &records {
        let Some(slug) = &r.process_slug else { continue };
        let day = r.updated_at.with_timezone(&ROME).date_naive().to_string();
        datasets.push(dataset(
            &base,
            &format!("processo-{slug}"),
            &format!("Dati pubblici: {}", r.content.title),
            "Calendario delle sessioni, aree tematiche e conteggi anonimi di organizzazioni, partecipanti e proposte per area.",
            day,
            vec![
                distribution(format!("{data}/processi/{slug}/dati.json"), "JSON", "application/json", "Calendario e aree (JSON)"),
                distribution(format!("{data}/processi/{slug}/calendario.csv"), "CSV", "text/csv", "Calendario (CSV)"),
                distribution(format!("{data}/processi/{slug}/aree.csv"), "CSV", "text/csv", "Aree e conteggi (CSV)"),
            ],
        ));
    }
    let ids: Vec<Value> = datasets.iter().map(|d| json!({ "@id": d["@id"] })).collect();
    let mut graph = vec![
        json!({
            "@id": format!("{data}/catalogo.jsonld#catalogo"),
            "@type": ["dcat:Catalog", "dcatapit:Catalog"],
            "dct:title": { "@value": "Osservatorio della partecipazione – Concerto", "@language": "it" },
            "dct:description": { "@value": "Dati aperti dell'osservatorio dei processi partecipativi dei Piani Sociali di Zona.", "@language": "it" },
            "dct:publisher": { "@id": format!("{base}/#editore") },
            "dct:modified": { "@value": modified, "@type": "xsd:date" },
            "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/ITA" },
            "foaf:homepage": { "@id": format!("{base}/osservatorio") },
            "dcat:dataset": ids,
        }),
        json!({
            "@id": format!("{base}/#editore"),
            "@type": ["foaf:Agent", "dcatapit:Agent"],
            "foaf:name": "Concerto",
            "dct:identifier": "concerto",
        }),
        json!({
            "@id": LICENSE_URL,
            "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
            "foaf:name": LICENSE_NAME,
        }),
    ];
    graph.extend(datasets);
    let body = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "dcatapit": "http://dati.gov.it/onto/dcatapit#",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@graph": graph,
    });
    Ok(json_response(body, "application/ld+json"))
}

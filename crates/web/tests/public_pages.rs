//! The public pages, through the HTTP interface.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::http::StatusCode;
use common::app;

#[tokio::test]
async fn the_home_page_lists_the_five_demo_processes_by_ambito() {
    let app = app().await;
    let reply = app.get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    for slug in ["casarano-2022-2024", "fasano-2022-2024", "lecce-2014-2016", "nardo-2022-2024", "esempio-2026-2028"] {
        assert!(reply.body.contains(&format!("/processi/{slug}\"")), "{slug} missing");
    }
    let open = reply.body.find("Processi aperti").unwrap();
    let past = reply.body.find("Processi conclusi").unwrap();
    let esempio = reply.body.find("/processi/esempio-2026-2028").unwrap();
    let casarano = reply.body.find("/processi/casarano-2022-2024").unwrap();
    assert!(open < esempio && esempio < past, "the open process is listed among the open ones");
    assert!(past < casarano, "Casarano is past");
    assert!(reply.body.contains("Ambito Nardò"));
    assert!(reply.body.contains("Mancano 29 giorni e 23 ore"), "time left to the open deadline");
}

#[tokio::test]
async fn the_casarano_page_shows_seed_000s_calendar() {
    let app = app().await;
    let reply = app.get("/processi/casarano-2022-2024").await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = &reply.body;
    for expected in ["13/06/2022", "14/06/2022", "15/06/2022", "16/06/2022", "21/06/2022", "09:00", "13:00", "09:30"] {
        assert!(body.contains(expected), "{expected} missing");
    }
    // Tables 3 and 6 appear twice each: in the timeline and in the calendar table.
    assert_eq!(body.matches("data da definire").count(), 4);
    let table = &body[body.find("<table class=\"calendar\"").unwrap()..];
    let row = |label: &str| {
        let start = table.find(&format!("<th scope=\"row\">{label}")).unwrap();
        &table[start..start + table[start..].find("</tr>").unwrap()]
    };
    assert!(row("Tavolo 1").contains("13/06/2022"));
    assert!(row("Tavolo 3").contains("data da definire"));
    assert!(row("Tavolo 6").contains("data da definire"));
    assert!(
        row("Tavolo 5").contains("L&#39;invecchiamento attivo")
            || row("Tavolo 5").contains("L&#x27;invecchiamento attivo")
    );
    assert!(row("Plenaria").contains("21/06/2022"));
    assert!(body.contains("08/06/2022, 12:00"), "deadline shown in Rome time");
    assert!(body.contains("Scadenza superata"));
    assert!(body.contains("udp@ambitodicasarano.it"));
    assert!(!body.contains("/manifestazione"), "no form for a closed process");
}

#[tokio::test]
async fn the_open_process_invites_to_apply() {
    let app = app().await;
    let reply = app.get("/processi/esempio-2026-2028").await;
    assert!(reply.body.contains("/processi/esempio-2026-2028/manifestazione"));
    assert!(reply.body.contains("22/12/2026, 12:00"));
}

#[tokio::test]
async fn the_notice_page_has_the_letterhead_calendar_deadline_and_signature() {
    let app = app().await;
    let reply = app.get("/processi/casarano-2022-2024/avviso").await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = &reply.body;
    for expected in [
        "Ambito Territoriale Sociale di Casarano",
        "<li>Collepasso</li>",
        "L. 328/2000",
        "13/06/2022",
        "entro le ore 12:00 del 08/06/2022",
        "Pompilio Giovanni Ottavio De Nuzzo",
    ] {
        assert!(body.contains(expected), "{expected} missing");
    }
}

#[tokio::test]
async fn every_lecce_session_is_on_its_page() {
    let app = app().await;
    let body = app.get("/processi/lecce-2014-2016").await.body;
    for date in [
        "17/10/2013",
        "18/10/2013",
        "21/10/2013",
        "22/10/2013",
        "23/10/2013",
        "24/10/2013",
        "25/10/2013",
        "28/10/2013",
        "11/11/2013",
        "13/11/2013",
        "14/11/2013",
        "15/11/2013",
    ] {
        assert!(body.contains(date), "{date} missing");
    }
    assert!(body.contains("15:00") && body.contains("20:00"));
    assert!(body.contains("29/10/2013 – 08/11/2013"), "phase 3's period");
}

#[tokio::test]
async fn english_is_negotiated_and_switchable() {
    let app = app().await;
    let reply = app.get_with("/processi/casarano-2022-2024", "accept-language", "en-GB,en;q=0.9").await;
    assert!(reply.body.contains("<html lang=\"en\">"));
    assert!(reply.body.contains("date to be fixed"));
    assert!(reply.body.contains("Deadline passed"));
    let switched = app.get("/?lang=en").await;
    assert!(switched.body.contains("Open processes"));
    let cookie = switched.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("lang=en;"));
    let remembered = app.get_with("/", "cookie", "lang=en").await;
    assert!(remembered.body.contains("Open processes"));
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_in_italian() {
    let app = app().await;
    for uri in ["/processi/nessuno", "/non-esiste", "/processi/nessuno/avviso", "/static/x.js"] {
        let reply = app.get(uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
    }
    let reply = app.get("/processi/nessuno").await;
    assert!(reply.body.contains("Pagina non trovata"));
}

#[tokio::test]
async fn pages_carry_security_headers_and_footer_links() {
    let app = app().await;
    let reply = app.get("/").await;
    let csp = reply.headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(reply.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(reply.body.contains("href=\"/accessibilita\"") && reply.body.contains("href=\"/privacy\""));
    assert_eq!(app.get("/accessibilita").await.status, StatusCode::OK);
    assert_eq!(app.get("/privacy").await.status, StatusCode::OK);
    assert_eq!(app.get("/static/concerto.css").await.status, StatusCode::OK);
}

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let app = app().await;
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    app.store.close().await;
    assert_eq!(app.get("/healthz").await.status, StatusCode::SERVICE_UNAVAILABLE);
}

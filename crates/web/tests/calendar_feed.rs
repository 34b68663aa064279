//! The calendar feed, read back with a standard iCalendar parser.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::http::StatusCode;
use chrono::{NaiveDateTime, TimeZone};
use common::app;
use icalendar::parser::{read_calendar, unfold};

#[tokio::test]
async fn casarano_feed_parses_and_table_1_starts_at_0700_utc() {
    let app = app().await;
    let reply = app.get("/processi/casarano-2022-2024/calendario.ics").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/calendar"));
    let unfolded = unfold(&reply.body);
    let calendar = read_calendar(&unfolded).expect("a valid iCalendar");

    let timezone = calendar.components.iter().find(|c| c.name == "VTIMEZONE").expect("a VTIMEZONE");
    assert_eq!(timezone.find_prop("TZID").unwrap().val.as_str(), "Europe/Rome");

    let events: Vec<_> = calendar.components.iter().filter(|c| c.name == "VEVENT").collect();
    assert_eq!(events.len(), 7, "2 concertation sessions, 4 dated tables, the plenary");
    let table1 = events.iter().find(|e| e.find_prop("SUMMARY").unwrap().val.as_str() == "Tavolo 1").expect("table 1");
    let start = table1.find_prop("DTSTART").unwrap();
    let tzid = start.params.iter().find(|p| p.key == "TZID").and_then(|p| p.val.as_ref()).unwrap();
    assert_eq!(tzid.as_str(), "Europe/Rome");
    let local = NaiveDateTime::parse_from_str(start.val.as_str(), "%Y%m%dT%H%M%S").unwrap();
    let utc = chrono_tz::Europe::Rome.from_local_datetime(&local).unwrap().naive_utc();
    assert_eq!(utc.to_string(), "2022-06-13 07:00:00");

    let uids: Vec<_> = events.iter().map(|e| e.find_prop("UID").unwrap().val.to_string()).collect();
    let again = app.get("/processi/casarano-2022-2024/calendario.ics").await.body;
    for uid in &uids {
        assert!(again.contains(uid.as_str()), "UIDs are stable across requests");
    }
    assert!(!reply.body.contains("Tavolo 3"), "undated sessions stay out of the feed");
}

#[tokio::test]
async fn every_public_process_has_a_parsable_feed() {
    let app = app().await;
    for slug in ["casarano-2022-2024", "fasano-2022-2024", "lecce-2014-2016", "nardo-2022-2024", "esempio-2026-2028"] {
        let reply = app.get(&format!("/processi/{slug}/calendario.ics")).await;
        assert_eq!(reply.status, StatusCode::OK);
        read_calendar(&unfold(&reply.body)).unwrap_or_else(|e| panic!("{slug}: {e}"));
    }
}

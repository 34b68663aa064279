//! Receiving expressions of interest: protocol numbers, amendments, the outbox.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use concerto_demo::demo_processes;
use concerto_domain::{
    Applicant, ApplicantKind, Expression, ExpressionStatus, LegalForm, Participation, Process, Representative,
    SubmissionConflict, TaxCode,
};
use concerto_store::testing::fresh_store;
use concerto_store::{NewEmail, Receipt, Store, StoreError, Submission};

async fn store_with_esempio() -> (Store, Process) {
    let store = fresh_store().await;
    let demo = demo_processes(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).pop().unwrap();
    let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
    store.create_process(ambito, &demo.process).await.unwrap();
    let process = store.process_by_slug("esempio-2026-2028").await.unwrap().unwrap();
    (store, process)
}

/// A valid 11-digit tax code.
fn entity_code(n: u64) -> TaxCode {
    TaxCode::parse(&concerto_store::testing::entity_tax_code(n)).unwrap()
}

fn expression(process: &Process, n: u64, name: &str) -> Expression {
    Expression {
        applicant: Applicant {
            kind: ApplicantKind::Organization,
            name: name.into(),
            legal_form: Some(LegalForm::Aps),
            tax_code: entity_code(n),
            legal_representative: Some("Mario Rossi".into()),
            address: "Via Roma 1".into(),
            municipality: "Esempio".into(),
            email: format!("org{n}@example.org"),
            pec: None,
            phone: None,
            founded_on: NaiveDate::from_ymd_opt(2010, 1, 1),
        },
        participations: vec![Participation {
            area_id: process.areas[0].id,
            representative: Representative { name: "Anna".into(), email: "anna@example.org".into(), phone: None },
        }],
        proposal: None,
        eligible_for_pact: true,
        public_name_consent: false,
    }
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn receipt_email(r: &Receipt) -> NewEmail {
    NewEmail {
        dedup_key: format!("receipt:{}", r.protocol),
        recipient: "org@example.org".into(),
        subject: format!("Ricevuta n. {}", r.protocol),
        body: r.sha256.clone(),
        ..NewEmail::default()
    }
}

async fn submit(
    store: &Store,
    process: &Process,
    e: &Expression,
    token: &str,
    amends: Option<&str>,
) -> Result<Receipt, StoreError> {
    let submission = Submission {
        process,
        expression: e,
        received_at: at("2026-11-23T09:00:00Z"),
        manage_token_digest: token.into(),
        amends: amends.map(Into::into),
    };
    store.submit_expression(&submission, receipt_email).await
}

#[tokio::test]
async fn a_submission_gets_a_protocol_number_a_fingerprint_and_a_queued_receipt() {
    let (store, process) = store_with_esempio().await;
    let e = expression(&process, 1, "Associazione Uno");
    let receipt = submit(&store, &process, &e, "t1", None).await.unwrap();
    assert_eq!(receipt.protocol.to_string(), "2026/0000001");
    assert_eq!(receipt.sha256.len(), 64);
    assert_eq!(receipt.supersedes, None);
    assert_eq!(store.pending_email_count().await.unwrap(), 1);

    let stored = store.expression_by_token("t1").await.unwrap().unwrap();
    assert_eq!(stored.expression, e);
    assert_eq!(stored.status, ExpressionStatus::Active);
    assert_eq!(stored.sha256, receipt.sha256);
}

#[tokio::test]
async fn a_second_public_expression_from_the_same_tax_code_is_refused_and_takes_no_number() {
    let (store, process) = store_with_esempio().await;
    submit(&store, &process, &expression(&process, 1, "Prima"), "t1", None).await.unwrap();
    let err = submit(&store, &process, &expression(&process, 1, "Seconda"), "t2", None).await.unwrap_err();
    assert!(matches!(err, StoreError::Refused(SubmissionConflict::AlreadyRegistered)), "{err}");
    let active = store.active_expressions(process.id).await.unwrap();
    assert_eq!(active.len(), 1, "one organization, not two");
    assert_eq!(active[0].expression.applicant.name, "Prima", "a stranger changes nothing");
    assert!(store.expression_by_token("t2").await.unwrap().is_none());
    assert_eq!(store.protocol_sequences(process.ambito.id, 2026).await.unwrap(), [1], "the refusal took no number");
    // Once withdrawn, the tax code may register again.
    store.withdraw_expression("t1", at("2026-11-23T10:00:00Z")).await.unwrap();
    assert_eq!(
        submit(&store, &process, &expression(&process, 1, "Di nuovo"), "t3", None).await.unwrap().protocol.sequence,
        2
    );
}

#[tokio::test]
async fn an_amendment_through_the_link_keeps_every_link_and_the_history() {
    let (store, process) = store_with_esempio().await;
    submit(&store, &process, &expression(&process, 1, "Prima"), "t1", None).await.unwrap();
    let amended =
        submit(&store, &process, &expression(&process, 1, "Rettificata"), "t1-next", Some("t1")).await.unwrap();
    assert_eq!(amended.protocol.sequence, 2);
    for link in ["t1", "t1-next"] {
        let current = store.expression_by_token(link).await.unwrap().unwrap();
        assert_eq!(current.expression.applicant.name, "Rettificata", "{link} opens the current version");
    }
    assert_eq!(store.expression_history(process.id, &entity_code(1)).await.unwrap().len(), 2);

    let other = expression(&process, 2, "Altra");
    let err = submit(&store, &process, &other, "t3", Some("t1-next")).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Refused(SubmissionConflict::TaxCodeChanged)),
        "an amendment cannot change the tax code"
    );
    store.withdraw_expression("t1", at("2026-11-24T09:00:00Z")).await.unwrap();
    let err = submit(&store, &process, &expression(&process, 1, "Terza"), "t4", Some("t1")).await.unwrap_err();
    assert!(matches!(err, StoreError::Refused(SubmissionConflict::NotAmendable(ExpressionStatus::Withdrawn))), "{err}");
}

#[tokio::test]
async fn a_withdrawn_expression_leaves_the_list_but_not_the_register() {
    let (store, process) = store_with_esempio().await;
    submit(&store, &process, &expression(&process, 1, "Uno"), "t1", None).await.unwrap();
    store.withdraw_expression("t1", at("2026-11-24T09:00:00Z")).await.unwrap();
    assert!(store.active_expressions(process.id).await.unwrap().is_empty());
    assert_eq!(store.expression_by_token("t1").await.unwrap().unwrap().status, ExpressionStatus::Withdrawn);
    assert!(matches!(store.withdraw_expression("t1", at("2026-11-24T10:00:00Z")).await, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn the_register_restarts_each_year_in_rome() {
    let (store, process) = store_with_esempio().await;
    for (n, instant) in [(1, "2026-12-31T22:59:00Z"), (2, "2026-12-31T23:00:00Z")] {
        let e = expression(&process, n, "Org");
        let submission = Submission {
            process: &process,
            expression: &e,
            received_at: at(instant),
            manage_token_digest: format!("t{n}"),
            amends: None,
        };
        store.submit_expression(&submission, receipt_email).await.unwrap();
    }
    assert_eq!(store.protocol_sequences(process.ambito.id, 2026).await.unwrap(), [1]);
    assert_eq!(store.protocol_sequences(process.ambito.id, 2027).await.unwrap(), [1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_submissions_get_distinct_gapless_numbers() {
    let (store, process) = store_with_esempio().await;
    let process = Arc::new(process);
    let mut tasks = Vec::new();
    for n in 0..200u64 {
        let store = store.clone();
        let process = process.clone();
        tasks.push(tokio::spawn(async move {
            let e = expression(&process, 1000 + n, "Concorrente");
            submit(&store, &process, &e, &format!("token-{n}"), None).await.unwrap().protocol.sequence
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap());
    }
    numbers.sort();
    assert_eq!(numbers, (1..=200).collect::<Vec<i64>>());
    assert_eq!(store.protocol_sequences(process.ambito.id, 2026).await.unwrap(), numbers);
    assert_eq!(store.pending_email_count().await.unwrap(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_from_one_applicant_register_it_once() {
    let (store, process) = store_with_esempio().await;
    let process = Arc::new(process);
    let tasks: Vec<_> = (0..8)
        .map(|n| {
            let store = store.clone();
            let process = process.clone();
            tokio::spawn(async move {
                submit(&store, &process, &expression(&process, 7, "Stessa"), &format!("same-{n}"), None).await
            })
        })
        .collect();
    let mut accepted = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => accepted += 1,
            Err(e) => assert!(matches!(e, StoreError::Refused(SubmissionConflict::AlreadyRegistered)), "{e}"),
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(store.active_expressions(process.id).await.unwrap().len(), 1);
    assert_eq!(store.protocol_sequences(process.ambito.id, 2026).await.unwrap(), [1], "no number given to a refusal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_amendments_through_one_link_each_amend_the_version_before() {
    let (store, process) = store_with_esempio().await;
    submit(&store, &process, &expression(&process, 9, "Prima"), "link", None).await.unwrap();
    let process = Arc::new(process);
    let tasks: Vec<_> = (0..4)
        .map(|n| {
            let store = store.clone();
            let process = process.clone();
            tokio::spawn(async move {
                let e = expression(&process, 9, &format!("Versione {n}"));
                submit(&store, &process, &e, &format!("amend-{n}"), Some("link")).await
            })
        })
        .collect();
    let mut superseded = Vec::new();
    for task in tasks {
        let receipt = task.await.unwrap().unwrap();
        superseded.push(receipt.supersedes.expect("an amendment replaces a version").sequence);
    }
    superseded.sort();
    assert_eq!(superseded, [1, 2, 3, 4], "each version amended once, none twice");
    assert_eq!(store.active_expressions(process.id).await.unwrap().len(), 1);
    assert_eq!(store.protocol_sequences(process.ambito.id, 2026).await.unwrap(), [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn the_office_reads_a_page_of_expressions_and_their_areas_alone() {
    let (store, process) = store_with_esempio().await;
    for n in 0..7u64 {
        let mut e = expression(&process, 100 + n, &format!("Organizzazione {n}"));
        e.participations[0].area_id = process.areas[n as usize % 3].id;
        if n % 2 == 0 {
            e.participations.push(Participation {
                area_id: process.areas[5].id,
                representative: Representative { name: "Bruno".into(), email: "bruno@example.org".into(), phone: None },
            });
        }
        submit(&store, &process, &e, &format!("page-{n}"), None).await.unwrap();
    }
    let all = store.active_expressions(process.id).await.unwrap();
    let page = store.active_expressions_page(process.id, 3, 3).await.unwrap();
    assert_eq!(page, all[3..6].to_vec());
    assert_eq!(store.active_expressions_page(process.id, 6, 3).await.unwrap().len(), 1);
    let areas = store.active_expression_areas(process.id).await.unwrap();
    let expected: Vec<Vec<i64>> =
        all.iter().map(|e| e.expression.participations.iter().map(|p| p.area_id).collect()).collect();
    assert_eq!(areas, expected);
    assert_eq!(
        concerto_domain::report::per_area_of(&process, &areas),
        concerto_domain::report::per_area(&process, &all)
    );
    assert_eq!(
        concerto_domain::report::per_table_of(&process, &areas),
        concerto_domain::report::per_table(&process, &all)
    );
}

//! `concerto retention` through the binary (issue 16, acceptance 4): `--dry-run`
//! lists exactly the rows whose personal data would go and changes nothing; without
//! the flag the same rows are anonymised, and a process inside its period is kept.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use std::process::Command;

use chrono::{DateTime, NaiveDate, Utc};
use concerto_demo::demo_processes;
use concerto_domain::{
    ANONYMISED_TEXT, Applicant, ApplicantKind, AuditEntry, Expression, LegalForm, Participation, Process,
    ProcessStatus, Representative, TaxCode,
};
use concerto_store::testing::{entity_tax_code, fresh_database_url};
use concerto_store::{Annulment, NewEmail, Store, Submission};

fn expression(process: &Process, n: u64) -> Expression {
    Expression {
        applicant: Applicant {
            kind: ApplicantKind::Organization,
            name: format!("Associazione {n}"),
            legal_form: Some(LegalForm::Aps),
            tax_code: TaxCode::parse(&entity_tax_code(n)).unwrap(),
            legal_representative: None,
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

fn email(key: String) -> NewEmail {
    NewEmail {
        dedup_key: key,
        recipient: "org@example.org".into(),
        subject: "x".into(),
        body: "x".into(),
        ..NewEmail::default()
    }
}

fn close(at: DateTime<Utc>) -> AuditEntry {
    AuditEntry {
        actor: "cli".into(),
        at,
        action: "process.close".into(),
        subject: "test".into(),
        ambito: None,
        before: None,
        after: None,
    }
}

/// Two registrations (the second annulled) in `slug`, closed at `closed`.
async fn seed(store: &Store, slug: &str, first: u64, closed: DateTime<Utc>) -> Process {
    let process = store.process_by_slug(slug).await.unwrap().unwrap();
    let received: DateTime<Utc> = "2019-06-01T09:00:00Z".parse().unwrap();
    let mut ids = Vec::new();
    for n in [first, first + 1] {
        let e = expression(&process, n);
        let submission = Submission {
            process: &process,
            expression: &e,
            received_at: received,
            manage_token_digest: format!("t{n}"),
            amends: None,
        };
        ids.push(
            store
                .submit_expression(&submission, |r| email(format!("receipt:{slug}:{}", r.protocol)))
                .await
                .unwrap()
                .expression_id,
        );
    }
    let annulment = Annulment {
        process: &process,
        expression_id: ids[1],
        actor: "account:1 <ufficio@esempio.invalid>",
        reason: "Duplicato",
        at: received,
    };
    store.annul_expression(&annulment, |_| email(format!("annulled:{slug}"))).await.unwrap();
    store.set_process_status(process.id, ProcessStatus::Closed, &close(closed)).await.unwrap();
    process
}

fn retention(url: &str, dry_run: bool) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_concerto"));
    command.args(["retention", "--database-url", url]).env_remove("CONCERTO_DATABASE_URL");
    if dry_run {
        command.arg("--dry-run");
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

async fn names(store: &Store, process: &Process) -> Vec<String> {
    let mut all: Vec<String> =
        store.active_expressions(process.id).await.unwrap().into_iter().map(|e| e.expression.applicant.name).collect();
    all.extend(
        store.annulled_expressions(process.id).await.unwrap().into_iter().map(|(e, _)| e.expression.applicant.name),
    );
    all
}

#[tokio::test]
async fn dry_run_lists_exactly_the_rows_and_changes_nothing_then_the_command_anonymises_them() {
    let url = fresh_database_url().await;
    let store = Store::open(&url).await.unwrap();
    for demo in demo_processes(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()) {
        let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
        store.create_process(ambito, &demo.process).await.unwrap();
    }
    // Closed in 2020: past its five years on the machine's clock. Closed now: kept.
    let old = seed(&store, "esempio-2026-2028", 10, "2020-01-10T10:00:00Z".parse().unwrap()).await;
    let recent = seed(&store, "casarano-2022-2024", 20, Utc::now()).await;
    let register_before = store.protocol_register("esempio").await.unwrap();
    let pacts = store.pact_register(old.id).await.unwrap();
    store.close().await;

    let listed = retention(&url, true);
    let mut expected: Vec<String> = vec![
        "process=esempio-2026-2028 expressions id=1 protocol=2019/0000001".into(),
        "process=esempio-2026-2028 expressions id=2 protocol=2019/0000002".into(),
    ];
    expected.extend(pacts.iter().map(|p| format!("process=esempio-2026-2028 pacts id={}", p.pact.id)));
    expected.push(format!("retention: {} rows in 1 processes would be anonymised", expected.len()));
    assert_eq!(listed.lines().collect::<Vec<_>>(), expected, "{listed}");

    let store = Store::open(&url).await.unwrap();
    assert_eq!(names(&store, &old).await, ["Associazione 10", "Associazione 11"], "the dry run changed nothing");
    store.close().await;

    let done = retention(&url, false);
    assert_eq!(
        done.lines().collect::<Vec<_>>(),
        expected.iter().map(|l| l.replace("would be anonymised", "anonymised")).collect::<Vec<_>>()
    );
    let store = Store::open(&url).await.unwrap();
    assert_eq!(names(&store, &old).await, [ANONYMISED_TEXT, ANONYMISED_TEXT]);
    assert_eq!(names(&store, &recent).await, ["Associazione 20", "Associazione 21"], "inside its period");
    assert_eq!(store.protocol_register("esempio").await.unwrap(), register_before, "numbers and annulments kept");
    store.close().await;
    assert_eq!(retention(&url, true).trim(), "retention: 0 rows in 0 processes would be anonymised");
}

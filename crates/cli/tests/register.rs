//! `concerto register` through the binary: an annulled number stays in the register,
//! counted apart, and the register is still gapless.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use std::process::Command;

use chrono::{DateTime, NaiveDate, Utc};
use concerto_demo::demo_processes;
use concerto_domain::{
    Applicant, ApplicantKind, Expression, LegalForm, Participation, Process, Representative, TaxCode,
};
use concerto_store::testing::fresh_database_url;
use concerto_store::{Annulment, NewEmail, Store, Submission};

fn expression(process: &Process, tax_code: &str) -> Expression {
    Expression {
        applicant: Applicant {
            kind: ApplicantKind::Organization,
            name: "Associazione".into(),
            legal_form: Some(LegalForm::Aps),
            tax_code: TaxCode::parse(tax_code).unwrap(),
            legal_representative: None,
            address: "Via Roma 1".into(),
            municipality: "Esempio".into(),
            email: "org@example.org".into(),
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

#[tokio::test]
async fn an_annulled_number_is_counted_apart_and_the_register_stays_gapless() {
    let url = fresh_database_url().await;
    let store = Store::open(&url).await.unwrap();
    let demo = demo_processes(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).pop().unwrap();
    let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
    store.create_process(ambito, &demo.process).await.unwrap();
    let process = store.process_by_slug("esempio-2026-2028").await.unwrap().unwrap();
    let at: DateTime<Utc> = "2026-11-23T09:00:00Z".parse().unwrap();
    let mut ids = Vec::new();
    for (n, tax_code) in ["00743110157", "62096654280"].iter().enumerate() {
        let e = expression(&process, tax_code);
        let submission = Submission {
            process: &process,
            expression: &e,
            received_at: at,
            manage_token_digest: format!("t{n}"),
            amends: None,
        };
        ids.push(
            store
                .submit_expression(&submission, |r| email(format!("receipt:{}", r.protocol)))
                .await
                .unwrap()
                .expression_id,
        );
    }
    let annulment = Annulment {
        process: &process,
        expression_id: ids[0],
        actor: "account:1 <ufficio@esempio.invalid>",
        reason: "Duplicato",
        at,
    };
    store.annul_expression(&annulment, |_| email("annulled:1".into())).await.unwrap();
    store.close().await;

    let output = Command::new(env!("CARGO_BIN_EXE_concerto"))
        .args(["register", "--database-url", &url, "--ambito", "esempio"])
        .env_remove("CONCERTO_DATABASE_URL")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "ambito=esempio year=2026 count=2 annulled=1 last=2 gaps=0 duplicates=0"
    );
}

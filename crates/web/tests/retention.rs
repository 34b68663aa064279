//! Retention (issue 16, acceptance 4): the background job anonymises the personal
//! data of a closed process once its Ambito's period has run out, and keeps the
//! register, the counts and the published summary as they were. A process still
//! inside its period is untouched. Runs on SQLite and, with
//! `CONCERTO_TEST_DATABASE_URL`, on PostgreSQL.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use chrono::{DateTime, Utc};
use common::{TestApp, app};
use concerto_domain::tables::outcome::{Outcome, OutcomeDecision};
use concerto_domain::{
    ANONYMISED_TEXT, Applicant, ApplicantKind, AuditEntry, Expression, LegalForm, Participation, Process,
    ProcessStatus, Proposal, Representative, TaxCode,
};
use concerto_store::testing::entity_tax_code;
use concerto_store::{Annulment, AuditFilter, NewAttendance, NewEmail, NewRepresentative, Submission};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn audit(action: &str, when: DateTime<Utc>) -> AuditEntry {
    AuditEntry {
        actor: "account:1 <ufficio@esempio.invalid>".into(),
        at: when,
        action: action.into(),
        subject: "test".into(),
        ambito: None,
        before: None,
        after: None,
    }
}

fn email(key: String) -> NewEmail {
    NewEmail {
        dedup_key: key,
        recipient: "x@example.org".into(),
        subject: "x".into(),
        body: "x".into(),
        ..NewEmail::default()
    }
}

fn expression(process: &Process, n: u64, with_proposal: bool) -> Expression {
    Expression {
        applicant: Applicant {
            kind: ApplicantKind::Organization,
            name: format!("Associazione Numero {n}"),
            legal_form: Some(LegalForm::Aps),
            tax_code: TaxCode::parse(&entity_tax_code(n)).unwrap(),
            legal_representative: Some(format!("Presidente {n}")),
            address: format!("Via Roma {n}"),
            municipality: "Esempio".into(),
            email: format!("org{n}@example.org"),
            pec: Some(format!("org{n}@pec.example.org")),
            phone: Some("080 123456".into()),
            founded_on: chrono::NaiveDate::from_ymd_opt(2010, 1, 1),
        },
        participations: vec![Participation {
            area_id: process.areas[0].id,
            representative: Representative {
                name: format!("Referente {n}"),
                email: format!("ref{n}@example.org"),
                phone: Some("333 1234567".into()),
            },
        }],
        proposal: with_proposal.then(|| Proposal {
            title: format!("Proposta {n}"),
            text: "Uno sportello di quartiere aperto il sabato.".into(),
            area_ids: vec![process.areas[0].id],
        }),
        eligible_for_pact: true,
        public_name_consent: true,
    }
}

/// A process with three registrations (one annulled, one with a proposal decided
/// and summarised), their pacts, check-in codes and an attendance; closed at `closed`.
async fn seed(t: &TestApp, slug: &str, first: u64, closed: DateTime<Utc>) -> Process {
    let process = t.store.process_by_slug(slug).await.unwrap().unwrap();
    let received = at("2026-11-22T09:00:00Z");
    let mut ids = Vec::new();
    for n in first..first + 3 {
        let e = expression(&process, n, n == first);
        let submission = Submission {
            process: &process,
            expression: &e,
            received_at: received,
            manage_token_digest: format!("token-{slug}-{n}"),
            amends: None,
        };
        ids.push(
            t.store
                .submit_expression(&submission, |r| email(format!("receipt:{slug}:{}", r.protocol)))
                .await
                .unwrap()
                .expression_id,
        );
    }
    let annulment = Annulment {
        process: &process,
        expression_id: ids[2],
        actor: "account:1 <ufficio@esempio.invalid>",
        reason: "Duplicato",
        at: received,
    };
    t.store.annul_expression(&annulment, |_| email(format!("annulled:{slug}"))).await.unwrap();

    let reps: Vec<NewRepresentative> = (first..first + 2)
        .map(|n| NewRepresentative {
            tax_code: entity_tax_code(n),
            organization: format!("Associazione Numero {n}"),
            rep_name: format!("Referente {n}"),
            rep_email: format!("ref{n}@example.org"),
        })
        .collect();
    let mut code = 0;
    let codes = t
        .store
        .invite_representatives(
            process.id,
            &reps,
            || {
                code += 1;
                Some(format!("{slug}-{code}"))
            },
            |c| email(format!("invite:{}", c.code)),
            &audit("tables.invite", received),
        )
        .await
        .unwrap();
    let session = process.sessions[0].id;
    let arrival = NewAttendance {
        checkin_code_id: Some(codes[0].id),
        name: format!("Referente {first}"),
        organization: format!("Associazione Numero {first}"),
        email: Some(format!("ref{first}@example.org")),
    };
    t.store.record_attendance(session, &arrival, &audit("tables.checkin", received)).await.unwrap();
    let walk_in = NewAttendance {
        checkin_code_id: None,
        name: "Maria Passante".into(),
        organization: "Cittadina".into(),
        email: None,
    };
    t.store.record_attendance(session, &walk_in, &audit("tables.checkin", received)).await.unwrap();

    let proposals = t.store.table_proposals(process.id).await.unwrap();
    assert_eq!(proposals.len(), 1, "the form's proposal reached the tables");
    let decision = OutcomeDecision { outcome: Outcome::Accepted, motivation: None, merged_into: None };
    t.store.decide_proposal(process.id, proposals[0].id, &decision, &audit("proposal.decide", received)).await.unwrap();
    t.store.publish_summary(process.id, &[], &audit("summary.publish", received)).await.unwrap();

    t.store.set_process_status(process.id, ProcessStatus::Closed, &audit("process.close", closed)).await.unwrap();
    t.store.process_by_slug(slug).await.unwrap().unwrap()
}

/// Everything that must not change, as the public and the office read it.
async fn record(t: &TestApp, process: &Process) -> (String, String, String, usize, usize, usize) {
    let register = format!("{:?}", t.store.protocol_register(&process.ambito.slug).await.unwrap());
    let annulled = t.store.annulled_expressions(process.id).await.unwrap();
    let annulled = format!("{:?}", annulled.iter().map(|(e, r)| (e.protocol, e.status, r.clone())).collect::<Vec<_>>());
    let summary = t.get(&format!("/processi/{}/sintesi", process.header.slug)).await;
    assert_eq!(summary.status, 200);
    let pacts = t.store.pact_register(process.id).await.unwrap().len();
    let attendances = t.store.attendances(process.id).await.unwrap().len();
    let active = t.store.active_expressions(process.id).await.unwrap().len();
    (register, annulled, summary.body, pacts, attendances, active)
}

#[tokio::test]
async fn the_job_anonymises_a_process_past_its_period_and_keeps_its_register_and_summary() {
    let t = app().await;
    // Esempio closes now; Casarano four years later: with the default five years,
    // at the end of 2031 the first is due and the second is not.
    let due = seed(&t, "esempio-2026-2028", 100, at("2026-11-25T10:00:00Z")).await;
    let kept = seed(&t, "casarano-2022-2024", 200, at("2030-06-01T10:00:00Z")).await;
    let due_before = record(&t, &due).await;
    let kept_before = record(&t, &kept).await;
    assert!(
        due_before.2.contains("Proposta 100") && due_before.2.contains("Associazione Numero 100"),
        "{}",
        due_before.2
    );
    assert_eq!(
        (due_before.3, due_before.4, due_before.5),
        (3, 2, 2),
        "three pacts (one withdrawn), two attendances, two current registrations"
    );

    // A day before the period ends nothing is due.
    t.clock.set(at("2031-11-24T10:00:00Z"));
    assert!(concerto_web::apply_retention(&t.state).await.unwrap().is_empty());

    let now = at("2031-11-26T10:00:00Z");
    t.clock.set(now);
    let listed = t.store.apply_retention(now, "test", true).await.unwrap();
    let done = concerto_web::apply_retention(&t.state).await.unwrap();
    assert_eq!(done.len(), 1, "only the process past its period");
    assert_eq!(done[0].0.slug, "esempio-2026-2028");
    assert_eq!(listed, done, "the dry run lists exactly the rows the job anonymises");
    let tables: Vec<&str> = done[0].1.iter().map(|r| r.table.table()).collect();
    for table in ["expressions", "pacts", "checkin_codes", "attendances", "table_proposals"] {
        assert!(tables.contains(&table), "{table} in {tables:?}");
    }
    assert_eq!(tables.iter().filter(|t| **t == "expressions").count(), 3, "the annulled registration too");

    // The register, the annulment, the summary and the counts are as they were.
    assert_eq!(record(&t, &due).await, due_before);
    assert_eq!(record(&t, &kept).await, kept_before);

    // The personal data are gone.
    for e in t.store.active_expressions(due.id).await.unwrap() {
        let a = &e.expression.applicant;
        assert_eq!(a.name, ANONYMISED_TEXT);
        assert!(a.tax_code.is_anonymised());
        assert_eq!(
            (a.email.as_str(), a.pec.as_deref(), a.phone.as_deref(), a.legal_representative.as_deref()),
            ("", None, None, None)
        );
        assert_eq!(a.address, ANONYMISED_TEXT);
        for p in &e.expression.participations {
            assert_eq!((p.representative.name.as_str(), p.representative.email.as_str()), (ANONYMISED_TEXT, ""));
        }
    }
    for a in t.store.attendances(due.id).await.unwrap() {
        assert_eq!((a.name.as_str(), a.email.as_deref()), (ANONYMISED_TEXT, None));
    }
    for c in t.store.checkin_codes(due.id).await.unwrap() {
        assert_eq!(c.rep_name, ANONYMISED_TEXT);
        assert!(!c.rep_email.contains('@') && !c.tax_code.chars().all(|c| c.is_ascii_digit()), "{c:?}");
    }
    assert!(
        t.store.pacts_of_organization("org100@example.org").await.unwrap().is_empty(),
        "no pact found by the old address"
    );
    for entry in t.store.pact_register(due.id).await.unwrap() {
        assert_eq!((entry.name.as_str(), entry.tax_code.as_str()), (ANONYMISED_TEXT, TaxCode::anonymised().as_str()));
    }
    assert!(
        t.store.expression_by_token("token-esempio-2026-2028-100").await.unwrap().is_none(),
        "the management link opens nothing"
    );
    assert!(t.store.table_proposals(due.id).await.unwrap().iter().all(|p| p.proposer_email.is_none()));

    // The process inside its period keeps everything.
    let kept_now = t.store.active_expressions(kept.id).await.unwrap();
    assert_eq!(kept_now[0].expression.applicant.name, "Associazione Numero 200");
    assert_eq!(kept_now[0].expression.applicant.tax_code.as_str(), entity_tax_code(200));
    assert_eq!(t.store.pacts_of_organization("org200@example.org").await.unwrap().len(), 1);
    assert!(t.store.attendances(kept.id).await.unwrap().iter().any(|a| a.name == "Maria Passante"));

    // Audited, once: a second pass finds nothing left, and the chain holds.
    let entries = t
        .store
        .search_audit(&AuditFilter { action: Some("retention."), limit: 10, ..AuditFilter::default() })
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].entry.subject, "process:esempio-2026-2028");
    assert!(concerto_web::apply_retention(&t.state).await.unwrap().is_empty());
    assert!(t.store.verify_audit().await.unwrap().first_break.is_none());

    // Reopening a process clears its close, so the period starts again at the next.
    t.store.set_process_status(kept.id, ProcessStatus::Published, &audit("process.publish", now)).await.unwrap();
    t.clock.set(at("2040-01-01T00:00:00Z"));
    let later = concerto_web::apply_retention(&t.state).await.unwrap();
    assert!(later.is_empty(), "a reopened process is never due: {later:?}");
}

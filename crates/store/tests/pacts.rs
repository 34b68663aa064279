//! The pact's life in the store: generated with an eligible expression, moved by an
//! amendment, ended with a withdrawal, and each step recorded once, with its event,
//! file, declaration, messages and audit entry.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use chrono::{DateTime, NaiveDate, Utc};
use concerto_demo::demo_processes;
use concerto_domain::{
    Applicant, ApplicantKind, AuditEntry, Expression, PactAction, PactKind, PactState, Participation, Process,
    Representative, SignatureMethod, SignedFile, SignedFileKind, TaxCode, WithdrawalDeclaration,
};
use concerto_store::testing::fresh_store;
use concerto_store::{NewEmail, NewPactFile, PactStep, Store, StoreError, Submission};

async fn store_with_esempio() -> (Store, Process) {
    let store = fresh_store().await;
    let demo = demo_processes(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).pop().unwrap();
    let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
    store.create_process(ambito, &demo.process).await.unwrap();
    let process = store.process_by_slug("esempio-2026-2028").await.unwrap().unwrap();
    (store, process)
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Two valid entity tax codes (check digit included).
const CODES: [&str; 2] = ["00743110157", "01234567897"];

fn expression(process: &Process, n: usize, kind: ApplicantKind, eligible: bool) -> Expression {
    Expression {
        applicant: Applicant {
            kind,
            name: format!("Organizzazione {n}"),
            legal_form: None,
            tax_code: TaxCode::parse(CODES[n]).unwrap(),
            legal_representative: Some("Maria Rossi".into()),
            address: "Via Roma 1".into(),
            municipality: "Esempio".into(),
            email: format!("org{n}@example.org"),
            pec: None,
            phone: None,
            founded_on: None,
        },
        participations: vec![Participation {
            area_id: process.areas[0].id,
            representative: Representative { name: "Anna".into(), email: "anna@example.org".into(), phone: None },
        }],
        proposal: None,
        eligible_for_pact: eligible,
        public_name_consent: false,
    }
}

async fn submit(store: &Store, process: &Process, e: &Expression, token: &str, amends: Option<&str>) -> i64 {
    let submission = Submission {
        process,
        expression: e,
        received_at: at("2026-11-23T09:00:00Z"),
        manage_token_digest: token.into(),
        amends: amends.map(Into::into),
    };
    let email = |r: &concerto_store::Receipt| NewEmail {
        dedup_key: format!("receipt:{}", r.expression_id),
        recipient: "org@example.org".into(),
        subject: "Ricevuta".into(),
        body: String::new(),
        ..NewEmail::default()
    };
    store.submit_expression(&submission, email).await.unwrap().expression_id
}

fn step(pact_id: i64, action: PactAction, when: &str) -> PactStep<'static> {
    PactStep {
        pact_id,
        action,
        at: at(when),
        actor: "link".into(),
        address: Some("192.0.2.7".into()),
        document_sha256: None,
        detail: None,
        signature: None,
        file: None,
        withdrawal: None,
        emails: &[],
        audit: None,
    }
}

#[tokio::test]
async fn an_eligible_expression_gets_a_pact_and_a_union_a_memorandum() {
    let (store, process) = store_with_esempio().await;
    let org = submit(&store, &process, &expression(&process, 0, ApplicantKind::Organization, true), "t0", None).await;
    let union = submit(&store, &process, &expression(&process, 1, ApplicantKind::Union, true), "t1", None).await;
    let pact = store.pact_of_expression(org).await.unwrap().unwrap();
    assert_eq!((pact.kind, pact.state), (PactKind::ParticipationPact, PactState::Generated));
    assert_eq!(store.pact_of_expression(union).await.unwrap().unwrap().kind, PactKind::Memorandum);
    let events = store.pact_events(pact.id).await.unwrap();
    assert_eq!(events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["generated"]);
    let register = store.pact_register(process.id).await.unwrap();
    assert_eq!(register.len(), 2);
    // What the office's paged lists read instead of the whole register.
    assert_eq!(store.pact_count(process.id).await.unwrap(), 2);
    let second = store.pact_register_page(process.id, 1, 100).await.unwrap();
    assert_eq!(second, register[1..].to_vec());
    assert!(store.pact_register_page(process.id, 2, 100).await.unwrap().is_empty());
    let states = store.pact_states(process.id).await.unwrap();
    assert_eq!(states, [(org, PactState::Generated), (union, PactState::Generated)]);
}

#[tokio::test]
async fn an_ineligible_expression_gets_none_and_an_amendment_that_loses_eligibility_ends_it() {
    let (store, process) = store_with_esempio().await;
    let young =
        submit(&store, &process, &expression(&process, 0, ApplicantKind::Organization, false), "t0", None).await;
    assert_eq!(store.pact_of_expression(young).await.unwrap(), None);

    let first = submit(&store, &process, &expression(&process, 1, ApplicantKind::Organization, true), "t1", None).await;
    let pact = store.pact_of_expression(first).await.unwrap().unwrap();
    let amended =
        submit(&store, &process, &expression(&process, 1, ApplicantKind::Organization, true), "t1b", Some("t1")).await;
    let moved = store.pact(pact.id).await.unwrap().unwrap();
    assert_eq!((moved.expression_id, moved.state), (amended, PactState::Generated), "the pact follows the amendment");

    submit(&store, &process, &expression(&process, 1, ApplicantKind::Organization, false), "t1c", Some("t1b")).await;
    assert_eq!(store.pact(pact.id).await.unwrap().unwrap().state, PactState::Withdrawn);
}

#[tokio::test]
async fn sign_upload_countersign_and_withdraw_record_everything_once() {
    let (store, process) = store_with_esempio().await;
    let id = submit(&store, &process, &expression(&process, 0, ApplicantKind::Organization, true), "t0", None).await;
    let pact = store.pact_of_expression(id).await.unwrap().unwrap();

    let bytes = b"%PDF-1.7 signed %%EOF".to_vec();
    let signed = store
        .record_pact_step(&PactStep {
            document_sha256: Some("ab".repeat(32)),
            signature: Some(SignatureMethod::Upload),
            file: Some(NewPactFile {
                file: SignedFile { kind: SignedFileKind::Pdf, signature_detected: true },
                sha256: "ab".repeat(32),
                content: &bytes,
            }),
            emails: &[NewEmail {
                dedup_key: "pact:1:signed".into(),
                recipient: "org0@example.org".into(),
                subject: "s".into(),
                body: "b".into(),
                ..NewEmail::default()
            }],
            ..step(pact.id, PactAction::Sign, "2026-11-24T10:00:00Z")
        })
        .await
        .unwrap();
    assert_eq!((signed.state, signed.signature), (PactState::Signed, Some(SignatureMethod::Upload)));
    assert_eq!(signed.signed_at, Some(at("2026-11-24T10:00:00Z")));
    let file = store.pact_file(pact.id).await.unwrap().unwrap();
    assert_eq!((file.content, file.kind, file.signature_detected), (bytes, SignedFileKind::Pdf, true));

    // A second signature is refused and leaves nothing behind.
    let again = store.record_pact_step(&step(pact.id, PactAction::Sign, "2026-11-24T11:00:00Z")).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))));
    assert_eq!(store.pact_file_count(pact.id).await.unwrap(), 1);

    let audit = AuditEntry {
        actor: "account:1 <ufficio@esempio.invalid>".into(),
        at: at("2026-11-25T10:00:00Z"),
        action: "pact.countersign".into(),
        subject: format!("pact:{}", pact.id),
        ambito: Some("esempio".into()),
        before: None,
        after: None,
    };
    let countersigned = store
        .record_pact_step(&PactStep {
            audit: Some(&audit),
            ..step(pact.id, PactAction::Countersign, "2026-11-25T10:00:00Z")
        })
        .await
        .unwrap();
    assert_eq!(countersigned.state, PactState::Countersigned);
    assert_eq!(store.audit_entries(None, 10, None).await.unwrap()[0].entry.action, "pact.countersign");

    let declaration = WithdrawalDeclaration {
        declarant: "Maria Rossi".into(),
        capacity: "legale rappresentante".into(),
        reason: None,
    };
    let withdrawn = store
        .record_pact_step(&PactStep {
            withdrawal: Some(&declaration),
            ..step(pact.id, PactAction::Withdraw, "2026-11-26T10:00:00Z")
        })
        .await
        .unwrap();
    assert_eq!(withdrawn.state, PactState::Withdrawn);
    assert_eq!(store.pact_withdrawal(pact.id).await.unwrap().unwrap().1, declaration);
    let actions: Vec<String> = store.pact_events(pact.id).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["generated", "signed", "countersigned", "withdrawn"]);
    assert_eq!(store.pending_email_count().await.unwrap(), 2, "the receipt and the signature's confirmation");
}

#[tokio::test]
async fn withdrawing_the_expression_withdraws_its_pact() {
    let (store, process) = store_with_esempio().await;
    let id = submit(&store, &process, &expression(&process, 0, ApplicantKind::Organization, true), "t0", None).await;
    store.withdraw_expression("t0", at("2026-11-24T09:00:00Z")).await.unwrap();
    let pact = store.pact_of_expression(id).await.unwrap().unwrap();
    assert_eq!((pact.state, pact.withdrawn_at), (PactState::Withdrawn, Some(at("2026-11-24T09:00:00Z"))));
    // The applicant may send a new expression, which gets a new pact.
    let again =
        submit(&store, &process, &expression(&process, 0, ApplicantKind::Organization, true), "t0b", None).await;
    assert_eq!(store.pact_of_expression(again).await.unwrap().unwrap().state, PactState::Generated);
}

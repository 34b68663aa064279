//! The work at the tables on both backends: codes and attendance, proposals, the
//! ballot, the summary's messages, interventions and the board.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use chrono::{NaiveDate, TimeZone, Utc};
use concerto_demo::demo_processes;
use concerto_domain::tables::{Ballot, InterventionStatus, Outcome, OutcomeDecision, ProposalDraft};
use concerto_domain::{AuditEntry, Process};
use concerto_store::testing::fresh_store;
use concerto_store::{
    BoardMember, NewAttendance, NewEmail, NewIntervention, NewRepresentative, NewTableProposal, Store, StoreError,
};

async fn store_with_esempio() -> (Store, Process) {
    let store = fresh_store().await;
    let demo = demo_processes(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).pop().unwrap();
    let ambito = store.upsert_ambito(&demo.ambito).await.unwrap();
    store.create_process(ambito, &demo.process).await.unwrap();
    (store.clone(), store.process_by_slug("esempio-2026-2028").await.unwrap().unwrap())
}

fn audit(action: &str) -> AuditEntry {
    AuditEntry {
        actor: "account:1 <ufficio@esempio.invalid>".into(),
        at: Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(),
        action: action.into(),
        subject: "process:esempio-2026-2028".into(),
        ambito: Some("esempio".into()),
        before: None,
        after: None,
    }
}

fn rep(n: u32) -> NewRepresentative {
    NewRepresentative {
        tax_code: format!("0000000000{n}"),
        organization: format!("Org {n}"),
        rep_name: format!("Rep {n}"),
        rep_email: format!("rep{n}@example.org"),
    }
}

fn mail(to: &str, key: String) -> NewEmail {
    NewEmail { dedup_key: key, recipient: to.into(), subject: "s".into(), body: "b".into(), ..NewEmail::default() }
}

#[tokio::test]
async fn codes_are_kept_across_invitations_and_a_code_checks_in_once() {
    let (store, process) = store_with_esempio().await;
    let session = process.sessions[0].id;
    // The generator first repeats a code already given: the store skips it.
    let mut codes: Vec<String> = ["BBBBBB", "AAAAAA", "AAAAAA"].map(String::from).to_vec();
    let invited = store
        .invite_representatives(
            process.id,
            &[rep(1), rep(2)],
            || codes.pop(),
            |e| mail(&e.rep_email, format!("inv:{}", e.id)),
            &audit("invite"),
        )
        .await
        .unwrap();
    assert_eq!(invited.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(), ["AAAAAA", "BBBBBB"]);
    let again = store
        .invite_representatives(
            process.id,
            &[rep(1)],
            || Some("ZZZZZZ".into()),
            |e| mail(&e.rep_email, format!("inv2:{}", e.id)),
            &audit("invite"),
        )
        .await
        .unwrap();
    assert_eq!(again[0].code, "AAAAAA", "a second invitation keeps the code");
    assert_eq!(store.pending_email_count().await.unwrap(), 3);

    let by_code = NewAttendance {
        checkin_code_id: Some(invited[0].id),
        name: "Rep 1".into(),
        organization: "Org 1".into(),
        email: None,
    };
    store.record_attendance(session, &by_code, &audit("checkin")).await.unwrap();
    assert!(matches!(
        store.record_attendance(session, &by_code, &audit("checkin")).await,
        Err(StoreError::Conflict(_))
    ));
    let walk_in =
        NewAttendance { checkin_code_id: None, name: "Ospite".into(), organization: "Comitato".into(), email: None };
    store.record_attendance(session, &walk_in, &audit("walk-in")).await.unwrap();
    let present = store.attendances(process.id).await.unwrap();
    assert_eq!(
        present.iter().map(|a| (a.name.as_str(), a.walk_in)).collect::<Vec<_>>(),
        [("Rep 1", false), ("Ospite", true)]
    );
}

#[tokio::test]
async fn proposals_ballots_and_the_summary() {
    let (store, process) = store_with_esempio().await;
    let area = process.areas[0].id;
    let draft = |title: &str| ProposalDraft {
        title: title.into(),
        text: "Testo".into(),
        area_ids: vec![area],
        organization: "Org 1".into(),
    };
    let (a, b) = (draft("Centro diurno"), draft("Centro diurno bis"));
    let new = |d| NewTableProposal {
        process_id: process.id,
        session_id: None,
        online: true,
        draft: d,
        tax_code: Some("00000000001".into()),
        proposer_email: Some("org1@example.org".into()),
        public_name: true,
    };
    let first = store.create_table_proposal(&new(&a), &audit("proposal.create")).await.unwrap();
    let second = store.create_table_proposal(&new(&b), &audit("proposal.create")).await.unwrap();
    store.support_proposal(process.id, first, "00000000002", "Org 2", &audit("proposal.support")).await.unwrap();
    let twice = store.support_proposal(process.id, first, "00000000002", "Org 2", &audit("proposal.support")).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "one support per organization");

    let early = store
        .cast_ballot(process.id, "00000000002", "Org 2", &Ballot { points: vec![(first, 10)] }, &audit("ballot"))
        .await;
    assert!(matches!(early, Err(StoreError::Conflict(_))), "no ballot before the vote opens");
    store.open_ballot(process.id, &audit("ballot.open")).await.unwrap();
    store
        .cast_ballot(
            process.id,
            "00000000002",
            "Org 2",
            &Ballot { points: vec![(first, 4), (second, 6)] },
            &audit("ballot"),
        )
        .await
        .unwrap();
    store
        .cast_ballot(process.id, "00000000002", "Org 2", &Ballot { points: vec![(first, 10)] }, &audit("ballot"))
        .await
        .unwrap();
    let ballots = store.ballots(process.id).await.unwrap();
    assert_eq!(ballots.len(), 1, "a second ballot replaces the first");
    assert_eq!(ballots[0].ballot.points, vec![(first, 10)]);
    store.close_ballot(process.id, &audit("ballot.close")).await.unwrap();
    let late = store
        .cast_ballot(process.id, "00000000003", "Org 3", &Ballot { points: vec![(first, 10)] }, &audit("ballot"))
        .await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "no ballot after closing");

    let merged =
        OutcomeDecision { outcome: Outcome::Merged, motivation: Some("Duplicato".into()), merged_into: Some(first) };
    store.decide_proposal(process.id, second, &merged, &audit("proposal.outcome")).await.unwrap();
    let accepted = OutcomeDecision { outcome: Outcome::Accepted, motivation: None, merged_into: None };
    store.decide_proposal(process.id, first, &accepted, &audit("proposal.outcome")).await.unwrap();
    let kept = store.ballot_results(process.id).await.unwrap();
    assert_eq!(
        kept.iter().map(|r| (r.proposal_id, r.points)).collect::<Vec<_>>(),
        [(first, 10), (second, 0)],
        "the tally kept at closing, merge or not"
    );
    let proposals = store.table_proposals(process.id).await.unwrap();
    assert_eq!(proposals[0].supporters, ["Org 2"]);
    assert_eq!(proposals[1].outcome.as_ref().and_then(|o| o.merged_into), Some(first));

    let emails =
        [mail("org1@example.org", format!("outcome:{first}")), mail("org1@example.org", format!("outcome:{second}"))];
    store.publish_summary(process.id, &emails, &audit("summary.publish")).await.unwrap();
    assert!(store.table_work(process.id).await.unwrap().summary_published_at.is_some());
    assert_eq!(store.pending_email_count().await.unwrap(), 2);
    assert!(matches!(
        store.publish_summary(process.id, &[], &audit("summary.publish")).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn interventions_nest_and_the_board_takes_one_referent_each() {
    let (store, process) = store_with_esempio().await;
    let new = |parent_id, progress| NewIntervention {
        area_id: Some(process.areas[0].id),
        parent_id,
        title: "Intervento".into(),
        status: InterventionStatus::InProgress,
        progress,
    };
    let parent = store.add_intervention(process.id, &new(None, 0), &audit("intervention.add")).await.unwrap();
    let child = store.add_intervention(process.id, &new(Some(parent), 40), &audit("intervention.add")).await.unwrap();
    assert!(matches!(
        store.add_intervention(process.id, &new(Some(9999), 1), &audit("x")).await,
        Err(StoreError::NotFound)
    ));
    store
        .update_intervention(process.id, child, InterventionStatus::Completed, 100, &audit("intervention.update"))
        .await
        .unwrap();
    let milestone =
        concerto_store::Milestone { title: "Avvio".into(), due_on: NaiveDate::from_ymd_opt(2027, 3, 1), done: false };
    store.add_milestone(process.id, child, &milestone, &audit("milestone.add")).await.unwrap();
    let comment = concerto_store::ProgressComment {
        organization: "Org 1".into(),
        body: "Bene".into(),
        written_at: audit("c").at,
    };
    store.add_progress_comment(process.id, child, "00000000001", &comment, &audit("comment")).await.unwrap();
    let all = store.interventions(process.id).await.unwrap();
    assert_eq!((all[1].parent_id, all[1].progress, all[1].status), (Some(parent), 100, InterventionStatus::Completed));
    assert_eq!((all[1].milestones.len(), all[1].comments.len()), (1, 1));

    let member = BoardMember {
        tax_code: "00000000001".into(),
        organization: "Org 1".into(),
        referent: "Anna".into(),
        appointed_at: audit("b").at,
    };
    store.appoint_board_member(process.id, &member, &audit("board.appoint")).await.unwrap();
    assert!(matches!(
        store.appoint_board_member(process.id, &member, &audit("board.appoint")).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.board_members(process.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn minutes_keep_their_text_and_attachments() {
    let (store, process) = store_with_esempio().await;
    let session = process.sessions[0].id;
    assert_eq!(store.minutes(session).await.unwrap(), None);
    store.save_minutes(session, "Prima stesura", false, None, &audit("minutes.save")).await.unwrap();
    let pdf = b"%PDF-1.7 verbale".to_vec();
    store
        .save_minutes(session, "Verbale", true, Some(("verbale.pdf", "application/pdf", &pdf)), &audit("minutes.save"))
        .await
        .unwrap();
    let minutes = store.minutes(session).await.unwrap().unwrap();
    assert_eq!((minutes.body.as_str(), minutes.published, minutes.attachments.len()), ("Verbale", true, 1));
    assert_eq!(minutes.attachments[0].size, pdf.len() as i64);
    let file = store.minute_attachment(minutes.attachments[0].id).await.unwrap();
    assert_eq!((file.session_id, file.content), (session, pdf));
    assert!(matches!(store.minute_attachment(9999).await, Err(StoreError::NotFound)));
}

//! What the organization is told at each step of its participation pact (patto di
//! partecipazione): its signature received, the office's countersignature, its
//! withdrawal (recesso) recorded.

use chrono::{DateTime, Utc};
use concerto_domain::{PactAction, PactKind};
use concerto_store::NewEmail;

use super::{AUTOMATIC_NOTICE, rome_date_time};

/// One step to tell the organization about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PactNotice {
    pub pact_id: i64,
    pub kind: PactKind,
    pub action: PactAction,
    pub at: DateTime<Utc>,
    pub recipient: String,
    pub applicant_name: String,
    pub ambito_name: String,
    pub process_title: String,
    /// The SHA-256 of the document signed or uploaded, when there is one.
    pub document_sha256: Option<String>,
    /// The secret link's pact page.
    pub pact_url: String,
}

fn document(kind: PactKind) -> &'static str {
    match kind {
        PactKind::ParticipationPact => "patto di partecipazione",
        PactKind::Memorandum => "protocollo d'intesa",
    }
}

/// The message for one step; one per pact and step (`pact:{id}:{step}`).
pub fn pact_step(n: &PactNotice) -> NewEmail {
    let what = document(n.kind);
    let (subject, news) = match n.action {
        PactAction::Sign => ("firma ricevuta", format!("ha ricevuto la firma del {what}")),
        PactAction::Countersign => ("controfirmato", format!("ha controfirmato il {what}: da oggi è in vigore")),
        PactAction::Withdraw => ("recesso registrato", format!("ha registrato la dichiarazione di recesso dal {what}")),
    };
    let fingerprint =
        n.document_sha256.as_ref().map(|sha| format!("Impronta SHA-256 del documento:\n{sha}\n\n")).unwrap_or_default();
    let body = format!(
        "Gentile {applicant},\n\
         \n\
         {ambito} {news}\n\
         per il processo «{process}», il {when}.\n\
         \n\
         {fingerprint}\
         Lo stato del {what} e la sua storia sono a questo indirizzo personale e segreto:\n\
         {url}\n\
         \n\
         Cordiali saluti,\n\
         l'Ufficio di Piano – {ambito}\n\
         \n\
         {AUTOMATIC_NOTICE}\n",
        applicant = n.applicant_name,
        ambito = n.ambito_name,
        process = n.process_title,
        when = rome_date_time(n.at),
        url = n.pact_url,
    );
    let mut subject_what = what.to_string();
    if let Some(first) = subject_what.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    NewEmail {
        dedup_key: format!("pact:{}:{}", n.pact_id, n.action.code()),
        recipient: n.recipient.clone(),
        subject: format!("{subject_what}: {subject}"),
        body,
        ..NewEmail::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_has_its_message_and_key() {
        let notice = PactNotice {
            pact_id: 7,
            kind: PactKind::ParticipationPact,
            action: PactAction::Sign,
            at: DateTime::parse_from_rfc3339("2026-11-24T09:30:00Z").expect("date").with_timezone(&Utc),
            recipient: "info@aps.example.org".into(),
            applicant_name: "APS Esempio".into(),
            ambito_name: "Ambito Territoriale Sociale di Esempio".into(),
            process_title: "Piano Sociale di Zona 2026-2028".into(),
            document_sha256: Some("ab".repeat(32)),
            pact_url: "https://concerto.example.org/manifestazioni/s3gr3t0/patto".into(),
        };
        let signed = pact_step(&notice);
        assert_eq!(signed.dedup_key, "pact:7:signed");
        assert_eq!(signed.subject, "Patto di partecipazione: firma ricevuta");
        insta::assert_snapshot!(signed.body);
        let withdrawn = pact_step(&PactNotice {
            action: PactAction::Withdraw,
            kind: PactKind::Memorandum,
            document_sha256: None,
            ..notice
        });
        assert_eq!(withdrawn.subject, "Protocollo d'intesa: recesso registrato");
        assert!(withdrawn.body.contains("recesso dal protocollo d'intesa"), "{}", withdrawn.body);
        assert!(!withdrawn.body.contains("SHA-256"));
    }
}

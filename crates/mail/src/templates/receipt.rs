//! The receipt of an expression of interest: what the sender keeps as proof.

use chrono::{DateTime, Utc};
use concerto_store::NewEmail;

use super::{AUTOMATIC_NOTICE, rome_date_time};

/// What the receipt says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptEmail {
    pub recipient: String,
    pub applicant_name: String,
    pub process_title: String,
    pub ambito_name: String,
    /// `2026/0000042`.
    pub protocol_number: String,
    pub received_at: DateTime<Utc>,
    /// Hex SHA-256 of the canonical submission.
    pub sha256: String,
    pub areas: Vec<String>,
    pub receipt_url: String,
    /// The secret link to see, amend or withdraw the expression.
    pub manage_url: String,
    /// The protocol number of the version this amendment replaces.
    pub replaces: Option<String>,
    /// The pact to read and accept next, when the applicant may sign one.
    pub pact_url: Option<String>,
    /// The Ambito's privacy notice (GDPR art. 13) for this process's pages: the
    /// receipt is where the holder keeps it at hand.
    pub privacy_url: String,
}

/// The receipt message; one per protocol number (`receipt:{protocol_number}`).
pub fn expression_receipt(r: &ReceiptEmail) -> NewEmail {
    let areas = if r.areas.is_empty() {
        "- nessuna\n".to_owned()
    } else {
        r.areas.iter().map(|a| format!("- {a}\n")).collect()
    };
    let body = format!(
        "Gentile {applicant},\n\
         \n\
         {ambito} ha ricevuto la Sua manifestazione di interesse\n\
         per il processo «{process}».\n\
         \n\
         Numero di protocollo: {protocol}\n\
         {replaces}\
         Ricevuta il: {received}\n\
         \n\
         Aree tematiche scelte:\n\
         {areas}\
         \n\
         Impronta SHA-256 di quanto ricevuto:\n\
         {sha256}\n\
         \n\
         La ricevuta, da conservare, è disponibile a questo indirizzo:\n\
         {receipt_url}\n\
         \n\
         Con il link seguente può consultare quanto ha inviato, modificarlo fino alla\n\
         scadenza dell'avviso oppure ritirare la manifestazione di interesse. Il link è\n\
         personale e segreto: chi lo possiede può agire a Suo nome, perciò non lo\n\
         condivida e non inoltri questo messaggio.\n\
         {manage_url}\n\
         {next_step}\
         \n\
         Per seguire i patti di partecipazione senza conservare il link, dalla stessa\n\
         pagina può chiedere un account personale:\n\
         {manage_url}#account\n\
         \n\
         Come sono trattati i Suoi dati personali (informativa ai sensi dell'art. 13\n\
         del Regolamento UE 2016/679), per quanto tempo sono conservati e quali\n\
         diritti può esercitare:\n\
         {privacy_url}\n\
         \n\
         Cordiali saluti,\n\
         l'Ufficio di Piano – {ambito}\n\
         \n\
         {AUTOMATIC_NOTICE}\n",
        applicant = r.applicant_name,
        ambito = r.ambito_name,
        process = r.process_title,
        protocol = r.protocol_number,
        received = rome_date_time(r.received_at),
        sha256 = r.sha256,
        receipt_url = r.receipt_url,
        manage_url = r.manage_url,
        privacy_url = r.privacy_url,
        replaces = r
            .replaces
            .as_ref()
            .map(|n| format!("Sostituisce la manifestazione n. {n}, che resta nello storico.\n"))
            .unwrap_or_default(),
        next_step = r
            .pact_url
            .as_ref()
            .map(|url| format!("\nProssimo passo: leggere e accettare il patto di partecipazione:\n{url}\n"))
            .unwrap_or_default(),
    );
    NewEmail {
        dedup_key: format!("receipt:{}", r.protocol_number),
        recipient: r.recipient.clone(),
        subject: format!("Ricevuta n. {} – Manifestazione di interesse", r.protocol_number),
        body,
        ..NewEmail::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ReceiptEmail {
        ReceiptEmail {
            recipient: "segreteria@auser-lecce.example.org".into(),
            applicant_name: "Auser Lecce ODV".into(),
            process_title: "Piano Sociale di Zona 2026-2028 – Tavoli tematici".into(),
            ambito_name: "Ambito Territoriale Sociale di Lecce".into(),
            protocol_number: "2026/0000042".into(),
            received_at: DateTime::parse_from_rfc3339("2026-03-02T08:30:00Z").expect("date").with_timezone(&Utc),
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            areas: vec!["L'invecchiamento attivo".into(), "Le pari opportunità e la conciliazione vita-lavoro".into()],
            receipt_url: "https://concerto.example.org/ricevute/2026-0000042".into(),
            manage_url: "https://concerto.example.org/manifestazioni/gestisci/s3gr3t0".into(),
            replaces: None,
            pact_url: None,
            privacy_url: "https://concerto.example.org/processi/lecce-2026-2028/privacy".into(),
        }
    }

    #[test]
    fn an_amendment_names_what_it_replaces_and_the_next_step() {
        let email = expression_receipt(&ReceiptEmail {
            replaces: Some("2026/0000041".into()),
            pact_url: Some("https://concerto.example.org/manifestazioni/s3gr3t0/patto".into()),
            ..sample()
        });
        assert!(email.body.contains("Sostituisce la manifestazione n. 2026/0000041"), "{}", email.body);
        assert!(email.body.contains("Prossimo passo: leggere e accettare il patto"));
        assert!(!expression_receipt(&sample()).body.contains("Sostituisce"));
    }

    #[test]
    fn the_receipt_names_everything_the_sender_must_keep() {
        let email = expression_receipt(&sample());
        assert_eq!(email.dedup_key, "receipt:2026/0000042");
        assert_eq!(email.recipient, "segreteria@auser-lecce.example.org");
        assert_eq!(email.subject, "Ricevuta n. 2026/0000042 – Manifestazione di interesse");
        insta::assert_snapshot!(email.body);
    }

    #[test]
    fn the_receipt_links_the_ambitos_privacy_notice() {
        let email = expression_receipt(&sample());
        assert!(email.body.contains("art. 13"), "{}", email.body);
        assert!(
            email.body.contains("\nhttps://concerto.example.org/processi/lecce-2026-2028/privacy\n"),
            "{}",
            email.body
        );
    }

    #[test]
    fn a_receipt_without_areas_says_so() {
        let email = expression_receipt(&ReceiptEmail { areas: vec![], ..sample() });
        assert!(email.body.contains("Aree tematiche scelte:\n- nessuna\n"), "{}", email.body);
    }
}

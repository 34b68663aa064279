//! Messages about a registration that its holder did not send: the personal link
//! asked for again, and the office's annulment.

use chrono::{DateTime, Utc};
use concerto_store::NewEmail;

use super::{AUTOMATIC_NOTICE, rome_date_time};

/// Who the message is about: the registration and where it belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRef {
    /// The address on file in the expression: never one the requester typed.
    pub recipient: String,
    pub applicant_name: String,
    pub process_title: String,
    pub ambito_name: String,
    /// `2026/0000042`.
    pub protocol_number: String,
}

impl RegistrationRef {
    /// The registration `e` of `process`, addressed to the e-mail on file in it.
    pub fn of(process: &concerto_domain::Process, e: &concerto_domain::ReceivedExpression) -> RegistrationRef {
        RegistrationRef {
            recipient: e.expression.applicant.email.clone(),
            applicant_name: e.expression.applicant.name.clone(),
            process_title: process.header.title.clone(),
            ambito_name: process.ambito.full_name(),
            protocol_number: e.protocol.to_string(),
        }
    }
}

/// The personal link, sent again on request; `dedup_key` is unique per request.
pub fn link_resent(r: &RegistrationRef, dedup_key: String, manage_url: &str) -> NewEmail {
    NewEmail {
        dedup_key,
        recipient: r.recipient.clone(),
        subject: format!("Il Suo collegamento personale – protocollo {}", r.protocol_number),
        body: format!(
            "Gentile {applicant},\n\nè stato chiesto di inviare di nuovo il collegamento personale della \
             manifestazione di interesse n. {protocol} per il processo «{process}» ({ambito}).\n\n\
             Con questo collegamento può consultarla, modificarla fino alla scadenza dell'avviso o ritirarla:\n\
             {manage_url}\n\n\
             I collegamenti ricevuti in precedenza restano validi. Il collegamento è personale e segreto: non lo \
             condivida. Se non ha chiesto Lei questo messaggio, può ignorarlo: nessuno ha ricevuto il collegamento \
             oltre a questo indirizzo.\n\n{AUTOMATIC_NOTICE}\n",
            applicant = r.applicant_name,
            protocol = r.protocol_number,
            process = r.process_title,
            ambito = r.ambito_name,
        ),
        ..NewEmail::default()
    }
}

/// The office annulled the registration, with its reason.
pub fn registration_annulled(r: &RegistrationRef, annulled_at: DateTime<Utc>, reason: &str) -> NewEmail {
    NewEmail {
        dedup_key: format!("annulled:{}:{}", r.ambito_name, r.protocol_number),
        recipient: r.recipient.clone(),
        subject: format!("Registrazione annullata – protocollo {}", r.protocol_number),
        body: format!(
            "Gentile {applicant},\n\nil {when} l'Ufficio di Piano ({ambito}) ha annullato la registrazione n. \
             {protocol} della manifestazione di interesse per il processo «{process}».\n\n\
             Motivo: {reason}\n\n\
             Il numero di protocollo resta nel registro, segnato come annullato. L'eventuale patto di \
             partecipazione collegato è stato ritirato. Per chiarimenti può rivolgersi all'Ufficio di Piano.\n\n\
             {AUTOMATIC_NOTICE}\n",
            applicant = r.applicant_name,
            when = rome_date_time(annulled_at),
            ambito = r.ambito_name,
            protocol = r.protocol_number,
            process = r.process_title,
        ),
        ..NewEmail::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> RegistrationRef {
        RegistrationRef {
            recipient: "info@sorriso.example".into(),
            applicant_name: "Associazione Sorriso".into(),
            process_title: "Piano Sociale di Zona 2026-2028".into(),
            ambito_name: "Ambito Territoriale Sociale di Esempio".into(),
            protocol_number: "2026/0000002".into(),
        }
    }

    #[test]
    fn the_link_goes_to_the_address_on_file() {
        let m = link_resent(&reference(), "resend:1".into(), "http://x/manifestazioni/abc");
        assert_eq!(m.recipient, "info@sorriso.example");
        assert!(m.body.contains("http://x/manifestazioni/abc") && m.subject.contains("2026/0000002"));
    }

    #[test]
    fn the_annulment_says_why_and_when_in_rome() {
        let at = "2026-11-22T11:00:00Z".parse().unwrap();
        let m = registration_annulled(&reference(), at, "Invio duplicato");
        assert!(m.body.contains("Motivo: Invio duplicato") && m.body.contains("22/11/2026 alle 12:00"));
    }
}

//! The answer to whoever proposed completing an observatory record: accepted or
//! not, with the moderator's reason.

use concerto_store::NewEmail;

use super::AUTOMATIC_NOTICE;

/// The decision on proposal `correction_id` about the record `record_title`,
/// for the proposer `recipient` (`name` as they signed), with its page `link`.
pub fn correction_decided(
    correction_id: i64,
    recipient: &str,
    name: &str,
    record_title: &str,
    accepted: bool,
    reason: &str,
    link: &str,
) -> NewEmail {
    let outcome = if accepted {
        "è stata accettata: la scheda ora riporta le informazioni proposte"
    } else {
        "non è stata accettata: la scheda resta com'era"
    };
    let reason = if reason.trim().is_empty() { String::new() } else { format!("\n\nMotivazione: {}", reason.trim()) };
    NewEmail {
        dedup_key: format!("observatory-correction:{correction_id}"),
        recipient: recipient.to_string(),
        subject: format!("Osservatorio – la sua proposta su «{record_title}»"),
        body: format!(
            "Gentile {name},\n\nla proposta di completamento che ha inviato per la scheda «{record_title}» \
             dell'Osservatorio {outcome}.{reason}\n\nLa scheda: {link}\n\nGrazie per il contributo.\n\n{AUTOMATIC_NOTICE}\n"
        ),
        ..NewEmail::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_decision_says_what_happened_and_why() {
        let yes = correction_decided(
            3,
            "a@example.org",
            "Anna",
            "Casarano 2022",
            true,
            "verificato",
            "http://x/osservatorio/1",
        );
        assert!(yes.body.contains("è stata accettata") && yes.body.contains("Motivazione: verificato"));
        assert!(yes.body.contains("http://x/osservatorio/1") && yes.subject.contains("Casarano 2022"));
        let no = correction_decided(4, "a@example.org", "Anna", "Casarano 2022", false, "", "http://x/osservatorio/1");
        assert!(no.body.contains("non è stata accettata") && !no.body.contains("Motivazione"));
        assert_ne!(yes.dedup_key, no.dedup_key);
    }
}

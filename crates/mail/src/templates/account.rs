//! The links that make an account: an office's invitation to choose a password, and
//! a representative's check of the address before the account is made.

use concerto_store::NewEmail;

use super::AUTOMATIC_NOTICE;

/// An invitation to `recipient`, who will work as `role` (its Italian name) in
/// `ambito` (none for the platform); `dedup_key` is unique per invitation.
pub fn account_invitation(
    dedup_key: String,
    recipient: &str,
    role: &str,
    ambito: Option<&str>,
    link: &str,
    valid_hours: i64,
) -> NewEmail {
    let place = ambito.map_or_else(|| "sulla piattaforma".to_string(), |a| format!("per l'{a}"));
    NewEmail {
        dedup_key,
        recipient: recipient.to_string(),
        subject: "Concerto – invito a creare il tuo account".to_string(),
        body: format!(
            "Gentile collega,\n\nsei stato invitato a usare Concerto come {role} {place}. Per scegliere la tua \
             password apri questo collegamento entro {valid_hours} ore:\n\n{link}\n\nIl collegamento vale una sola \
             volta. Dopo, accedi da /accedi con questo indirizzo e la password scelta.\n\n{AUTOMATIC_NOTICE}\n"
        ),
        ..NewEmail::default()
    }
}

/// The check of a representative's address: the link leads to choosing a password.
pub fn account_verification(dedup_key: String, recipient: &str, link: &str, valid_hours: i64) -> NewEmail {
    NewEmail {
        dedup_key,
        recipient: recipient.to_string(),
        subject: "Concerto – conferma dell'indirizzo per il tuo account".to_string(),
        body: format!(
            "Gentile rappresentante,\n\nè stato chiesto un account Concerto per questo indirizzo, per seguire i patti \
             di partecipazione della tua organizzazione da «I miei patti». Per confermare l'indirizzo e scegliere \
             la password apri questo collegamento entro {valid_hours} ore:\n\n{link}\n\nSe non l'hai chiesto tu, \
             ignora questo messaggio: nessun account sarà creato.\n\n{AUTOMATIC_NOTICE}\n"
        ),
        ..NewEmail::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_message_carries_its_link_and_its_validity() {
        let m = account_invitation(
            "invite:1".into(),
            "a@example.org",
            "redattore",
            Some("Ambito Territoriale Sociale di Bari"),
            "http://x/accedi/invito/abc",
            48,
        );
        assert!(
            m.body.contains("http://x/accedi/invito/abc")
                && m.body.contains("48 ore")
                && m.body.contains("per l'Ambito Territoriale Sociale di Bari")
        );
        let v = account_verification("verify:1".into(), "r@example.org", "http://x/accedi/verifica/def", 48);
        assert!(v.body.contains("http://x/accedi/verifica/def") && v.recipient == "r@example.org");
    }
}

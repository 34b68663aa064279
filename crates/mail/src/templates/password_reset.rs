//! The link to choose a new password, sent to whoever asked for it at /accedi.

use concerto_store::NewEmail;

use super::AUTOMATIC_NOTICE;

/// A reset link for `recipient`; `dedup_key` is unique per request.
pub fn password_reset(dedup_key: String, recipient: &str, link: &str, valid_minutes: i64) -> NewEmail {
    NewEmail {
        dedup_key,
        recipient: recipient.to_string(),
        subject: "Concerto – scelta di una nuova password".to_string(),
        body: format!(
            "Gentile utente,\n\nè stato chiesto di scegliere una nuova password per l'account Concerto legato a \
             questo indirizzo. Per sceglierla apri questo collegamento entro {valid_minutes} minuti:\n\n{link}\n\n\
             Il collegamento vale una sola volta. Se non hai chiesto tu il cambio, ignora questo messaggio: la \
             password attuale resta valida.\n\n{AUTOMATIC_NOTICE}\n"
        ),
        ..NewEmail::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_carries_the_link_and_its_validity() {
        let m = password_reset("reset:1".into(), "a@example.org", "http://x/accedi/password/abc", 60);
        assert!(m.body.contains("http://x/accedi/password/abc") && m.body.contains("60 minuti"));
        assert_eq!(m.recipient, "a@example.org");
    }
}

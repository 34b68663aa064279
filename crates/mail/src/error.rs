use concerto_store::StoreError;

/// Why a message could not be sent or the mailer could not start.
/// The Display texts are in Italian: the office may see them in the outbox's last error.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("configurazione della posta non valida: {0}")]
    Config(String),
    #[error("indirizzo e-mail non valido «{address}»: {reason}")]
    InvalidAddress { address: String, reason: String },
    #[error("messaggio non componibile: {0}")]
    Message(String),
    #[error("invio SMTP non riuscito: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("scrittura del file del messaggio non riuscita: {0}")]
    File(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl MailError {
    /// True when retrying can never help: the message itself is wrong. Everything else
    /// (server down, refusal, full disk) is retried, because a misconfigured or
    /// unreachable server must not make the outbox give up on its messages.
    pub fn is_permanent(&self) -> bool {
        matches!(self, MailError::InvalidAddress { .. } | MailError::Message(_))
    }
}

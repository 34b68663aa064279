//! Where messages go: an SMTP server, or `.eml` files in a directory when none is
//! configured (the embedded default, so a fresh install loses no message and an
//! office can open the files with any mail client).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use concerto_store::OutgoingEmail;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{MailError, message};

/// A server that accepts the connection but never answers must not hold a pass forever.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How to send mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// `smtp://user:pass@host:port`, `smtp://host:587?tls=required`, `smtps://host`;
    /// `None` writes `.eml` files into `outbox_dir` instead.
    pub smtp_url: Option<String>,
    /// The sender, e.g. `Concerto <noreply@concerto.invalid>`.
    pub from: String,
    pub outbox_dir: PathBuf,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: None,
            from: "Concerto <noreply@concerto.invalid>".into(),
            outbox_dir: PathBuf::from("./data/outbox"),
        }
    }
}

/// Sends one message at a time; cheap to clone (the SMTP pool is shared).
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl std::fmt::Debug for Mailer {
    // The SMTP URL may hold a password: show only where mail goes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let target = match &self.transport {
            Transport::Smtp(_) => "smtp".to_owned(),
            Transport::Files(dir) => dir.display().to_string(),
        };
        f.debug_struct("Mailer").field("from", &self.from.to_string()).field("to", &target).finish()
    }
}

impl Mailer {
    /// Checks the sender and the URL now, so a typo stops the server at startup
    /// instead of failing every message later. Call it inside a Tokio runtime: the SMTP
    /// pool starts a background task that closes idle connections.
    pub fn from_config(config: &MailConfig) -> Result<Mailer, MailError> {
        let from: Mailbox =
            config.from.parse().map_err(|e| MailError::Config(format!("mittente «{}»: {e}", config.from)))?;
        let transport = match config.smtp_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Config(format!("indirizzo SMTP: {e}")))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            None => Transport::Files(config.outbox_dir.clone()),
        };
        Ok(Mailer { from, transport })
    }

    /// Sends `email`, dated `now`. Sending it again sends the same message: same
    /// Message-ID, and in file mode the same file, overwritten.
    pub async fn send(&self, email: &OutgoingEmail, now: DateTime<Utc>) -> Result<(), MailError> {
        let message = message::build(email, &self.from, now)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Files(dir) => write_eml(dir, &message::file_name(&email.dedup_key), &message).await?,
        }
        Ok(())
    }
}

/// Writes through a temporary file and a rename, so a crash never leaves half a
/// message under the final name.
async fn write_eml(dir: &Path, name: &str, message: &Message) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let temp = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&temp, message.formatted()).await?;
    tokio::fs::rename(&temp, dir.join(name)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_configuration_is_refused_at_startup() {
        let bad_from = MailConfig { from: "nessuno".into(), ..MailConfig::default() };
        assert!(matches!(Mailer::from_config(&bad_from), Err(MailError::Config(_))));
        let bad_url = MailConfig { smtp_url: Some("ftp://example.org".into()), ..MailConfig::default() };
        assert!(matches!(Mailer::from_config(&bad_url), Err(MailError::Config(_))));
    }

    #[tokio::test]
    async fn every_url_form_is_understood() {
        for url in ["smtp://u:p@127.0.0.1:2525", "smtp://mail.example.org:587?tls=required", "smtps://mail.example.org"]
        {
            let config = MailConfig { smtp_url: Some(url.into()), ..MailConfig::default() };
            assert!(Mailer::from_config(&config).is_ok(), "{url}");
        }
    }
}

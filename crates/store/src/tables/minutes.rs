//! The minutes of a session and their attachments, kept in the database.

use chrono::{DateTime, Utc};
use concerto_domain::AuditEntry;

use crate::audit::audited;
use crate::rows::Columns;
use crate::{Result, Store, StoreError, on_pool};

/// An attachment as listed (its content is read on its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minutes {
    pub body: String,
    pub published: bool,
    pub updated_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentInfo>,
}

/// An attachment with its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFile {
    pub session_id: i64,
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

impl Store {
    /// Writes the minutes of a session, and adds an attachment when one is given,
    /// with the audit entry, in one transaction.
    pub async fn save_minutes(
        &self,
        session_id: i64,
        body: &str,
        published: bool,
        attachment: Option<(&str, &str, &[u8])>,
        audit: &AuditEntry,
    ) -> Result<()> {
        audited!(self, audit, |tx| {
            sqlx::query(
                "INSERT INTO session_minutes (session_id, body, published, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (session_id) DO UPDATE SET body = excluded.body, published = excluded.published,
                 updated_at = excluded.updated_at",
            )
            .bind(session_id)
            .bind(body)
            .bind(published)
            .bind(audit.at)
            .execute(&mut *tx)
            .await?;
            if let Some((filename, content_type, content)) = attachment {
                sqlx::query(
                    "INSERT INTO minute_attachments (session_id, filename, content_type, content, uploaded_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(session_id)
                .bind(filename)
                .bind(content_type)
                .bind(content)
                .bind(audit.at)
                .execute(&mut *tx)
                .await?;
            }
        })
    }

    /// The minutes of a session, when written.
    pub async fn minutes(&self, session_id: i64) -> Result<Option<Minutes>> {
        on_pool!(
            self,
            read | pool
                | {
                    let Some(row) = sqlx::query("SELECT * FROM session_minutes WHERE session_id = $1")
                        .bind(session_id)
                        .fetch_optional(pool)
                        .await?
                    else {
                        return Ok(None);
                    };
                    let files = sqlx::query(
                "SELECT id, filename, content_type, CAST(LENGTH(content) AS BIGINT) AS size FROM minute_attachments WHERE session_id = $1 ORDER BY id",
            )
            .bind(session_id)
            .fetch_all(pool)
            .await?;
                    let attachments = files
                        .iter()
                        .map(|f| {
                            Ok(AttachmentInfo {
                                id: f.int("id")?,
                                filename: f.text("filename")?,
                                content_type: f.text("content_type")?,
                                size: f.int("size")?,
                            })
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Ok(Some(Minutes {
                        body: row.text("body")?,
                        published: row.flag("published")?,
                        updated_at: row.instant("updated_at")?,
                        attachments,
                    }))
                }
        )
    }

    /// One attachment with its content.
    pub async fn minute_attachment(&self, id: i64) -> Result<AttachmentFile> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query(
                    "SELECT session_id, filename, content_type, content FROM minute_attachments WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound)?;
                Ok(AttachmentFile {
                    session_id: row.int("session_id")?,
                    filename: row.text("filename")?,
                    content_type: row.text("content_type")?,
                    content: sqlx::Row::try_get(&row, "content")?,
                })
            }
        )
    }
}

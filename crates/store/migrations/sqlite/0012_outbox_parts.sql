-- Messages with more than plain text: an HTML alternative, and files carried with
-- it (an inline image the HTML shows by its Content-ID, or an attachment).
ALTER TABLE outbox ADD COLUMN html TEXT;
CREATE TABLE outbox_attachments (
    id            INTEGER PRIMARY KEY,
    outbox_id     INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    content_id    TEXT,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    content       BLOB NOT NULL
);
CREATE INDEX outbox_attachments_message ON outbox_attachments(outbox_id);

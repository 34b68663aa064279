-- The register holds (issue 14): annulment instead of deletion, and management links
-- that outlive amendments and can be sent again.

-- An annulled registration (DPR 445/2000, art. 54) keeps its number. Its status
-- leaves 'active' as 'withdrawn' (the CHECK of 0004 cannot change on SQLite), and
-- these columns make it annulled: who, when and why.
ALTER TABLE expressions ADD COLUMN annulled_at TEXT;
ALTER TABLE expressions ADD COLUMN annulled_by TEXT;
ALTER TABLE expressions ADD COLUMN annulment_reason TEXT;

-- Every link that opens a registration, by the SHA-256 of its token. An amendment
-- moves the links to the new version, so a link in an older e-mail still opens the
-- current one; "send me my link again" adds a link rather than replacing one, so
-- nobody can take away the holder's link by asking for a new one.
CREATE TABLE expression_links (
    digest        TEXT PRIMARY KEY,
    expression_id INTEGER NOT NULL REFERENCES expressions(id),
    issued_at     TEXT NOT NULL
);
CREATE INDEX expression_links_expression ON expression_links(expression_id);
INSERT INTO expression_links (digest, expression_id, issued_at)
    SELECT manage_token_digest, id, received_at FROM expressions WHERE manage_token_digest IS NOT NULL;

-- A registration is never deleted.
CREATE TRIGGER expressions_never_deleted BEFORE DELETE ON expressions
BEGIN
    SELECT RAISE(ABORT, 'protocol registrations are annulled, never deleted');
END;

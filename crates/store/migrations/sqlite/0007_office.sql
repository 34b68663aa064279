-- The Ambito's texts its office edits, the generation of an account's sessions (a
-- password reset moves it, which ends every session signed in before), and the
-- password reset requests with their single-use tokens, kept as digests.
ALTER TABLE ambiti ADD COLUMN privacy_notice TEXT;
ALTER TABLE ambiti ADD COLUMN letterhead TEXT;
ALTER TABLE accounts ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;

-- Every request is recorded, for an account or not, so that throttling looks the
-- same whether the address belongs to an account or not.
CREATE TABLE password_resets (
    id           INTEGER PRIMARY KEY,
    email        TEXT NOT NULL,
    address      TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    account_id   INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    token_digest TEXT UNIQUE,
    expires_at   TEXT,
    used_at      TEXT
);
CREATE INDEX password_resets_email ON password_resets(email, requested_at);
CREATE INDEX password_resets_address ON password_resets(address, requested_at);

-- From an empty database to a running Ambito (issue 16): the first-run link, the
-- invitations of the office's staff and the e-mail checks of representatives, all
-- single-use links stored as the SHA-256 of their token; the Ambito's identity as
-- its list states it; and when an account last signed in.
CREATE TABLE account_links (
    digest     TEXT PRIMARY KEY,
    -- 'setup': creates the first platform administrator; 'invitation': sets the
    -- password of an invited account; 'verification': creates a representative's
    -- account at an address the link proved.
    purpose    TEXT NOT NULL CHECK (purpose IN ('setup', 'invitation', 'verification')),
    account_id INTEGER REFERENCES accounts(id),
    email      TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX account_links_account ON account_links(account_id);

ALTER TABLE accounts ADD COLUMN last_sign_in_at TEXT;
ALTER TABLE accounts ADD COLUMN terms_accepted_at TEXT;

ALTER TABLE ambiti ADD COLUMN short_code TEXT;
ALTER TABLE ambiti ADD COLUMN association_form TEXT
    CHECK (association_form IN ('convenzione', 'consorzio', 'unione-di-comuni', 'azienda-speciale'));
-- Where the row of a regional list came from (an act, a web page).
ALTER TABLE ambiti ADD COLUMN source TEXT;
-- The letterhead logo, PNG or SVG, checked by its content when uploaded.
ALTER TABLE ambiti ADD COLUMN logo BLOB;
ALTER TABLE ambiti ADD COLUMN logo_type TEXT;
-- Years after a process is closed before its personal data are anonymised.
ALTER TABLE ambiti ADD COLUMN retention_years INTEGER NOT NULL DEFAULT 5;

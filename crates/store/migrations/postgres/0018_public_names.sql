-- A private citizen's name appears in public only when they agreed (issue 22).
ALTER TABLE expressions ADD COLUMN public_name_consent BOOLEAN NOT NULL DEFAULT FALSE;

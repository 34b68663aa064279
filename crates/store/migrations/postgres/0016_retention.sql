-- Retention (issue 16): when a process was closed, and which rows of personal data
-- were anonymised once the Ambito's retention period after that close ran out.

-- Set when the office closes a process and cleared if it reopens it. Processes
-- closed before this column existed take their last change as the close: the
-- nearest date stored, and never earlier than the real one.
ALTER TABLE processes ADD COLUMN closed_at TIMESTAMPTZ;
UPDATE processes SET closed_at = updated_at WHERE status = 'closed';

-- A row with `anonymised_at` keeps its number, dates, states and counts; its names,
-- addresses, e-mails and tax code are replaced (the tax code by a placeholder unique
-- to the row, since the "one current per applicant" indexes still apply to it).
ALTER TABLE expressions ADD COLUMN anonymised_at TIMESTAMPTZ;
ALTER TABLE pacts ADD COLUMN anonymised_at TIMESTAMPTZ;
ALTER TABLE checkin_codes ADD COLUMN anonymised_at TIMESTAMPTZ;
ALTER TABLE attendances ADD COLUMN anonymised_at TIMESTAMPTZ;

-- Retention (issue 16) for the seats of sessions, whose table (0019) comes after
-- the version that brought retention (0016): like the other rows of personal data,
-- a seat keeps its state and dates and loses its holder's name, e-mail and tax code.
ALTER TABLE session_seats ADD COLUMN anonymised_at TIMESTAMPTZ;

-- Flows people can trust (issue 22): the ballot's life and its snapshot, proposals
-- sent with the form reaching the tables, and check-ins that can be undone.

-- A proposal sent with the expression form is a proposal at the tables too; it
-- follows the registration through its amendments. `public_name` is false for a
-- private citizen who did not agree to be named: public pages say "Cittadina/o".
ALTER TABLE table_proposals ADD COLUMN expression_id BIGINT REFERENCES expressions(id);
ALTER TABLE table_proposals ADD COLUMN public_name BOOLEAN NOT NULL DEFAULT TRUE;
CREATE UNIQUE INDEX table_proposals_expression ON table_proposals(expression_id);

-- The ballot opens when the office opens it.
ALTER TABLE table_work ADD COLUMN ballot_opened_at TIMESTAMPTZ;

-- The tally as it stood when the ballot closed: later merges or outcomes never
-- change the published result.
CREATE TABLE ballot_results (
    process_id        BIGINT NOT NULL REFERENCES processes(id),
    proposal_id       BIGINT NOT NULL REFERENCES table_proposals(id),
    position          INTEGER NOT NULL,
    points            INTEGER NOT NULL,
    first_preferences INTEGER NOT NULL,
    PRIMARY KEY (process_id, proposal_id)
);

-- A check-in undone by the office keeps its row, with who, when and why. Its code
-- moves to `annulled_code_id` so that the person can check in again.
ALTER TABLE attendances ADD COLUMN annulled_at TIMESTAMPTZ;
ALTER TABLE attendances ADD COLUMN annulled_by TEXT;
ALTER TABLE attendances ADD COLUMN annulment_reason TEXT;
ALTER TABLE attendances ADD COLUMN annulled_code_id BIGINT REFERENCES checkin_codes(id);

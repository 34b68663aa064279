-- The catalogue's revision: raised in the same transaction as every write to the
-- observatory's records, so that a search remembered at one revision is exact
-- until the next write, on every instance sharing the database.
CREATE TABLE observatory_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO observatory_revision (id, revision) VALUES (1, 0);

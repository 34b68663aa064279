-- Big archives (issue 21): a finished ZIP is kept in parts of about a megabyte
-- rather than in one value of its job's row, so that it is written from the
-- worker's temporary file and served to the office a part at a time, never held
-- whole in memory on either side. Every instance on the database still serves it.
-- Archives finished before this migration keep their content in archive_jobs.
CREATE TABLE archive_parts (
    job_id  INTEGER NOT NULL REFERENCES archive_jobs(id) ON DELETE CASCADE,
    part    INTEGER NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (job_id, part)
);

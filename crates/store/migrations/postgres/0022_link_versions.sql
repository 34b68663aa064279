-- Which version a management link was issued for (issue 22): an amendment moves
-- the link to the new version, and the page it opens then says that the version
-- the e-mail named was replaced, and by which number. Links issued before this
-- column existed have none; their page compares issue and receipt times instead.
ALTER TABLE expression_links ADD COLUMN issued_for_id BIGINT REFERENCES expressions(id);

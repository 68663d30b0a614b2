-- 0006_created_ms: a tweet's time as the API gives it, kept in the row.
--
-- Every read answers createdAt in whole milliseconds since the epoch.
-- Computed per row with floor(extract(epoch FROM created_at) * 1000),
-- that is numeric arithmetic on every tweet of every page, read far more
-- often than written; it was a tenth of the database's time for a home
-- timeline page (tests/bench/sql-compare.sh, docs/benchmarks.md). A
-- generated column computes it once, when the row is written, and COPY
-- and every INSERT fill it with no change of theirs. AT TIME ZONE 'UTC'
-- makes the expression immutable, as a generated column must be; the
-- value is the same instant.
--
-- Adding a stored generated column rewrites the table under an exclusive
-- lock: on a large deployment, run this migration in a quiet hour.

ALTER TABLE tweets ADD COLUMN created_ms bigint NOT NULL
	GENERATED ALWAYS AS
	(floor(extract(epoch FROM (created_at AT TIME ZONE 'UTC')) * 1000)::bigint)
	STORED;

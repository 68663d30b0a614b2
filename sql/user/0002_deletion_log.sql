-- 0002_deletion_log: the durable decisions of account deletion, the
-- two-phase commit that chirp-userd coordinates with chirp-tweetd.
-- A row 'commit' is written in the same transaction that deletes the
-- account; a row 'abort' is written when a participant asks about a gid
-- that has no decision yet, which makes the abort final.

CREATE TABLE deletion_log (
	gid text PRIMARY KEY,
	user_id bigint NOT NULL,
	decision text NOT NULL CHECK (decision IN ('commit', 'abort')),
	done boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now()
);

-- What the recovery thread retries.
CREATE INDEX deletion_log_pending ON deletion_log (created_at)
	WHERE decision = 'commit' AND NOT done;

-- 0003_token_gen: token revocation. Access tokens carry the generation of
-- their user ("gen"); POST /users/logout bumps it, which ends every token
-- issued before. token_gen_at says when it last changed, so that
-- GET /internal/revocations lists only changes younger than a token.

ALTER TABLE users
	ADD COLUMN token_gen bigint NOT NULL DEFAULT 0 CHECK (token_gen >= 0),
	ADD COLUMN token_gen_at timestamptz;

CREATE INDEX users_token_gen_at ON users (token_gen_at)
	WHERE token_gen_at IS NOT NULL;

-- Deleted accounts in the same window (their tokens are all dead).
CREATE INDEX deletion_log_commits ON deletion_log (created_at)
	WHERE decision = 'commit';

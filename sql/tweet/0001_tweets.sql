-- chirp-tweetd: tweets, idempotency keys, account-deletion tombstones and
-- the outbox of events that a prepared transaction may not NOTIFY itself.

CREATE TABLE tweets (
	id BIGSERIAL PRIMARY KEY,
	user_id BIGINT NOT NULL,
	username TEXT NOT NULL,
	content TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Every timeline is a range scan of one author's tweets, newest first.
CREATE INDEX tweets_user_id_id ON tweets (user_id, id DESC);

-- A POST /tweets with an Idempotency-Key: the first answer, replayed for
-- 24 hours. response is '' while the transaction that claimed the key runs.
CREATE TABLE idempotency_keys (
	user_id BIGINT NOT NULL,
	key TEXT NOT NULL,
	response TEXT NOT NULL,
	tweet_id BIGINT,
	created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Accounts deleted by chirp-userd's two-phase commit: their tokens may
-- still be valid for a while, but they post nothing more.
CREATE TABLE deleted_users (
	user_id BIGINT PRIMARY KEY,
	deleted_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Events written in a transaction that is PREPAREd (which may not NOTIFY),
-- published once it commits.
CREATE TABLE outbox (
	id BIGSERIAL PRIMARY KEY,
	channel TEXT NOT NULL,
	payload TEXT NOT NULL
);

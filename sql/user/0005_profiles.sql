-- 0005_profiles: a user's display name and bio (PATCH /users/{userId}) and
-- the count of its tweets and replies, kept from chirp-tweetd's events.
--
-- tweets_count is changed only together with tweet_replica.tweet_seq, in
-- one transaction under that row's lock: every tweet event is counted
-- exactly once, whichever chirp-userd instance applies it, and a restart
-- resumes after the last one applied.

ALTER TABLE users
	ADD COLUMN display_name text NOT NULL DEFAULT '',
	ADD COLUMN bio text NOT NULL DEFAULT '',
	ADD COLUMN tweets_count bigint NOT NULL DEFAULT 0
	    CHECK (tweets_count >= 0);

-- The seq of the last event of chirp-tweetd's log applied here; NULL
-- until the first catch-up sets it.
CREATE TABLE tweet_replica (
	only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
	tweet_seq bigint CHECK (tweet_seq >= 0)
);
INSERT INTO tweet_replica (tweet_seq) VALUES (NULL);

-- 0004_conversations: replies, mentions, likes and reposts (API.md
-- "Conversations").
--
-- The counts live in the tweet row and change in the transaction of the
-- reply, like or repost that changes them, so that a timeline page stays
-- one index range scan (no count per tweet at read time).
--
-- reply_to: the parent's id (NULL: none); it keeps naming a deleted
--   parent, whose thread then shows it as missing.
-- conversation_id: the first tweet of the thread (NULL: the tweet's own
--   id, for a tweet that replies to nothing).
-- mentions: the API's JSON [{"userId","username"}...] as resolved at post
--   time (common/model.h), '[]' for none.
-- repost_of: for a repost, the original; a repost is a row of its own
--   (content '') that enters timelines and feeds like a post.

ALTER TABLE tweets
	ADD COLUMN reply_to bigint,
	ADD COLUMN conversation_id bigint,
	ADD COLUMN mentions text NOT NULL DEFAULT '[]',
	ADD COLUMN reply_count bigint NOT NULL DEFAULT 0
	    CHECK (reply_count >= 0),
	ADD COLUMN like_count bigint NOT NULL DEFAULT 0
	    CHECK (like_count >= 0),
	ADD COLUMN repost_count bigint NOT NULL DEFAULT 0
	    CHECK (repost_count >= 0),
	ADD COLUMN repost_of bigint;

-- One repost per user and original, and the caller's "reposted" flag of a
-- page: repost_of = ANY(page) AND user_id = caller.
CREATE UNIQUE INDEX tweets_repost_of_user ON tweets (repost_of, user_id)
    WHERE repost_of IS NOT NULL;
-- A thread's direct replies, oldest first, paged by id.
CREATE INDEX tweets_reply_to_id ON tweets (reply_to, id)
    WHERE reply_to IS NOT NULL;

-- Who liked what. A like goes with its tweet (the cascade), so a deleted
-- tweet or account leaves none behind.
CREATE TABLE likes (
	tweet_id bigint NOT NULL REFERENCES tweets (id) ON DELETE CASCADE,
	user_id bigint NOT NULL,
	username text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tweet_id, user_id)
);
-- The likers of a tweet, newest first (GET /tweets/{id}/likes).
CREATE INDEX likes_tweet_created ON likes (tweet_id, created_at DESC,
    user_id DESC);
-- The caller's "liked" flag of a page: user_id = caller AND tweet_id =
-- ANY(page); and a deleted account's likes.
CREATE INDEX likes_user_tweet ON likes (user_id, tweet_id);

-- 0003_feed: the home timeline as a feed written at post time.
--
-- It lives in the tweet database, beside the tweets: a post, a delete and
-- the feed change they make commit together, and a read is one join in
-- one database, with no extra service on the hottest route.
--
-- follows is a replica of chirp-userd's follow graph, fed by its events
-- (follow, unfollow, user_deleted) exactly once: replica_state.user_seq is
-- the last of chirp-userd's event log applied, updated in the
-- transaction of each change (server/tweet/feed.c).

CREATE TABLE follows (
	follower_id bigint NOT NULL,
	followee_id bigint NOT NULL,
	PRIMARY KEY (follower_id, followee_id)
);
-- The fan-out of a post: every follower of its author.
CREATE INDEX follows_followee ON follows (followee_id, follower_id);

-- One row. user_seq NULL: never filled; the service bootstraps the
-- replica from chirp-userd (GET /internal/follows) before serving feeds.
CREATE TABLE replica_state (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	user_seq bigint CHECK (user_seq >= 0)
);
INSERT INTO replica_state (user_seq) VALUES (NULL);

-- Per author: followers in the replica, and whether the author is
-- popular (followers above the feed_popular setting at a post). A
-- popular author's posts are not fanned out; reads merge them in. The
-- flag stays once set, so that nothing posted while popular is missed.
CREATE TABLE feed_authors (
	author_id bigint PRIMARY KEY,
	followers bigint NOT NULL DEFAULT 0 CHECK (followers >= 0),
	popular boolean NOT NULL DEFAULT false
);
CREATE INDEX feed_authors_popular ON feed_authors (author_id) WHERE popular;

-- The readers whose feed is kept: fan-out writes only theirs. horizon:
-- the feed holds every tweet of its (non-popular) authors with an id at
-- or above it; below, a read falls back to the authors' timelines.
-- NULL while the feed is being built. seen_at: the last read, for
-- dropping the feeds of readers who are away (feed_keep_days).
CREATE TABLE feed_readers (
	reader_id bigint PRIMARY KEY,
	horizon bigint,
	seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feed_readers_seen_at ON feed_readers (seen_at);

-- The feed: newest first by tweet id, capped per reader (feed_cap).
-- reposter_id is for reposts (a later issue): the entry "tweet_id,
-- reposted by reposter_id"; 0 for the author's own post.
CREATE TABLE feed (
	reader_id bigint NOT NULL,
	tweet_id bigint NOT NULL,
	author_id bigint NOT NULL,
	reposter_id bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (reader_id, tweet_id, reposter_id)
);

-- The bulk-load contract (docs/HACKING.md): after COPYing rows into
-- follows (and tweets) without events, call this with chirp-userd's
-- newest event seq (SELECT coalesce(max(seq), 0) FROM event_log there).
-- It recounts the followers, drops every feed (rebuilt on first read)
-- and sets the replica's position.
CREATE FUNCTION feed_bulk_loaded(user_seq bigint) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(1717, 0);
	TRUNCATE feed, feed_readers, feed_authors;
	INSERT INTO feed_authors (author_id, followers)
	    SELECT followee_id, count(*) FROM follows GROUP BY followee_id;
	UPDATE replica_state SET user_seq = feed_bulk_loaded.user_seq;
END $$;
